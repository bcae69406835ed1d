// Mamba block: projections, causal depthwise conv and gating around the selective scan op.
#include "core/nn/mamba.h"

#include <cmath>

#include "core/autograd/grad_mode.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/nn.h"
#include "core/ops/random.h"
#include "core/ops/shape.h"
#include "core/ops/ssm.h"

namespace tfl::nn {

Mamba::Mamba(int64_t d_model, int64_t d_state, int64_t d_conv, int64_t expand, int64_t dt_rank, DType dtype,
             Generator* gen)
    : UnaryModule("Mamba"),
      d_model_(d_model),
      d_inner_(expand * d_model),
      d_state_(d_state),
      d_conv_(d_conv),
      expand_(expand),
      dt_rank_(dt_rank > 0 ? dt_rank : (d_model + 15) / 16) {
  const char* op = "Mamba";
  if (d_model < 1 || d_state < 1 || d_conv < 1 || expand < 1)
    TFL_THROW(LayerConfigError, op, "d_model, d_state, d_conv and expand must be >= 1, got ", d_model, ", ",
              d_state, ", ", d_conv, " and ", expand);
  if (!is_floating(dtype)) TFL_THROW(DTypeError, op, "parameters need a floating dtype, got ", dtype_name(dtype));
  autograd::NoGradGuard no_grad;
  const int64_t di = d_inner_;
  // Own parameters are registered first, as in mamba_ssm's listing order (module first, then children).
  // A = -exp(A_log) = -(1, 2, ..., N) for every channel (the S4D-real initialisation).
  A_log_ = register_parameter(
      "A_log", contiguous(broadcast_to(log(arange(1.0, static_cast<double>(d_state) + 1.0, 1.0, dtype)), {di, d_state})));
  D_ = register_parameter("D", ones({di}, dtype));
  // The children draw their default init from a scratch generator; the values that count are then
  // drawn from `gen` in the same order as before this block became a Module, so a seed keeps giving
  // the same weights.
  Generator scratch;
  in_proj_ = register_module("in_proj", std::make_shared<Linear>(d_model, 2 * di, false, dtype, &scratch));
  conv1d_ = register_module("conv1d", std::make_shared<Conv1d>(di, di, d_conv, 1, d_conv - 1, 1, di, true, dtype, &scratch));
  x_proj_ = register_module("x_proj", std::make_shared<Linear>(di, dt_rank_ + 2 * d_state, false, dtype, &scratch));
  dt_proj_ = register_module("dt_proj", std::make_shared<Linear>(dt_rank_, di, true, dtype, &scratch));
  out_proj_ = register_module("out_proj", std::make_shared<Linear>(di, d_model, false, dtype, &scratch));
  auto bounded = [&](const Tensor& t, double fan_in) {
    const double b = 1.0 / std::sqrt(fan_in);
    copy_(t, uniform(t.shape(), -b, b, dtype, gen));
  };
  const double dim = static_cast<double>(di), rank = static_cast<double>(dt_rank_);
  bounded(in_proj_->weight(), static_cast<double>(d_model));
  bounded(conv1d_->weight(), static_cast<double>(d_conv));
  bounded(conv1d_->bias(), static_cast<double>(d_conv));
  bounded(x_proj_->weight(), dim);
  bounded(dt_proj_->weight(), rank);
  // dt = exp(U(log 0.001, log 0.1)), at least 1e-4; the bias is softplus^-1(dt) = dt + log(-expm1(-dt)),
  // so that softplus(bias) starts at dt.
  const double lo = std::log(0.001), hi = std::log(0.1);
  Tensor dt = maximum(exp(uniform({di}, lo, hi, dtype, gen)), 1e-4);
  copy_(dt_proj_->bias(), add(dt, log(neg(expm1(neg(dt))))));
  bounded(out_proj_->weight(), dim);
}

Tensor Mamba::forward_one(const Tensor& u) {
  const char* op = "Mamba";
  check_defined(u, op, "x");
  if (u.ndim() != 3 || u.size(2) != d_model_)
    TFL_THROW(ShapeError, op, "expects input of shape (batch, len, ", d_model_, "), got ", shape_str(u.shape()));
  const int64_t len = u.size(1), di = d_inner_;
  Tensor xz = (*in_proj_)(u);  // (B, L, 2 * d_inner)
  Tensor x = slice(xz, 2, 0, di), z = slice(xz, 2, di, 2 * di);
  // Causal depthwise conv: pad d_conv - 1 on both sides and keep the first L outputs, so output t sees
  // inputs t - d_conv + 1 .. t.
  Tensor xc = (*conv1d_)(transpose(x, 1, 2));            // (B, d_inner, L + d_conv - 1)
  x = silu(transpose(slice(xc, 2, 0, len), 1, 2));       // (B, L, d_inner)
  Tensor x_dbl = (*x_proj_)(x);                          // (B, L, R + 2N)
  Tensor dt = slice(x_dbl, 2, 0, dt_rank_);
  Tensor Bm = slice(x_dbl, 2, dt_rank_, dt_rank_ + d_state_);
  Tensor Cm = slice(x_dbl, 2, dt_rank_ + d_state_, dt_rank_ + 2 * d_state_);
  Tensor delta = softplus((*dt_proj_)(dt));
  Tensor A = neg(exp(A_log_));
  Tensor y = selective_scan(x, delta, A, Bm, Cm, D_);
  return (*out_proj_)(mul(y, silu(z)));
}

std::string Mamba::extra_repr() const {
  return "d_model=" + std::to_string(d_model_) + ", d_state=" + std::to_string(d_state_) +
         ", d_conv=" + std::to_string(d_conv_) + ", expand=" + std::to_string(expand_) +
         ", dt_rank=" + std::to_string(dt_rank_);
}

}  // namespace tfl::nn
