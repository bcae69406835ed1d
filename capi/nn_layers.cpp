// C API: constructors of the nn layers (Linear, Conv, pooling, normalisation, activations, attention,
// Mamba) and the Sequential container.
// As in capi/ops_linalg_nn.cpp, (height, width) pairs are plain scalars and optional values are
// nullable pointers (NULL = absent): the generator has no structs, and a handful of scalars says it all.
// Layers with random initial weights draw them from the global generator (tfl_random_seed makes them
// reproducible).
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "capi/capi_tensor_util.h"
#include "capi/handles_nn.h"
#include "core/nn/activation.h"
#include "core/nn/attention.h"
#include "core/nn/conv.h"
#include "core/nn/dropout.h"
#include "core/nn/embedding.h"
#include "core/nn/flatten.h"
#include "core/nn/linear.h"
#include "core/nn/mamba.h"
#include "core/nn/norm.h"
#include "core/nn/pool.h"
#include "core/nn/sequential.h"

using tfl::capi::to_dtype;
using tfl::capi::to_handle;
namespace nn = tfl::nn;

namespace {

std::optional<double> optional_double(const double* p) { return p ? std::optional<double>(*p) : std::nullopt; }

}  // namespace

// The body of a constructor: checks out, then *out = a new handle to the module built by the
// expression (variadic, so that template arguments and braces may hold commas).
#define TFL_MODULE_CREATE(...)                                                    \
  TFL_CAPI_BEGIN                                                                  \
  TFL_CHECK_OUT(out);                                                             \
  *out = to_handle(std::shared_ptr<nn::Module>(__VA_ARGS__));                     \
  TFL_CAPI_END
// The same for layers with a dtype argument, which is checked first.
#define TFL_MODULE_CREATE_DT(...)                                                 \
  TFL_CAPI_BEGIN                                                                  \
  TFL_CHECK_OUT(out);                                                             \
  TFL_CHECK_DTYPE(dtype);                                                         \
  *out = to_handle(std::shared_ptr<nn::Module>(__VA_ARGS__));                     \
  TFL_CAPI_END

// --- dense and containers ---------------------------------------------------------------------------

/// A Linear (dense) layer, y = x W^T + b: input (*, in_features) -> (*, out_features). Parameters
/// "weight" (out_features, in_features) and "bias" (out_features), both U(-1/sqrt(in_features),
/// 1/sqrt(in_features)) as in PyTorch.
/// @param[out] out New module; release with tfl_module_release.
/// @param in_features Size of the last input axis (>= 0).
/// @param out_features Size of the last output axis (>= 0).
/// @param bias Whether the layer has a bias.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG for
///         negative sizes; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_linear_create(TFL_OUT tfl_module** out, int64_t in_features,
                                                         int64_t out_features, bool bias, tfl_dtype dtype) {
  TFL_MODULE_CREATE_DT(std::make_shared<nn::Linear>(in_features, out_features, bias, to_dtype(dtype)))
}

/// An empty Sequential container; add modules with tfl_nn_sequential_append. Each child receives the
/// previous one's output (the first all inputs); an empty Sequential returns its single input.
/// @param[out] out New module; release with tfl_module_release.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_sequential_create(TFL_OUT tfl_module** out) {
  TFL_MODULE_CREATE(std::make_shared<nn::Sequential>())
}

/// Appends a module to a Sequential container, as the child named by its position ("0", "1", ...).
/// The container shares the module (it stays alive while the container does; releasing the caller's
/// handle is fine).
/// @param seq A module made by tfl_nn_sequential_create.
/// @param module The module to append; neither seq itself nor a module that contains seq.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, when seq is not a Sequential, or when
///         appending would make a module its own descendant.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_sequential_append(TFL_IN tfl_module* seq, TFL_IN tfl_module* module) {
  TFL_CAPI_BEGIN
  TFL_CHECK_MODULE(seq);
  TFL_CHECK_MODULE(module);
  auto* s = dynamic_cast<nn::Sequential*>(seq->impl.get());
  TFL_CHECK_ARG(s != nullptr, "seq", "is a " + seq->impl->type_name() + ", not a Sequential");
  // A cycle would make every traversal (forward, listings, printing) recurse forever.
  for (const auto& [name, m] : module->impl->named_modules())
    TFL_CHECK_ARG(m != s, "module", name.empty() ? std::string("is seq itself") : "contains seq (as '" + name + "')");
  s->push_back(module->impl);
  TFL_CAPI_END
}

