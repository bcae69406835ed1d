// C API: elementwise ops with one operand: integer-preserving math, float math, activations, clip,
// and the NaN / infinity tests.
#include <cmath>
#include <optional>

#include "capi/capi_tensor_util.h"
#include "core/ops/elementwise.h"

using tfl::capi::from_handle;

/// -t elementwise; integer dtypes are kept (INT_MIN wraps).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for bool.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_neg(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::neg(from_handle(t)))
}

/// |t| elementwise; integer dtypes are kept (abs(INT_MIN) wraps).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for bool.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_abs(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::abs(from_handle(t)))
}

/// -1, 0 or 1 elementwise (NaN stays NaN); integer dtypes are kept.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for bool.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_sign(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::sign(from_handle(t)))
}

/// t * t elementwise; integer dtypes are kept (overflow wraps).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for bool.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_square(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::square(from_handle(t)))
}

/// max(t, 0) elementwise; integer dtypes are kept.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for bool.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_relu(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::relu(from_handle(t)))
}

/// Rounds down elementwise; the identity on integers.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for bool.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_floor(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::floor(from_handle(t)))
}

/// Rounds up elementwise; the identity on integers.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for bool.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_ceil(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::ceil(from_handle(t)))
}

/// Rounds to the nearest integer elementwise, halves to even (numpy.round); the identity on integers.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for bool.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_round(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::round(from_handle(t)))
}

/// e ** t elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_exp(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::exp(from_handle(t)))
}

/// e ** t - 1, accurate near 0 elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_expm1(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::expm1(from_handle(t)))
}

/// Natural logarithm elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_log(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::log(from_handle(t)))
}

/// log(1 + t), accurate near 0 elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_log1p(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::log1p(from_handle(t)))
}

/// Square root elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_sqrt(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::sqrt(from_handle(t)))
}

/// 1 / sqrt(t) elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_rsqrt(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::rsqrt(from_handle(t)))
}

/// Sine (radians) elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_sin(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::sin(from_handle(t)))
}

/// Cosine (radians) elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_cos(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::cos(from_handle(t)))
}

/// Tangent (radians) elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_tan(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::tan(from_handle(t)))
}

/// Hyperbolic tangent elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_tanh(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::tanh(from_handle(t)))
}

/// 1 / (1 + e ** -t) elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_sigmoid(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::sigmoid(from_handle(t)))
}

/// t * sigmoid(t) elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_silu(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::silu(from_handle(t)))
}

/// t where t > 0, else slope * t, elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param slope Slope for negative inputs (PyTorch's default is 0.01).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_leaky_relu(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double slope) {
  TFL_TENSOR_OP1(t, tfl::leaky_relu(from_handle(t), slope))
}

/// t where t > 0, else alpha * (e ** t - 1), elementwise; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param alpha Scale of the negative part (PyTorch's default is 1).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_elu(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double alpha) {
  TFL_TENSOR_OP1(t, tfl::elu(from_handle(t), alpha))
}

/// t * Phi(t) elementwise (Phi: the standard normal CDF); integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param approximate false for the exact erf form, true for the tanh approximation.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_gelu(TFL_OUT tfl_tensor** out, const tfl_tensor* t, bool approximate) {
  TFL_TENSOR_OP1(t, tfl::gelu(from_handle(t), approximate))
}

/// log(1 + e ** (beta * t)) / beta elementwise, or t where beta * t > threshold
/// (torch.nn.functional.softplus); integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param beta Sharpness (PyTorch's default is 1).
/// @param threshold Above it the result is t itself (PyTorch's default is 20).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_softplus(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double beta, double threshold) {
  TFL_TENSOR_OP1(t, tfl::softplus(from_handle(t), beta, threshold))
}

/// min(max(t, lo), hi) elementwise, like numpy.clip (lo > hi gives hi). NaN in t stays NaN.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param lo Lower bound, or -INFINITY for none.
/// @param hi Upper bound, or INFINITY for none.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INVALID_ARGUMENT for a NaN bound; TFL_ERR_DTYPE for bool t or a
///         non-integral bound with an integer t.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_clip(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double lo, double hi) {
  // The infinities stand for an absent bound, which the core spells std::nullopt.
  std::optional<double> l = lo == -INFINITY ? std::nullopt : std::optional<double>(lo);
  std::optional<double> h = hi == INFINITY ? std::nullopt : std::optional<double>(hi);
  TFL_TENSOR_OP1(t, tfl::clip(from_handle(t), l, h))
}

/// Elementwise logical not as a bool tensor: any dtype, non-zero (and NaN) counts as true.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_logical_not(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::logical_not(from_handle(t)))
}

/// True where t is NaN (integer and bool elements are always finite); a bool tensor.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_isnan(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::isnan(from_handle(t)))
}

/// True where t is +-infinity (integer and bool elements are always finite); a bool tensor.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_isinf(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::isinf(from_handle(t)))
}

/// True where t is neither NaN nor infinite (integer and bool elements are always finite); a bool tensor.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_isfinite(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::isfinite(from_handle(t)))
}
