// Storage: one block of memory shared by a tensor and all of its views.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/device.h"

namespace tfl {

// Called exactly once, when the last tensor over the memory goes away.
using ExternalDeleter = void (*)(void* data, void* user_data);

// Uniquely owns its memory: either a block of the caching allocator or external memory released
// through the caller's deleter. The version counter counts in-place writes through any view, so
// autograd can tell that a saved tensor was modified.
class Storage {
 public:
  // Allocates nbytes (uninitialised) from the host caching allocator, or from the device's caching
  // allocator for cuda:N (DeviceError when that device is unavailable).
  static std::shared_ptr<Storage> allocate(size_t nbytes, Device device = {});
  // Wraps caller-owned memory; `deleter` (may be null) is called once with (data, user_data).
  static std::shared_ptr<Storage> wrap_external(void* data, size_t nbytes, Device device,
                                                ExternalDeleter deleter, void* user_data);

  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }
  uint64_t version() const { return version_.load(std::memory_order_relaxed); }
  void bump_version() { version_.fetch_add(1, std::memory_order_relaxed); }

  struct Private {};  // keeps the constructor usable by make_shared only from the factories
  Storage(Private, void* data, size_t nbytes, Device device, ExternalDeleter deleter, void* user_data,
          bool from_allocator);

 private:
  void* data_;
  size_t nbytes_;
  Device device_;
  ExternalDeleter deleter_;
  void* user_data_;
  bool from_allocator_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace tfl
