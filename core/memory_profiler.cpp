// Memory profiler over the host allocator's event log. See Note [Findings thresholds].
#include "core/memory_profiler.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "core/autograd/node.h"

namespace tfl {

// Note [Findings thresholds]
// Findings are meant to be acted on, so the noisy ones stay quiet for small amounts: the cache finding
// needs at least kFindingsMinCacheBytes cached and at least half as much cached as live (below that,
// empty_cache() gains little and costs the reuse); the fragmentation finding needs at least
// kFindingsMinCacheBytes requested by allocations that missed a cache holding at least as many bytes.
// The peak and the largest allocator are always reported when something was recorded, and memory held
// by autograd graphs whenever it is non-zero (it is invisible otherwise).

struct MemoryProfiler::State {
  mutable std::mutex mu;
  bool recording = false;
  int64_t start_live = 0;
  int64_t start_cached = 0;
  std::vector<MemoryEvent> events;  // the finished recording
};

MemoryProfiler& MemoryProfiler::instance() {
  static MemoryProfiler* inst = new MemoryProfiler();  // leaked: usable from exit handlers
  return *inst;
}

MemoryProfiler::State& MemoryProfiler::state() const {
  static State* s = new State();
  return *s;
}

void MemoryProfiler::start() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  HostAllocator& a = HostAllocator::instance();
  a.set_event_log(false);
  a.clear_events();
  const MemoryStats st = a.stats();
  s.start_live = st.live_bytes;
  s.start_cached = st.cached_bytes;
  s.events.clear();
  s.recording = true;
  a.set_event_log(true);
}

void MemoryProfiler::stop() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.recording) return;
  HostAllocator& a = HostAllocator::instance();
  a.set_event_log(false);
  s.events = a.events();
  a.clear_events();
  s.recording = false;
}

bool MemoryProfiler::recording() const {
  std::lock_guard<std::mutex> lock(state().mu);
  return state().recording;
}

namespace {

std::vector<MemoryTagTotal> sorted_totals(const std::map<std::string, MemoryTagTotal>& m) {
  std::vector<MemoryTagTotal> out;
  for (const auto& [tag, t] : m) out.push_back(t);
  std::stable_sort(out.begin(), out.end(),
                   [](const MemoryTagTotal& a, const MemoryTagTotal& b) { return a.alloc_bytes > b.alloc_bytes; });
  return out;
}

std::string where(const std::string& op, const std::string& module) {
  std::string s = "op '" + op + "'";
  if (!module.empty()) s += " in module '" + module + "'";
  return s;
}

}  // namespace

std::string format_bytes(int64_t bytes) {
  static const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024 && bytes > -1024) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes) / 1024;
  int u = 0;
  while ((v >= 1024 || v <= -1024) && u < 3) {
    v /= 1024;
    ++u;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %s (%lld bytes)", v, units[u], static_cast<long long>(bytes));
  return buf;
}

MemoryReport MemoryProfiler::report() const {
  MemoryReport r;
  HostAllocator& a = HostAllocator::instance();
  {
    std::lock_guard<std::mutex> lock(state().mu);
    r.recording = state().recording;
    r.start_live_bytes = state().start_live;
    r.start_cached_bytes = state().start_cached;
    r.events = r.recording ? a.events() : state().events;
  }
  r.stats = a.stats();
  r.cached = a.cached_blocks();
  r.saved_tensor_bytes = autograd::saved_tensor_bytes();
  r.saved_tensor_count = autograd::saved_tensor_count();

  r.peak_bytes = r.start_live_bytes;
  std::map<std::string, MemoryTagTotal> by_op, by_module;
  for (size_t i = 0; i < r.events.size(); ++i) {
    const MemoryEvent& e = r.events[i];
    if (e.live_bytes > r.peak_bytes) {
      r.peak_bytes = e.live_bytes;
      r.peak_event = static_cast<int64_t>(i);
    }
    if (e.kind != MemoryEventKind::Alloc) continue;
    for (auto* m : {&by_op, &by_module}) {
      const std::string tag = m == &by_op ? e.op : e.module;
      MemoryTagTotal& t = (*m)[tag];
      t.tag = tag;
      t.alloc_bytes += e.bytes;
      ++t.allocations;
    }
    // A miss leaves the cache as it was, so cached_bytes is what the cache held but could not use.
    if (!e.from_cache && e.cached_bytes >= e.bytes) r.fragmented_misses.push_back({e.bytes, e.cached_bytes, e.op, e.module});
  }
  if (r.peak_event >= 0) {
    r.peak_op = r.events[static_cast<size_t>(r.peak_event)].op;
    r.peak_module = r.events[static_cast<size_t>(r.peak_event)].module;
  }
  r.by_op = sorted_totals(by_op);
  r.by_module = sorted_totals(by_module);
  return r;
}

