// C API: utilities for inspecting shapes, dtypes and tensors (core/tensor_info.h, core/dtype_info.h):
// broadcast checks, dtype properties and casting rules, memory size, and a statistics summary.
#include <string>

#include "capi/capi_tensor_util.h"
#include "capi/capi_text.h"
#include "core/dtype_info.h"
#include "core/memory_profiler.h"
#include "core/tensor_info.h"

using tfl::capi::from_handle;
using tfl::capi::to_dtype;

/// The shape two shapes broadcast to under NumPy's rules (sizes aligned from the right; each pair equal
/// or one of them 1).
/// @param[out] out Receives the broadcast shape.
/// @param[out] out_ndim Receives its number of dimensions (max(ndim_a, ndim_b)).
/// @param capacity Length of out; at least max(ndim_a, ndim_b).
/// @param a First shape (may be NULL when ndim_a is 0).
/// @param ndim_a Its number of dimensions.
/// @param b Second shape (may be NULL when ndim_b is 0).
/// @param ndim_b Its number of dimensions.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a too small out; TFL_ERR_SHAPE when
///         the shapes do not broadcast, or for negative sizes or more dimensions than tenflowers supports.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_broadcast_shape(TFL_OUT TFL_ARRAY(capacity) int64_t* out,
                                                        TFL_OUT size_t* out_ndim, size_t capacity,
                                                        TFL_ARRAY(ndim_a) const int64_t* a, size_t ndim_a,
                                                        TFL_ARRAY(ndim_b) const int64_t* b, size_t ndim_b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out_ndim != nullptr, "out_ndim", "must not be NULL");
  TFL_CHECK_SHAPE(a, ndim_a);
  TFL_CHECK_SHAPE(b, ndim_b);
  const size_t n = ndim_a > ndim_b ? ndim_a : ndim_b;
  TFL_CHECK_ARG(out != nullptr || n == 0, "out", "must not be NULL");
  TFL_CHECK_ARG(capacity >= n, "capacity",
                std::to_string(capacity) + " is less than the result's " + std::to_string(n) + " dimensions");
  const tfl::Shape s = tfl::broadcast_shapes(tfl::checked_shape(a, ndim_a, "broadcast_shape"),
                                             tfl::checked_shape(b, ndim_b, "broadcast_shape"), "broadcast_shape");
  for (int i = 0; i < s.size(); ++i) out[i] = s[i];
  *out_ndim = static_cast<size_t>(s.size());
  TFL_CAPI_END
}

/// Whether two shapes broadcast against each other (NumPy's rules).
/// @param[out] out Receives true when they do.
/// @param a First shape (may be NULL when ndim_a is 0).
/// @param ndim_a Its number of dimensions.
/// @param b Second shape (may be NULL when ndim_b is 0).
/// @param ndim_b Its number of dimensions.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE for negative sizes or more
///         dimensions than tenflowers supports.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_is_broadcastable(TFL_OUT bool* out, TFL_ARRAY(ndim_a) const int64_t* a,
                                                         size_t ndim_a, TFL_ARRAY(ndim_b) const int64_t* b,
                                                         size_t ndim_b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_SHAPE(a, ndim_a);
  TFL_CHECK_SHAPE(b, ndim_b);
  *out = tfl::is_broadcastable(tfl::checked_shape(a, ndim_a, "is_broadcastable"),
                               tfl::checked_shape(b, ndim_b, "is_broadcastable"));
  TFL_CAPI_END
}

/// Bytes per element of a dtype.
/// @param[out] out Receives the size (4 for TFL_DTYPE_F32, 1 for TFL_DTYPE_BOOL, ...).
/// @param dtype The dtype.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL or dtype is not a valid tfl_dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dtype_size(TFL_OUT size_t* out, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_DTYPE(dtype);
  *out = tfl::dtype_size(to_dtype(dtype));
  TFL_CAPI_END
}

/// Whether a dtype is a floating-point type (f32, f64, f16, bf16).
/// @param[out] out Receives the answer.
/// @param dtype The dtype.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL or dtype is not a valid tfl_dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dtype_is_floating_point(TFL_OUT bool* out, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_DTYPE(dtype);
  *out = tfl::is_floating(to_dtype(dtype));
  TFL_CAPI_END
}

/// Whether a dtype is an integer type (bool is not).
/// @param[out] out Receives the answer.
/// @param dtype The dtype.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL or dtype is not a valid tfl_dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dtype_is_integer(TFL_OUT bool* out, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_DTYPE(dtype);
  *out = tfl::is_integral(to_dtype(dtype));
  TFL_CAPI_END
}

/// Whether a dtype can hold negative values (floating types and signed integers; not unsigned integers
/// or bool).
/// @param[out] out Receives the answer.
/// @param dtype The dtype.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL or dtype is not a valid tfl_dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dtype_is_signed(TFL_OUT bool* out, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_DTYPE(dtype);
  *out = tfl::dtype_is_signed(to_dtype(dtype));
  TFL_CAPI_END
}

/// The dtype of a binary op's result on operands of dtypes a and b (the array API promotion table that
/// every op uses).
/// @param[out] out Receives the result dtype.
/// @param a First dtype.
/// @param b Second dtype.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for a NULL out or an invalid dtype; TFL_ERR_DTYPE for
///         combinations the table leaves undefined (bool with numbers, integers with floats, f16 with bf16).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dtype_result_type(TFL_OUT tfl_dtype* out, tfl_dtype a, tfl_dtype b) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_DTYPE(a);
  TFL_CHECK_DTYPE(b);
  *out = static_cast<tfl_dtype>(tfl::promote_types(to_dtype(a), to_dtype(b), "result_type"));
  TFL_CAPI_END
}

