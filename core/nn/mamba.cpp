// Mamba block: projections, causal depthwise conv and gating around the selective scan op.
#include "core/nn/mamba.h"

#include <cmath>

#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/nn.h"
#include "core/ops/random.h"
#include "core/ops/shape.h"
#include "core/ops/ssm.h"

namespace tfl::nn {

namespace {

Tensor linear(const Tensor& x, const Tensor& w) { return matmul(x, transpose(w, 0, 1)); }

}  // namespace

Mamba::Mamba(int64_t d_model, int64_t d_state, int64_t d_conv, int64_t expand, int64_t dt_rank, DType dtype,
             Generator* gen)
    : d_model_(d_model),
      d_inner_(expand * d_model),
      d_state_(d_state),
      d_conv_(d_conv),
      dt_rank_(dt_rank > 0 ? dt_rank : (d_model + 15) / 16) {
  const char* op = "Mamba";
  if (d_model < 1 || d_state < 1 || d_conv < 1 || expand < 1)
    TFL_THROW(InvalidArgumentError, op, "d_model, d_state, d_conv and expand must be >= 1, got ", d_model, ", ",
              d_state, ", ", d_conv, " and ", expand);
  if (!is_floating(dtype)) TFL_THROW(DTypeError, op, "parameters need a floating dtype, got ", dtype_name(dtype));
  autograd::NoGradGuard no_grad;
  auto bounded = [&](const Shape& s, double fan_in) {
    const double b = 1.0 / std::sqrt(fan_in);
    return uniform(s, -b, b, dtype, gen);
  };
  const double dim = static_cast<double>(d_inner_), rank = static_cast<double>(dt_rank_);
  in_proj_w_ = bounded({2 * d_inner_, d_model}, static_cast<double>(d_model));
  conv_w_ = bounded({d_inner_, 1, d_conv}, static_cast<double>(d_conv));
  conv_b_ = bounded({d_inner_}, static_cast<double>(d_conv));
  x_proj_w_ = bounded({dt_rank_ + 2 * d_state, d_inner_}, dim);
  dt_proj_w_ = bounded({d_inner_, dt_rank_}, rank);
  // dt = exp(U(log 0.001, log 0.1)), at least 1e-4; the bias is softplus^-1(dt) = dt + log(-expm1(-dt)),
  // so that softplus(bias) starts at dt.
  const double lo = std::log(0.001), hi = std::log(0.1);
  Tensor dt = maximum(exp(uniform({d_inner_}, lo, hi, dtype, gen)), 1e-4);
  dt_proj_b_ = add(dt, log(neg(expm1(neg(dt)))));
  // A = -exp(A_log) = -(1, 2, ..., N) for every channel (the S4D-real initialisation).
  A_log_ = contiguous(broadcast_to(log(arange(1.0, static_cast<double>(d_state) + 1.0, 1.0, dtype)), {d_inner_, d_state}));
  D_ = ones({d_inner_}, dtype);
  out_proj_w_ = bounded({d_model, d_inner_}, dim);
  const std::pair<const char*, Tensor*> all[] = {
      {"in_proj.weight", &in_proj_w_}, {"conv1d.weight", &conv_w_}, {"conv1d.bias", &conv_b_},
      {"x_proj.weight", &x_proj_w_},   {"dt_proj.weight", &dt_proj_w_}, {"dt_proj.bias", &dt_proj_b_},
      {"A_log", &A_log_},              {"D", &D_},                    {"out_proj.weight", &out_proj_w_}};
  for (const auto& [name, t] : all) {
    autograd::set_requires_grad(*t, true);
    params_.emplace_back(name, *t);
  }
}

Tensor Mamba::forward(const Tensor& u) const {
  const char* op = "Mamba";
  check_defined(u, op, "x");
  if (u.ndim() != 3 || u.size(2) != d_model_)
    TFL_THROW(ShapeError, op, "expects input of shape (batch, len, ", d_model_, "), got ", shape_str(u.shape()));
  const int64_t len = u.size(1), di = d_inner_;
  Tensor xz = linear(u, in_proj_w_);  // (B, L, 2 * d_inner)
  Tensor x = slice(xz, 2, 0, di), z = slice(xz, 2, di, 2 * di);
  // Causal depthwise conv: pad d_conv - 1 on both sides and keep the first L outputs, so output t sees
  // inputs t - d_conv + 1 .. t.
  Tensor xc = conv1d(transpose(x, 1, 2), conv_w_, conv_b_, 1, d_conv_ - 1, 1, di);  // (B, d_inner, L + d_conv - 1)
  x = silu(transpose(slice(xc, 2, 0, len), 1, 2));                                 // (B, L, d_inner)
  Tensor x_dbl = linear(x, x_proj_w_);                                              // (B, L, R + 2N)
  Tensor dt = slice(x_dbl, 2, 0, dt_rank_);
  Tensor Bm = slice(x_dbl, 2, dt_rank_, dt_rank_ + d_state_);
  Tensor Cm = slice(x_dbl, 2, dt_rank_ + d_state_, dt_rank_ + 2 * d_state_);
  Tensor delta = softplus(add(linear(dt, dt_proj_w_), dt_proj_b_));
  Tensor A = neg(exp(A_log_));
  Tensor y = selective_scan(x, delta, A, Bm, Cm, D_);
  return linear(mul(y, silu(z)), out_proj_w_);
}

StateDict Mamba::named_parameters() const { return params_; }

std::vector<Tensor> Mamba::parameters() const {
  std::vector<Tensor> out;
  for (const auto& [name, t] : params_) out.push_back(t);
  return out;
}

}  // namespace tfl::nn