// --- convolution and pooling -------------------------------------------------------------------------

/// A 1-D convolution (cross-correlation): input (N, C_in, L) or (C_in, L). Parameters "weight"
/// (out_channels, in_channels / groups, kernel_size) and "bias" (out_channels), PyTorch's default
/// initialisation.
/// @param[out] out New module; release with tfl_module_release.
/// @param in_channels Input channels (> 0, divisible by groups).
/// @param out_channels Output channels (> 0, divisible by groups).
/// @param kernel_size Kernel length (>= 1).
/// @param stride Step between windows (>= 1).
/// @param padding Zeros added at both ends (>= 0).
/// @param dilation Spacing of kernel elements (>= 1).
/// @param groups Number of channel groups (>= 1).
/// @param bias Whether the layer has a bias.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG for
///         out-of-range sizes; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_conv1d_create(TFL_OUT tfl_module** out, int64_t in_channels,
                                                         int64_t out_channels, int64_t kernel_size, int64_t stride,
                                                         int64_t padding, int64_t dilation, int64_t groups, bool bias,
                                                         tfl_dtype dtype) {
  TFL_MODULE_CREATE_DT(std::make_shared<nn::Conv1d>(in_channels, out_channels, kernel_size, stride, padding, dilation,
                                                    groups, bias, to_dtype(dtype)))
}

/// A 2-D convolution (cross-correlation): input (N, C_in, H, W) or (C_in, H, W). Parameters "weight"
/// (out_channels, in_channels / groups, kernel_h, kernel_w) and "bias" (out_channels), PyTorch's default
/// initialisation. Output size per axis: (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1.
/// @param[out] out New module; release with tfl_module_release.
/// @param in_channels Input channels (> 0, divisible by groups).
/// @param out_channels Output channels (> 0, divisible by groups).
/// @param kernel_h Kernel height (>= 1).
/// @param kernel_w Kernel width (>= 1).
/// @param stride_h Vertical step (>= 1).
/// @param stride_w Horizontal step (>= 1).
/// @param padding_h Zero rows added above and below (>= 0).
/// @param padding_w Zero columns added left and right (>= 0).
/// @param dilation_h Vertical spacing of kernel elements (>= 1).
/// @param dilation_w Horizontal spacing of kernel elements (>= 1).
/// @param groups Number of channel groups (>= 1).
/// @param bias Whether the layer has a bias.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG for
///         out-of-range sizes; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_conv2d_create(TFL_OUT tfl_module** out, int64_t in_channels,
                                                         int64_t out_channels, int64_t kernel_h, int64_t kernel_w,
                                                         int64_t stride_h, int64_t stride_w, int64_t padding_h,
                                                         int64_t padding_w, int64_t dilation_h, int64_t dilation_w,
                                                         int64_t groups, bool bias, tfl_dtype dtype) {
  TFL_MODULE_CREATE_DT(std::make_shared<nn::Conv2d>(in_channels, out_channels, tfl::Size2{kernel_h, kernel_w},
                                                    tfl::Size2{stride_h, stride_w}, tfl::Size2{padding_h, padding_w},
                                                    tfl::Size2{dilation_h, dilation_w}, groups, bias, to_dtype(dtype)))
}