/// Whether casting from one dtype to another keeps every value exactly (NumPy's "safe" casting): bool
/// to anything, integers into integers of wider range or floats with enough significand digits, floats
/// into floats of at least the same precision and range. Float to integer and number to bool are never safe.
/// @param[out] out Receives the answer.
/// @param from Source dtype.
/// @param to Target dtype.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL or a dtype is not a valid tfl_dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dtype_can_cast(TFL_OUT bool* out, tfl_dtype from, tfl_dtype to) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_DTYPE(from);
  TFL_CHECK_DTYPE(to);
  *out = tfl::dtype_can_cast(to_dtype(from), to_dtype(to));
  TFL_CAPI_END
}

/// Bytes a tensor's elements take: numel times the dtype's size (a view counts its own elements, not
/// the storage it shares).
/// @param[out] out Receives the byte count.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_nbytes(TFL_OUT int64_t* out, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  *out = tfl::tensor_nbytes(from_handle(t));
  TFL_CAPI_END
}

/// Formats a byte count for people: "512 bytes" below 1 KiB, else e.g. "1.50 KiB (1536 bytes)" in KiB,
/// MiB, GiB or TiB with two decimals. To size the buffer, call with out = NULL and capacity = 0 first.
/// @param[out] out Receives the NUL-terminated text; may be NULL when capacity is 0.
/// @param[out] out_len Receives the length of the text in bytes, without the NUL (also when capacity is too small).
/// @param capacity Size of out in bytes: 0, or at least *out_len + 1.
/// @param bytes The byte count (negative counts are formatted with a minus sign).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a capacity that is neither 0 nor large
///         enough (nothing is written to out then).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_format_bytes(TFL_OUT TFL_NULLABLE TFL_ARRAY(capacity) char* out,
                                                     TFL_OUT size_t* out_len, size_t capacity, int64_t bytes) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out_len != nullptr, "out_len", "must not be NULL");
  TFL_CHECK_ARG(out != nullptr || capacity == 0, "out", "must not be NULL when capacity > 0");
  return tfl::capi::write_text(__func__, out, out_len, capacity, tfl::format_bytes(bytes));
  TFL_CAPI_END
}

/// Statistics of a tensor of any dtype, computed in f64 (shape, dtype, device and bytes come from
/// tfl_tensor_shape, tfl_tensor_dtype, tfl_tensor_device and tfl_tensor_nbytes). min, max, mean and std
/// (population, ddof = 0) are over the finite elements only, and NaN when there is none (0-size or all
/// NaN/Inf); NaN and infinite elements are counted instead.
/// @param[out] out_min Receives the smallest finite element.
/// @param[out] out_max Receives the largest finite element.
/// @param[out] out_mean Receives the mean of the finite elements.
/// @param[out] out_std Receives their standard deviation.
/// @param[out] out_nan_count Receives the number of NaN elements.
/// @param[out] out_inf_count Receives the number of infinite elements (either sign).
/// @param t Tensor (any layout; not recorded by autograd).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_summary(TFL_OUT double* out_min, TFL_OUT double* out_max,
                                                       TFL_OUT double* out_mean, TFL_OUT double* out_std,
                                                       TFL_OUT int64_t* out_nan_count, TFL_OUT int64_t* out_inf_count,
                                                       const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out_min != nullptr, "out_min", "must not be NULL");
  TFL_CHECK_ARG(out_max != nullptr, "out_max", "must not be NULL");
  TFL_CHECK_ARG(out_mean != nullptr, "out_mean", "must not be NULL");
  TFL_CHECK_ARG(out_std != nullptr, "out_std", "must not be NULL");
  TFL_CHECK_ARG(out_nan_count != nullptr, "out_nan_count", "must not be NULL");
  TFL_CHECK_ARG(out_inf_count != nullptr, "out_inf_count", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  const tfl::TensorSummary s = tfl::summarize(from_handle(t));
  *out_min = s.min;
  *out_max = s.max;
  *out_mean = s.mean;
  *out_std = s.std;
  *out_nan_count = s.nan_count;
  *out_inf_count = s.inf_count;
  TFL_CAPI_END
}

/// The summary of a tensor as one JSON object, e.g. {"shape": [2, 3], "dtype": "float32", "device": "cpu",
/// "numel": 6, "bytes": 24, "bytes_human": "24 bytes", "min": -1, "max": 4.5, "mean": 1.25, "std": 1.9,
/// "nan_count": 0, "inf_count": 1}; statistics as in tfl_tensor_summary, null where they are NaN. To
/// size the buffer, call with out = NULL and capacity = 0 first.
/// @param[out] out Receives the NUL-terminated text; may be NULL when capacity is 0.
/// @param[out] out_len Receives the length of the text in bytes, without the NUL (also when capacity is too small).
/// @param capacity Size of out in bytes: 0, or at least *out_len + 1.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a capacity that is neither 0 nor large
///         enough (nothing is written to out then).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_summary_json(TFL_OUT TFL_NULLABLE TFL_ARRAY(capacity) char* out,
                                                            TFL_OUT size_t* out_len, size_t capacity,
                                                            const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out_len != nullptr, "out_len", "must not be NULL");
  TFL_CHECK_ARG(out != nullptr || capacity == 0, "out", "must not be NULL when capacity > 0");
  TFL_CHECK_TENSOR(t);
  return tfl::capi::write_text(__func__, out, out_len, capacity, tfl::summary_json(tfl::summarize(from_handle(t))));
  TFL_CAPI_END
}
