// InstanceNorm as a composition of reductions (mean, var) and elementwise ops, so autograd comes
// from the ops (see Note [Instance norm statistics]).
#include "core/nn/instance_norm.h"

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

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

InstanceNorm::InstanceNorm(const char* type_name, int spatial_dims, int64_t num_features, double eps,
                           std::optional<double> momentum, bool affine, bool track_running_stats, DType dtype)
    : UnaryModule(type_name), spatial_dims_(spatial_dims), num_features_(num_features), eps_(eps), momentum_(momentum) {
  if (num_features <= 0) TFL_THROW(LayerConfigError, type_name, "num_features must be positive, got ", num_features);
  if (!(eps >= 0.0)) TFL_THROW(LayerConfigError, type_name, "eps must be >= 0, got ", eps);
  if (momentum && !(*momentum >= 0.0 && *momentum <= 1.0))
    TFL_THROW(LayerConfigError, type_name, "momentum must be in [0, 1], got ", *momentum);
  if (!is_floating(dtype))
    TFL_THROW(DTypeError, type_name, "parameters need a floating dtype, got ", dtype_name(dtype));
  weight_ = register_parameter("weight", affine ? ones({num_features}, dtype) : Tensor());
  bias_ = register_parameter("bias", affine ? zeros({num_features}, dtype) : Tensor());
  if (track_running_stats) {
    running_mean_ = register_buffer("running_mean", zeros({num_features}, dtype));
    running_var_ = register_buffer("running_var", ones({num_features}, dtype));
    num_batches_tracked_ = register_buffer("num_batches_tracked", zeros({}, DType::I64));
  }
}

Tensor InstanceNorm::forward_one(const Tensor& input) {
  const char* op = type_name().c_str();
  check_defined(input, op, "input");
  const int batched = spatial_dims_ + 2, unbatched = spatial_dims_ + 1;
  if (input.ndim() != batched && input.ndim() != unbatched)
    TFL_THROW(ShapeError, op, "expects a ", unbatched, "-D (unbatched) or ", batched, "-D (batched) input, got ",
              shape_str(input.shape()));
  if (!is_floating(input.dtype()))
    TFL_THROW(DTypeError, op, "expects a floating input, got ", dtype_name(input.dtype()));
  // Unbatched input is a batch of one, as in PyTorch.
  const Tensor x = input.ndim() == unbatched ? unsqueeze(input, 0) : input;
  const int64_t channels = x.size(1);
  const bool tracking = running_mean_.defined();
  if ((weight_.defined() || tracking) && channels != num_features_)
    TFL_THROW(ShapeError, op, "expects ", num_features_, " channels on the channel axis, got input of shape ",
              shape_str(input.shape()));
  Shape cs{1, channels};
  AxisList spatial;
  int64_t n = 1;
  for (int i = 2; i < x.ndim(); ++i) {
    cs.push_back(1);
    spatial.push_back(i);
    n *= x.size(i);
  }
  Tensor mu, variance;
  if (is_training() || !tracking) {
    if (n == 1)
      TFL_THROW(ShapeError, op, "expected more than 1 spatial element when computing instance statistics, got input "
                "of shape ", shape_str(input.shape()));
    mu = mean(x, spatial, true);
    variance = var(x, spatial, 0.0, true);
    if (is_training() && tracking && x.size(0) > 0) {
      autograd::NoGradGuard no_grad;
      const double f = momentum_ ? *momentum_ : 0.0;
      Tensor batch_mean = mean(reshape(mu, {x.size(0), channels}), {0});
      Tensor batch_var = mean(reshape(mul(variance, static_cast<double>(n) / static_cast<double>(n - 1)),
                                      {x.size(0), channels}), {0});
      copy_(running_mean_, add(mul(running_mean_, 1.0 - f), mul(cast_if_needed(batch_mean, running_mean_.dtype()), f)));
      copy_(running_var_, add(mul(running_var_, 1.0 - f), mul(cast_if_needed(batch_var, running_var_.dtype()), f)));
    }
  } else {
    mu = reshape(running_mean_, cs);
    variance = reshape(running_var_, cs);
  }
  Tensor y = mul(sub(x, mu), rsqrt(add(variance, eps_)));
  if (weight_.defined()) y = add(mul(y, reshape(weight_, cs)), reshape(bias_, cs));
  return input.ndim() == unbatched ? squeeze(y, {0}) : y;
}

std::string InstanceNorm::extra_repr() const {
  return std::to_string(num_features_) + ", eps=" + fmt(eps_) +
         ", momentum=" + (momentum_ ? fmt(*momentum_) : std::string("None")) +
         ", affine=" + (weight_.defined() ? "true" : "false") +
         ", track_running_stats=" + (running_mean_.defined() ? "true" : "false");
}

}  // namespace tfl::nn
