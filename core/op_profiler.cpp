// Op-level profiler: frames per thread, totals per op/module/category, JSON, summary. See Note [Op profiler].
#include "core/op_profiler.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/allocator.h"

namespace tfl {

namespace profiler_detail {
std::atomic<bool> g_active{false};
}  // namespace profiler_detail

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Frame {
  const char* name;
  int64_t start;
  int64_t child_ns;  // total of the frames nested directly inside
  uint64_t gen;      // recording generation it started in; frames of an older one are dropped
  bool node;
  const void* owner;
};

struct ModuleFrame {
  const char* path;
  int64_t start;
  int64_t child_ns;
  uint64_t gen;
  const void* owner;
};

// Stacks of the calling thread; only touched while the profiler records.
thread_local std::vector<Frame> t_frames;
thread_local std::vector<ModuleFrame> t_modules;

struct OpStat {
  int64_t calls = 0, total = 0, self = 0, max = 0;
};

struct SlowCall {
  const char* name;
  const char* module;
  bool node;
  int64_t total, self, start;
};

struct State {
  std::mutex mu;
  std::atomic<uint64_t> gen{1};  // bumped by start, stop and reset
  bool running = false;
  int64_t wall_done = 0;   // wall time of finished intervals
  int64_t interval_start = 0;
  int64_t session_start = 0;  // for start_ns of the slowest calls
  int64_t op_ns = 0;
  // Keyed by the name's address: names are literals or interned, so a pointer compare is enough here and
  // equal strings at different addresses are merged in report().
  std::unordered_map<const char*, OpStat> ops, nodes, modules_total;
  std::vector<SlowCall> slowest;
};

State& state() {
  static State* s = new State();  // leaked: usable from exit handlers
  return *s;
}

void note_slow(State& s, const SlowCall& c) {
  if (static_cast<int>(s.slowest.size()) < kSlowestCalls) {
    s.slowest.push_back(c);
    return;
  }
  auto it = std::min_element(s.slowest.begin(), s.slowest.end(),
                             [](const SlowCall& a, const SlowCall& b) { return a.total < b.total; });
  if (c.total > it->total) *it = c;
}

}  // namespace

namespace profiler_detail {

bool op_enter(const char* name, bool backward_node, const void* owner) {
  if (name == nullptr) return false;
  t_frames.push_back(Frame{name, now_ns(), 0, state().gen.load(std::memory_order_relaxed), backward_node, owner});
  return true;
}

const void* op_exit() {
  const int64_t end = now_ns();
  if (t_frames.empty()) return nullptr;
  const Frame f = t_frames.back();
  t_frames.pop_back();
  const int64_t total = end - f.start;
  const bool outermost = t_frames.empty();
  if (!outermost) t_frames.back().child_ns += total;
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  if (f.gen != s.gen.load(std::memory_order_relaxed) || !s.running) return f.owner;
  const int64_t self = std::max<int64_t>(0, total - f.child_ns);
  OpStat& st = (f.node ? s.nodes : s.ops)[f.name];
  st.calls += 1;
  st.total += total;
  st.self += self;
  st.max = std::max(st.max, total);
  if (outermost) s.op_ns += total;
  note_slow(s, SlowCall{f.name, MemoryModuleScope::current(), f.node, total, self, f.start - s.session_start});
  return f.owner;
}

bool module_enter(const char* path, const void* owner) {
  if (path == nullptr) return false;
  t_modules.push_back(ModuleFrame{path, now_ns(), 0, state().gen.load(std::memory_order_relaxed), owner});
  return true;
}

const void* module_exit() {
  const int64_t end = now_ns();
  if (t_modules.empty()) return nullptr;
  const ModuleFrame f = t_modules.back();
  t_modules.pop_back();
  const int64_t total = end - f.start;
  if (!t_modules.empty()) t_modules.back().child_ns += total;
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  if (f.gen != s.gen.load(std::memory_order_relaxed) || !s.running) return f.owner;
  OpStat& st = s.modules_total[f.path];
  st.calls += 1;
  st.total += total;
  st.self += std::max<int64_t>(0, total - f.child_ns);
  st.max = std::max(st.max, total);
  return f.owner;
}

}  // namespace profiler_detail

const char* op_category_name(OpCategory c) {
  switch (c) {
    case OpCategory::Blas: return "blas";
    case OpCategory::Elementwise: return "elementwise";
    case OpCategory::Reduction: return "reduction";
    case OpCategory::NN: return "nn";
    case OpCategory::Memory: return "memory";
    case OpCategory::Optimizer: return "optimizer";
    case OpCategory::Autograd: return "autograd";
    case OpCategory::Other: return "other";
  }
  return "other";
}