/// 2-D max pooling over (N, C, H, W) or (C, H, W) input; padding counts as -infinity.
/// @param[out] out New module; release with tfl_module_release.
/// @param kernel_h Window height (>= 1).
/// @param kernel_w Window width (>= 1).
/// @param stride_h Vertical step; 0 means kernel_h.
/// @param stride_w Horizontal step; 0 means kernel_w.
/// @param padding_h Rows added above and below (>= 0, at most half the window).
/// @param padding_w Columns added left and right (>= 0, at most half the window).
/// @param dilation_h Vertical spacing of window elements (>= 1).
/// @param dilation_w Horizontal spacing of window elements (>= 1).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out; TFL_ERR_LAYER_CONFIG for out-of-range sizes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_max_pool2d_create(TFL_OUT tfl_module** out, int64_t kernel_h,
                                                             int64_t kernel_w, int64_t stride_h, int64_t stride_w,
                                                             int64_t padding_h, int64_t padding_w, int64_t dilation_h,
                                                             int64_t dilation_w) {
  TFL_MODULE_CREATE(std::make_shared<nn::MaxPool2d>(tfl::Size2{kernel_h, kernel_w}, tfl::Size2{stride_h, stride_w},
                                                    tfl::Size2{padding_h, padding_w},
                                                    tfl::Size2{dilation_h, dilation_w}))
}

/// 2-D average pooling over (N, C, H, W) or (C, H, W) input.
/// @param[out] out New module; release with tfl_module_release.
/// @param kernel_h Window height (>= 1).
/// @param kernel_w Window width (>= 1).
/// @param stride_h Vertical step; 0 means kernel_h.
/// @param stride_w Horizontal step; 0 means kernel_w.
/// @param padding_h Zero rows added above and below (>= 0, at most half the window).
/// @param padding_w Zero columns added left and right (>= 0, at most half the window).
/// @param count_include_pad Whether padded zeros count in the divisor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out; TFL_ERR_LAYER_CONFIG for out-of-range sizes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_avg_pool2d_create(TFL_OUT tfl_module** out, int64_t kernel_h,
                                                             int64_t kernel_w, int64_t stride_h, int64_t stride_w,
                                                             int64_t padding_h, int64_t padding_w,
                                                             bool count_include_pad) {
  TFL_MODULE_CREATE(std::make_shared<nn::AvgPool2d>(tfl::Size2{kernel_h, kernel_w}, tfl::Size2{stride_h, stride_w},
                                                    tfl::Size2{padding_h, padding_w}, count_include_pad))
}

/// 2-D adaptive average pooling: (N, C, H, W) or (C, H, W) -> (..., output_h, output_w), averaging
/// windows [floor(i * H / output_h), ceil((i + 1) * H / output_h)) as PyTorch does.
/// @param[out] out New module; release with tfl_module_release.
/// @param output_h Output height (>= 1).
/// @param output_w Output width (>= 1).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out; TFL_ERR_LAYER_CONFIG for sizes below 1.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_adaptive_avg_pool2d_create(TFL_OUT tfl_module** out, int64_t output_h,
                                                                      int64_t output_w) {
  TFL_MODULE_CREATE(std::make_shared<nn::AdaptiveAvgPool2d>(tfl::Size2{output_h, output_w}))
}

// --- normalisation -----------------------------------------------------------------------------------

/// Batch normalisation over (N, C) or (N, C, L) input, per channel of axis 1. In training mode the
/// batch statistics are used and the running ones updated; in eval mode the running ones are used.
/// Parameters "weight" (ones) and "bias" (zeros) when affine; buffers "running_mean", "running_var"
/// and "num_batches_tracked" (i64, 0-d) when track_running_stats.
/// @param[out] out New module; release with tfl_module_release.
/// @param num_features Number of channels C (> 0).
/// @param eps Added to the variance (>= 0), e.g. 1e-5.
/// @param momentum Weight of the batch in the running statistics, in [0, 1] (e.g. 0.1); NULL for the
///                 cumulative average.
/// @param affine Whether the layer has weight and bias.
/// @param track_running_stats Whether the layer keeps running statistics (otherwise batch statistics
///                            are used in eval mode too).
/// @param dtype Floating dtype of the parameters and running statistics.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG for
///         out-of-range values; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_batch_norm1d_create(TFL_OUT tfl_module** out, int64_t num_features,
                                                               double eps, TFL_NULLABLE const double* momentum,
                                                               bool affine, bool track_running_stats, tfl_dtype dtype) {
  TFL_MODULE_CREATE_DT(std::make_shared<nn::BatchNorm1d>(num_features, eps, optional_double(momentum), affine,
                                                         track_running_stats, to_dtype(dtype)))
}

