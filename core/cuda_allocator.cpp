// The per-device caching allocator (device-independent bookkeeping over cuda::raw_malloc/raw_free).
#include "core/cuda_allocator.h"

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/cuda_device.h"
#include "core/error.h"

namespace tfl {

struct DeviceAllocator::State {
  mutable std::mutex mu;  // device allocations are rare next to host ones; a mutex is enough
  std::map<size_t, std::vector<void*>> free_blocks;  // size class -> cached blocks
  MemoryStats stats;
};

namespace {
constexpr int kMaxDevices = 64;
}  // namespace

DeviceAllocator::DeviceAllocator(int index) : index_(index), state_(new State()) {}

DeviceAllocator& DeviceAllocator::instance(int index) {
  cuda::check_device(Device{DeviceType::CUDA, index}, "allocate");
  static std::mutex* mu = new std::mutex();
  static DeviceAllocator* allocators[kMaxDevices] = {};
  if (index >= kMaxDevices) TFL_THROW(DeviceError, "allocate", "at most ", kMaxDevices, " CUDA devices are supported");
  std::lock_guard<std::mutex> lock(*mu);
  if (!allocators[index]) allocators[index] = new DeviceAllocator(index);  // leaked on purpose (see header)
  return *allocators[index];
}

void* DeviceAllocator::allocate(size_t nbytes) {
  const size_t cls = HostAllocator::size_class(nbytes);
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.stats.limit_bytes > 0 && s.stats.live_bytes + static_cast<int64_t>(cls) > s.stats.limit_bytes)
      TFL_THROW(OutOfMemoryError, "allocate", "cuda:", index_, ": allocating ", nbytes, " bytes would pass the limit of ",
                s.stats.limit_bytes, " bytes (", s.stats.live_bytes, " live)");
    auto it = s.free_blocks.find(cls);
    if (it != s.free_blocks.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      s.stats.cached_bytes -= static_cast<int64_t>(cls);
      s.stats.cache_hits += 1;
      s.stats.allocations += 1;
      s.stats.live_bytes += static_cast<int64_t>(cls);
      if (s.stats.live_bytes > s.stats.peak_bytes) s.stats.peak_bytes = s.stats.live_bytes;
      return p;
    }
  }
  void* p = cuda::raw_malloc(index_, cls);
  if (!p) {
    // Cached blocks of other classes may be what stands in the way: release them and try once more.
    empty_cache();
    p = cuda::raw_malloc(index_, cls);
  }
  if (!p)
    TFL_THROW(OutOfMemoryError, "allocate", "cuda:", index_, " is out of memory allocating ", nbytes, " bytes");
  std::lock_guard<std::mutex> lock(s.mu);
  s.stats.cache_misses += 1;
  s.stats.allocations += 1;
  s.stats.live_bytes += static_cast<int64_t>(cls);
  if (s.stats.live_bytes > s.stats.peak_bytes) s.stats.peak_bytes = s.stats.live_bytes;
  return p;
}

void DeviceAllocator::deallocate(void* ptr, size_t nbytes) {
  const size_t cls = HostAllocator::size_class(nbytes);
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  s.free_blocks[cls].push_back(ptr);
  s.stats.frees += 1;
  s.stats.live_bytes -= static_cast<int64_t>(cls);
  s.stats.cached_bytes += static_cast<int64_t>(cls);
}

MemoryStats DeviceAllocator::stats() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->stats;
}

void DeviceAllocator::reset_peak() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->stats.peak_bytes = state_->stats.live_bytes;
}

void DeviceAllocator::empty_cache() {
  std::map<size_t, std::vector<void*>> blocks;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    blocks.swap(state_->free_blocks);
    state_->stats.cached_bytes = 0;
  }
  // cudaFree synchronises the device, so no queued kernel still reads a block released here.
  for (auto& [cls, ptrs] : blocks)
    for (void* p : ptrs) cuda::raw_free(index_, p);
}

void DeviceAllocator::set_limit(int64_t bytes) {
  if (bytes < 0) TFL_THROW(InvalidArgumentError, "set_limit", "limit must be >= 0, got ", bytes);
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->stats.limit_bytes = bytes;
}

std::vector<CachedClass> DeviceAllocator::cached_blocks() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  std::vector<CachedClass> out;
  for (const auto& [cls, ptrs] : state_->free_blocks)
    if (!ptrs.empty()) out.push_back(CachedClass{cls, static_cast<int64_t>(ptrs.size())});
  return out;
}

}  // namespace tfl
