// C API: the op-level profiler (core/op_profiler.h): time and calls per op, module and category, the
// slowest calls and the bottleneck, as JSON or a readable summary.
#include <string>

#include "capi/capi_text.h"
#include "capi/capi_util.h"
#include "core/op_profiler.h"

/// Starts (or resumes) the op profiler: from now on every op call, autograd backward function and module
/// forward is timed until tfl_profiler_stop. Totals accumulate over start/stop intervals until
/// tfl_profiler_reset. Starting while running does nothing. When the profiler is off an op pays one
/// relaxed atomic load for it.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_profiler_start(void) {
  TFL_CAPI_BEGIN
  tfl::OpProfiler::instance().start();
  TFL_CAPI_END
}

/// Stops the op profiler; its totals stay available to tfl_profiler_report_json and tfl_profiler_summary.
/// Stopping when it is not running does nothing.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_profiler_stop(void) {
  TFL_CAPI_BEGIN
  tfl::OpProfiler::instance().stop();
  TFL_CAPI_END
}

/// Clears every total of the op profiler (ops, modules, categories, slowest calls, wall time); while it
/// runs, its clock restarts now and it keeps running.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_profiler_reset(void) {
  TFL_CAPI_BEGIN
  tfl::OpProfiler::instance().reset();
  TFL_CAPI_END
}

/// Whether the op profiler is running.
/// @param[out] out Receives true between tfl_profiler_start and tfl_profiler_stop.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_profiler_enabled(TFL_OUT bool* out) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  *out = tfl::OpProfiler::instance().enabled();
  TFL_CAPI_END
}

/// The op profile as JSON: {"running", "total_ns" (recorded wall time), "op_ns" (time inside outermost
/// ops), "ops": [{"name", "category", "calls", "total_ns" (nested ops included), "self_ns" (excluded),
/// "max_ns"}] by decreasing self_ns, "modules": [{"path" ("Sequential.0"), "calls", "total_ns",
/// "self_ns"}] by decreasing total_ns, "categories": {"blas", "elementwise", "reduction", "nn", "memory",
/// "optimizer", "autograd", "other" (self time per category), "framework_overhead" (total_ns - op_ns)},
/// "slowest": [{"name", "module", "category", "total_ns", "self_ns", "start_ns"}] (the 10 longest
/// calls), "bottleneck": a sentence naming what dominates and what to do}. Backward functions appear as
/// "<op>_backward" with category "autograd". To size the buffer, call with out = NULL and capacity = 0
/// first (the report may grow between the calls while the profiler runs: stop it first, or allow room).
/// @param[out] out Receives the NUL-terminated JSON; may be NULL when capacity is 0.
/// @param[out] out_len Receives the length of the JSON in bytes without the NUL (also when capacity is too small).
/// @param capacity Size of out in bytes: 0, or at least *out_len + 1.
/// @param indent Spaces per nesting level, or -1 for the compact form on one line.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, indent < -1, or a capacity that is neither 0
///         nor large enough (nothing is written to out then).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_profiler_report_json(TFL_OUT TFL_NULLABLE TFL_ARRAY(capacity) char* out,
                                                             TFL_OUT size_t* out_len, size_t capacity, int32_t indent) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TEXT_OUT(out, out_len, capacity);
  TFL_CHECK_ARG(indent >= -1, "indent", "must be -1 or >= 0, got " + std::to_string(indent));
  return tfl::capi::write_text(__func__, out, out_len, capacity, tfl::OpProfiler::instance().report_json(indent));
  TFL_CAPI_END
}

/// The op profile as readable text: the recorded, in-op and overhead times, a table of the ops (name,
/// category, calls, total ms, self ms, share), the time per category, the modules, and on the last line
/// the bottleneck sentence.
/// @param[out] out Receives the NUL-terminated text; may be NULL when capacity is 0.
/// @param[out] out_len Receives the length of the text in bytes without the NUL (also when capacity is too small).
/// @param capacity Size of out in bytes: 0, or at least *out_len + 1.
/// @param max_rows Most ops (and modules) listed, >= 1; the rest are counted in one line.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, max_rows < 1, or a capacity that is neither 0
///         nor large enough (nothing is written to out then).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_profiler_summary(TFL_OUT TFL_NULLABLE TFL_ARRAY(capacity) char* out,
                                                         TFL_OUT size_t* out_len, size_t capacity, int32_t max_rows) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TEXT_OUT(out, out_len, capacity);
  TFL_CHECK_ARG(max_rows >= 1, "max_rows", "must be >= 1, got " + std::to_string(max_rows));
  return tfl::capi::write_text(__func__, out, out_len, capacity, tfl::OpProfiler::instance().summary(max_rows));
  TFL_CAPI_END
}
