// C API: tensor lifetime, creation and inspection.
#include <cstring>
#include <string>

#include "capi/capi_tensor_util.h"
#include "core/default_device.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"

using tfl::capi::from_handle;
using tfl::capi::to_dtype;
using tfl::capi::to_handle;

/// Adds a reference to a tensor.
/// @param t Tensor handle.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if t is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_retain(TFL_IN tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  t->refs.fetch_add(1, std::memory_order_relaxed);
  TFL_CAPI_END
}

/// Drops a reference; the tensor's memory is freed (or returned to the cache) with its last view.
/// @param t Tensor handle, or NULL (ignored).
TFL_API TFL_SINCE(0, 1) void tfl_tensor_release(TFL_IN TFL_NULLABLE tfl_tensor* t) {
  if (t != nullptr && t->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete t;
}

/// Creates a tensor by copying row-major host data.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param data Source bytes (may be NULL only when the tensor has no elements).
/// @param nbytes Size of data; must equal numel * itemsize.
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions (at most 12).
/// @param dtype Element type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL pointers, a bad dtype or a size mismatch; TFL_ERR_SHAPE for negative sizes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_from_buffer(TFL_OUT tfl_tensor** out, TFL_NULLABLE const void* data,
                                                           size_t nbytes, TFL_ARRAY(ndim) const int64_t* shape,
                                                           size_t ndim, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_SHAPE(shape, ndim);
  TFL_CHECK_DTYPE(dtype);
  tfl::Shape s = tfl::checked_shape(shape, ndim, "tfl_tensor_from_buffer");
  *out = to_handle(tfl::on_default_device(tfl::from_buffer(data, nbytes, s, to_dtype(dtype))));
  TFL_CAPI_END
}

/// Wraps caller-owned memory without copying. `deleter(data, user_data)` is called exactly once: when
/// the last view of the tensor is released, or before this function returns if it fails.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param data The memory (may be NULL only when the tensor has no elements).
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions.
/// @param strides Strides in elements, or NULL for row-major. Negative strides are not supported.
/// @param dtype Element type.
/// @param deleter Called once to release data; may be NULL when the caller keeps ownership.
/// @param user_data Passed to deleter.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT, TFL_ERR_SHAPE, TFL_ERR_DTYPE or TFL_ERR_NOT_IMPLEMENTED on bad input.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_from_external(TFL_OUT tfl_tensor** out, TFL_IN TFL_NULLABLE void* data,
                                                             TFL_ARRAY(ndim) const int64_t* shape, size_t ndim,
                                                             TFL_NULLABLE TFL_ARRAY(ndim) const int64_t* strides,
                                                             tfl_dtype dtype, TFL_NULLABLE tfl_deleter_fn deleter,
                                                             TFL_IN TFL_NULLABLE void* user_data) {
  // Every failure path below must still call the deleter exactly once.
  auto fail = [&](tfl_status st) {
    if (deleter) deleter(data, user_data);
    return st;
  };
  if (out == nullptr)
    return fail(tfl::capi::set_error(TFL_ERR_INVALID_ARGUMENT, "tfl_tensor_from_external: argument 'out': must not be NULL"));
  *out = nullptr;
  if (shape == nullptr && ndim > 0)
    return fail(tfl::capi::set_error(TFL_ERR_INVALID_ARGUMENT,
                                     "tfl_tensor_from_external: argument 'shape': must not be NULL when ndim > 0"));
  if (!tfl::dtype_is_valid(static_cast<int32_t>(dtype)))
    return fail(tfl::capi::set_error(TFL_ERR_INVALID_ARGUMENT, "tfl_tensor_from_external: argument 'dtype': is not a valid tfl_dtype (got " +
                                                                   std::to_string(static_cast<int>(dtype)) + ")"));
  tfl::Shape s;
  try {
    s = tfl::checked_shape(shape, ndim, "tfl_tensor_from_external");
  } catch (...) {
    return fail(tfl::capi::translate_exception(__func__));
  }
  TFL_CAPI_BEGIN
  // From here Tensor::from_external owns the "exactly once" contract, on success and on failure.
  tfl::Strides st = strides ? tfl::Strides(strides, ndim) : tfl::Strides();
  *out = to_handle(tfl::Tensor::from_external(data, s, st, to_dtype(dtype), deleter, user_data));
  TFL_CAPI_END
}

