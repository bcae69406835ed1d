// MultiHeadAttention: q/k/v projections, scaled dot-product attention per head, output projection.
#pragma once

#include <cstdint>
#include <vector>

#include "core/nn/state_dict.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace tfl::nn {

// torch.nn.MultiHeadAttention with batch_first = true and no dropout, with separate projections:
// query (B, Lq, E), key and value (B, Lk, E) -> (B, Lq, E). Each projection is y = x W^T + b with W
// (E, E), initialised U(-1/sqrt(E), 1/sqrt(E)) from `gen` (default_generator() when null); biases
// start at zero, as in PyTorch. `causal` lets query i attend keys j <= i only.
// Parameters: q_proj.weight, q_proj.bias, k_proj.*, v_proj.*, out_proj.* (biases only when `bias`).
class MultiHeadAttention {
 public:
  MultiHeadAttention(int64_t embed_dim, int64_t num_heads, bool bias = true, bool causal = false,
                     DType dtype = DType::F32, Generator* gen = nullptr);

  // `mask` (optional) broadcasts to (B, num_heads, Lq, Lk): bool keeps the true positions, float is
  // added to the attention scores (see scaled_dot_product_attention).
  Tensor forward(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask = Tensor()) const;
  // Self-attention: forward(x, x, x).
  Tensor forward(const Tensor& x) const { return forward(x, x, x); }

  // Parameters with their names, in registration order.
  StateDict named_parameters() const;
  std::vector<Tensor> parameters() const;

  int64_t embed_dim() const { return embed_dim_; }
  int64_t num_heads() const { return num_heads_; }
  bool causal() const { return causal_; }

 private:
  int64_t embed_dim_, num_heads_;
  bool causal_;
  StateDict params_;
  // Weight and bias (undefined without bias) of projection i: 0 = q, 1 = k, 2 = v, 3 = out.
  Tensor weight_[4], bias_[4];
};

}  // namespace tfl::nn
