// C API: elementwise ops with two or three operands: arithmetic (tensor, scalar and in-place `_out`
// forms), comparisons, logical ops and where. One-operand ops are in ops_unary.cpp.
#include "capi/capi_tensor_util.h"
#include "core/ops/elementwise.h"

using tfl::capi::from_handle;

// --- tensor op tensor ------------------------------------------------------------------------------

/// Elementwise a + b, broadcasting a and b (NumPy rules) and promoting their dtypes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_add(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::add(from_handle(a), from_handle(b)))
}

/// Elementwise a - b, broadcasting a and b (NumPy rules) and promoting their dtypes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_sub(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::sub(from_handle(a), from_handle(b)))
}

/// Elementwise a * b, broadcasting a and b (NumPy rules) and promoting their dtypes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_mul(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::mul(from_handle(a), from_handle(b)))
}

/// Elementwise a / b (true division: integer operands give f32), broadcasting a and b (NumPy rules) and promoting their dtypes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_div(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::div(from_handle(a), from_handle(b)))
}

/// Elementwise floor(a / b) (integers: x // 0 is 0), broadcasting a and b (NumPy rules) and promoting their dtypes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote or either is bool; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_floor_divide(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::floor_divide(from_handle(a), from_handle(b)))
}

/// Elementwise a - floor(a / b) * b, which has the sign of b (integers: x % 0 is 0), broadcasting a and b (NumPy rules) and promoting their dtypes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote or either is bool; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_remainder(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::remainder(from_handle(a), from_handle(b)))
}

/// Elementwise a ** b (integer overflow wraps), broadcasting a and b (NumPy rules) and promoting their dtypes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_pow(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::pow(from_handle(a), from_handle(b)))
}

/// Elementwise max(a, b) (a NaN in either operand gives NaN), broadcasting a and b (NumPy rules) and promoting their dtypes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_maximum(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::maximum(from_handle(a), from_handle(b)))
}

/// Elementwise min(a, b) (a NaN in either operand gives NaN), broadcasting a and b (NumPy rules) and promoting their dtypes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_minimum(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::minimum(from_handle(a), from_handle(b)))
}

/// Elementwise atan2(a, b) in radians (integer operands give f32), broadcasting a and b (NumPy rules) and promoting their dtypes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_atan2(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::atan2(from_handle(a), from_handle(b)))
}

// --- tensor op scalar, scalar op tensor -----------------------------------------------------------

/// Elementwise t + scalar; the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_add_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::add(from_handle(t), scalar))
}

/// Elementwise t - scalar; the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_sub_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::sub(from_handle(t), scalar))
}

/// Elementwise scalar - t; the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_sub_rscalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::sub(scalar, from_handle(t)))
}

/// Elementwise t * scalar; the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_mul_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::mul(from_handle(t), scalar))
}

/// Elementwise t / scalar (integer t gives f32); the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_div_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::div(from_handle(t), scalar))
}

/// Elementwise scalar / t (integer t gives f32); the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_div_rscalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::div(scalar, from_handle(t)))
}

/// Elementwise floor(t / scalar); the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_floor_divide_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::floor_divide(from_handle(t), scalar))
}

/// Elementwise floor(scalar / t); the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_floor_divide_rscalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::floor_divide(scalar, from_handle(t)))
}

/// Elementwise t - floor(t / scalar) * scalar; the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_remainder_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::remainder(from_handle(t), scalar))
}

/// Elementwise scalar - floor(scalar / t) * t; the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_remainder_rscalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::remainder(scalar, from_handle(t)))
}

/// Elementwise t ** scalar; the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_pow_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::pow(from_handle(t), scalar))
}

/// Elementwise scalar ** t; the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_pow_rscalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::pow(scalar, from_handle(t)))
}

/// Elementwise max(t, scalar); the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_maximum_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::maximum(from_handle(t), scalar))
}

/// Elementwise min(t, scalar); the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_minimum_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::minimum(from_handle(t), scalar))
}

/// Elementwise atan2(t, scalar) (integer t gives f32); the scalar takes t's dtype; a non-integral scalar with an integer t is TFL_ERR_DTYPE.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported or the scalar does not fit it.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_atan2_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::atan2(from_handle(t), scalar))
}

// --- into an existing tensor ----------------------------------------------------------------------

