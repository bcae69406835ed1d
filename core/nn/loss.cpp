// Loss functions: validation plus a composition of differentiable core ops (no loops over data here).
#include "core/nn/loss.h"

#include "core/error.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/indexing.h"
#include "core/ops/nn.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"

namespace tfl::nn {
namespace {

void check_float(const Tensor& t, const char* op, const char* arg) {
  check_defined(t, op, arg);
  if (!is_floating(t.dtype()))
    TFL_THROW(DTypeError, op, arg, " must have a floating dtype, got ", dtype_name(t.dtype()));
}

void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
  if (input.shape() != target.shape())
    TFL_THROW(ShapeError, op, "input of shape ", shape_str(input.shape()), " and target of shape ",
              shape_str(target.shape()), " must have the same shape");
}

// Checks the pair of a regression loss and returns input - target.
Tensor checked_diff(const Tensor& input, const Tensor& target, const char* op) {
  check_float(input, op, "input");
  check_float(target, op, "target");
  check_same_shape(input, target, op);
  return sub(input, target);
}

Tensor reduce(const Tensor& loss, Reduction reduction, const char* op) {
  switch (reduction) {
    case Reduction::kNone: return loss;
    case Reduction::kSum: return sum(loss);
    case Reduction::kMean: return mean(loss);
    case Reduction::kBatchMean: break;
  }
  TFL_THROW(InvalidArgumentError, op, "reduction batchmean is only supported by kl_div");
}

// Class axis of logits/log-probabilities: 0 for 1-D input, 1 otherwise.
int64_t class_axis_of(const Tensor& input, const char* op) {
  if (input.ndim() == 0)
    TFL_THROW(ShapeError, op, "input must have a class axis, got a 0-d tensor");
  return input.ndim() == 1 ? 0 : 1;
}

// `weight` (1-D, C) reshaped to broadcast along the class axis of an ndim-dimensional input.
Tensor class_weight_view(const Tensor& weight, int ndim, int64_t class_axis) {
  Shape s;
  for (int d = 0; d < ndim; ++d) s.push_back(d == class_axis ? weight.numel() : 1);
  return reshape(weight, s);
}

void check_class_weight(const Tensor& weight, int64_t C, const char* op) {
  if (!weight.defined()) return;
  check_float(weight, op, "weight");
  if (weight.ndim() != 1 || weight.numel() != C)
    TFL_THROW(ShapeError, op, "weight must be 1-D with one entry per class (", C, "), got shape ",
              shape_str(weight.shape()));
}

// Validates class-index targets against log-probabilities `logp`; returns the per-sample mask of
// non-ignored targets.
Tensor check_index_target(const Tensor& logp, const Tensor& target, int64_t class_axis, int64_t ignore_index,
                          const char* op) {
  if (target.dtype() != DType::I32 && target.dtype() != DType::I64)
    TFL_THROW(DTypeError, op, "class-index target must be i32 or i64, got ", dtype_name(target.dtype()));
  Shape expected = logp.shape();
  expected.erase(static_cast<int>(class_axis));
  if (target.shape() != expected)
    TFL_THROW(ShapeError, op, "target of shape ", shape_str(target.shape()), " does not match input of shape ",
              shape_str(logp.shape()), " (expected ", shape_str(expected), ")");
  const int64_t C = logp.size(class_axis);
  Tensor valid = ne(target, static_cast<double>(ignore_index));
  Tensor bad = logical_and(valid, logical_or(lt(target, 0.0), ge(target, static_cast<double>(C))));
  if (any(bad).item() != 0.0) {
    Tensor values = masked_select(target, bad);
    const auto first = static_cast<int64_t>(values.as_strided({}, {}, values.offset()).item());
    TFL_THROW(IndexError, op, "target value ", first, " is out of range for ", C, " classes (expected [0, ", C,
              ") or ignore_index ", ignore_index, ")");
  }
  return valid;
}

// The weighted negative log-likelihood at class indices, reduced. `valid` from check_index_target.
struct Nll {
  Tensor loss;     // reduced
  Tensor weights;  // per-sample weight (0 where ignored), for the mean's divisor
};

Nll nll_core(const Tensor& logp, const Tensor& target, const Tensor& valid, const Tensor& weight,
             Reduction reduction, int64_t class_axis, const char* op) {
  Tensor safe = where(valid, target, zeros({}, target.dtype()));
  Tensor picked = squeeze(take_along_axis(logp, unsqueeze(safe, class_axis), class_axis), {class_axis});
  Tensor valid_f = to_dtype(valid, logp.dtype());
  Tensor w = weight.defined() ? mul(take(cast_if_needed(weight, logp.dtype()), safe), valid_f) : valid_f;
  Tensor loss = neg(mul(picked, w));
  switch (reduction) {
    case Reduction::kNone: return {loss, w};
    case Reduction::kSum: return {sum(loss), w};
    case Reduction::kMean: return {div(sum(loss), sum(w)), w};
    case Reduction::kBatchMean: break;
  }
  TFL_THROW(InvalidArgumentError, op, "reduction batchmean is only supported by kl_div");
}

}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return reduce(square(checked_diff(input, target, "mse_loss")), reduction, "mse_loss");
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return reduce(abs(checked_diff(input, target, "l1_loss")), reduction, "l1_loss");
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction, double beta) {
  const char* op = "smooth_l1_loss";
  if (!(beta >= 0.0)) TFL_THROW(InvalidArgumentError, op, "beta must be >= 0, got ", beta);
  Tensor d = checked_diff(input, target, op);
  Tensor ad = abs(d);
  if (beta == 0.0) return reduce(ad, reduction, op);
  Tensor loss = where(lt(ad, beta), mul(square(d), 0.5 / beta), sub(ad, 0.5 * beta));
  return reduce(loss, reduction, op);
}

Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction, double delta) {
  const char* op = "huber_loss";
  if (!(delta > 0.0)) TFL_THROW(InvalidArgumentError, op, "delta must be > 0, got ", delta);
  Tensor d = checked_diff(input, target, op);
  Tensor ad = abs(d);
  Tensor loss = where(le(ad, delta), mul(square(d), 0.5), mul(sub(ad, 0.5 * delta), delta));
  return reduce(loss, reduction, op);
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const CrossEntropyOptions& o) {
  const char* op = "nll_loss";
  check_float(input, op, "input");
  check_defined(target, op, "target");
  if (o.label_smoothing != 0.0)
    TFL_THROW(InvalidArgumentError, op, "label_smoothing is only supported by cross_entropy");
  const int64_t axis = class_axis_of(input, op);
  check_class_weight(o.weight, input.size(axis), op);
  Tensor valid = check_index_target(input, target, axis, o.ignore_index, op);
  return nll_core(input, target, valid, o.weight, o.reduction, axis, op).loss;
}

Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyOptions& o) {
  const char* op = "cross_entropy";
  check_float(logits, op, "logits");
  check_defined(target, op, "target");
  const int64_t axis = class_axis_of(logits, op);
  const int64_t C = logits.size(axis);
  check_class_weight(o.weight, C, op);
  const double eps = o.label_smoothing;
  if (!(eps >= 0.0 && eps <= 1.0))
    TFL_THROW(InvalidArgumentError, op, "label_smoothing must lie in [0, 1], got ", eps);
  if (o.reduction == Reduction::kBatchMean)
    TFL_THROW(InvalidArgumentError, op, "reduction batchmean is only supported by kl_div");
  Tensor wb = o.weight.defined() ? class_weight_view(cast_if_needed(o.weight, logits.dtype()), logits.ndim(), axis)
                                 : Tensor();

  if (is_floating(target.dtype())) {  // class probabilities
    if (target.shape() != logits.shape())
      TFL_THROW(ShapeError, op, "probability target of shape ", shape_str(target.shape()),
                " must match logits of shape ", shape_str(logits.shape()));
    Tensor logp = log_softmax(logits, axis);
    Tensor t = eps > 0.0 ? add(mul(target, 1.0 - eps), eps / static_cast<double>(C)) : target;
    Tensor prod = mul(logp, t);
    if (wb.defined()) prod = mul(prod, wb);
    switch (o.reduction) {
      case Reduction::kNone: return neg(sum(prod, {axis}));
      case Reduction::kSum: return neg(sum(prod));
      default: {
        const double samples = C == 0 ? 0.0 : static_cast<double>(logits.numel() / C);
        return div(neg(sum(prod)), samples);  // 0 samples: 0 / 0 = NaN, like PyTorch
      }
    }
  }

  Tensor logp = log_softmax(logits, axis);
  Tensor valid = check_index_target(logp, target, axis, o.ignore_index, op);
  Nll nll = nll_core(logp, target, valid, o.weight, o.reduction, axis, op);
  if (eps == 0.0) return nll.loss;
  // Label smoothing adds eps / C times the (weighted) sum of -log p over all classes.
  Tensor smooth = neg(sum(wb.defined() ? mul(logp, wb) : logp, {axis}));
  smooth = mul(smooth, to_dtype(valid, logp.dtype()));
  Tensor ret;
  switch (o.reduction) {
    case Reduction::kNone: ret = smooth; break;
    case Reduction::kSum: ret = sum(smooth); break;
    default: ret = div(sum(smooth), sum(nll.weights)); break;
  }
  return add(mul(nll.loss, 1.0 - eps), mul(ret, eps / static_cast<double>(C)));
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, Reduction reduction,
                                        const Tensor& weight, const Tensor& pos_weight) {
  const char* op = "binary_cross_entropy_with_logits";
  check_float(input, op, "input");
  check_float(target, op, "target");
  check_same_shape(input, target, op);
  if (weight.defined()) {
    check_float(weight, op, "weight");
    broadcast_shapes(weight.shape(), input.shape(), op);
  }
  if (pos_weight.defined()) {
    check_float(pos_weight, op, "pos_weight");
    broadcast_shapes(pos_weight.shape(), input.shape(), op);
  }
  // -log s(x) = softplus(-x) and -log(1 - s(x)) = x + softplus(-x): no exp of a large argument.
  Tensor sp = softplus(neg(input));
  Tensor lw = pos_weight.defined() ? add(mul(sub(pos_weight, 1.0), target), 1.0) : Tensor();
  Tensor loss = add(mul(sub(1.0, target), input), lw.defined() ? mul(lw, sp) : sp);
  if (weight.defined()) loss = mul(loss, weight);
  if (loss.shape() != input.shape())
    TFL_THROW(ShapeError, op, "weight or pos_weight would broadcast the loss to shape ", shape_str(loss.shape()),
              ", not the input's ", shape_str(input.shape()));
  return reduce(loss, reduction, op);
}

Tensor kl_div(const Tensor& input, const Tensor& target, Reduction reduction, bool log_target) {
  const char* op = "kl_div";
  check_float(input, op, "input");
  check_float(target, op, "target");
  check_same_shape(input, target, op);
  Tensor loss;
  if (log_target) {
    loss = mul(exp(target), sub(target, input));
  } else {
    // target * log(target) with 0 log 0 = 0: log is taken of 1 where target is 0 so that neither the
    // value nor its gradient becomes NaN.
    Tensor pos = gt(target, 0.0);
    Tensor safe = where(pos, target, ones({}, target.dtype()));
    loss = mul(target, sub(log(safe), input));
  }
  if (reduction == Reduction::kBatchMean) {
    const double batch = input.ndim() == 0 ? 1.0 : static_cast<double>(input.size(0));
    return div(sum(loss), batch);
  }
  return reduce(loss, reduction, op);
}

}  // namespace tfl::nn
