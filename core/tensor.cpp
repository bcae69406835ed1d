// Tensor construction, views and scalar access.
#include "core/tensor.h"

#include "core/cuda_device.h"
#include "core/object_pool.h"

#include <limits>

namespace tfl {

namespace {
// Bytes needed to hold every element reachable through shape/strides from element 0
// (0 when the tensor has no elements). Throws on negative strides reaching below the offset.
void check_view_bounds(const Shape& shape, const Strides& strides, int64_t offset, size_t itemsize,
                       size_t storage_bytes, const char* op) {
  if (checked_numel(shape, op) == 0) return;
  int64_t lo = offset, hi = offset;
  for (int i = 0; i < shape.size(); ++i) {
    int64_t span;
    // Checked arithmetic: user-chosen sizes and strides must not overflow (UB) past the test below.
    if (__builtin_mul_overflow(shape[i] - 1, strides[i], &span) ||
        (span < 0 ? __builtin_add_overflow(lo, span, &lo) : __builtin_add_overflow(hi, span, &hi)))
      TFL_THROW(IndexError, op, "view of shape ", shape_str(shape), " with stride ", strides[i],
                " in dimension ", i, " spans more than 2^63 elements");
  }
  int64_t capacity = static_cast<int64_t>(storage_bytes / itemsize);
  if (lo < 0 || hi >= capacity)
    TFL_THROW(IndexError, op, "view of shape ", shape_str(shape), " at offset ", offset,
              " reaches elements [", lo, ", ", hi, "] outside a storage of ", capacity, " elements");
}
}  // namespace

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  int64_t n = checked_numel(shape, "empty");
  size_t itemsize = dtype_size(dtype);
  if (n > 0 && static_cast<uint64_t>(n) > std::numeric_limits<uint64_t>::max() / 2 / itemsize)
    TFL_THROW(OutOfMemoryError, "empty", "shape ", shape_str(shape), " is too large");
  auto storage = Storage::allocate(static_cast<size_t>(n) * itemsize, device);
  return Tensor(std::allocate_shared<TensorImpl>(PoolAllocator<TensorImpl>(), TensorImpl::RowMajor{}, std::move(storage), shape, dtype));
}

Tensor Tensor::from_external(void* data, const Shape& shape, const Strides& strides_in, DType dtype,
                             ExternalDeleter deleter, void* user_data, Device device) {
  auto storage_guard = [&](auto&& body) {
    try {
      return body();
    } catch (...) {
      // Validation failed before a Storage owned the memory: honour "called exactly once".
      if (deleter) deleter(data, user_data);
      throw;
    }
  };
  Strides strides;
  size_t bytes = 0;
  storage_guard([&] {
    const int64_t numel = checked_numel(shape, "from_external");
    if (data == nullptr && numel > 0)
      TFL_THROW(InvalidArgumentError, "from_external", "data is NULL for a non-empty shape ", shape_str(shape));
    strides = strides_in.empty() && !shape.empty() ? contiguous_strides(shape) : strides_in;
    if (strides.size() != shape.size())
      TFL_THROW(ShapeError, "from_external", "strides have ", strides.size(), " entries for shape ",
                shape_str(shape));
    if (numel == 0) return 0;  // no elements: nothing is reachable, 0 bytes
    // Storage extent: the span from the lowest to the highest reachable element.
    int64_t lo = 0, hi = 0;
    for (int i = 0; i < shape.size(); ++i) {
      int64_t span;
      if (__builtin_mul_overflow(shape[i] - 1, strides[i], &span) ||
          (span < 0 ? __builtin_add_overflow(lo, span, &lo) : __builtin_add_overflow(hi, span, &hi)))
        TFL_THROW(InvalidArgumentError, "from_external", "shape ", shape_str(shape), " with stride ", strides[i],
                  " in dimension ", i, " spans more than 2^63 elements");
    }
    if (lo < 0)
      TFL_THROW(NotImplementedError, "from_external", "negative strides are not supported for external memory");
    if (__builtin_mul_overflow(static_cast<size_t>(hi) + 1, dtype_size(dtype), &bytes))
      TFL_THROW(InvalidArgumentError, "from_external", "shape ", shape_str(shape), " spans more bytes than size_t holds");
    return 0;
  });
  auto storage = Storage::wrap_external(data, bytes, device, deleter, user_data);
  return Tensor(std::allocate_shared<TensorImpl>(PoolAllocator<TensorImpl>(), std::move(storage), shape, strides, 0, dtype));
}

int64_t Tensor::size(int64_t axis) const { return impl_->shape_[normalize_axis(axis, ndim(), "size")]; }

Tensor Tensor::as_strided(const Shape& shape, const Strides& strides, int64_t offset) const {
  if (shape.size() != strides.size())
    TFL_THROW(ShapeError, "as_strided", "shape ", shape_str(shape), " and ", strides.size(), " strides differ in rank");
  check_view_bounds(shape, strides, offset, itemsize(), impl_->storage_->nbytes(), "as_strided");
  auto impl = std::allocate_shared<TensorImpl>(PoolAllocator<TensorImpl>(), impl_->storage_, shape, strides, offset, impl_->dtype_);
  return Tensor(std::move(impl));
}

double Tensor::item() const {
  if (numel() != 1)
    TFL_THROW(ShapeError, "item", "only one-element tensors convert to a scalar, got shape ", shape_str(shape()));
  // A one-element tensor's single element sits at the offset whatever its strides.
  alignas(8) unsigned char host[8];
  const void* src = data_ptr();
  if (device().type == DeviceType::CUDA) {  // a synchronisation point: waits for the value
    cuda::copy_device_to_host(device().index, host, src, itemsize());
    src = host;
  }
  return dispatch_all_types(dtype(), "item", [&](auto tag) -> double {
    using T = typename decltype(tag)::type;
    return static_cast<double>(static_cast<compute_t<T>>(*static_cast<const T*>(src)));
  });
}

void check_defined(const Tensor& t, const char* op, const char* arg) {
  if (!t.defined()) TFL_THROW(InvalidArgumentError, op, "argument '", arg, "' is an undefined tensor");
}

}  // namespace tfl
