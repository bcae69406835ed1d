// Op-level profiler: wall time and calls per op, per module and per op category, and the bottleneck.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace tfl {

// Note [Op profiler]
// Every op entry point opens a MemoryOpTag (core/allocator.h) to name its allocations; that tag is the
// one choke point the profiler times: when the profiler is off, the tag pays one relaxed atomic load.
// When it is on, the tag pushes a frame on a thread-local stack and pops it on exit, so each call gets
//   total time: from entry to exit, nested ops included;
//   self time:  total minus the total of the ops it called (so summing self times never counts twice).
// Autograd backward functions are frames too ("mul_backward", category autograd), whose self time is the
// engine's work inside a backward function that is not an op; the ops they call are recorded under their
// own names. Modules (MemoryModuleScope: C++ nn modules around forward, tfl_memory_push_module for
// others) get total and self time per path ("Sequential.0").
// Framework overhead = recorded wall time (start..stop) minus the time spent inside outermost ops
// (summed over threads, clamped at 0): argument checking in the C ABI, Python, tensor handle churn,
// graph recording outside op entry points, and time in ops that open no tag (views such as reshape).
// Categories count self time, so categories + framework_overhead add up to the wall time (one thread).

enum class OpCategory : int32_t { Blas, Elementwise, Reduction, NN, Memory, Optimizer, Autograd, Other };
constexpr int kNumOpCategories = 8;
const char* op_category_name(OpCategory c);
// The category of an op by its name ("matmul" -> Blas); Other for names it does not know.
OpCategory op_category(const std::string& op);

namespace profiler_detail {
// Hidden: op files reach it PC-relative, without a GOT load (the library exports only the C ABI anyway).
extern __attribute__((visibility("hidden"))) std::atomic<bool> g_active;
// Push/pop of one frame on this thread's stack; enter returns false (and pushes nothing) when the
// profiler is not recording or name is null. `name` must outlive the recording (string literals,
// interned names). `owner` is stored in the frame and returned by the matching exit (the caller's marker
// of the timed scope it replaced, see MemoryOpTag).
bool op_enter(const char* name, bool backward_node, const void* owner = nullptr);
const void* op_exit();
bool module_enter(const char* path, const void* owner);
const void* module_exit();
}  // namespace profiler_detail

// The test every timing site makes first: one relaxed load.
inline bool op_profiler_active() { return profiler_detail::g_active.load(std::memory_order_relaxed); }

// The interned frame name of an autograd node's backward function: "mul" -> "mul_backward"
// ("AccumulateGrad" stays as it is). Takes a lock: call it only while the profiler is active.
const char* op_profiler_backward_name(const std::string& node_name);

// Times a region as an op frame (for sites that open no MemoryOpTag, e.g. the autograd engine).
class OpProfileScope {
 public:
  OpProfileScope(const char* name, bool backward_node)
      : timed_(op_profiler_active() && profiler_detail::op_enter(name, backward_node)) {}
  ~OpProfileScope() {
    if (timed_) profiler_detail::op_exit();
  }
  OpProfileScope(const OpProfileScope&) = delete;
  OpProfileScope& operator=(const OpProfileScope&) = delete;

 private:
  bool timed_;
};

struct OpProfileEntry {
  std::string name;
  OpCategory category = OpCategory::Other;
  int64_t calls = 0;
  int64_t total_ns = 0;  // nested ops included
  int64_t self_ns = 0;   // nested ops excluded
  int64_t max_ns = 0;    // longest single call
};

struct ModuleProfileEntry {
  std::string path;
  int64_t calls = 0;
  int64_t total_ns = 0;
  int64_t self_ns = 0;  // child modules excluded (ops stay in the module that called them)
};

// One call among the slowest.
struct OpCallRecord {
  std::string name;
  std::string module;  // innermost module at the call, "" outside every module
  OpCategory category = OpCategory::Other;
  int64_t total_ns = 0;
  int64_t self_ns = 0;
  int64_t start_ns = 0;  // from the start of the recording
};

struct OpProfileReport {
  bool running = false;
  int64_t total_ns = 0;  // wall time recorded (all start..stop intervals since the last reset)
  int64_t op_ns = 0;     // time inside outermost ops
  int64_t framework_overhead_ns = 0;
  std::vector<OpProfileEntry> ops;          // decreasing self_ns
  std::vector<ModuleProfileEntry> modules;  // decreasing total_ns
  int64_t category_ns[kNumOpCategories] = {};
  std::vector<OpCallRecord> slowest;  // at most kSlowestCalls, decreasing total_ns
  std::string bottleneck;
};

constexpr int kSlowestCalls = 10;

class OpProfiler {
 public:
  static OpProfiler& instance();

  // Starts (or resumes) recording; totals accumulate until reset(). Starting twice does nothing.
  void start();
  // Stops recording; the totals stay for report(). Stopping when not recording does nothing.
  void stop();
  // Clears every total; while recording, the wall clock restarts now.
  void reset();
  bool enabled() const { return op_profiler_active(); }

  OpProfileReport report() const;
  // {"running", "total_ns", "op_ns", "ops": [{"name", "category", "calls", "total_ns", "self_ns", "max_ns"}],
  //  "modules": [{"path", "calls", "total_ns", "self_ns"}], "categories": {"blas", ..., "other",
  //  "framework_overhead"}, "slowest": [{"name", "module", "category", "total_ns", "self_ns", "start_ns"}],
  //  "bottleneck"}
  std::string report_json(int indent = -1) const;
  // A readable table of the ops, categories and modules, ending with the bottleneck sentence.
  std::string summary(int max_rows = 20) const;

  OpProfiler(const OpProfiler&) = delete;
  OpProfiler& operator=(const OpProfiler&) = delete;

 private:
  OpProfiler() = default;
};

// The sentence naming what dominates a report and what to do about it.
std::string op_profile_bottleneck(const OpProfileReport& r);

}  // namespace tfl
