// Transformer encoder and decoder layers (torch.nn.TransformerEncoderLayer / TransformerDecoderLayer).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/nn/attention.h"
#include "core/nn/dropout.h"
#include "core/nn/linear.h"
#include "core/nn/module.h"
#include "core/nn/norm.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace tfl::nn {

// The feed-forward activation of a transformer layer.
enum class TransformerActivation { ReLU, GELU };

// The hyperparameters shared by both layers (PyTorch's names and defaults). Bad values throw
// LayerConfigError: d_model or nhead < 1, d_model % nhead != 0, dim_feedforward <= 0, dropout outside
// [0, 1), layer_norm_eps < 0; a non-floating dtype is a DTypeError.
struct TransformerConfig {
  int64_t d_model = 512;
  int64_t nhead = 8;
  int64_t dim_feedforward = 2048;
  double dropout = 0.1;
  TransformerActivation activation = TransformerActivation::ReLU;
  double layer_norm_eps = 1e-5;
  bool batch_first = false;
  bool norm_first = false;
  bool bias = true;
  DType dtype = DType::F32;
};

// Note [Transformer masks]
// Masks follow torch.nn.MultiheadAttention (not scaled_dot_product_attention): in a bool mask TRUE
// MEANS MASKED OUT; a float mask is added to the attention scores (-inf masks). attn_mask is (L, S) or
// (batch * nhead, L, S); key_padding_mask is (batch, S) ((S) for unbatched input) and masks whole keys.
// Both are turned into one additive float mask (bool -> 0 / -inf) of shape (batch, nhead, L, S).
// is_causal additionally masks key j > i for query i (top-left aligned); PyTorch treats it as a hint
// that requires a causal attn_mask too, here the mask may be omitted (adding the causal mask to an
// already causal one changes nothing). A query whose keys are all masked gives NaN, as in PyTorch.

// The additive causal mask of size (sz, sz): 0 on and below the diagonal, -inf above
// (torch.nn.Transformer.generate_square_subsequent_mask). sz >= 0, floating dtype.
Tensor generate_square_subsequent_mask(int64_t sz, DType dtype = DType::F32);

// Children (registration order, as PyTorch): self_attn (MultiHeadAttention with attention-weight
// dropout), linear1 (d_model -> dim_feedforward), dropout, linear2, norm1, norm2 (LayerNorm over
// d_model), dropout1, dropout2. Parameter names therefore match PyTorch's except inside self_attn,
// where PyTorch's packed in_proj_weight (3 * d_model, d_model) / in_proj_bias are split into
// q_proj, k_proj and v_proj (rows [0, E), [E, 2E), [2E, 3E)).
// src: (S, N, E), or (N, S, E) with batch_first, or unbatched (S, E). Output has src's shape.
// Post-norm (default): x = norm1(x + sa(x)); x = norm2(x + ff(x)).
// Pre-norm (norm_first): x = x + sa(norm1(x)); x = x + ff(norm2(x)).
// sa(x) = dropout1(self_attn(x, x, x, masks)); ff(x) = dropout2(linear2(dropout(act(linear1(x))))).
class TransformerEncoderLayer : public Module {
 public:
  explicit TransformerEncoderLayer(const TransformerConfig& config, Generator* gen = nullptr);

  using Module::forward;
  using Module::operator();
  // Inputs: {src[, src_mask[, src_key_padding_mask[, is_causal]]]}; the masks may be undefined
  // tensors, is_causal a 0-d bool tensor.
  Tensor forward(const std::vector<Tensor>& inputs) override;
  // The layer without hooks, and with hooks (operator()). Masks: see Note [Transformer masks].
  Tensor forward(const Tensor& src, const Tensor& src_mask, const Tensor& src_key_padding_mask = Tensor(),
                 bool is_causal = false);
  Tensor operator()(const Tensor& src, const Tensor& src_mask, const Tensor& src_key_padding_mask = Tensor(),
                    bool is_causal = false);

  const TransformerConfig& config() const { return config_; }
  MultiHeadAttention& self_attn() { return *self_attn_; }

 protected:
  std::string extra_repr() const override;

 private:
  TransformerConfig config_;
  std::shared_ptr<MultiHeadAttention> self_attn_;
  std::shared_ptr<Linear> linear1_, linear2_;
  std::shared_ptr<Dropout> dropout_, dropout1_, dropout2_;
  std::shared_ptr<LayerNorm> norm1_, norm2_;
};

// Children: self_attn, multihead_attn (cross-attention over memory), linear1, dropout, linear2,
// norm1, norm2, norm3, dropout1, dropout2, dropout3 (PyTorch's order; attention parameters split as
// in the encoder). tgt: (T, N, E) / (N, T, E) with batch_first / (T, E); memory: (S, N, E) / (N, S, E)
// / (S, E). Post-norm: x = norm1(x + sa(x)); x = norm2(x + mha(x, memory)); x = norm3(x + ff(x));
// pre-norm: x = x + sa(norm1(x)); x = x + mha(norm2(x), memory); x = x + ff(norm3(x)).
// tgt_mask (T, T) / tgt_key_padding_mask (N, T) apply to self-attention, memory_mask (T, S) /
// memory_key_padding_mask (N, S) to cross-attention.
class TransformerDecoderLayer : public Module {
 public:
  explicit TransformerDecoderLayer(const TransformerConfig& config, Generator* gen = nullptr);

  using Module::forward;
  using Module::operator();
  // Inputs: {tgt, memory[, tgt_mask[, memory_mask[, tgt_key_padding_mask[, memory_key_padding_mask[,
  // tgt_is_causal[, memory_is_causal]]]]]]}; masks may be undefined, the flags are 0-d bool tensors.
  Tensor forward(const std::vector<Tensor>& inputs) override;
  Tensor forward(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask,
                 const Tensor& memory_mask = Tensor(), const Tensor& tgt_key_padding_mask = Tensor(),
                 const Tensor& memory_key_padding_mask = Tensor(), bool tgt_is_causal = false,
                 bool memory_is_causal = false);
  Tensor operator()(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask,
                    const Tensor& memory_mask = Tensor(), const Tensor& tgt_key_padding_mask = Tensor(),
                    const Tensor& memory_key_padding_mask = Tensor(), bool tgt_is_causal = false,
                    bool memory_is_causal = false);

  const TransformerConfig& config() const { return config_; }

 protected:
  std::string extra_repr() const override;

 private:
  TransformerConfig config_;
  std::shared_ptr<MultiHeadAttention> self_attn_, multihead_attn_;
  std::shared_ptr<Linear> linear1_, linear2_;
  std::shared_ptr<Dropout> dropout_, dropout1_, dropout2_, dropout3_;
  std::shared_ptr<LayerNorm> norm1_, norm2_, norm3_;
};

}  // namespace tfl::nn