/// Batch normalisation over (N, C, H, W) input; see tfl_nn_batch_norm1d_create.
/// @param[out] out New module; release with tfl_module_release.
/// @param num_features Number of channels C (> 0).
/// @param eps Added to the variance (>= 0), e.g. 1e-5.
/// @param momentum Weight of the batch in the running statistics, in [0, 1] (e.g. 0.1); NULL for the
///                 cumulative average.
/// @param affine Whether the layer has weight and bias.
/// @param track_running_stats Whether the layer keeps running statistics.
/// @param dtype Floating dtype of the parameters and running statistics.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG for
///         out-of-range values; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_batch_norm2d_create(TFL_OUT tfl_module** out, int64_t num_features,
                                                               double eps, TFL_NULLABLE const double* momentum,
                                                               bool affine, bool track_running_stats, tfl_dtype dtype) {
  TFL_MODULE_CREATE_DT(std::make_shared<nn::BatchNorm2d>(num_features, eps, optional_double(momentum), affine,
                                                         track_running_stats, to_dtype(dtype)))
}

/// Layer normalisation over the trailing axes given by normalized_shape (mean and biased variance),
/// then weight (ones) and bias (zeros) of that shape when elementwise_affine.
/// @param[out] out New module; release with tfl_module_release.
/// @param normalized_shape Sizes of the normalised trailing axes (each > 0).
/// @param ndim Number of entries of normalized_shape (>= 1).
/// @param eps Added to the variance (>= 0), e.g. 1e-5.
/// @param elementwise_affine Whether the layer has weight (and bias).
/// @param bias Whether the layer has a bias (with elementwise_affine).
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or an invalid dtype code; TFL_ERR_LAYER_CONFIG
///         for an empty or non-positive shape or a negative eps; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_layer_norm_create(TFL_OUT tfl_module** out,
                                                             TFL_ARRAY(ndim) const int64_t* normalized_shape,
                                                             size_t ndim, double eps, bool elementwise_affine,
                                                             bool bias, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  TFL_CHECK_SHAPE(normalized_shape, ndim);
  *out = to_handle(std::shared_ptr<nn::Module>(std::make_shared<nn::LayerNorm>(
      tfl::Shape(normalized_shape, ndim), eps, elementwise_affine, bias, to_dtype(dtype))));
  TFL_CAPI_END
}

/// RMS normalisation: x / sqrt(mean(x^2) + eps) over the trailing axes given by normalized_shape,
/// times weight (ones) when elementwise_affine.
/// @param[out] out New module; release with tfl_module_release.
/// @param normalized_shape Sizes of the normalised trailing axes (each > 0).
/// @param ndim Number of entries of normalized_shape (>= 1).
/// @param eps Added to the mean square (>= 0); NULL for the machine epsilon of the input's dtype.
/// @param elementwise_affine Whether the layer has a weight.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or an invalid dtype code; TFL_ERR_LAYER_CONFIG
///         for an empty or non-positive shape or a negative eps; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_rms_norm_create(TFL_OUT tfl_module** out,
                                                           TFL_ARRAY(ndim) const int64_t* normalized_shape,
                                                           size_t ndim, TFL_NULLABLE const double* eps,
                                                           bool elementwise_affine, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  TFL_CHECK_SHAPE(normalized_shape, ndim);
  *out = to_handle(std::shared_ptr<nn::Module>(std::make_shared<nn::RMSNorm>(
      tfl::Shape(normalized_shape, ndim), optional_double(eps), elementwise_affine,
      to_dtype(dtype))));
  TFL_CAPI_END
}