OpCategory op_category(const std::string& op) {
  using C = OpCategory;
  static const auto* table = new std::unordered_map<std::string, OpCategory>{
      // Dense linear algebra: what a BLAS library would run.
      {"matmul", C::Blas}, {"dot", C::Blas}, {"outer", C::Blas}, {"mm", C::Blas}, {"bmm", C::Blas},
      {"mv", C::Blas}, {"addmm", C::Blas}, {"linear", C::Blas}, {"einsum", C::Blas}, {"tensordot", C::Blas},
      // Reductions and scans.
      {"sum", C::Reduction}, {"mean", C::Reduction}, {"prod", C::Reduction}, {"max", C::Reduction},
      {"min", C::Reduction}, {"argmax", C::Reduction}, {"argmin", C::Reduction}, {"all", C::Reduction},
      {"any", C::Reduction}, {"var", C::Reduction}, {"std", C::Reduction}, {"logsumexp", C::Reduction},
      {"cumsum", C::Reduction}, {"cumprod", C::Reduction}, {"norm", C::Reduction}, {"masked_count", C::Reduction},
      // Neural-network kernels that are neither a plain GEMM nor elementwise.
      {"softmax", C::NN}, {"log_softmax", C::NN}, {"conv1d", C::NN}, {"conv2d", C::NN},
      {"conv2d_input_grad", C::NN}, {"conv2d_weight_grad", C::NN}, {"max_pool2d", C::NN}, {"avg_pool2d", C::NN},
      {"avg_pool2d_grad", C::NN}, {"adaptive_avg_pool2d", C::NN}, {"adaptive_avg_pool2d_grad", C::NN},
      {"scaled_dot_product_attention", C::NN}, {"selective_scan", C::NN}, {"selective_scan_backward", C::NN},
      {"layer_norm", C::NN}, {"batch_norm", C::NN}, {"group_norm", C::NN}, {"instance_norm", C::NN},
      {"embedding", C::NN}, {"dropout", C::NN}, {"cross_entropy", C::NN}, {"nll_loss", C::NN},
      // Moving, casting, assembling and creating memory.
      {"copy", C::Memory}, {"contiguous", C::Memory}, {"to_dtype", C::Memory}, {"to_device", C::Memory},
      {"concat", C::Memory}, {"stack", C::Memory}, {"pad", C::Memory}, {"roll", C::Memory}, {"tril", C::Memory},
      {"triu", C::Memory}, {"repeat", C::Memory}, {"tile", C::Memory}, {"gather", C::Memory}, {"take", C::Memory},
      {"index_select", C::Memory}, {"take_along_axis", C::Memory}, {"scatter_add", C::Memory},
      {"index_add", C::Memory}, {"masked_select", C::Memory}, {"one_hot", C::Memory}, {"full", C::Memory},
      {"fill", C::Memory}, {"zeros", C::Memory}, {"ones", C::Memory}, {"from_buffer", C::Memory},
      {"arange", C::Memory}, {"linspace", C::Memory}, {"eye", C::Memory}, {"range", C::Memory},
      {"index_normalize", C::Memory},
  };
  auto it = table->find(op);
  if (it != table->end()) return it->second;
  auto ends_with = [&](const char* suffix) {
    const size_t n = std::char_traits<char>::length(suffix);
    return op.size() >= n && op.compare(op.size() - n, n, suffix) == 0;
  };
  if (ends_with("_step")) return C::Optimizer;
  static const auto* elementwise = new std::unordered_set<std::string>{
      "abs", "add", "atan2", "ceil", "clip", "cos", "div", "elu", "eq", "exp", "expm1", "floor", "floor_divide",
      "ge", "gelu", "gt", "isfinite", "isinf", "isnan", "le", "leaky_relu", "log", "log1p", "logical_and",
      "logical_not", "logical_or", "logical_xor", "lt", "maximum", "minimum", "mul", "ne", "neg", "pow", "relu",
      "remainder", "round", "rsqrt", "sigmoid", "sign", "silu", "sin", "softplus", "sqrt", "square", "sub", "tan",
      "tanh", "where", "reciprocal", "lerp", "addcmul", "addcdiv", "hardtanh", "mish", "clamp", "trunc", "exp2",
      "log2", "log10", "asin", "acos", "atan", "sinh", "cosh", "erf", "erfc"};
  if (elementwise->count(op)) return C::Elementwise;
  return C::Other;
}

const char* op_profiler_backward_name(const std::string& node_name) {
  static std::mutex* mu = new std::mutex();
  static auto* names = new std::unordered_map<std::string, std::string>();
  std::lock_guard<std::mutex> lock(*mu);
  auto it = names->find(node_name);
  if (it == names->end())
    it = names->emplace(node_name, node_name == "AccumulateGrad" ? node_name : node_name + "_backward").first;
  return it->second.c_str();  // node-based map: the string does not move on rehash
}

OpProfiler& OpProfiler::instance() {
  static OpProfiler* inst = new OpProfiler();
  return *inst;
}

