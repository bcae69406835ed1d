// Normalisation layers as compositions of reductions (mean, var) and elementwise ops, so autograd
// comes from the ops. A fused kernel (one pass for the statistics and the normalisation) is left
// for later, when profiles show these layers matter.
#include "core/nn/norm.h"

#include <sstream>

#include "core/autograd/grad_mode.h"
#include "core/error.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"

namespace tfl::nn {
namespace {

void check_float(const char* op, DType dtype) {
  if (!is_floating(dtype)) TFL_THROW(DTypeError, op, "parameters need a floating dtype, got ", dtype_name(dtype));
}

void check_input_float(const char* op, const Tensor& x) {
  if (!is_floating(x.dtype())) TFL_THROW(DTypeError, op, "expects a floating input, got ", dtype_name(x.dtype()));
}

// Shape (1, C, 1, ...) with x's rank, so per-channel tensors broadcast over axis 1.
Shape channel_shape(int ndim, int64_t c) {
  Shape s;
  for (int i = 0; i < ndim; ++i) s.push_back(i == 1 ? c : 1);
  return s;
}

// The last k axes, as negative indices.
AxisList trailing_axes(int k) {
  AxisList axes;
  for (int i = k; i > 0; --i) axes.push_back(-i);
  return axes;
}

void check_trailing(const char* op, const Tensor& x, const Shape& normalized) {
  int k = normalized.size();
  bool ok = x.ndim() >= k;
  for (int i = 0; ok && i < k; ++i) ok = x.shape()[x.ndim() - k + i] == normalized[i];
  if (!ok)
    TFL_THROW(ShapeError, op, "expects an input whose trailing dimensions are ", shape_str(normalized), ", got ",
              shape_str(x.shape()));
}

void check_normalized_shape(const char* op, const Shape& s) {
  if (s.size() == 0) TFL_THROW(LayerConfigError, op, "normalized_shape must have at least one dimension");
  for (int i = 0; i < s.size(); ++i)
    if (s[i] <= 0) TFL_THROW(LayerConfigError, op, "normalized_shape must be positive, got ", shape_str(s));
}

double machine_epsilon(DType dt) {
  switch (dt) {
    case DType::F64:
      return 2.220446049250313e-16;
    case DType::F16:
      return 9.765625e-04;
    case DType::BF16:
      return 0.0078125;
    default:
      return 1.1920928955078125e-07;
  }
}

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

// --- BatchNorm ---------------------------------------------------------------------------------------

BatchNorm::BatchNorm(const char* type_name, int min_ndim, int max_ndim, int64_t num_features, double eps,
                     std::optional<double> momentum, bool affine, bool track_running_stats, DType dtype)
    : UnaryModule(type_name), min_ndim_(min_ndim), max_ndim_(max_ndim), num_features_(num_features), eps_(eps),
      momentum_(momentum) {
  if (num_features <= 0) TFL_THROW(LayerConfigError, type_name, "num_features must be positive, got ", num_features);
  if (!(eps >= 0.0)) TFL_THROW(LayerConfigError, type_name, "eps must be >= 0, got ", eps);
  if (momentum && !(*momentum >= 0.0 && *momentum <= 1.0))
    TFL_THROW(LayerConfigError, type_name, "momentum must be in [0, 1], got ", *momentum);
  check_float(type_name, dtype);
  weight_ = register_parameter("weight", affine ? ones({num_features}, dtype) : Tensor());
  bias_ = register_parameter("bias", affine ? zeros({num_features}, dtype) : Tensor());
  if (track_running_stats) {
    running_mean_ = register_buffer("running_mean", zeros({num_features}, dtype));
    running_var_ = register_buffer("running_var", ones({num_features}, dtype));
    num_batches_tracked_ = register_buffer("num_batches_tracked", zeros({}, DType::I64));
  }
}

Tensor BatchNorm::forward_one(const Tensor& x) {
  const char* op = type_name().c_str();
  if (x.ndim() < min_ndim_ || x.ndim() > max_ndim_ || x.shape()[1] != num_features_) {
    std::string want = min_ndim_ == max_ndim_ ? std::to_string(min_ndim_) + "-D"
                                              : std::to_string(min_ndim_) + "-D or " + std::to_string(max_ndim_) + "-D";
    TFL_THROW(ShapeError, op, "expects a ", want, " input with ", num_features_, " channels on axis 1, got ",
              shape_str(x.shape()));
  }
  check_input_float(op, x);
  Shape cs = channel_shape(x.ndim(), num_features_);
  AxisList axes;
  for (int i = 0; i < x.ndim(); ++i)
    if (i != 1) axes.push_back(i);
  Tensor mu, variance;
  bool tracking = running_mean_.defined();
  if (is_training() || !tracking) {
    int64_t n = x.numel() / num_features_;
    if (is_training() && n <= 1)
      TFL_THROW(InvalidArgumentError, op, "training needs more than 1 value per channel, got input of shape ",
                shape_str(x.shape()));
    mu = mean(x, axes, true);
    variance = var(x, axes, 0.0, true);
    if (is_training() && tracking) {
      autograd::NoGradGuard no_grad;
      copy_(num_batches_tracked_, add(num_batches_tracked_, 1.0));
      double f = momentum_ ? *momentum_ : 1.0 / num_batches_tracked_.item();
      Tensor batch_mean = reshape(mu, {num_features_});
      Tensor batch_var = mul(reshape(variance, {num_features_}), static_cast<double>(n) / static_cast<double>(n - 1));
      copy_(running_mean_, add(mul(running_mean_, 1.0 - f), mul(batch_mean, f)));
      copy_(running_var_, add(mul(running_var_, 1.0 - f), mul(batch_var, f)));
    }
  } else {
    mu = reshape(running_mean_, cs);
    variance = reshape(running_var_, cs);
  }
  Tensor y = mul(sub(x, mu), rsqrt(add(variance, eps_)));
  if (weight_.defined()) y = add(mul(y, reshape(weight_, cs)), reshape(bias_, cs));
  return y;
}

std::string BatchNorm::extra_repr() const {
  return std::to_string(num_features_) + ", eps=" + fmt(eps_) +
         ", momentum=" + (momentum_ ? fmt(*momentum_) : std::string("None")) +
         ", affine=" + (weight_.defined() ? "true" : "false") +
         ", track_running_stats=" + (running_mean_.defined() ? "true" : "false");
}

// --- LayerNorm ---------------------------------------------------------------------------------------

LayerNorm::LayerNorm(Shape normalized_shape, double eps, bool elementwise_affine, bool bias, DType dtype)
    : UnaryModule("LayerNorm"), shape_(normalized_shape), eps_(eps) {
  check_normalized_shape("LayerNorm", normalized_shape);
  if (!(eps >= 0.0)) TFL_THROW(LayerConfigError, "LayerNorm", "eps must be >= 0, got ", eps);
  check_float("LayerNorm", dtype);
  weight_ = register_parameter("weight", elementwise_affine ? ones(normalized_shape, dtype) : Tensor());
  bias_ = register_parameter("bias", elementwise_affine && bias ? zeros(normalized_shape, dtype) : Tensor());
}

Tensor LayerNorm::forward_one(const Tensor& x) {
  check_trailing("LayerNorm", x, shape_);
  check_input_float("LayerNorm", x);
  AxisList axes = trailing_axes(shape_.size());
  Tensor y = mul(sub(x, mean(x, axes, true)), rsqrt(add(var(x, axes, 0.0, true), eps_)));
  if (weight_.defined()) y = mul(y, weight_);
  if (bias_.defined()) y = add(y, bias_);
  return y;
}

std::string LayerNorm::extra_repr() const {
  return shape_str(shape_) + ", eps=" + fmt(eps_) + ", elementwise_affine=" + (weight_.defined() ? "true" : "false");
}

// --- RMSNorm -----------------------------------------------------------------------------------------

RMSNorm::RMSNorm(Shape normalized_shape, std::optional<double> eps, bool elementwise_affine, DType dtype)
    : UnaryModule("RMSNorm"), shape_(normalized_shape), eps_(eps) {
  check_normalized_shape("RMSNorm", normalized_shape);
  if (eps && !(*eps >= 0.0)) TFL_THROW(LayerConfigError, "RMSNorm", "eps must be >= 0, got ", *eps);
  check_float("RMSNorm", dtype);
  weight_ = register_parameter("weight", elementwise_affine ? ones(normalized_shape, dtype) : Tensor());
}

Tensor RMSNorm::forward_one(const Tensor& x) {
  check_trailing("RMSNorm", x, shape_);
  check_input_float("RMSNorm", x);
  double eps = eps_ ? *eps_ : machine_epsilon(x.dtype());
  Tensor y = mul(x, rsqrt(add(mean(square(x), trailing_axes(shape_.size()), true), eps)));
  return weight_.defined() ? mul(y, weight_) : y;
}

std::string RMSNorm::extra_repr() const {
  return shape_str(shape_) + ", eps=" + (eps_ ? fmt(*eps_) : std::string("None")) +
         ", elementwise_affine=" + (weight_.defined() ? "true" : "false");
}

// --- GroupNorm ---------------------------------------------------------------------------------------

GroupNorm::GroupNorm(int64_t num_groups, int64_t num_channels, double eps, bool affine, DType dtype)
    : UnaryModule("GroupNorm"), groups_(num_groups), channels_(num_channels), eps_(eps) {
  if (num_groups <= 0 || num_channels <= 0 || num_channels % num_groups != 0)
    TFL_THROW(LayerConfigError, "GroupNorm", "num_channels (", num_channels,
              ") must be a positive multiple of num_groups (", num_groups, ")");
  if (!(eps >= 0.0)) TFL_THROW(LayerConfigError, "GroupNorm", "eps must be >= 0, got ", eps);
  check_float("GroupNorm", dtype);
  weight_ = register_parameter("weight", affine ? ones({num_channels}, dtype) : Tensor());
  bias_ = register_parameter("bias", affine ? zeros({num_channels}, dtype) : Tensor());
}

Tensor GroupNorm::forward_one(const Tensor& x) {
  if (x.ndim() < 2 || x.shape()[1] != channels_)
    TFL_THROW(ShapeError, "GroupNorm", "expects an input (N, ", channels_, ", *), got ", shape_str(x.shape()));
  check_input_float("GroupNorm", x);
  int64_t per_group = x.numel() == 0 ? 0 : x.numel() / (x.shape()[0] * groups_);
  Tensor g = reshape(x, {x.shape()[0], groups_, per_group});
  Tensor y = mul(sub(g, mean(g, {2}, true)), rsqrt(add(var(g, {2}, 0.0, true), eps_)));
  y = reshape(y, x.shape());
  if (weight_.defined()) {
    Shape cs = channel_shape(x.ndim(), channels_);
    y = add(mul(y, reshape(weight_, cs)), reshape(bias_, cs));
  }
  return y;
}

std::string GroupNorm::extra_repr() const {
  return std::to_string(groups_) + ", " + std::to_string(channels_) + ", eps=" + fmt(eps_) +
         ", affine=" + (weight_.defined() ? "true" : "false");
}

}  // namespace tfl::nn