/// Creates a tensor filled with value (converted to dtype).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions.
/// @param value Fill value.
/// @param dtype Element type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL pointers or a bad dtype; TFL_ERR_SHAPE for negative sizes; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_full(TFL_OUT tfl_tensor** out, TFL_ARRAY(ndim) const int64_t* shape,
                                                    size_t ndim, double value, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_SHAPE(shape, ndim);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::full(tfl::checked_shape(shape, ndim, "tfl_tensor_full"), value, to_dtype(dtype), tfl::default_device()));
  TFL_CAPI_END
}

/// Creates a tensor of zeros.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions.
/// @param dtype Element type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL pointers or a bad dtype; TFL_ERR_SHAPE for negative sizes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_zeros(TFL_OUT tfl_tensor** out, TFL_ARRAY(ndim) const int64_t* shape,
                                                     size_t ndim, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_SHAPE(shape, ndim);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::zeros(tfl::checked_shape(shape, ndim, "tfl_tensor_zeros"), to_dtype(dtype), tfl::default_device()));
  TFL_CAPI_END
}

/// Creates a tensor of ones.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions.
/// @param dtype Element type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL pointers or a bad dtype; TFL_ERR_SHAPE for negative sizes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_ones(TFL_OUT tfl_tensor** out, TFL_ARRAY(ndim) const int64_t* shape,
                                                    size_t ndim, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_SHAPE(shape, ndim);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::ones(tfl::checked_shape(shape, ndim, "tfl_tensor_ones"), to_dtype(dtype), tfl::default_device()));
  TFL_CAPI_END
}

/// Creates the 1-D tensor [start, start + step, ...) below stop (like numpy.arange).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param start First value.
/// @param stop End (excluded).
/// @param step Increment, non-zero.
/// @param dtype Element type (not bool).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for step 0 or non-finite bounds; TFL_ERR_DTYPE for bool.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_arange(TFL_OUT tfl_tensor** out, double start, double stop, double step,
                                                      tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::on_default_device(tfl::arange(start, stop, step, to_dtype(dtype))));
  TFL_CAPI_END
}

/// Number of dimensions.
/// @param[out] out Receives the count.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_ndim(TFL_OUT size_t* out, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  *out = static_cast<size_t>(from_handle(t).ndim());
  TFL_CAPI_END
}

/// Number of elements.
/// @param[out] out Receives the count.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_numel(TFL_OUT int64_t* out, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  *out = from_handle(t).numel();
  TFL_CAPI_END
}

/// Element type.
/// @param[out] out Receives the dtype.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_dtype(TFL_OUT tfl_dtype* out, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  *out = static_cast<tfl_dtype>(from_handle(t).dtype());
  TFL_CAPI_END
}

/// Copies the sizes of the dimensions into a caller array.
/// @param[out] out Receives ndim sizes.
/// @param capacity Length of out; must be at least the tensor's ndim.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a too small array.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_shape(TFL_OUT TFL_ARRAY(capacity) int64_t* out, size_t capacity,
                                                     const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  const tfl::Tensor& x = from_handle(t);
  TFL_CHECK_ARG(out != nullptr || x.ndim() == 0, "out", "must not be NULL");
  TFL_CHECK_ARG(capacity >= static_cast<size_t>(x.ndim()), "capacity",
                std::to_string(capacity) + " is less than the tensor's " + std::to_string(x.ndim()) + " dimensions");
  for (int i = 0; i < x.ndim(); ++i) out[i] = x.shape()[i];
  TFL_CAPI_END
}