/// Writes a + b into an existing tensor (broadcasting and promotion as in tfl_tensor_add).
/// @param dst Destination: must have the result's shape and dtype; may be a or b.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast to dst's shape; TFL_ERR_DTYPE if
///         the dtypes do not promote to dst's dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_add_out(TFL_IN tfl_tensor* dst, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(dst);
  TFL_CHECK_TENSOR(a);
  TFL_CHECK_TENSOR(b);
  tfl::add_out(dst->impl, from_handle(a), from_handle(b));
  TFL_CAPI_END
}

/// Writes a - b into an existing tensor (broadcasting and promotion as in tfl_tensor_sub).
/// @param dst Destination: must have the result's shape and dtype; may be a or b.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast to dst's shape; TFL_ERR_DTYPE if
///         the dtypes do not promote to dst's dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_sub_out(TFL_IN tfl_tensor* dst, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(dst);
  TFL_CHECK_TENSOR(a);
  TFL_CHECK_TENSOR(b);
  tfl::sub_out(dst->impl, from_handle(a), from_handle(b));
  TFL_CAPI_END
}

/// Writes a * b into an existing tensor (broadcasting and promotion as in tfl_tensor_mul).
/// @param dst Destination: must have the result's shape and dtype; may be a or b.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast to dst's shape; TFL_ERR_DTYPE if
///         the dtypes do not promote to dst's dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_mul_out(TFL_IN tfl_tensor* dst, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(dst);
  TFL_CHECK_TENSOR(a);
  TFL_CHECK_TENSOR(b);
  tfl::mul_out(dst->impl, from_handle(a), from_handle(b));
  TFL_CAPI_END
}

/// Writes a / b into an existing tensor (broadcasting and promotion as in tfl_tensor_div).
/// @param dst Destination: must have the result's shape and dtype; may be a or b.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast to dst's shape; TFL_ERR_DTYPE if
///         the dtypes do not promote to dst's dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_div_out(TFL_IN tfl_tensor* dst, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(dst);
  TFL_CHECK_TENSOR(a);
  TFL_CHECK_TENSOR(b);
  tfl::div_out(dst->impl, from_handle(a), from_handle(b));
  TFL_CAPI_END
}

/// Writes floor(a / b) into an existing tensor (broadcasting and promotion as in tfl_tensor_floor_divide).
/// @param dst Destination: must have the result's shape and dtype; may be a or b.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast to dst's shape; TFL_ERR_DTYPE if
///         the dtypes do not promote to dst's dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_floor_divide_out(TFL_IN tfl_tensor* dst, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(dst);
  TFL_CHECK_TENSOR(a);
  TFL_CHECK_TENSOR(b);
  tfl::floor_divide_out(dst->impl, from_handle(a), from_handle(b));
  TFL_CAPI_END
}

/// Writes a - floor(a / b) * b, which has the sign of b into an existing tensor (broadcasting and promotion as in tfl_tensor_remainder).
/// @param dst Destination: must have the result's shape and dtype; may be a or b.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast to dst's shape; TFL_ERR_DTYPE if
///         the dtypes do not promote to dst's dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_remainder_out(TFL_IN tfl_tensor* dst, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(dst);
  TFL_CHECK_TENSOR(a);
  TFL_CHECK_TENSOR(b);
  tfl::remainder_out(dst->impl, from_handle(a), from_handle(b));
  TFL_CAPI_END
}

/// Writes a ** b into an existing tensor (broadcasting and promotion as in tfl_tensor_pow).
/// @param dst Destination: must have the result's shape and dtype; may be a or b.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast to dst's shape; TFL_ERR_DTYPE if
///         the dtypes do not promote to dst's dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_pow_out(TFL_IN tfl_tensor* dst, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(dst);
  TFL_CHECK_TENSOR(a);
  TFL_CHECK_TENSOR(b);
  tfl::pow_out(dst->impl, from_handle(a), from_handle(b));
  TFL_CAPI_END
}

/// Writes max(a, b) into an existing tensor (broadcasting and promotion as in tfl_tensor_maximum).
/// @param dst Destination: must have the result's shape and dtype; may be a or b.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast to dst's shape; TFL_ERR_DTYPE if
///         the dtypes do not promote to dst's dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_maximum_out(TFL_IN tfl_tensor* dst, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(dst);
  TFL_CHECK_TENSOR(a);
  TFL_CHECK_TENSOR(b);
  tfl::maximum_out(dst->impl, from_handle(a), from_handle(b));
  TFL_CAPI_END
}

