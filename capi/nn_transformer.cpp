// C API: instance normalisation and the transformer encoder / decoder layers (core/nn/instance_norm.h,
// core/nn/transformer.h), with forward functions that take the optional masks as nullable tensors.
#include <memory>
#include <optional>
#include <string>

#include "capi/capi_tensor_util.h"
#include "capi/handles_nn.h"
#include "core/nn/instance_norm.h"
#include "core/nn/transformer.h"

using tfl::capi::from_handle;
using tfl::capi::to_dtype;
using tfl::capi::to_handle;
namespace nn = tfl::nn;

namespace {

std::optional<double> optional_double(const double* p) { return p ? std::optional<double>(*p) : std::nullopt; }

tfl::Tensor optional_tensor(const tfl_tensor* h) { return h ? from_handle(h) : tfl::Tensor(); }

bool activation_is_valid(tfl_transformer_activation a) {
  return a == TFL_TRANSFORMER_ACTIVATION_RELU || a == TFL_TRANSFORMER_ACTIVATION_GELU;
}

nn::TransformerConfig make_config(int64_t d_model, int64_t nhead, int64_t dim_feedforward, double dropout,
                                  tfl_transformer_activation activation, double layer_norm_eps, bool batch_first,
                                  bool norm_first, bool bias, tfl_dtype dtype) {
  nn::TransformerConfig c;
  c.d_model = d_model;
  c.nhead = nhead;
  c.dim_feedforward = dim_feedforward;
  c.dropout = dropout;
  c.activation = activation == TFL_TRANSFORMER_ACTIVATION_GELU ? nn::TransformerActivation::GELU
                                                               : nn::TransformerActivation::ReLU;
  c.layer_norm_eps = layer_norm_eps;
  c.batch_first = batch_first;
  c.norm_first = norm_first;
  c.bias = bias;
  c.dtype = to_dtype(dtype);
  return c;
}

}  // namespace

// Checks a tfl_transformer_activation argument.
#define TFL_CHECK_ACTIVATION(a)                                                                         \
  TFL_CHECK_ARG(activation_is_valid(a), #a,                                                             \
                "is not a valid tfl_transformer_activation (got " + std::to_string(static_cast<int>(a)) + ")")

// --- instance normalisation -----------------------------------------------------------------------------

/// Instance normalisation over (N, C, L) or unbatched (C, L) input: each (sample, channel) is normalised
/// with its own mean and biased variance over L (torch.nn.InstanceNorm1d). Parameters "weight" (ones)
/// and "bias" (zeros) when affine; buffers "running_mean", "running_var" and "num_batches_tracked"
/// when track_running_stats (then training updates them with the batch average of the per-instance
/// mean / unbiased variance, and eval mode normalises with them).
/// @param[out] out New module; release with tfl_module_release.
/// @param num_features Number of channels C (> 0).
/// @param eps Added to the variance (>= 0), e.g. 1e-5.
/// @param momentum Weight of the batch in the running statistics, in [0, 1] (e.g. 0.1); NULL for no
///                 update (PyTorch's momentum=None for instance norm).
/// @param affine Whether the layer has weight and bias (PyTorch's default: false).
/// @param track_running_stats Whether the layer keeps running statistics (PyTorch's default: false).
/// @param dtype Floating dtype of the parameters and running statistics.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG for
///         num_features <= 0, a negative eps or momentum outside [0, 1]; TFL_ERR_DTYPE for a non-floating
///         dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_instance_norm1d_create(TFL_OUT tfl_module** out, int64_t num_features,
                                                                  double eps, TFL_NULLABLE const double* momentum,
                                                                  bool affine, bool track_running_stats,
                                                                  tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(std::shared_ptr<nn::Module>(std::make_shared<nn::InstanceNorm1d>(
      num_features, eps, optional_double(momentum), affine, track_running_stats, to_dtype(dtype))));
  TFL_CAPI_END
}

