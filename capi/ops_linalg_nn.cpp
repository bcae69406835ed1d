// C API: matrix products (matmul, dot, outer) and neural-network ops (softmax, convolution, pooling).
// Convolution and pooling take their (height, width) pairs as plain scalars: an options struct would
// add a type and an init call for nothing the parameters cannot say.
#include <memory>
#include <utility>

#include "capi/capi_tensor_util.h"
#include "core/ops/linalg.h"
#include "core/ops/nn.h"

using tfl::capi::from_handle;
using tfl::capi::to_handle;

// --- linear algebra -------------------------------------------------------------------------------

/// Matrix product with numpy.matmul semantics: 1-D operands act as a row (left) or column (right)
/// vector and their added axis is removed; N-D operands are stacks of matrices with broadcast batch axes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand (at least 1-D).
/// @param b Right operand (at least 1-D).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE for 0-d operands, mismatched
///         inner sizes or batch axes that do not broadcast; TFL_ERR_DTYPE for bool or dtypes that do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_matmul(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::matmul(from_handle(a), from_handle(b)))
}

/// numpy.dot: 0-d operands multiply elementwise, 1-D and 2-D ones behave as matmul, and otherwise the
/// last axis of a is summed against the second-to-last axis of b (no broadcasting).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE for mismatched sizes;
///         TFL_ERR_DTYPE for bool or dtypes that do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_dot(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::dot(from_handle(a), from_handle(b)))
}

/// Outer product of the flattened operands: out[i, j] = a[i] * b[j].
/// @param[out] out New 2-D tensor; release with tfl_tensor_release.
/// @param a Left operand (flattened).
/// @param b Right operand (flattened).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for dtypes that do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_outer(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::outer(from_handle(a), from_handle(b)))
}

// --- softmax --------------------------------------------------------------------------------------

/// exp(x) / sum(exp(x)) along axis, computed without overflow.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param x Float tensor (a 0-d x is one element).
/// @param axis Axis to normalise (negative counts from the end).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for a non-float x;
///         TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_softmax(TFL_OUT tfl_tensor** out, const tfl_tensor* x, int64_t axis) {
  TFL_TENSOR_OP1(x, tfl::softmax(from_handle(x), axis))
}

/// log(softmax(x)) along axis, finite where softmax underflows to 0.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param x Float tensor (a 0-d x is one element).
/// @param axis Axis to normalise (negative counts from the end).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for a non-float x;
///         TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_log_softmax(TFL_OUT tfl_tensor** out, const tfl_tensor* x, int64_t axis) {
  TFL_TENSOR_OP1(x, tfl::log_softmax(from_handle(x), axis))
}

// --- convolution ----------------------------------------------------------------------------------

/// 2-D cross-correlation (torch.nn.functional.conv2d). Output (N, O, OH, OW) with
/// OH = (H + 2 * pad_h - dilation_h * (KH - 1) - 1) / stride_h + 1, likewise OW.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param input Float tensor (N, C, H, W) or (C, H, W).
/// @param weight Float tensor (O, C / groups, KH, KW).
/// @param bias Tensor (O), or NULL for none.
/// @param stride_h Vertical stride, >= 1.
/// @param stride_w Horizontal stride, >= 1.
/// @param pad_h Zero padding above and below, >= 0.
/// @param pad_w Zero padding left and right, >= 0.
/// @param dilation_h Vertical dilation, >= 1.
/// @param dilation_w Horizontal dilation, >= 1.
/// @param groups Number of channel groups; divides C and O.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad stride, padding, dilation or groups;
///         TFL_ERR_SHAPE if the shapes do not fit; TFL_ERR_DTYPE for non-float or mismatched dtypes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_conv2d(TFL_OUT tfl_tensor** out, const tfl_tensor* input,
                                                      const tfl_tensor* weight, TFL_NULLABLE const tfl_tensor* bias,
                                                      int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,
                                                      int64_t dilation_h, int64_t dilation_w, int64_t groups) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(input);
  TFL_CHECK_TENSOR(weight);
  *out = to_handle(tfl::conv2d(from_handle(input), from_handle(weight), bias ? from_handle(bias) : tfl::Tensor(),
                               {stride_h, stride_w}, {pad_h, pad_w}, {dilation_h, dilation_w}, groups));
  TFL_CAPI_END
}

/// 1-D cross-correlation (torch.nn.functional.conv1d). Output (N, O, OL) with
/// OL = (L + 2 * padding - dilation * (K - 1) - 1) / stride + 1.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param input Float tensor (N, C, L) or (C, L).
/// @param weight Float tensor (O, C / groups, K).
/// @param bias Tensor (O), or NULL for none.
/// @param stride Stride, >= 1.
/// @param padding Zero padding on both sides, >= 0.
/// @param dilation Dilation, >= 1.
/// @param groups Number of channel groups; divides C and O.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad stride, padding, dilation or groups;
///         TFL_ERR_SHAPE if the shapes do not fit; TFL_ERR_DTYPE for non-float or mismatched dtypes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_conv1d(TFL_OUT tfl_tensor** out, const tfl_tensor* input,
                                                      const tfl_tensor* weight, TFL_NULLABLE const tfl_tensor* bias,
                                                      int64_t stride, int64_t padding, int64_t dilation,
                                                      int64_t groups) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(input);
  TFL_CHECK_TENSOR(weight);
  *out = to_handle(tfl::conv1d(from_handle(input), from_handle(weight), bias ? from_handle(bias) : tfl::Tensor(),
                               stride, padding, dilation, groups));
  TFL_CAPI_END
}

