// Memory profiler: records the allocator's event log, summarises it, exports JSON and findings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/allocator.h"

namespace tfl {

// Bytes allocated under one op or module during the recording.
struct MemoryTagTotal {
  std::string tag;
  int64_t alloc_bytes = 0;  // sum of allocated size classes
  int64_t allocations = 0;
};

// An allocation that had to go to the system although the cache held at least as many bytes (in
// other size classes, which a block cannot change): memory the cache holds but cannot use.
struct MemoryCacheMiss {
  int64_t bytes;         // size class requested
  int64_t cached_bytes;  // cache contents at that moment
  std::string op;
  std::string module;
};

// Everything the profiler derives from one recording; snapshot_json() and findings() format it.
struct MemoryReport {
  bool recording = false;
  MemoryStats stats;                 // the allocator's counters now
  std::vector<CachedClass> cached;   // the cache now, per size class
  std::vector<MemoryEvent> events;   // the timeline, oldest first
  int64_t start_live_bytes = 0;      // live bytes when recording started
  int64_t start_cached_bytes = 0;
  // Highest live bytes in the recording (start included) and where it was first reached; op and module
  // are those of the allocation that reached it, empty when the peak was the starting point.
  int64_t peak_bytes = 0;
  int64_t peak_event = -1;  // index into events, -1 = at the start
  std::string peak_op;
  std::string peak_module;
  std::vector<MemoryTagTotal> by_op;      // decreasing alloc_bytes
  std::vector<MemoryTagTotal> by_module;  // decreasing alloc_bytes; "" = outside any module
  std::vector<MemoryCacheMiss> fragmented_misses;
  int64_t saved_tensor_bytes = 0;  // held by autograd graphs now (autograd::saved_tensor_bytes)
  int64_t saved_tensor_count = 0;
};

class MemoryProfiler {
 public:
  // The allocator has one event log, so there is one profiler per process.
  static MemoryProfiler& instance();

  // Clears the allocator's event log, notes live and cached bytes, and turns the log on.
  void start();
  // Turns the log off and keeps the recorded timeline for report(), snapshot_json() and findings().
  void stop();
  bool recording() const;

  MemoryReport report() const;
  // {"devices": [{"device", counters...}], "cache": [{"size_class", "blocks", "bytes"}],
  //  "recording": {"running", "start_live_bytes", "start_cached_bytes", "peak_bytes", "peak_op", "peak_module",
  //                "peak_event", "by_op", "by_module"}, "timeline": [{"t_ns", "kind", "bytes", "op", "module",
  //  "live_bytes", "cached_bytes", "from_cache"}], "autograd": {"saved_tensor_bytes", "saved_tensors"},
  //  "findings": [...]}
  std::string snapshot_json(int indent = -1) const;
  // Short actionable sentences: the peak and where it was reached, the largest allocating op/module,
  // memory held by the cache, fragmentation, tensors kept alive by autograd graphs.
  std::vector<std::string> findings() const;

  MemoryProfiler(const MemoryProfiler&) = delete;
  MemoryProfiler& operator=(const MemoryProfiler&) = delete;

 private:
  MemoryProfiler() = default;
  struct State;
  State& state() const;
};

// The findings thresholds (see Note [Findings thresholds] in memory_profiler.cpp).
constexpr int64_t kFindingsMinCacheBytes = int64_t{1} << 20;

// "1.50 MiB (1572864 bytes)"-style rendering used by the findings.
std::string format_bytes(int64_t bytes);

}  // namespace tfl
