// MultiHeadAttention: q/k/v projections, scaled dot-product attention per head, output projection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/nn/linear.h"
#include "core/nn/module.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace tfl::nn {

// torch.nn.MultiHeadAttention with batch_first = true and no dropout, with separate projections:
// query (B, Lq, E), key and value (B, Lk, E) -> (B, Lq, E). Each projection is a Linear child with W
// (E, E), initialised U(-1/sqrt(E), 1/sqrt(E)) from `gen` (default_generator() when null); biases
// start at zero, as in PyTorch. `causal` lets query i attend keys j <= i only.
// Parameters: q_proj.weight, q_proj.bias, k_proj.*, v_proj.*, out_proj.* (biases only when `bias`).
// `dropout` (in [0, 1], default 0) zeroes attention weights in training mode, scaling the rest by
// 1 / (1 - dropout), as torch.nn.MultiheadAttention(dropout=...) does; the mask comes from the default
// generator (or the one given to set_dropout_generator). Eval mode and dropout 0 use the fused path.
class MultiHeadAttention : public Module {
 public:
  MultiHeadAttention(int64_t embed_dim, int64_t num_heads, bool bias = true, bool causal = false,
                     DType dtype = DType::F32, Generator* gen = nullptr, double dropout = 0.0);

  using Module::forward;
  using Module::operator();
  // Inputs: {x} (self-attention), {query, key, value}, or {query, key, value, mask}.
  Tensor forward(const std::vector<Tensor>& inputs) override;
  // `mask` (optional) broadcasts to (B, num_heads, Lq, Lk): bool keeps the true positions, float is
  // added to the attention scores (see scaled_dot_product_attention). No hooks run (see operator()).
  Tensor forward(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask = Tensor());
  // forward(query, key, value, mask) with this module's hooks.
  Tensor operator()(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask = Tensor());

  int64_t embed_dim() const { return embed_dim_; }
  int64_t num_heads() const { return num_heads_; }
  bool causal() const { return causal_; }
  double dropout() const { return dropout_; }
  void set_dropout_generator(Generator* gen) { dropout_gen_ = gen; }

 protected:
  std::string extra_repr() const override;

 private:
  int64_t embed_dim_, num_heads_;
  bool causal_;
  double dropout_ = 0.0;
  Generator* dropout_gen_ = nullptr;
  // Projection children: 0 = q, 1 = k, 2 = v, 3 = out.
  std::shared_ptr<Linear> proj_[4];
};

}  // namespace tfl::nn
