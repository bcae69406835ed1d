// Maps tfl_memory_counter values to the fields of an allocator's MemoryStats (host and CUDA alike).
#pragma once

#include <cstdint>

#include "capi/api_types.h"
#include "core/allocator.h"

namespace tfl::capi {

// Value of counter c in s; false for a number this library does not know.
inline bool memory_counter_value(const MemoryStats& s, int c, int64_t* v) {
  switch (c) {
    case TFL_MEMORY_LIVE_BYTES: *v = s.live_bytes; return true;
    case TFL_MEMORY_PEAK_BYTES: *v = s.peak_bytes; return true;
    case TFL_MEMORY_ALLOCATIONS: *v = s.allocations; return true;
    case TFL_MEMORY_FREES: *v = s.frees; return true;
    case TFL_MEMORY_CACHE_HITS: *v = s.cache_hits; return true;
    case TFL_MEMORY_CACHE_MISSES: *v = s.cache_misses; return true;
    case TFL_MEMORY_CACHED_BYTES: *v = s.cached_bytes; return true;
    case TFL_MEMORY_LIMIT_BYTES: *v = s.limit_bytes; return true;
  }
  return false;
}

}  // namespace tfl::capi
