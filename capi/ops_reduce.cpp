// C API: reductions over all axes or a list of axes, arg reductions and cumulative scans.
#include "capi/capi_tensor_util.h"
#include "core/ops/reduce.h"

using tfl::capi::from_handle;
using tfl::capi::to_vector;

/// Sum of every element of t as a 0-d tensor; bool and integer inputs give i64 (wrapping on overflow); floats keep their dtype.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_sum(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::sum(from_handle(t)))
}

/// Sum over the given axes; bool and integer inputs give i64 (wrapping on overflow); floats keep their dtype.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to reduce (negative counts from the end; no duplicates). An empty list
///             (naxes == 0) reduces every axis.
/// @param naxes Number of axes.
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_INVALID_ARGUMENT for a repeated
///         axis; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_sum_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t, TFL_ARRAY(naxes) const int64_t* axes,
                                                       size_t naxes, bool keepdims) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = tfl::capi::to_handle(tfl::sum(from_handle(t), to_vector(axes, naxes), keepdims));
  TFL_CAPI_END
}

/// Product of every element of t as a 0-d tensor; bool and integer inputs give i64 (wrapping on overflow); floats keep their dtype.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_prod(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::prod(from_handle(t)))
}

/// Product over the given axes; bool and integer inputs give i64 (wrapping on overflow); floats keep their dtype.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to reduce (negative counts from the end; no duplicates). An empty list
///             (naxes == 0) reduces every axis.
/// @param naxes Number of axes.
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_INVALID_ARGUMENT for a repeated
///         axis; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_prod_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t, TFL_ARRAY(naxes) const int64_t* axes,
                                                       size_t naxes, bool keepdims) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = tfl::capi::to_handle(tfl::prod(from_handle(t), to_vector(axes, naxes), keepdims));
  TFL_CAPI_END
}

/// Mean of every element of t as a 0-d tensor; integer and bool inputs give f32; an empty reduction gives NaN.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_mean(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::mean(from_handle(t)))
}

/// Mean over the given axes; integer and bool inputs give f32; an empty reduction gives NaN.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to reduce (negative counts from the end; no duplicates). An empty list
///             (naxes == 0) reduces every axis.
/// @param naxes Number of axes.
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_INVALID_ARGUMENT for a repeated
///         axis; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_mean_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t, TFL_ARRAY(naxes) const int64_t* axes,
                                                       size_t naxes, bool keepdims) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = tfl::capi::to_handle(tfl::mean(from_handle(t), to_vector(axes, naxes), keepdims));
  TFL_CAPI_END
}

/// Maximum of every element of t as a 0-d tensor; keeps the dtype; NaN propagates.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_TENSOR_OP when a reduced extent has size 0 (no identity); TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_max(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::max(from_handle(t)))
}

/// Maximum over the given axes; keeps the dtype; NaN propagates.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to reduce (negative counts from the end; no duplicates). An empty list
///             (naxes == 0) reduces every axis.
/// @param naxes Number of axes.
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_INVALID_ARGUMENT for a repeated
///         axis; TFL_ERR_TENSOR_OP when a reduced extent has size 0 (no identity); TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_max_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t, TFL_ARRAY(naxes) const int64_t* axes,
                                                       size_t naxes, bool keepdims) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = tfl::capi::to_handle(tfl::max(from_handle(t), to_vector(axes, naxes), keepdims));
  TFL_CAPI_END
}

/// Minimum of every element of t as a 0-d tensor; keeps the dtype; NaN propagates.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_TENSOR_OP when a reduced extent has size 0 (no identity); TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_min(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::min(from_handle(t)))
}

/// Minimum over the given axes; keeps the dtype; NaN propagates.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to reduce (negative counts from the end; no duplicates). An empty list
///             (naxes == 0) reduces every axis.
/// @param naxes Number of axes.
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_INVALID_ARGUMENT for a repeated
///         axis; TFL_ERR_TENSOR_OP when a reduced extent has size 0 (no identity); TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_min_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t, TFL_ARRAY(naxes) const int64_t* axes,
                                                       size_t naxes, bool keepdims) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = tfl::capi::to_handle(tfl::min(from_handle(t), to_vector(axes, naxes), keepdims));
  TFL_CAPI_END
}

/// log(sum(exp(t))) of every element of t as a 0-d tensor; computed without overflow; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_logsumexp(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::logsumexp(from_handle(t)))
}

/// log(sum(exp(t))) over the given axes; computed without overflow; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to reduce (negative counts from the end; no duplicates). An empty list
///             (naxes == 0) reduces every axis.
/// @param naxes Number of axes.
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_INVALID_ARGUMENT for a repeated
///         axis; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_logsumexp_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t, TFL_ARRAY(naxes) const int64_t* axes,
                                                       size_t naxes, bool keepdims) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = tfl::capi::to_handle(tfl::logsumexp(from_handle(t), to_vector(axes, naxes), keepdims));
  TFL_CAPI_END
}

/// Logical and of every element of t as a 0-d tensor; a bool result for any dtype (non-zero and NaN are true; empty gives true).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_all(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::all(from_handle(t)))
}