/// Group normalisation over (N, C, *) input: the channels split into num_groups groups, each
/// normalised over its channels and all positions, then per-channel weight (ones) and bias (zeros).
/// @param[out] out New module; release with tfl_module_release.
/// @param num_groups Number of groups (> 0, divides num_channels).
/// @param num_channels Number of channels C.
/// @param eps Added to the variance (>= 0), e.g. 1e-5.
/// @param affine Whether the layer has weight and bias.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG for
///         out-of-range values; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_group_norm_create(TFL_OUT tfl_module** out, int64_t num_groups,
                                                             int64_t num_channels, double eps, bool affine,
                                                             tfl_dtype dtype) {
  TFL_MODULE_CREATE_DT(std::make_shared<nn::GroupNorm>(num_groups, num_channels, eps, affine, to_dtype(dtype)))
}

// --- regularisation, lookup, reshaping ---------------------------------------------------------------

/// Dropout: in training mode zeroes each element with probability p (mask from the global generator)
/// and scales the rest by 1 / (1 - p); the identity in eval mode. Floating inputs only.
/// @param[out] out New module; release with tfl_module_release.
/// @param p Probability of zeroing, in [0, 1].
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out; TFL_ERR_LAYER_CONFIG for p outside [0, 1].
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_dropout_create(TFL_OUT tfl_module** out, double p) {
  TFL_MODULE_CREATE(std::make_shared<nn::Dropout>(p))
}

/// Embedding: a lookup table. Input: i32/i64 ids of any shape in [0, num_embeddings); output:
/// ids.shape + (embedding_dim). Parameter "weight" (num_embeddings, embedding_dim), N(0, 1).
/// @param[out] out New module; release with tfl_module_release.
/// @param num_embeddings Number of rows (>= 0).
/// @param embedding_dim Size of each row (>= 0).
/// @param padding_idx NULL, or a row (negative counts from the end) that starts at zero and receives no
///                    gradient.
/// @param dtype Floating dtype of the weight.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG for
///         negative sizes or padding_idx out of range; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_embedding_create(TFL_OUT tfl_module** out, int64_t num_embeddings,
                                                            int64_t embedding_dim,
                                                            TFL_NULLABLE const int64_t* padding_idx, tfl_dtype dtype) {
  TFL_MODULE_CREATE_DT(std::make_shared<nn::Embedding>(num_embeddings, embedding_dim,
                                                       tfl::capi::optional_of(padding_idx), to_dtype(dtype)))
}

/// Flatten: merges axes start_dim..end_dim (negative count from the end) into one.
/// @param[out] out New module; release with tfl_module_release.
/// @param start_dim First merged axis (1 keeps the batch axis).
/// @param end_dim Last merged axis (-1 for the last).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out (axes are checked against the input in forward).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_flatten_create(TFL_OUT tfl_module** out, int64_t start_dim,
                                                          int64_t end_dim) {
  TFL_MODULE_CREATE(std::make_shared<nn::Flatten>(start_dim, end_dim))
}

// --- activations ---------------------------------------------------------------------------------------

/// The ReLU activation module, max(x, 0).
/// @param[out] out New module; release with tfl_module_release.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_relu_create(TFL_OUT tfl_module** out) {
  TFL_MODULE_CREATE(std::make_shared<nn::ReLU>())
}

/// The LeakyReLU activation module, x for x >= 0 and negative_slope * x otherwise.
/// @param[out] out New module; release with tfl_module_release.
/// @param negative_slope Slope for negative inputs (e.g. 0.01).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_leaky_relu_create(TFL_OUT tfl_module** out, double negative_slope) {
  TFL_MODULE_CREATE(std::make_shared<nn::LeakyReLU>(negative_slope))
}