// --- pooling --------------------------------------------------------------------------------------

/// Maximum over each window (torch.nn.functional.max_pool2d), padding with -infinity; NaN propagates.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param input Tensor (N, C, H, W) or (C, H, W) of a numeric dtype.
/// @param kernel_h Window height, >= 1.
/// @param kernel_w Window width, >= 1.
/// @param stride_h Vertical stride; 0 means kernel_h.
/// @param stride_w Horizontal stride; 0 means kernel_w.
/// @param pad_h Padding above and below, at most kernel_h / 2.
/// @param pad_w Padding left and right, at most kernel_w / 2.
/// @param dilation_h Vertical dilation, >= 1.
/// @param dilation_w Horizontal dilation, >= 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad kernel, stride, padding or dilation;
///         TFL_ERR_SHAPE if input is not 3-D or 4-D or the window does not fit; TFL_ERR_DTYPE for bool.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_max_pool2d(TFL_OUT tfl_tensor** out, const tfl_tensor* input,
                                                          int64_t kernel_h, int64_t kernel_w, int64_t stride_h,
                                                          int64_t stride_w, int64_t pad_h, int64_t pad_w,
                                                          int64_t dilation_h, int64_t dilation_w) {
  TFL_TENSOR_OP1(input, tfl::max_pool2d(from_handle(input), {kernel_h, kernel_w}, {stride_h, stride_w},
                                        {pad_h, pad_w}, {dilation_h, dilation_w}))
}

/// tfl_tensor_max_pool2d that also returns where each maximum came from.
/// @param[out] out_values New tensor of the maxima; release with tfl_tensor_release.
/// @param[out] out_indices New i64 tensor of positions h * W + w within each input plane; release with
///             tfl_tensor_release.
/// @param input Tensor (N, C, H, W) or (C, H, W) of a numeric dtype.
/// @param kernel_h Window height, >= 1.
/// @param kernel_w Window width, >= 1.
/// @param stride_h Vertical stride; 0 means kernel_h.
/// @param stride_w Horizontal stride; 0 means kernel_w.
/// @param pad_h Padding above and below, at most kernel_h / 2.
/// @param pad_w Padding left and right, at most kernel_w / 2.
/// @param dilation_h Vertical dilation, >= 1.
/// @param dilation_w Horizontal dilation, >= 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad kernel, stride, padding or dilation;
///         TFL_ERR_SHAPE if input is not 3-D or 4-D or the window does not fit; TFL_ERR_DTYPE for bool.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_max_pool2d_with_indices(
    TFL_OUT tfl_tensor** out_values, TFL_OUT tfl_tensor** out_indices, const tfl_tensor* input, int64_t kernel_h,
    int64_t kernel_w, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w, int64_t dilation_h,
    int64_t dilation_w) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out_values);
  TFL_CHECK_OUT(out_indices);
  TFL_CHECK_TENSOR(input);
  auto r = tfl::max_pool2d_with_indices(from_handle(input), {kernel_h, kernel_w}, {stride_h, stride_w},
                                        {pad_h, pad_w}, {dilation_h, dilation_w});
  std::unique_ptr<tfl_tensor> values(to_handle(std::move(r.first)));
  *out_indices = to_handle(std::move(r.second));
  *out_values = values.release();
  TFL_CAPI_END
}

/// Mean over each window (torch.nn.functional.avg_pool2d), zero-padded.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param input Float tensor (N, C, H, W) or (C, H, W).
/// @param kernel_h Window height, >= 1.
/// @param kernel_w Window width, >= 1.
/// @param stride_h Vertical stride; 0 means kernel_h.
/// @param stride_w Horizontal stride; 0 means kernel_w.
/// @param pad_h Padding above and below, at most kernel_h / 2.
/// @param pad_w Padding left and right, at most kernel_w / 2.
/// @param count_include_pad Whether the divisor counts padded positions.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad kernel, stride or padding;
///         TFL_ERR_SHAPE if input is not 3-D or 4-D or the window does not fit; TFL_ERR_DTYPE for non-floats.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_avg_pool2d(TFL_OUT tfl_tensor** out, const tfl_tensor* input,
                                                          int64_t kernel_h, int64_t kernel_w, int64_t stride_h,
                                                          int64_t stride_w, int64_t pad_h, int64_t pad_w,
                                                          bool count_include_pad) {
  TFL_TENSOR_OP1(input, tfl::avg_pool2d(from_handle(input), {kernel_h, kernel_w}, {stride_h, stride_w},
                                        {pad_h, pad_w}, count_include_pad))
}

/// Mean over the windows [floor(i * H / OH), ceil((i + 1) * H / OH)) (likewise for w) that tile the input
/// into output_h x output_w cells (torch.nn.functional.adaptive_avg_pool2d).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param input Float tensor (N, C, H, W) or (C, H, W).
/// @param output_h Output height, >= 1.
/// @param output_w Output width, >= 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad output size; TFL_ERR_SHAPE if input
///         is not 3-D or 4-D; TFL_ERR_DTYPE for non-floats.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_adaptive_avg_pool2d(TFL_OUT tfl_tensor** out, const tfl_tensor* input,
                                                                   int64_t output_h, int64_t output_w) {
  TFL_TENSOR_OP1(input, tfl::adaptive_avg_pool2d(from_handle(input), {output_h, output_w}))
}
