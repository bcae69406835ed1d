// C API: the host allocator's counters, cache, limit and event log.
// Counters are read by number (tfl_memory_counter) rather than through a struct, so a new counter is
// a new enum value: no struct to version, and old callers keep working.
#include <cstdint>
#include <string>

#include "capi/capi_util.h"
#include "capi/memory_counters.h"
#include "core/allocator.h"


/// Reads one counter of the host memory allocator.
/// @param[out] out Receives the value.
/// @param counter Which counter.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL or counter is not a known tfl_memory_counter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_stat(TFL_OUT int64_t* out, tfl_memory_counter counter) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  int64_t v = 0;
  TFL_CHECK_ARG(tfl::capi::memory_counter_value(tfl::HostAllocator::instance().stats(), counter, &v), "counter",
                "is not a valid tfl_memory_counter (got " + std::to_string(static_cast<int>(counter)) + ")");
  *out = v;
  TFL_CAPI_END
}

/// Reads the counters of the host memory allocator at one instant: out[c] receives counter c (a
/// tfl_memory_counter) for c < capacity; slots for numbers this library does not know receive -1, so a
/// program built against a newer header can pass a larger array.
/// @param[out] out Array of capacity values.
/// @param capacity Length of out.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL while capacity > 0.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_stats(TFL_OUT TFL_ARRAY(capacity) int64_t* out, size_t capacity) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr || capacity == 0, "out", "must not be NULL when capacity > 0");
  tfl::MemoryStats s = tfl::HostAllocator::instance().stats();
  for (size_t i = 0; i < capacity; ++i)
    if (i > static_cast<size_t>(INT32_MAX) || !tfl::capi::memory_counter_value(s, static_cast<int>(i), &out[i])) out[i] = -1;
  TFL_CAPI_END
}

/// Restarts the peak from the current live bytes.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_reset_peak(void) {
  TFL_CAPI_BEGIN
  tfl::HostAllocator::instance().reset_peak();
  TFL_CAPI_END
}

/// Returns every cached free block to the system (memory in use by tensors is not touched).
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_empty_cache(void) {
  TFL_CAPI_BEGIN
  tfl::HostAllocator::instance().empty_cache();
  TFL_CAPI_END
}

/// Caps the live bytes: an allocation that would exceed the limit fails with TFL_ERR_OUT_OF_MEMORY.
/// @param bytes The limit in bytes, or 0 for none.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for a negative limit.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_set_limit(int64_t bytes) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(bytes >= 0, "bytes", "must be >= 0, got " + std::to_string(bytes));
  tfl::HostAllocator::instance().set_limit(bytes);
  TFL_CAPI_END
}

/// Turns the allocator's event log (one record per allocation and free, with the op that made it) on
/// or off; records already taken are kept.
/// @param enabled true to record events.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_set_event_log(bool enabled) {
  TFL_CAPI_BEGIN
  tfl::HostAllocator::instance().set_event_log(enabled);
  TFL_CAPI_END
}

/// Number of events in the allocator's event log.
/// @param[out] out Receives the count.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_event_count(TFL_OUT size_t* out) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  *out = tfl::HostAllocator::instance().events().size();
  TFL_CAPI_END
}

/// Empties the allocator's event log.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_clear_events(void) {
  TFL_CAPI_BEGIN
  tfl::HostAllocator::instance().clear_events();
  TFL_CAPI_END
}
