// Backward formulas of reductions and scans, written with differentiable ops so that create_graph
// records them (higher-order gradients).
#include "core/autograd/derivatives/reduce.h"

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/assemble.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(sum);
TFL_DIFFERENTIABLE(mean);
TFL_DIFFERENTIABLE(prod);
TFL_DIFFERENTIABLE(max);
TFL_DIFFERENTIABLE(min);
TFL_DIFFERENTIABLE(var);
TFL_DIFFERENTIABLE(std);
TFL_DIFFERENTIABLE(logsumexp);
TFL_DIFFERENTIABLE(cumsum);
TFL_DIFFERENTIABLE(cumprod);

namespace {

// in_shape with size 1 on the reduced axes: the keepdims shape of the reduction.
Shape kept_shape(const Shape& in_shape, const std::vector<int64_t>& axes) {
  Shape keep = in_shape;
  if (axes.empty()) {
    for (int i = 0; i < keep.size(); ++i) keep[i] = 1;
  } else {
    for (int64_t ax : axes) keep[normalize_axis(ax, in_shape.size(), "reduce backward")] = 1;
  }
  return keep;
}

// A reduction result (or its gradient) with the reduced axes kept as size 1, so it broadcasts against
// the input.
Tensor with_kept_axes(const Tensor& t, const Shape& in_shape, const std::vector<int64_t>& axes, bool keepdims) {
  return keepdims ? t : reshape(t, kept_shape(in_shape, axes));
}

// t * s through the tensor-tensor mul, which records its own backward.
Tensor scaled(const Tensor& t, double s) { return mul(t, scalar_tensor(s, t.dtype())); }

// Number of elements folded into each result element.
int64_t reduced_count(const Shape& in_shape, const std::vector<int64_t>& axes) {
  const int64_t kept = shape_numel(kept_shape(in_shape, axes));
  return kept == 0 ? 0 : shape_numel(in_shape) / kept;
}

// Sum of g's suffixes along `axis`: r[i] = sum_{j >= i} g[j] (the adjoint of cumsum).
Tensor reverse_cumsum(const Tensor& g, int64_t axis) { return flip(cumsum(flip(g, {axis}), axis), {axis}); }

}  // namespace

Tensor expand_reduced(const Tensor& g, const Shape& in_shape, const std::vector<int64_t>& axes, bool keepdims) {
  return broadcast_to(with_kept_axes(g, in_shape, axes, keepdims), in_shape);
}

void record_sum(const Tensor& a, const std::vector<int64_t>& axes, bool keepdims, const Tensor& out) {
  Shape in_shape = a.shape();
  DType dt = a.dtype();
  record("sum", {a}, {out}, {}, [in_shape, axes, keepdims, dt](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
    return std::vector<Tensor>{grad_like(expand_reduced(g[0], in_shape, axes, keepdims), dt)};
  });
}

void record_mean(const Tensor& a, const std::vector<int64_t>& axes, bool keepdims, const Tensor& out) {
  Shape in_shape = a.shape();
  DType dt = a.dtype();
  record("mean", {a}, {out}, {}, [in_shape, axes, keepdims, dt](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
    const int64_t n = reduced_count(in_shape, axes);
    // n == 0: an empty reduction of an empty input; its gradient is empty too.
    Tensor gi = expand_reduced(scaled(g[0], n == 0 ? 0.0 : 1.0 / static_cast<double>(n)), in_shape, axes, keepdims);
    return std::vector<Tensor>{grad_like(gi, dt)};
  });
}

// Note [prod gradient with zeros]
// d prod / d a_i is the product of the other elements. Where a slice has no zero that is out / a_i.
// With exactly one zero, only the zero's position has a non-zero derivative: the product of the
// non-zero elements. With two or more zeros every derivative is 0. So
//   grad = g * where(a == 0, where(zeros == 1, prod(a with zeros replaced by 1), 0), out / a_safe)
// where a_safe replaces zeros by 1 (out / a_safe is 0 at non-zero positions of a slice with a zero).
void record_prod(const Tensor& a, const std::vector<int64_t>& axes, bool keepdims, const Tensor& out) {
  Shape in_shape = a.shape();
  record("prod", {a}, {out}, {SavedTensor(a), SavedTensor(out)},
         [in_shape, axes, keepdims](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& a = s[0].unpack("prod");
           const Tensor& out = s[1].unpack("prod");
           Tensor is_zero = eq(a, 0.0);
           Tensor one = scalar_tensor(1.0, a.dtype()), zero = scalar_tensor(0.0, a.dtype());
           Tensor a_safe = where(is_zero, one, a);
           Tensor zeros_per_slice = sum(to_dtype(is_zero, DType::I64), axes, /*keepdims=*/true);
           Tensor out_k = with_kept_axes(out, in_shape, axes, keepdims);
           Tensor others_nonzero = prod(a_safe, axes, /*keepdims=*/true);
           Tensor at_zero = where(eq(zeros_per_slice, 1.0), others_nonzero, zero);
           Tensor d = where(is_zero, at_zero, div(out_k, a_safe));
           Tensor gk = with_kept_axes(g[0], in_shape, axes, keepdims);
           return std::vector<Tensor>{grad_like(mul(gk, d), a.dtype())};
         });
}