/// Copies the strides (in elements) into a caller array.
/// @param[out] out Receives ndim strides.
/// @param capacity Length of out; must be at least the tensor's ndim.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a too small array.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_strides(TFL_OUT TFL_ARRAY(capacity) int64_t* out, size_t capacity,
                                                       const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  const tfl::Tensor& x = from_handle(t);
  TFL_CHECK_ARG(out != nullptr || x.ndim() == 0, "out", "must not be NULL");
  TFL_CHECK_ARG(capacity >= static_cast<size_t>(x.ndim()), "capacity",
                std::to_string(capacity) + " is less than the tensor's " + std::to_string(x.ndim()) + " dimensions");
  for (int i = 0; i < x.ndim(); ++i) out[i] = x.strides()[i];
  TFL_CAPI_END
}

/// Device the tensor lives on.
/// @param[out] out_type Receives the device type.
/// @param[out] out_index Receives the device index (0 for the CPU).
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_device(TFL_OUT tfl_device_type* out_type, TFL_OUT int32_t* out_index,
                                                      const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out_type != nullptr, "out_type", "must not be NULL");
  TFL_CHECK_ARG(out_index != nullptr, "out_index", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  tfl::Device d = from_handle(t).device();
  *out_type = static_cast<tfl_device_type>(d.type);
  *out_index = d.index;
  TFL_CAPI_END
}

/// Address of the first element, for reading or writing in place using tfl_tensor_strides.
/// @param[out] out Receives the pointer. Valid until t is released or resized; writes through it are
///             seen by every view of the same storage.
/// @param t Tensor (on the CPU).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DEVICE for a device tensor.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_data(TFL_OUT void** out, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  const tfl::Tensor& x = from_handle(t);
  if (x.device().type != tfl::DeviceType::CPU)
    TFL_THROW(DeviceError, "tfl_tensor_data", "tensor is on ", x.device().str(), "; copy it to the CPU first");
  *out = x.data_ptr();
  TFL_CAPI_END
}

/// Copies the elements, in row-major order, into a caller buffer (any layout of t; a tensor on a CUDA
/// device is copied to the host first, which waits for the ops that produce it).
/// @param[out] out Destination buffer.
/// @param nbytes Size of out; must equal numel * itemsize.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a size mismatch.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_copy_to_buffer(TFL_OUT void* out, size_t nbytes, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  const tfl::Tensor& x = from_handle(t);
  size_t need = static_cast<size_t>(x.numel()) * x.itemsize();
  TFL_CHECK_ARG(out != nullptr || need == 0, "out", "must not be NULL");
  TFL_CHECK_ARG(nbytes == need, "nbytes",
                std::to_string(nbytes) + " bytes given, the tensor holds " + std::to_string(need));
  // A device tensor comes to the host first (a synchronisation point).
  tfl::Tensor c = x.device().type == tfl::DeviceType::CPU ? tfl::contiguous(x) : tfl::to_device(x, tfl::Device{});
  if (need) std::memcpy(out, c.data_ptr(), need);
  TFL_CAPI_END
}

/// Value of the element at a row-major flat index, converted to double.
/// @param[out] out Receives the value.
/// @param t Tensor.
/// @param index Flat index in [0, numel).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX when index is out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_item_at(TFL_OUT double* out, const tfl_tensor* t, int64_t index) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  const tfl::Tensor& x = from_handle(t);
  if (index < 0 || index >= x.numel())
    TFL_THROW(IndexError, "tfl_tensor_item_at", "index ", index, " is out of range for ", x.numel(), " elements");
  int64_t off = x.offset(), rem = index;
  for (int d = x.ndim() - 1; d >= 0; --d) {
    off += (rem % x.shape()[d]) * x.strides()[d];
    rem /= x.shape()[d];
  }
  *out = x.as_strided(tfl::Shape{}, tfl::Strides{}, off).item();
  TFL_CAPI_END
}

/// A copy converted to another dtype.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor.
/// @param dtype Target element type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_to_dtype(TFL_OUT tfl_tensor** out, const tfl_tensor* t, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::to_dtype(from_handle(t), to_dtype(dtype)));
  TFL_CAPI_END
}