/// Logical and over the given axes; a bool result for any dtype (non-zero and NaN are true; empty gives true).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to reduce (negative counts from the end; no duplicates). An empty list
///             (naxes == 0) reduces every axis.
/// @param naxes Number of axes.
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_INVALID_ARGUMENT for a repeated
///         axis; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_all_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t, TFL_ARRAY(naxes) const int64_t* axes,
                                                       size_t naxes, bool keepdims) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = tfl::capi::to_handle(tfl::all(from_handle(t), to_vector(axes, naxes), keepdims));
  TFL_CAPI_END
}

/// Logical or of every element of t as a 0-d tensor; a bool result for any dtype (non-zero and NaN are true; empty gives false).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_any(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::any(from_handle(t)))
}

/// Logical or over the given axes; a bool result for any dtype (non-zero and NaN are true; empty gives false).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to reduce (negative counts from the end; no duplicates). An empty list
///             (naxes == 0) reduces every axis.
/// @param naxes Number of axes.
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_INVALID_ARGUMENT for a repeated
///         axis; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_any_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t, TFL_ARRAY(naxes) const int64_t* axes,
                                                       size_t naxes, bool keepdims) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = tfl::capi::to_handle(tfl::any(from_handle(t), to_vector(axes, naxes), keepdims));
  TFL_CAPI_END
}

/// Variance of every element of t as a 0-d tensor; divisor N - correction, NaN when it is <= 0; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param correction Subtracted from the element count in the divisor (1: the unbiased estimator).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_var(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double correction) {
  TFL_TENSOR_OP1(t, tfl::var(from_handle(t), {}, correction))
}

/// Variance over the given axes; divisor N - correction, NaN when it is <= 0; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to reduce (negative counts from the end; no duplicates). An empty list
///             (naxes == 0) reduces every axis.
/// @param naxes Number of axes.
/// @param correction Subtracted from the element count in the divisor (1: the unbiased estimator).
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_INVALID_ARGUMENT for a repeated
///         axis; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_var_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t, TFL_ARRAY(naxes) const int64_t* axes,
                                                       size_t naxes, double correction, bool keepdims) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = tfl::capi::to_handle(tfl::var(from_handle(t), to_vector(axes, naxes), correction, keepdims));
  TFL_CAPI_END
}

/// Standard deviation of every element of t as a 0-d tensor; divisor N - correction, NaN when it is <= 0; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param correction Subtracted from the element count in the divisor (1: the unbiased estimator).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_std(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double correction) {
  TFL_TENSOR_OP1(t, tfl::std_dev(from_handle(t), {}, correction))
}

/// Standard deviation over the given axes; divisor N - correction, NaN when it is <= 0; integer and bool inputs give f32.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to reduce (negative counts from the end; no duplicates). An empty list
///             (naxes == 0) reduces every axis.
/// @param naxes Number of axes.
/// @param correction Subtracted from the element count in the divisor (1: the unbiased estimator).
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_INVALID_ARGUMENT for a repeated
///         axis; TFL_ERR_DTYPE if t's dtype is not supported.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_std_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t, TFL_ARRAY(naxes) const int64_t* axes,
                                                       size_t naxes, double correction, bool keepdims) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = tfl::capi::to_handle(tfl::std_dev(from_handle(t), to_vector(axes, naxes), correction, keepdims));
  TFL_CAPI_END
}

/// i64 row-major flat index of the first maximum of t (the first NaN for floats).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param keepdims false: a 0-d result; true: every axis kept with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_TENSOR_OP for an empty t.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_argmax(TFL_OUT tfl_tensor** out, const tfl_tensor* t, bool keepdims) {
  TFL_TENSOR_OP1(t, tfl::argmax(from_handle(t), std::nullopt, keepdims))
}

/// i64 index of the first maximum along one axis (the first NaN for floats).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axis Axis to reduce; negative counts from the end.
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_TENSOR_OP if the axis has size 0.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_argmax_axis(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t axis, bool keepdims) {
  TFL_TENSOR_OP1(t, tfl::argmax(from_handle(t), axis, keepdims))
}

/// i64 row-major flat index of the first minimum of t (the first NaN for floats).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param keepdims false: a 0-d result; true: every axis kept with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_TENSOR_OP for an empty t.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_argmin(TFL_OUT tfl_tensor** out, const tfl_tensor* t, bool keepdims) {
  TFL_TENSOR_OP1(t, tfl::argmin(from_handle(t), std::nullopt, keepdims))
}

/// i64 index of the first minimum along one axis (the first NaN for floats).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axis Axis to reduce; negative counts from the end.
/// @param keepdims Keep each reduced axis with size 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range; TFL_ERR_TENSOR_OP if the axis has size 0.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_argmin_axis(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t axis, bool keepdims) {
  TFL_TENSOR_OP1(t, tfl::argmin(from_handle(t), axis, keepdims))
}

/// Inclusive running sum along one axis; same shape as t, dtype as for tfl_tensor_sum.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axis Axis to scan; negative counts from the end.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_cumsum(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t axis) {
  TFL_TENSOR_OP1(t, tfl::cumsum(from_handle(t), axis))
}

/// Inclusive running product along one axis; same shape as t, dtype as for tfl_tensor_prod.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axis Axis to scan; negative counts from the end.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_cumprod(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t axis) {
  TFL_TENSOR_OP1(t, tfl::cumprod(from_handle(t), axis))
}