// Like PyTorch's amax/amin: ties share the gradient evenly (a subgradient that keeps sums of
// maxima symmetric), rather than sending it all to the first extremum.
void record_extremum(const char* name, const Tensor& a, const std::vector<int64_t>& axes, bool keepdims,
                     const Tensor& out) {
  Shape in_shape = a.shape();
  const std::string op = name;
  record(name, {a}, {out}, {SavedTensor(a), SavedTensor(out)},
         [in_shape, axes, keepdims, op](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& a = s[0].unpack(op);
           const Tensor& out = s[1].unpack(op);
           Tensor hit = to_dtype(eq(a, with_kept_axes(out, in_shape, axes, keepdims)), a.dtype());
           Tensor count = sum(hit, axes, /*keepdims=*/true);
           Tensor gk = with_kept_axes(g[0], in_shape, axes, keepdims);
           return std::vector<Tensor>{grad_like(mul(div(gk, count), hit), a.dtype())};
         });
}

// d var / d a_i = 2 (a_i - mean) / (N - correction).
void record_var(const Tensor& a, const std::vector<int64_t>& axes, double correction, bool keepdims,
                const Tensor& out) {
  Shape in_shape = a.shape();
  record("var", {a}, {out}, {SavedTensor(a)},
         [in_shape, axes, correction, keepdims](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& a = s[0].unpack("var");
           const double dof = static_cast<double>(reduced_count(in_shape, axes)) - correction;
           Tensor centered = sub(a, mean(a, axes, /*keepdims=*/true));
           Tensor gk = with_kept_axes(g[0], in_shape, axes, keepdims);
           return std::vector<Tensor>{grad_like(mul(scaled(gk, 2.0 / dof), centered), a.dtype())};
         });
}

// d std / d a_i = (a_i - mean) / ((N - correction) * std).
void record_std(const Tensor& a, const std::vector<int64_t>& axes, double correction, bool keepdims,
                const Tensor& out) {
  Shape in_shape = a.shape();
  record("std", {a}, {out}, {SavedTensor(a), SavedTensor(out)},
         [in_shape, axes, correction, keepdims](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& a = s[0].unpack("std");
           const Tensor& out = s[1].unpack("std");
           const double dof = static_cast<double>(reduced_count(in_shape, axes)) - correction;
           Tensor centered = sub(a, mean(a, axes, /*keepdims=*/true));
           Tensor gk = with_kept_axes(div(g[0], out), in_shape, axes, keepdims);
           return std::vector<Tensor>{grad_like(mul(scaled(gk, 1.0 / dof), centered), a.dtype())};
         });
}

// d logsumexp / d a_i = exp(a_i - logsumexp): the softmax of the input over the reduced axes.
void record_logsumexp(const Tensor& a, const std::vector<int64_t>& axes, bool keepdims, const Tensor& out) {
  Shape in_shape = a.shape();
  record("logsumexp", {a}, {out}, {SavedTensor(a), SavedTensor(out)},
         [in_shape, axes, keepdims](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& a = s[0].unpack("logsumexp");
           const Tensor& out = s[1].unpack("logsumexp");
           Tensor softmax = exp(sub(a, with_kept_axes(out, in_shape, axes, keepdims)));
           Tensor gk = with_kept_axes(g[0], in_shape, axes, keepdims);
           return std::vector<Tensor>{grad_like(mul(gk, softmax), a.dtype())};
         });
}

void record_cumsum(const Tensor& a, int64_t axis, const Tensor& out) {
  DType dt = a.dtype();
  const int64_t ax = a.ndim() == 0 ? 0 : normalize_axis(axis, a.ndim(), "cumsum");
  const bool scalar = a.ndim() == 0;
  record("cumsum", {a}, {out}, {}, [dt, ax, scalar](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
    return std::vector<Tensor>{grad_like(scalar ? g[0] : reverse_cumsum(g[0], ax), dt)};
  });
}

// out_j = prod_{k <= j} a_k, so d out_j / d a_i = out_j / a_i for j >= i and
// grad_i = reverse_cumsum(g * out)_i / a_i. Exact where a_i != 0; at a zero input this divides by
// zero (inf/NaN gradients), a documented limitation of cumprod's backward.
void record_cumprod(const Tensor& a, int64_t axis, const Tensor& out) {
  const int64_t ax = a.ndim() == 0 ? 0 : normalize_axis(axis, a.ndim(), "cumprod");
  const bool scalar = a.ndim() == 0;
  record("cumprod", {a}, {out}, {SavedTensor(a), SavedTensor(out)},
         [ax, scalar](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& a = s[0].unpack("cumprod");
           const Tensor& out = s[1].unpack("cumprod");
           if (scalar) return std::vector<Tensor>{grad_like(g[0], a.dtype())};
           return std::vector<Tensor>{grad_like(div(reverse_cumsum(mul(g[0], out), ax), a), a.dtype())};
         });
}

}  // namespace tfl::autograd
