// Storage factories and release.
#include "core/storage.h"

#include "core/allocator.h"
#include "core/cuda_allocator.h"
#include "core/object_pool.h"
#include "core/error.h"

namespace tfl {

Storage::Storage(Private, void* data, size_t nbytes, Device device, ExternalDeleter deleter,
                 void* user_data, bool from_allocator)
    : data_(data), nbytes_(nbytes), device_(device), deleter_(deleter), user_data_(user_data),
      from_allocator_(from_allocator) {}

std::shared_ptr<Storage> Storage::allocate(size_t nbytes, Device device) {
  if (device.type == DeviceType::CUDA) {
    // DeviceError "CUDA unavailable: <reason>" or a bad index comes from instance().
    DeviceAllocator& alloc = DeviceAllocator::instance(device.index);
    void* p = alloc.allocate(nbytes);
    try {
      return std::allocate_shared<Storage>(PoolAllocator<Storage>(), Private{}, p, nbytes, device, nullptr, nullptr, true);
    } catch (...) {
      alloc.deallocate(p, nbytes);
      throw;
    }
  }
  void* p = HostAllocator::instance().allocate(nbytes);
  try {
    return std::allocate_shared<Storage>(PoolAllocator<Storage>(), Private{}, p, nbytes, device, nullptr, nullptr, true);
  } catch (...) {
    HostAllocator::instance().deallocate(p, nbytes);
    throw;
  }
}

std::shared_ptr<Storage> Storage::wrap_external(void* data, size_t nbytes, Device device,
                                                ExternalDeleter deleter, void* user_data) {
  try {
    return std::allocate_shared<Storage>(PoolAllocator<Storage>(), Private{}, data, nbytes, device, deleter, user_data, false);
  } catch (...) {
    // The contract is "called exactly once": if we cannot take ownership we release now.
    if (deleter) deleter(data, user_data);
    throw;
  }
}

Storage::~Storage() {
  if (from_allocator_ && device_.type == DeviceType::CUDA) {
    DeviceAllocator::instance(device_.index).deallocate(data_, nbytes_);
  } else if (from_allocator_) {
    HostAllocator::instance().deallocate(data_, nbytes_);
  } else if (deleter_) {
    deleter_(data_, user_data_);
  }
}

}  // namespace tfl
