// A thread-local free list for the small, fixed-size objects every op creates (tensor metadata and
// storage control blocks), so that creating a tensor does not go through malloc. See Note [Object pool].
#pragma once

#include <cstddef>
#include <new>

#include "core/tls.h"

namespace tfl {

// Note [Object pool]
// Each thread keeps up to kMaxCached freed blocks per block size and reuses them for the next
// allocation of that size. A block freed on another thread simply joins that thread's list; the cap
// bounds what a producer/consumer pattern can strand. Blocks still cached when a thread exits are
// returned to the system.
namespace detail {
template <size_t kSize>
class BlockCache {
 public:
  static constexpr int kMaxCached = 1024;
  void* get() {
    if (!head_) return ::operator new(kSize);
    Link* b = head_;
    head_ = b->next;
    --count_;
    return b;
  }
  void put(void* p) {
    if (count_ >= kMaxCached) {
      ::operator delete(p);
      return;
    }
    if (!drain_registered_) register_drain();
    Link* b = static_cast<Link*>(p);
    b->next = head_;
    head_ = b;
    ++count_;
  }
  // The cache is trivially constructible and destructible so that no TLS guard variable is checked on
  // every access (Note [Thread-local model] in core/tls.h); the blocks still cached at thread exit are
  // freed by a separate, cold thread_local drainer registered on first put.
  static BlockCache& local() {
    static TFL_HOT_THREAD_LOCAL BlockCache cache;
    return cache;
  }

 private:
  struct Link {
    Link* next;
  };
  struct Drain {
    ~Drain() {
      BlockCache& c = local();
      while (c.head_) {
        Link* next = c.head_->next;
        ::operator delete(c.head_);
        c.head_ = next;
      }
      c.count_ = 0;
      c.drain_registered_ = false;  // a block put after this (a later thread_local's destructor) re-registers
    }
  };
  __attribute__((noinline)) void register_drain() {
    static thread_local Drain drain;  // constructed (and its destructor registered) on first use
    (void)drain;
    drain_registered_ = true;
  }
  Link* head_ = nullptr;
  int count_ = 0;
  bool drain_registered_ = false;
};

constexpr size_t pool_block_size(size_t n) { return (n + 63) / 64 * 64; }
}  // namespace detail

// An allocator for std::allocate_shared: single objects come from the thread's block cache.
template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) {}  // NOLINT: rebinding must be implicit
  T* allocate(size_t n) {
    if (n != 1) return static_cast<T*>(::operator new(n * sizeof(T)));
    return static_cast<T*>(detail::BlockCache<detail::pool_block_size(sizeof(T))>::local().get());
  }
  void deallocate(T* p, size_t n) {
    if (n != 1) {
      ::operator delete(p);
      return;
    }
    detail::BlockCache<detail::pool_block_size(sizeof(T))>::local().put(p);
  }
  template <class U>
  bool operator==(const PoolAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const PoolAllocator<U>&) const { return false; }
};

}  // namespace tfl