namespace {

std::vector<std::string> findings_of(const MemoryReport& r) {
  std::vector<std::string> out;
  if (!r.events.empty()) {
    if (r.peak_event >= 0) {
      out.push_back("Peak of " + format_bytes(r.peak_bytes) + " live was reached in " +
                    where(r.peak_op, r.peak_module) +
                    ": to lower it, free intermediates before that point or use a smaller batch there.");
    } else {
      out.push_back("Peak of " + format_bytes(r.peak_bytes) +
                    " live was already reached when recording started; nothing recorded went higher.");
    }
    int64_t total = 0;
    for (const auto& t : r.by_op) total += t.alloc_bytes;
    if (!r.by_op.empty() && total > 0) {
      const auto& top = r.by_op.front();
      out.push_back("Op '" + top.tag + "' allocated the most: " + format_bytes(top.alloc_bytes) + " in " +
                    std::to_string(top.allocations) + " allocations (" +
                    std::to_string(top.alloc_bytes * 100 / total) + "% of all allocated bytes).");
    }
    for (const auto& t : r.by_module)
      if (!t.tag.empty()) {  // the largest named module
        out.push_back("Module '" + t.tag + "' allocated the most: " + format_bytes(t.alloc_bytes) + " in " +
                      std::to_string(t.allocations) + " allocations.");
        break;
      }
  }
  const int64_t cached = r.stats.cached_bytes, live = r.stats.live_bytes;
  if (cached >= kFindingsMinCacheBytes && 2 * cached >= live) {
    std::string pct = live > 0 ? " (" + std::to_string(cached * 100 / live) + "% of the " + format_bytes(live) + " live)"
                               : " (nothing is live)";
    out.push_back("The cache holds " + format_bytes(cached) + " of free blocks" + pct +
                  ": call empty_cache() to return them to the system if other processes need the memory.");
  }
  int64_t missed = 0, max_cached = 0;
  std::map<std::string, int64_t> missed_where;
  for (const auto& m : r.fragmented_misses) {
    missed += m.bytes;
    max_cached = std::max(max_cached, m.cached_bytes);
    missed_where[where(m.op, m.module)] += m.bytes;
  }
  if (missed >= kFindingsMinCacheBytes) {
    auto worst = std::max_element(missed_where.begin(), missed_where.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; });
    std::string classes;
    std::vector<CachedClass> by_bytes = r.cached;
    std::stable_sort(by_bytes.begin(), by_bytes.end(), [](const CachedClass& a, const CachedClass& b) {
      return static_cast<int64_t>(a.size_class) * a.blocks > static_cast<int64_t>(b.size_class) * b.blocks;
    });
    for (size_t i = 0; i < by_bytes.size() && i < 3; ++i)
      classes += (i ? ", " : "") + std::to_string(by_bytes[i].blocks) + " x " +
                 format_bytes(static_cast<int64_t>(by_bytes[i].size_class));
    out.push_back("Fragmentation: " + std::to_string(r.fragmented_misses.size()) + " allocations (" +
                  format_bytes(missed) + ") went to the system while the cache held up to " +
                  format_bytes(max_cached) + " in other size classes, most in " + worst->first +
                  (classes.empty() ? std::string() : "; cached now: " + classes) +
                  ": keep shapes steady across steps, or call empty_cache() between phases with different shapes.");
  }
  if (r.saved_tensor_bytes > 0)
    out.push_back("Autograd graphs keep " + std::to_string(r.saved_tensor_count) + " saved tensors (" +
                  format_bytes(r.saved_tensor_bytes) +
                  ") alive: a graph kept with retain_graph=true, or forward outputs still referenced, hold them; "
                  "run backward without retain_graph, drop the outputs, or run inference under no_grad.");
  return out;
}

}  // namespace

std::vector<std::string> MemoryProfiler::findings() const { return findings_of(report()); }

std::string MemoryProfiler::snapshot_json(int indent) const {
  using Json = nlohmann::ordered_json;
  const MemoryReport r = report();
  const MemoryStats& st = r.stats;
  Json device = {{"device", "cpu"},
                 {"live_bytes", st.live_bytes},
                 {"peak_bytes", st.peak_bytes},
                 {"cached_bytes", st.cached_bytes},
                 {"limit_bytes", st.limit_bytes},
                 {"allocations", st.allocations},
                 {"frees", st.frees},
                 {"cache_hits", st.cache_hits},
                 {"cache_misses", st.cache_misses}};
  Json cache = Json::array();
  for (const auto& c : r.cached)
    cache.push_back(Json{{"size_class", c.size_class},
                     {"blocks", c.blocks},
                     {"bytes", static_cast<int64_t>(c.size_class) * c.blocks}});
  auto totals = [](const std::vector<MemoryTagTotal>& v) {
    Json a = Json::array();
    for (const auto& t : v) a.push_back(Json{{"tag", t.tag}, {"alloc_bytes", t.alloc_bytes}, {"allocations", t.allocations}});
    return a;
  };
  Json recording = {{"running", r.recording},
                    {"start_live_bytes", r.start_live_bytes},
                    {"start_cached_bytes", r.start_cached_bytes},
                    {"peak_bytes", r.peak_bytes},
                    {"peak_event", r.peak_event},
                    {"peak_op", r.peak_op},
                    {"peak_module", r.peak_module},
                    {"by_op", totals(r.by_op)},
                    {"by_module", totals(r.by_module)}};
  Json timeline = Json::array();
  for (const auto& e : r.events)
    timeline.push_back(Json{{"t_ns", e.time_ns},
                        {"kind", e.kind == MemoryEventKind::Alloc ? "alloc" : "free"},
                        {"bytes", e.bytes},
                        {"op", e.op},
                        {"module", e.module},
                        {"live_bytes", e.live_bytes},
                        {"cached_bytes", e.cached_bytes},
                        {"from_cache", e.from_cache}});
  Json doc = {{"devices", Json::array({device})},
              {"cache", std::move(cache)},
              {"recording", std::move(recording)},
              {"timeline", std::move(timeline)},
              {"autograd", {{"saved_tensor_bytes", r.saved_tensor_bytes}, {"saved_tensors", r.saved_tensor_count}}},
              {"findings", findings_of(r)}};
  // Op and module names come from code, but replace rather than throw on invalid UTF-8.
  return doc.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace tfl
