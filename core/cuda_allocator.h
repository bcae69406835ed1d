// Device memory: one caching allocator per CUDA device, with the host allocator's counters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/allocator.h"

namespace tfl {

// Caching allocator for the memory of one CUDA device. Requests round to the host allocator's size
// classes (Note [Size classes]); freed blocks wait in per-class free lists. All work runs on the
// device's one default stream, so a block freed by the host can be handed out again at once: any
// kernel that still reads it was queued before the kernel that will overwrite it. Thread-safe.
class DeviceAllocator {
 public:
  // The allocator of cuda:index; DeviceError when CUDA is unavailable or the index is out of range.
  static DeviceAllocator& instance(int index);

  // Throws OutOfMemoryError (naming the op, the request and the limit) when the device is full even
  // after the cache was released, or when the limit would be passed.
  void* allocate(size_t nbytes);
  void deallocate(void* ptr, size_t nbytes);

  MemoryStats stats() const;
  void reset_peak();
  void empty_cache();
  void set_limit(int64_t bytes);
  std::vector<CachedClass> cached_blocks() const;

  int index() const { return index_; }

  DeviceAllocator(const DeviceAllocator&) = delete;
  DeviceAllocator& operator=(const DeviceAllocator&) = delete;

 private:
  ~DeviceAllocator() = default;  // never runs: allocators live for the process (tensors die during exit)
  explicit DeviceAllocator(int index);
  struct State;
  int index_;
  State* state_;
};

}  // namespace tfl