/// Instance normalisation over (N, C, H, W) or unbatched (C, H, W) input (torch.nn.InstanceNorm2d); see
/// tfl_nn_instance_norm1d_create.
/// @param[out] out New module; release with tfl_module_release.
/// @param num_features Number of channels C (> 0).
/// @param eps Added to the variance (>= 0), e.g. 1e-5.
/// @param momentum Weight of the batch in the running statistics, in [0, 1] (e.g. 0.1); NULL for no update.
/// @param affine Whether the layer has weight and bias.
/// @param track_running_stats Whether the layer keeps running statistics.
/// @param dtype Floating dtype of the parameters and running statistics.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG for
///         num_features <= 0, a negative eps or momentum outside [0, 1]; TFL_ERR_DTYPE for a non-floating
///         dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_instance_norm2d_create(TFL_OUT tfl_module** out, int64_t num_features,
                                                                  double eps, TFL_NULLABLE const double* momentum,
                                                                  bool affine, bool track_running_stats,
                                                                  tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(std::shared_ptr<nn::Module>(std::make_shared<nn::InstanceNorm2d>(
      num_features, eps, optional_double(momentum), affine, track_running_stats, to_dtype(dtype))));
  TFL_CAPI_END
}

// --- transformer layers --------------------------------------------------------------------------------

/// A transformer encoder layer (torch.nn.TransformerEncoderLayer): self-attention then a feed-forward
/// block, each with a residual connection, LayerNorm after (post-norm) or before (norm_first) it, and
/// dropout. Children self_attn (q_proj, k_proj, v_proj, out_proj: PyTorch's packed in_proj_weight
/// split in three), linear1, dropout, linear2, norm1, norm2, dropout1, dropout2. Run it with
/// tfl_nn_transformer_encoder_layer_forward (or tfl_module_forward with inputs {src}).
/// @param[out] out New module; release with tfl_module_release.
/// @param d_model Model width E (a positive multiple of nhead).
/// @param nhead Number of attention heads (>= 1).
/// @param dim_feedforward Width of the feed-forward block (> 0; PyTorch's default 2048).
/// @param dropout Dropout probability in [0, 1) (attention weights and the three dropout children).
/// @param activation The feed-forward activation.
/// @param layer_norm_eps Added to the LayerNorm variances (>= 0), e.g. 1e-5.
/// @param batch_first Whether inputs are (batch, len, E) rather than (len, batch, E).
/// @param norm_first Whether LayerNorm comes before each block (pre-norm) rather than after.
/// @param bias Whether the Linear and LayerNorm layers have biases.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype or activation code;
///         TFL_ERR_LAYER_CONFIG for impossible hyperparameters; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_transformer_encoder_layer_create(
    TFL_OUT tfl_module** out, int64_t d_model, int64_t nhead, int64_t dim_feedforward, double dropout,
    tfl_transformer_activation activation, double layer_norm_eps, bool batch_first, bool norm_first, bool bias,
    tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_ACTIVATION(activation);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(std::shared_ptr<nn::Module>(std::make_shared<nn::TransformerEncoderLayer>(make_config(
      d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias, dtype))));
  TFL_CAPI_END
}

/// A transformer decoder layer (torch.nn.TransformerDecoderLayer): self-attention, cross-attention over
/// the memory, then a feed-forward block, each with a residual connection, LayerNorm (post or pre) and
/// dropout. Children self_attn, multihead_attn, linear1, dropout, linear2, norm1, norm2, norm3,
/// dropout1, dropout2, dropout3. Run it with tfl_nn_transformer_decoder_layer_forward.
/// @param[out] out New module; release with tfl_module_release.
/// @param d_model Model width E (a positive multiple of nhead).
/// @param nhead Number of attention heads (>= 1).
/// @param dim_feedforward Width of the feed-forward block (> 0).
/// @param dropout Dropout probability in [0, 1).
/// @param activation The feed-forward activation.
/// @param layer_norm_eps Added to the LayerNorm variances (>= 0), e.g. 1e-5.
/// @param batch_first Whether inputs are (batch, len, E) rather than (len, batch, E).
/// @param norm_first Whether LayerNorm comes before each block (pre-norm) rather than after.
/// @param bias Whether the Linear and LayerNorm layers have biases.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype or activation code;
///         TFL_ERR_LAYER_CONFIG for impossible hyperparameters; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_transformer_decoder_layer_create(
    TFL_OUT tfl_module** out, int64_t d_model, int64_t nhead, int64_t dim_feedforward, double dropout,
    tfl_transformer_activation activation, double layer_norm_eps, bool batch_first, bool norm_first, bool bias,
    tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_ACTIVATION(activation);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(std::shared_ptr<nn::Module>(std::make_shared<nn::TransformerDecoderLayer>(make_config(
      d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias, dtype))));
  TFL_CAPI_END
}

