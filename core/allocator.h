// Host memory: the caching allocator, its counters, optional limit and event log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tfl {

constexpr size_t kAllocAlignment = 64;

struct MemoryStats {
  int64_t live_bytes = 0;     // bytes handed out and not yet returned (rounded to the size class)
  int64_t peak_bytes = 0;     // high-water mark of live_bytes since start or the last reset_peak
  int64_t allocations = 0;    // allocate() calls that succeeded
  int64_t frees = 0;          // deallocate() calls
  int64_t cache_hits = 0;     // allocations served from the cache
  int64_t cache_misses = 0;   // allocations that went to the system
  int64_t cached_bytes = 0;   // bytes held in the cache, free for reuse
  int64_t limit_bytes = 0;    // 0 = no limit
};

enum class MemoryEventKind : int32_t { Alloc = 0, Free = 1 };

struct MemoryEvent {
  MemoryEventKind kind;
  int64_t bytes;
  int64_t time_ns;  // steady clock, since the first event of the process
  const char* op;   // static string: the op that was running, or "unknown"
  // Fields below serve the memory profiler (core/memory_profiler.h).
  const char* module = "";   // interned: the innermost MemoryModuleScope, or "" outside any module
  int64_t live_bytes = 0;    // live bytes right after this event
  int64_t cached_bytes = 0;  // cached bytes right after this event
  bool from_cache = false;   // Alloc only: served from the cache (false: went to the system)
};

// Blocks held in the cache for one size class.
struct CachedClass {
  size_t size_class;
  int64_t blocks;
};

// Caching allocator for host memory. Blocks are 64-byte aligned and rounded up to size classes;
// freed blocks go to a per-class free list and are handed out again without a system call or a
// fresh page fault. Thread-safe.
class HostAllocator {
 public:
  static HostAllocator& instance();

  // Throws OutOfMemoryError (naming the op, the request and the limit) on failure.
  void* allocate(size_t nbytes);
  void deallocate(void* ptr, size_t nbytes);

  MemoryStats stats() const;
  void reset_peak();
  // Returns every cached block to the system.
  void empty_cache();
  // Live bytes above `bytes` make allocation fail with OutOfMemoryError; 0 removes the limit.
  void set_limit(int64_t bytes);

  void set_event_log(bool enabled);
  std::vector<MemoryEvent> events() const;
  void clear_events();

  // Cached blocks per size class, ascending by class, classes with no block left out.
  std::vector<CachedClass> cached_blocks() const;

  // Size class a request is rounded to.
  static size_t size_class(size_t nbytes);

  HostAllocator(const HostAllocator&) = delete;
  HostAllocator& operator=(const HostAllocator&) = delete;

 private:
  HostAllocator() = default;
  struct State;
  State& state() const;
};

// The op name recorded in memory events of this thread while a scope is open.
class MemoryOpScope {
 public:
  explicit MemoryOpScope(const char* op);
  ~MemoryOpScope();
  MemoryOpScope(const MemoryOpScope&) = delete;
  MemoryOpScope& operator=(const MemoryOpScope&) = delete;

 private:
  const char* prev_;
};

// The op named by the innermost MemoryOpScope / outermost MemoryOpTag on this thread; nullptr when none.
const char* current_memory_op();

// What op entry points open: names the op only when no op is named yet, so the allocations an op makes
// through other ops (a cast inside add, full inside zeros) count for the op the caller invoked.
class MemoryOpTag {
 public:
  explicit MemoryOpTag(const char* op);
  ~MemoryOpTag();
  MemoryOpTag(const MemoryOpTag&) = delete;
  MemoryOpTag& operator=(const MemoryOpTag&) = delete;

 private:
  const char* prev_;
};

// The module name recorded in memory events of this thread while a scope is open (nn modules open
// one around forward with their dotted path, e.g. "Sequential.0"). The name is copied into a
// process-wide intern table, so events may outlive the module; the innermost scope wins.
class MemoryModuleScope {
 public:
  explicit MemoryModuleScope(const std::string& module);
  // The name of the innermost open scope on this thread ("" outside every module).
  static const char* current();
  ~MemoryModuleScope();
  MemoryModuleScope(const MemoryModuleScope&) = delete;
  MemoryModuleScope& operator=(const MemoryModuleScope&) = delete;

 private:
  const char* prev_;
};

}  // namespace tfl
