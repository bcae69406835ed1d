// Mamba block: a selective state-space layer with input-dependent step size, gated, with a causal conv.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/nn/conv.h"
#include "core/nn/linear.h"
#include "core/nn/module.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace tfl::nn {

// The block of Gu & Dao, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces" (2023),
// as in mamba_ssm's mamba_simple.py (reference path), for input (B, L, d_model):
//   x, z  = split(in_proj(u))                              d_inner = expand * d_model each
//   x     = silu(causal depthwise conv1d(x))               kernel d_conv, left padding d_conv - 1
//   dt, B, C = split(x_proj(x))                            dt_rank, d_state, d_state
//   delta = softplus(dt_proj(dt))                          (B, L, d_inner)
//   y     = selective_scan(x, delta, -exp(A_log), B, C, D)
//   out   = out_proj(y * silu(z))                          (B, L, d_model)
// Output position t depends on inputs 0..t only. Initialisation is deterministic given `gen`
// (default_generator() when null): linear and conv weights U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
// conv bias likewise, dt_proj.weight U(-dt_rank^-0.5, dt_rank^-0.5), dt_proj.bias the inverse
// softplus of dt drawn log-uniformly in [0.001, 0.1], A_log[d, n] = log(n + 1), D = 1.
// Parameters (names and order as in mamba_ssm's named_parameters(): own parameters first, then the
// children's): A_log, D, in_proj.weight, conv1d.weight, conv1d.bias, x_proj.weight, dt_proj.weight,
// dt_proj.bias, out_proj.weight. in_proj, x_proj, dt_proj and out_proj are Linear children, conv1d a
// Conv1d child; they run through operator(), so their hooks fire.
class Mamba : public UnaryModule {
 public:
  // dt_rank <= 0 means ceil(d_model / 16).
  Mamba(int64_t d_model, int64_t d_state = 16, int64_t d_conv = 4, int64_t expand = 2, int64_t dt_rank = 0,
        DType dtype = DType::F32, Generator* gen = nullptr);

  int64_t d_model() const { return d_model_; }
  int64_t d_inner() const { return d_inner_; }
  int64_t d_state() const { return d_state_; }
  int64_t d_conv() const { return d_conv_; }
  int64_t dt_rank() const { return dt_rank_; }

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  int64_t d_model_, d_inner_, d_state_, d_conv_, expand_, dt_rank_;
  Tensor A_log_, D_;
  std::shared_ptr<Linear> in_proj_, x_proj_, dt_proj_, out_proj_;
  std::shared_ptr<Conv1d> conv1d_;
};

}  // namespace tfl::nn