/// The GELU activation module: x * Phi(x), or its tanh approximation.
/// @param[out] out New module; release with tfl_module_release.
/// @param approximate Use the tanh form (PyTorch's approximate='tanh').
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_gelu_create(TFL_OUT tfl_module** out, bool approximate) {
  TFL_MODULE_CREATE(std::make_shared<nn::GELU>(approximate))
}

/// The SiLU (swish) activation module, x * sigmoid(x).
/// @param[out] out New module; release with tfl_module_release.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_silu_create(TFL_OUT tfl_module** out) {
  TFL_MODULE_CREATE(std::make_shared<nn::SiLU>())
}

/// The Tanh activation module.
/// @param[out] out New module; release with tfl_module_release.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_tanh_create(TFL_OUT tfl_module** out) {
  TFL_MODULE_CREATE(std::make_shared<nn::Tanh>())
}

/// The Sigmoid activation module, 1 / (1 + exp(-x)).
/// @param[out] out New module; release with tfl_module_release.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_sigmoid_create(TFL_OUT tfl_module** out) {
  TFL_MODULE_CREATE(std::make_shared<nn::Sigmoid>())
}

/// The Softmax module, exp(x) / sum(exp(x)) along one axis.
/// @param[out] out New module; release with tfl_module_release.
/// @param axis The axis (negative counts from the end; checked against the input in forward).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_softmax_create(TFL_OUT tfl_module** out, int64_t axis) {
  TFL_MODULE_CREATE(std::make_shared<nn::Softmax>(axis))
}

// --- sequence layers -------------------------------------------------------------------------------------

/// Multi-head attention (batch first, no dropout): forward takes {x} (self-attention), {query, key,
/// value} or {query, key, value, mask}; query (B, Lq, E), key and value (B, Lk, E) -> (B, Lq, E). A bool
/// mask broadcasting to (B, num_heads, Lq, Lk) keeps the true positions; a float mask is added to the
/// scores. Children q_proj, k_proj, v_proj, out_proj (Linear E -> E, weights U(-1/sqrt(E), 1/sqrt(E)),
/// biases zero).
/// @param[out] out New module; release with tfl_module_release.
/// @param embed_dim Model width E (a positive multiple of num_heads).
/// @param num_heads Number of heads.
/// @param bias Whether the projections have biases.
/// @param causal Whether query i attends to keys j <= i only.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG for
///         sizes that do not fit; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_multi_head_attention_create(TFL_OUT tfl_module** out, int64_t embed_dim,
                                                                       int64_t num_heads, bool bias, bool causal,
                                                                       tfl_dtype dtype) {
  TFL_MODULE_CREATE_DT(std::make_shared<nn::MultiHeadAttention>(embed_dim, num_heads, bias, causal, to_dtype(dtype)))
}

/// A Mamba block (selective state-space layer, Gu & Dao 2023): input (B, L, d_model) -> (B, L, d_model),
/// causal (output t depends on inputs 0..t only). Parameters A_log, D, in_proj.weight, conv1d.weight,
/// conv1d.bias, x_proj.weight, dt_proj.weight, dt_proj.bias, out_proj.weight, initialised as mamba_ssm
/// does.
/// @param[out] out New module; release with tfl_module_release.
/// @param d_model Model width (>= 1).
/// @param d_state State size per channel (>= 1; 16 in the paper).
/// @param d_conv Width of the causal depthwise convolution (>= 1; 4 in the paper).
/// @param expand Inner width factor, d_inner = expand * d_model (>= 1; 2 in the paper).
/// @param dt_rank Rank of the step-size projection; <= 0 means ceil(d_model / 16).
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG for
///         sizes below 1; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_mamba_create(TFL_OUT tfl_module** out, int64_t d_model, int64_t d_state,
                                                        int64_t d_conv, int64_t expand, int64_t dt_rank,
                                                        tfl_dtype dtype) {
  TFL_MODULE_CREATE_DT(std::make_shared<nn::Mamba>(d_model, d_state, d_conv, expand, dt_rank, to_dtype(dtype)))
}