/// The tensor itself (a new reference) when row-major contiguous, otherwise a contiguous copy.
/// @param[out] out New reference; release with tfl_tensor_release.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_contiguous(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  *out = to_handle(tfl::contiguous(from_handle(t)));
  TFL_CAPI_END
}

/// Creates a tensor without initialising its elements (their values are unspecified until written).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions.
/// @param dtype Element type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL pointers or a bad dtype; TFL_ERR_SHAPE for negative sizes;
///         TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_empty(TFL_OUT tfl_tensor** out, TFL_ARRAY(ndim) const int64_t* shape,
                                                     size_t ndim, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_SHAPE(shape, ndim);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::empty(tfl::checked_shape(shape, ndim, "tfl_tensor_empty"), to_dtype(dtype), tfl::default_device()));
  TFL_CAPI_END
}

/// Creates an uninitialised tensor with t's shape, dtype and device.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor to take the shape, dtype and device from.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_empty_like(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::empty_like(from_handle(t)))
}

/// Creates a tensor of zeros with t's shape, dtype and device.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor to take the shape, dtype and device from.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_zeros_like(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::zeros_like(from_handle(t)))
}

/// Creates a tensor of ones with t's shape, dtype and device.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor to take the shape, dtype and device from.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_ones_like(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::ones_like(from_handle(t)))
}

/// Creates a tensor filled with value (converted to t's dtype) with t's shape, dtype and device.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor to take the shape, dtype and device from.
/// @param value Fill value.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_full_like(TFL_OUT tfl_tensor** out, const tfl_tensor* t, double value) {
  TFL_TENSOR_OP1(t, tfl::full_like(from_handle(t), value))
}

/// Creates a 0-d tensor holding value (converted to dtype).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param value The value.
/// @param dtype Element type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_scalar(TFL_OUT tfl_tensor** out, double value, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::on_default_device(tfl::scalar_tensor(value, to_dtype(dtype))));
  TFL_CAPI_END
}

/// Creates the 1-D tensor of num evenly spaced values from start to stop (numpy.linspace).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param start First value.
/// @param stop Last value (included when endpoint is true).
/// @param num Number of values, >= 0.
/// @param endpoint Whether stop is the last value.
/// @param dtype Element type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad dtype, num < 0 or non-finite bounds;
///         TFL_ERR_DTYPE for a dtype linspace does not support.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_linspace(TFL_OUT tfl_tensor** out, double start, double stop, int64_t num,
                                                        bool endpoint, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::on_default_device(tfl::linspace(start, stop, num, endpoint, to_dtype(dtype))));
  TFL_CAPI_END
}

/// Creates an n x m matrix with ones on diagonal k and zeros elsewhere (numpy.eye).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param n Number of rows, >= 0.
/// @param m Number of columns, >= 0, or any negative value for n.
/// @param k Diagonal: 0 is the main one, k > 0 above it, k < 0 below it.
/// @param dtype Element type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad dtype or n < 0.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_eye(TFL_OUT tfl_tensor** out, int64_t n, int64_t m, int64_t k,
                                                   tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::on_default_device(tfl::eye(n, m, k, to_dtype(dtype))));
  TFL_CAPI_END
}

/// A new contiguous tensor with the same values (never a view of t).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_clone(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::clone(from_handle(t)))
}

/// Sets every element of t (any layout) to value, converted to t's dtype; every view of t's memory
/// sees the change.
/// @param t Tensor, modified in place.
/// @param value Fill value.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_fill_inplace(TFL_IN tfl_tensor* t, double value) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  tfl::fill_(from_handle(t), value);
  TFL_CAPI_END
}

/// Writes src, broadcast to t's shape and converted to t's dtype, into t in place.
/// @param t Destination, modified in place.
/// @param src Source values, broadcastable to t's shape.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if src does not broadcast to t.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_copy_inplace(TFL_IN tfl_tensor* t, const tfl_tensor* src) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_TENSOR(src);
  tfl::copy_(from_handle(t), from_handle(src));
  TFL_CAPI_END
}