void OpProfiler::start() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.running) return;
  s.gen.fetch_add(1, std::memory_order_relaxed);
  s.running = true;
  s.interval_start = now_ns();
  if (s.wall_done == 0) s.session_start = s.interval_start;
  profiler_detail::g_active.store(true, std::memory_order_relaxed);
}

void OpProfiler::stop() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.running) return;
  profiler_detail::g_active.store(false, std::memory_order_relaxed);
  s.gen.fetch_add(1, std::memory_order_relaxed);
  s.running = false;
  s.wall_done += now_ns() - s.interval_start;
}

void OpProfiler::reset() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  s.gen.fetch_add(1, std::memory_order_relaxed);
  s.wall_done = 0;
  s.op_ns = 0;
  s.interval_start = s.session_start = now_ns();
  s.ops.clear();
  s.nodes.clear();
  s.modules_total.clear();
  s.slowest.clear();
}

OpProfileReport OpProfiler::report() const {
  State& s = state();
  OpProfileReport r;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    r.running = s.running;
    r.total_ns = s.wall_done + (s.running ? now_ns() - s.interval_start : 0);
    r.op_ns = s.op_ns;
    // Merge by name (equal names may sit at different addresses), node frames apart from ops.
    std::map<std::pair<std::string, bool>, OpStat> merged;
    auto merge = [&](const std::unordered_map<const char*, OpStat>& m, bool node) {
      for (const auto& [name, st] : m) {
        OpStat& d = merged[{name, node}];
        d.calls += st.calls;
        d.total += st.total;
        d.self += st.self;
        d.max = std::max(d.max, st.max);
      }
    };
    merge(s.ops, false);
    merge(s.nodes, true);
    for (const auto& [key, st] : merged) {
      OpProfileEntry e{key.first, key.second ? OpCategory::Autograd : op_category(key.first), st.calls, st.total,
                       st.self, st.max};
      r.category_ns[static_cast<int>(e.category)] += e.self_ns;
      r.ops.push_back(std::move(e));
    }
    std::map<std::string, OpStat> mods;
    for (const auto& [path, st] : s.modules_total) {
      OpStat& d = mods[path];
      d.calls += st.calls;
      d.total += st.total;
      d.self += st.self;
    }
    for (const auto& [path, st] : mods) r.modules.push_back(ModuleProfileEntry{path, st.calls, st.total, st.self});
    for (const SlowCall& c : s.slowest)
      r.slowest.push_back(OpCallRecord{c.name, c.module ? c.module : "",
                                       c.node ? OpCategory::Autograd : op_category(c.name), c.total, c.self, c.start});
  }
  std::stable_sort(r.ops.begin(), r.ops.end(), [](const OpProfileEntry& a, const OpProfileEntry& b) {
    return a.self_ns != b.self_ns ? a.self_ns > b.self_ns : a.total_ns > b.total_ns;
  });
  std::stable_sort(r.modules.begin(), r.modules.end(),
                   [](const ModuleProfileEntry& a, const ModuleProfileEntry& b) { return a.total_ns > b.total_ns; });
  std::sort(r.slowest.begin(), r.slowest.end(),
            [](const OpCallRecord& a, const OpCallRecord& b) { return a.total_ns > b.total_ns; });
  r.framework_overhead_ns = std::max<int64_t>(0, r.total_ns - r.op_ns);
  r.bottleneck = op_profile_bottleneck(r);
  return r;
}

std::string OpProfiler::report_json(int indent) const {
  using Json = nlohmann::ordered_json;
  const OpProfileReport r = report();
  Json ops = Json::array();
  for (const auto& e : r.ops)
    ops.push_back(Json{{"name", e.name}, {"category", op_category_name(e.category)}, {"calls", e.calls},
                       {"total_ns", e.total_ns}, {"self_ns", e.self_ns}, {"max_ns", e.max_ns}});
  Json modules = Json::array();
  for (const auto& m : r.modules)
    modules.push_back(Json{{"path", m.path}, {"calls", m.calls}, {"total_ns", m.total_ns}, {"self_ns", m.self_ns}});
  Json categories = Json::object();
  for (int c = 0; c < kNumOpCategories; ++c)
    categories[op_category_name(static_cast<OpCategory>(c))] = r.category_ns[c];
  categories["framework_overhead"] = r.framework_overhead_ns;
  Json slowest = Json::array();
  for (const auto& c : r.slowest)
    slowest.push_back(Json{{"name", c.name}, {"module", c.module}, {"category", op_category_name(c.category)},
                           {"total_ns", c.total_ns}, {"self_ns", c.self_ns}, {"start_ns", c.start_ns}});
  Json j = {{"running", r.running},  {"total_ns", r.total_ns},     {"op_ns", r.op_ns},
            {"ops", ops},            {"modules", modules},         {"categories", categories},
            {"slowest", slowest},    {"bottleneck", r.bottleneck}};
  return j.dump(indent);
}

}  // namespace tfl
