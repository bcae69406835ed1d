// Tensor: a value handle to shared metadata (shape, strides, offset, dtype) over a shared Storage.
#pragma once

#include <cstdint>
#include <memory>

#include "core/device.h"
#include "core/dtype.h"
#include "core/shape.h"
#include "core/storage.h"

namespace tfl {

struct AutogradMeta;  // defined by autograd; null for tensors that never took part in it

class TensorImpl {
 public:
  TensorImpl(std::shared_ptr<Storage> storage, Shape shape, Strides strides, int64_t offset, DType dtype)
      : storage_(std::move(storage)), shape_(shape), strides_(strides), offset_(offset), dtype_(dtype),
        contiguous_(is_contiguous(shape_, strides_)) {}
  // For layouts known to be row-major (fresh allocations): skips the stride check.
  struct RowMajor {};
  TensorImpl(RowMajor, std::shared_ptr<Storage> storage, const Shape& shape, DType dtype)
      : storage_(std::move(storage)), shape_(shape), strides_(contiguous_strides(shape)), offset_(0), dtype_(dtype),
        contiguous_(true) {}

  std::shared_ptr<Storage> storage_;
  Shape shape_;
  Strides strides_;  // in elements
  int64_t offset_;   // in elements, from the start of the storage
  DType dtype_;
  // Shape and strides never change after construction, so the row-major check (every op's fast-path
  // test) is done once here.
  bool contiguous_;
  std::shared_ptr<AutogradMeta> autograd_;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // A new contiguous tensor with uninitialised memory from the caching allocator.
  static Tensor empty(const Shape& shape, DType dtype, Device device = {});
  // A tensor over caller-owned memory, no copy; `deleter(data, user_data)` runs exactly once when the
  // last view goes away (also when this call fails). Strides are in elements; empty = row-major.
  static Tensor from_external(void* data, const Shape& shape, const Strides& strides, DType dtype,
                              ExternalDeleter deleter, void* user_data, Device device = {});

  bool defined() const { return impl_ != nullptr; }
  DType dtype() const { return impl_->dtype_; }
  Device device() const { return impl_->storage_->device(); }
  const Shape& shape() const { return impl_->shape_; }
  const Strides& strides() const { return impl_->strides_; }
  int64_t offset() const { return impl_->offset_; }
  int ndim() const { return impl_->shape_.size(); }
  int64_t numel() const { return shape_numel(impl_->shape_); }
  // Size of one axis; negative axes count from the end.
  int64_t size(int64_t axis) const;
  size_t itemsize() const { return dtype_size(impl_->dtype_); }
  bool is_contiguous() const { return impl_->contiguous_; }

  // Address of the first element (storage start + offset).
  void* data_ptr() const {
    return static_cast<char*>(impl_->storage_->data()) + impl_->offset_ * static_cast<int64_t>(itemsize());
  }
  // Typed address of the first element; DTypeError if T does not match.
  template <class T>
  T* data() const {
    if (DTypeOf<T>::value != dtype())
      TFL_THROW(DTypeError, "data", "tensor has dtype ", dtype_name(dtype()), ", requested ",
                dtype_name(DTypeOf<T>::value));
    return static_cast<T*>(data_ptr());
  }

  const std::shared_ptr<Storage>& storage() const { return impl_->storage_; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  // True iff both handles refer to the same tensor object (not merely equal values).
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }

  // A tensor sharing this one's storage with new metadata. Bounds are checked: a view can never
  // reach outside its storage.
  Tensor as_strided(const Shape& shape, const Strides& strides, int64_t offset) const;

  // Value of a one-element tensor converted to double.
  double item() const;

  // Marks an in-place write (for autograd's saved-tensor checks).
  void bump_version() const { impl_->storage_->bump_version(); }
  uint64_t version() const { return impl_->storage_->version(); }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// Throws InvalidArgumentError naming `op` and `arg` when t is undefined.
void check_defined(const Tensor& t, const char* op, const char* arg);

}  // namespace tfl
