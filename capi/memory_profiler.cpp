// C API: the memory profiler (core/memory_profiler.h): recording, the JSON snapshot with its timeline,
// the findings, and module tags for the allocations a C caller makes.
#include <memory>
#include <string>
#include <vector>

#include "capi/capi_text.h"
#include "capi/capi_util.h"
#include "core/allocator.h"
#include "core/memory_profiler.h"

namespace {

// The module scopes a C caller opened on this thread, innermost last; popped in reverse when the thread
// ends so every scope restores the name it replaced.
struct ModuleScopes {
  std::vector<std::unique_ptr<tfl::MemoryModuleScope>> open;
  ~ModuleScopes() {
    while (!open.empty()) open.pop_back();
  }
};
thread_local ModuleScopes module_scopes;

}  // namespace

/// Starts a recording: clears the allocator's event log, notes the live and cached bytes, and logs
/// every allocation and free (with the op and module that made it) until tfl_memory_profiler_stop.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_profiler_start(void) {
  TFL_CAPI_BEGIN
  tfl::MemoryProfiler::instance().start();
  TFL_CAPI_END
}

/// Ends the recording and keeps its timeline for the snapshot and the findings. Stopping when nothing
/// records does nothing.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_profiler_stop(void) {
  TFL_CAPI_BEGIN
  tfl::MemoryProfiler::instance().stop();
  TFL_CAPI_END
}

/// Whether a recording is running.
/// @param[out] out Receives true between tfl_memory_profiler_start and tfl_memory_profiler_stop.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_profiler_recording(TFL_OUT bool* out) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  *out = tfl::MemoryProfiler::instance().recording();
  TFL_CAPI_END
}

/// The profiler's snapshot as JSON: {"devices": [counters per device], "cache": [per size class],
/// "recording": {"running", "start_live_bytes", "start_cached_bytes", "peak_bytes", "peak_op",
/// "peak_module", "peak_event", "by_op", "by_module"}, "timeline": [{"t_ns", "kind", "bytes", "op",
/// "module", "live_bytes", "cached_bytes", "from_cache"}], "autograd": {"saved_tensor_bytes",
/// "saved_tensors"}, "findings": [...]}. The timeline is that of the running or last recording. To size
/// the buffer, call with out = NULL and capacity = 0 first (the snapshot may grow between the calls
/// while a recording runs: stop it first, or allow some room).
/// @param[out] out Receives the NUL-terminated JSON; may be NULL when capacity is 0.
/// @param[out] out_len Receives the length of the JSON in bytes without the NUL (also when capacity is too small).
/// @param capacity Size of out in bytes: 0, or at least *out_len + 1.
/// @param indent Spaces per nesting level, or -1 for the compact form on one line.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a capacity that is neither 0 nor large
///         enough (nothing is written to out then).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_profiler_snapshot_json(TFL_OUT TFL_NULLABLE TFL_ARRAY(capacity) char* out,
                                                                      TFL_OUT size_t* out_len, size_t capacity,
                                                                      int32_t indent) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TEXT_OUT(out, out_len, capacity);
  TFL_CHECK_ARG(indent >= -1, "indent", "must be -1 or >= 0, got " + std::to_string(indent));
  return tfl::capi::write_text(__func__, out, out_len, capacity, tfl::MemoryProfiler::instance().snapshot_json(indent));
  TFL_CAPI_END
}

/// Short sentences a user can act on, one per line (each ends with '\n'): the peak and the op and module
/// where it was reached, the largest allocating op and module, memory held by the cache, fragmentation,
/// tensors kept alive by autograd graphs. Empty when there is nothing to report.
/// @param[out] out Receives the NUL-terminated text; may be NULL when capacity is 0.
/// @param[out] out_len Receives the length of the text in bytes without the NUL (also when capacity is too small).
/// @param capacity Size of out in bytes: 0, or at least *out_len + 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a capacity that is neither 0 nor large
///         enough (nothing is written to out then).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_profiler_findings(TFL_OUT TFL_NULLABLE TFL_ARRAY(capacity) char* out,
                                                                 TFL_OUT size_t* out_len, size_t capacity) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TEXT_OUT(out, out_len, capacity);
  std::string text;
  for (const std::string& f : tfl::MemoryProfiler::instance().findings()) text += f + "\n";
  return tfl::capi::write_text(__func__, out, out_len, capacity, text);
  TFL_CAPI_END
}

/// Opens a module scope on the calling thread: allocations made until the matching
/// tfl_memory_pop_module are tagged with this module name in the profiler's timeline and totals (the
/// innermost scope wins; pass a qualified name such as "encoder.fc1" to see the path).
/// @param name The module name (copied).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if name is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_push_module(const char* name) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(name != nullptr, "name", "must not be NULL");
  module_scopes.open.push_back(std::make_unique<tfl::MemoryModuleScope>(name));
  TFL_CAPI_END
}

/// Closes the innermost module scope the calling thread opened with tfl_memory_push_module.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT when this thread has no open scope.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_memory_pop_module(void) {
  TFL_CAPI_BEGIN
  if (module_scopes.open.empty())
    return tfl::capi::set_error(TFL_ERR_INVALID_ARGUMENT,
                                std::string(__func__) + ": no module scope is open on this thread");
  module_scopes.open.pop_back();
  TFL_CAPI_END
}