/// Writes min(a, b) into an existing tensor (broadcasting and promotion as in tfl_tensor_minimum).
/// @param dst Destination: must have the result's shape and dtype; may be a or b.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast to dst's shape; TFL_ERR_DTYPE if
///         the dtypes do not promote to dst's dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_minimum_out(TFL_IN tfl_tensor* dst, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(dst);
  TFL_CHECK_TENSOR(a);
  TFL_CHECK_TENSOR(b);
  tfl::minimum_out(dst->impl, from_handle(a), from_handle(b));
  TFL_CAPI_END
}

/// Writes atan2(a, b) in radians into an existing tensor (broadcasting and promotion as in tfl_tensor_atan2).
/// @param dst Destination: must have the result's shape and dtype; may be a or b.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast to dst's shape; TFL_ERR_DTYPE if
///         the dtypes do not promote to dst's dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_atan2_out(TFL_IN tfl_tensor* dst, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(dst);
  TFL_CHECK_TENSOR(a);
  TFL_CHECK_TENSOR(b);
  tfl::atan2_out(dst->impl, from_handle(a), from_handle(b));
  TFL_CAPI_END
}

// --- comparisons and logical ops ------------------------------------------------------------------

/// Elementwise a == b as a bool tensor; a and b broadcast and promote first.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_eq(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::eq(from_handle(a), from_handle(b)))
}

/// Elementwise t == scalar as a bool tensor.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_eq_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::eq(from_handle(t), scalar))
}

/// Elementwise a != b as a bool tensor; a and b broadcast and promote first.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_ne(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::ne(from_handle(a), from_handle(b)))
}

/// Elementwise t != scalar as a bool tensor.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_ne_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::ne(from_handle(t), scalar))
}

/// Elementwise a < b as a bool tensor; a and b broadcast and promote first.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_lt(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::lt(from_handle(a), from_handle(b)))
}

/// Elementwise t < scalar as a bool tensor.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_lt_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::lt(from_handle(t), scalar))
}

/// Elementwise a <= b as a bool tensor; a and b broadcast and promote first.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_le(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::le(from_handle(a), from_handle(b)))
}

/// Elementwise t <= scalar as a bool tensor.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_le_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::le(from_handle(t), scalar))
}

/// Elementwise a > b as a bool tensor; a and b broadcast and promote first.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_gt(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::gt(from_handle(a), from_handle(b)))
}

/// Elementwise t > scalar as a bool tensor.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_gt_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::gt(from_handle(t), scalar))
}

/// Elementwise a >= b as a bool tensor; a and b broadcast and promote first.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if the dtypes
///         do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_ge(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::ge(from_handle(a), from_handle(b)))
}

/// Elementwise t >= scalar as a bool tensor.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor operand.
/// @param scalar Scalar operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_ge_scalar(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double scalar) {
  TFL_TENSOR_OP1(t, tfl::ge(from_handle(t), scalar))
}

/// Elementwise logical and as a bool tensor: any dtypes, non-zero (and NaN) counts as true.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_logical_and(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::logical_and(from_handle(a), from_handle(b)))
}

/// Elementwise logical or as a bool tensor: any dtypes, non-zero (and NaN) counts as true.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_logical_or(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::logical_or(from_handle(a), from_handle(b)))
}

/// Elementwise logical xor as a bool tensor: any dtypes, non-zero (and NaN) counts as true.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param a Left operand.
/// @param b Right operand.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_logical_xor(TFL_OUT tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b) {
  TFL_TENSOR_OP2(a, b, tfl::logical_xor(from_handle(a), from_handle(b)))
}

/// Elementwise cond ? a : b; cond, a and b broadcast together, and a and b promote.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param cond Bool tensor choosing a (true) or b (false).
/// @param a Values where cond is true.
/// @param b Values where cond is false.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_DTYPE if cond is not bool
///         or a and b do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_where(TFL_OUT tfl_tensor** out, const tfl_tensor* cond, const tfl_tensor* a,
                                                   const tfl_tensor* b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(cond);
  TFL_CHECK_TENSOR(a);
  TFL_CHECK_TENSOR(b);
  *out = tfl::capi::to_handle(tfl::where(from_handle(cond), from_handle(a), from_handle(b)));
  TFL_CAPI_END
}