/// Runs a transformer encoder layer (with its hooks). Masks follow torch.nn.MultiheadAttention: in a
/// bool mask true means masked out; a float mask is added to the attention scores.
/// @param[out] out New tensor of src's shape; release with tfl_tensor_release.
/// @param m A module made by tfl_nn_transformer_encoder_layer_create.
/// @param src (len, batch, E), (batch, len, E) with batch_first, or unbatched (len, E).
/// @param src_mask NULL, or an attention mask (len, len) or (batch * nhead, len, len).
/// @param src_key_padding_mask NULL, or (batch, len) ((len) when unbatched): masks whole keys.
/// @param is_causal Whether query i may attend keys j <= i only (added to src_mask when given).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or when m is another kind of module;
///         TFL_ERR_SHAPE for shapes that do not fit; TFL_ERR_DTYPE for non-floating src or masks that
///         are neither bool nor floating.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_transformer_encoder_layer_forward(
    TFL_OUT tfl_tensor** out, TFL_IN tfl_module* m, const tfl_tensor* src, TFL_NULLABLE const tfl_tensor* src_mask,
    TFL_NULLABLE const tfl_tensor* src_key_padding_mask, bool is_causal) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_MODULE(m);
  TFL_CHECK_TENSOR(src);
  auto* layer = dynamic_cast<nn::TransformerEncoderLayer*>(m->impl.get());
  TFL_CHECK_ARG(layer != nullptr, "m", "is a " + m->impl->type_name() + ", not a TransformerEncoderLayer");
  *out = to_handle((*layer)(from_handle(src), optional_tensor(src_mask), optional_tensor(src_key_padding_mask),
                            is_causal));
  TFL_CAPI_END
}

/// Runs a transformer decoder layer (with its hooks); masks as in
/// tfl_nn_transformer_encoder_layer_forward.
/// @param[out] out New tensor of tgt's shape; release with tfl_tensor_release.
/// @param m A module made by tfl_nn_transformer_decoder_layer_create.
/// @param tgt (T, batch, E), (batch, T, E) with batch_first, or unbatched (T, E).
/// @param memory (S, batch, E), (batch, S, E) with batch_first, or unbatched (S, E): the encoder output.
/// @param tgt_mask NULL, or a self-attention mask (T, T) or (batch * nhead, T, T).
/// @param memory_mask NULL, or a cross-attention mask (T, S) or (batch * nhead, T, S).
/// @param tgt_key_padding_mask NULL, or (batch, T): masks whole target keys.
/// @param memory_key_padding_mask NULL, or (batch, S): masks whole memory keys.
/// @param tgt_is_causal Whether target i may attend targets j <= i only.
/// @param memory_is_causal Whether target i may attend memory positions j <= i only.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or when m is another kind of module;
///         TFL_ERR_SHAPE for shapes that do not fit; TFL_ERR_DTYPE for bad dtypes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_transformer_decoder_layer_forward(
    TFL_OUT tfl_tensor** out, TFL_IN tfl_module* m, const tfl_tensor* tgt, const tfl_tensor* memory,
    TFL_NULLABLE const tfl_tensor* tgt_mask, TFL_NULLABLE const tfl_tensor* memory_mask,
    TFL_NULLABLE const tfl_tensor* tgt_key_padding_mask, TFL_NULLABLE const tfl_tensor* memory_key_padding_mask,
    bool tgt_is_causal, bool memory_is_causal) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_MODULE(m);
  TFL_CHECK_TENSOR(tgt);
  TFL_CHECK_TENSOR(memory);
  auto* layer = dynamic_cast<nn::TransformerDecoderLayer*>(m->impl.get());
  TFL_CHECK_ARG(layer != nullptr, "m", "is a " + m->impl->type_name() + ", not a TransformerDecoderLayer");
  *out = to_handle((*layer)(from_handle(tgt), from_handle(memory), optional_tensor(tgt_mask),
                            optional_tensor(memory_mask), optional_tensor(tgt_key_padding_mask),
                            optional_tensor(memory_key_padding_mask), tgt_is_causal, memory_is_causal));
  TFL_CAPI_END
}

/// The additive causal mask (sz, sz): 0 on and below the diagonal, -inf above
/// (torch.nn.Transformer.generate_square_subsequent_mask).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param sz Sequence length (>= 0).
/// @param dtype Floating dtype of the mask.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out, a negative sz or an invalid dtype code;
///         TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_generate_square_subsequent_mask(TFL_OUT tfl_tensor** out, int64_t sz,
                                                                           tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(nn::generate_square_subsequent_mask(sz, to_dtype(dtype)));
  TFL_CAPI_END
}
