// Tests of the memory profiler: tagged timeline, peak attribution, JSON snapshot, findings.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/allocator.h"
#include "core/autograd/engine.h"
#include "core/autograd/node.h"
#include "core/autograd/variable.h"
#include "core/memory_profiler.h"
#include "core/nn/linear.h"
#include "core/nn/sequential.h"
#include "core/ops/indexing.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"

using namespace tfl;
using Catch::Contains;

namespace {

constexpr int64_t MiB = int64_t{1} << 20;

HostAllocator& alloc() { return HostAllocator::instance(); }
MemoryProfiler& prof() { return MemoryProfiler::instance(); }

// Starts every test from an empty cache and leaves the profiler stopped.
struct ProfilerGuard {
  ProfilerGuard() {
    prof().stop();
    alloc().empty_cache();
  }
  ~ProfilerGuard() {
    prof().stop();
    alloc().empty_cache();
  }
};

bool any_contains(const std::vector<std::string>& v, const std::string& a, const std::string& b = "") {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) {
    return s.find(a) != std::string::npos && s.find(b) != std::string::npos;
  });
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

}  // namespace

TEST_CASE("profiler attributes the peak and totals to op and module", "[memory_profiler]") {
  ProfilerGuard guard;
  const int64_t l0 = alloc().stats().live_bytes;
  prof().start();
  CHECK(prof().recording());
  void *a, *b, *c;
  {
    MemoryModuleScope m("encoder");
    {
      MemoryOpScope op("matmul");
      a = alloc().allocate(3 * MiB);  // a size class of its own (3/4 of 4 MiB)
    }
    MemoryOpScope op("relu");
    b = alloc().allocate(1 * MiB);
  }
  {
    MemoryModuleScope m("decoder");
    MemoryOpScope op("add");
    alloc().deallocate(a, 3 * MiB);
    c = alloc().allocate(2 * MiB);  // misses: the cached 3 MiB block is of another class
  }
  prof().stop();
  CHECK_FALSE(prof().recording());

  // Expected by hand: live goes l0+3, l0+4 (peak, relu in encoder), l0+1 (3 MiB cached), l0+3.
  MemoryReport r = prof().report();
  REQUIRE(r.events.size() == 4);
  const MemoryEvent& e0 = r.events[0];
  CHECK(e0.kind == MemoryEventKind::Alloc);
  CHECK(e0.bytes == 3 * MiB);
  CHECK(std::string(e0.op) == "matmul");
  CHECK(std::string(e0.module) == "encoder");
  CHECK(e0.live_bytes == l0 + 3 * MiB);
  CHECK(e0.cached_bytes == 0);
  CHECK_FALSE(e0.from_cache);
  CHECK(std::string(r.events[1].op) == "relu");
  CHECK(std::string(r.events[1].module) == "encoder");
  CHECK(r.events[1].live_bytes == l0 + 4 * MiB);
  CHECK(r.events[2].kind == MemoryEventKind::Free);
  CHECK(std::string(r.events[2].module) == "decoder");
  CHECK(r.events[2].live_bytes == l0 + 1 * MiB);
  CHECK(r.events[2].cached_bytes == 3 * MiB);
  CHECK(r.events[3].bytes == 2 * MiB);
  CHECK(r.events[3].cached_bytes == 3 * MiB);
  CHECK_FALSE(r.events[3].from_cache);
  CHECK(r.events[0].time_ns <= r.events[3].time_ns);

  CHECK(r.start_live_bytes == l0);
  CHECK(r.peak_bytes == l0 + 4 * MiB);
  CHECK(r.peak_event == 1);
  CHECK(r.peak_op == "relu");
  CHECK(r.peak_module == "encoder");
  REQUIRE(r.by_op.size() == 3);
  CHECK(r.by_op[0].tag == "matmul");
  CHECK(r.by_op[0].alloc_bytes == 3 * MiB);
  CHECK(r.by_op[1].tag == "add");
  CHECK(r.by_op[2].tag == "relu");
  REQUIRE(r.by_module.size() == 2);
  CHECK(r.by_module[0].tag == "encoder");
  CHECK(r.by_module[0].alloc_bytes == 4 * MiB);
  CHECK(r.by_module[0].allocations == 2);
  CHECK(r.by_module[1].tag == "decoder");
  REQUIRE(r.fragmented_misses.size() == 1);
  CHECK(r.fragmented_misses[0].bytes == 2 * MiB);
  CHECK(r.fragmented_misses[0].cached_bytes == 3 * MiB);
  CHECK(r.fragmented_misses[0].op == "add");
  REQUIRE(r.cached.size() == 1);
  CHECK(r.cached[0].size_class == size_t{3} << 20);
  CHECK(r.cached[0].blocks == 1);

  const auto f = prof().findings();
  INFO(joined(f));
  CHECK(any_contains(f, "(" + std::to_string(l0 + 4 * MiB) + " bytes) live was reached in op 'relu' in module 'encoder'"));
  CHECK(any_contains(f, "Peak of", "op 'relu' in module 'encoder'"));
  CHECK(any_contains(f, "Op 'matmul' allocated the most: 3.00 MiB (3145728 bytes) in 1 allocations (50%"));
  CHECK(any_contains(f, "Module 'encoder' allocated the most: 4.00 MiB"));
  CHECK(any_contains(f, "Fragmentation: 1 allocations (2.00 MiB (2097152 bytes))", "op 'add' in module 'decoder'"));
  CHECK(any_contains(f, "cached now: 1 x 3.00 MiB"));
  // The cache finding follows its documented threshold: >= 1 MiB cached and at least half the live bytes.
  const bool expect_cache = 2 * (3 * MiB) >= l0 + 3 * MiB;
  CHECK(any_contains(f, "The cache holds 3.00 MiB", "empty_cache()") == expect_cache);

  alloc().deallocate(b, 1 * MiB);
  alloc().deallocate(c, 2 * MiB);
}

TEST_CASE("profiler snapshot is JSON with counters, cache, timeline and findings", "[memory_profiler]") {
  ProfilerGuard guard;
  const int64_t l0 = alloc().stats().live_bytes;
  prof().start();
  Tensor t;
  {
    MemoryModuleScope m(std::string("block.") + std::to_string(3));  // a temporary string: interned
    MemoryOpScope op("zeros");
    t = zeros({256, 256}, DType::F32);  // 256 KiB
  }
  const std::string live_json = prof().snapshot_json();  // while recording
  prof().stop();
  t = Tensor();
  const std::string text = prof().snapshot_json(2);

  for (const std::string& s : {live_json, text}) {
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(s));
    for (const char* k : {"devices", "cache", "recording", "timeline", "autograd", "findings"})
      CHECK(j.contains(k));
  }
  nlohmann::json j = nlohmann::json::parse(text);
  REQUIRE(j["devices"].size() == 1);
  const auto& dev = j["devices"][0];
  CHECK(dev["device"] == "cpu");
  const MemoryStats st = alloc().stats();
  CHECK(dev["live_bytes"] == st.live_bytes);
  CHECK(dev["cached_bytes"] == st.cached_bytes);
  CHECK(dev["allocations"] == st.allocations);
  for (const char* k : {"peak_bytes", "limit_bytes", "frees", "cache_hits", "cache_misses"}) CHECK(dev.contains(k));
  // After the tensor died its 256 KiB block sits in the cache.
  bool found = false;
  for (const auto& c : j["cache"])
    if (c["size_class"] == 256 * 1024) found = c["blocks"] == 1 && c["bytes"] == 256 * 1024;
  CHECK(found);
  const auto& rec = j["recording"];
  CHECK(rec["running"] == false);
  CHECK(rec["start_live_bytes"] == l0);
  CHECK(rec["peak_bytes"] == l0 + 256 * 1024);
  CHECK(rec["peak_op"] == "zeros");
  CHECK(rec["peak_module"] == "block.3");
  CHECK(rec["by_op"][0]["tag"] == "zeros");
  CHECK(rec["by_module"][0]["tag"] == "block.3");
  REQUIRE(j["timeline"].size() == 1);  // the free happened after stop
  const auto& ev = j["timeline"][0];
  CHECK(ev["kind"] == "alloc");
  CHECK(ev["bytes"] == 256 * 1024);
  CHECK(ev["op"] == "zeros");
  CHECK(ev["module"] == "block.3");
  CHECK(ev["live_bytes"] == l0 + 256 * 1024);
  CHECK(ev["from_cache"] == false);
  CHECK(ev.contains("t_ns"));
  CHECK(ev.contains("cached_bytes"));
  CHECK(j["autograd"].contains("saved_tensor_bytes"));
  REQUIRE(j["findings"].is_array());
  CHECK(j["findings"][0].get<std::string>().find("op 'zeros' in module 'block.3'") != std::string::npos);

  nlohmann::json live = nlohmann::json::parse(live_json);
  CHECK(live["recording"]["running"] == true);
}

TEST_CASE("profiler: cache reuse, peak before the recording, module scopes nest", "[memory_profiler]") {
  ProfilerGuard guard;
  void* big = alloc().allocate(2 * MiB);
  const int64_t l0 = alloc().stats().live_bytes;
  prof().start();
  {
    MemoryModuleScope outer("outer");
    alloc().deallocate(big, 2 * MiB);
    void* p = alloc().allocate(2 * MiB);  // served by the block just freed
    {
      MemoryModuleScope inner("inner");
      alloc().deallocate(p, 2 * MiB);
    }
    void* q = alloc().allocate(64);
    alloc().deallocate(q, 64);
  }
  prof().stop();
  MemoryReport r = prof().report();
  REQUIRE(r.events.size() == 5);
  CHECK(r.events[1].from_cache);
  CHECK(r.events[1].live_bytes == l0);
  CHECK(std::string(r.events[2].module) == "inner");
  CHECK(std::string(r.events[3].module) == "outer");  // restored after the inner scope
  // The 64-byte request missed while a 2 MiB block sat in the cache: a fragmented miss, but far below
  // the 1 MiB the fragmentation finding waits for.
  REQUIRE(r.fragmented_misses.size() == 1);
  CHECK(r.fragmented_misses[0].bytes == 64);
  CHECK(r.fragmented_misses[0].module == "outer");
  CHECK(r.peak_bytes == l0);
  CHECK(r.peak_event == -1);
  CHECK(r.peak_op.empty());
  const auto f = prof().findings();
  INFO(joined(f));
  CHECK(any_contains(f, "already reached when recording started"));
  CHECK_FALSE(any_contains(f, "Fragmentation"));
  alloc().empty_cache();
  CHECK_FALSE(any_contains(prof().findings(), "The cache holds"));
}

TEST_CASE("profiler reports memory held by the cache and suggests empty_cache", "[memory_profiler]") {
  ProfilerGuard guard;
  const int64_t l0 = alloc().stats().live_bytes;
  prof().start();
  std::vector<void*> blocks;
  {
    MemoryOpScope op("scratch");
    for (int i = 0; i < 8; ++i) blocks.push_back(alloc().allocate(1 * MiB));
    for (void* p : blocks) alloc().deallocate(p, 1 * MiB);
  }
  prof().stop();
  const auto f = prof().findings();
  INFO(joined(f));
  CHECK(any_contains(f, "Op 'scratch' allocated the most: 8.00 MiB", "in 8 allocations (100%"));
  CHECK(any_contains(f, "The cache holds 8.00 MiB (8388608 bytes)", "empty_cache()") == (2 * 8 * MiB >= l0));
  alloc().empty_cache();
  CHECK_FALSE(any_contains(prof().findings(), "The cache holds"));
}

TEST_CASE("saved tensors of live graphs are counted and reported", "[memory_profiler][autograd]") {
  ProfilerGuard guard;
  const int64_t b0 = autograd::saved_tensor_bytes(), n0 = autograd::saved_tensor_count();
  {
    Tensor x = ones({100}, DType::F32);
    autograd::set_requires_grad(x, true);
    Tensor y = mul(x, x);  // saves both operands: 2 x 400 bytes
    CHECK(autograd::saved_tensor_bytes() == b0 + 800);
    CHECK(autograd::saved_tensor_count() == n0 + 2);
    Tensor loss = sum(y);
    autograd::backward({loss}, {}, autograd::BackwardOptions{true, false});  // retain_graph
    CHECK(autograd::saved_tensor_bytes() == b0 + 800);
    const auto f = prof().findings();
    INFO(joined(f));
    CHECK(any_contains(f, "Autograd graphs keep", "retain_graph"));
    CHECK(any_contains(f, std::to_string(b0 + 800) + " bytes"));
    autograd::backward({loss});  // without retain_graph: the saved tensors are released
    CHECK(autograd::saved_tensor_bytes() == b0);
    CHECK(autograd::saved_tensor_count() == n0);
    Tensor z = mul(x, x);
    CHECK(autograd::saved_tensor_bytes() == b0 + 800);
  }
  // Dropping the outputs frees the graph and its saved tensors.
  CHECK(autograd::saved_tensor_bytes() == b0);
  CHECK(autograd::saved_tensor_count() == n0);
  if (b0 == 0) CHECK_FALSE(any_contains(prof().findings(), "Autograd graphs keep"));
}

TEST_CASE("format_bytes renders binary units with the exact count", "[memory_profiler]") {
  CHECK(format_bytes(0) == "0 bytes");
  CHECK(format_bytes(1023) == "1023 bytes");
  CHECK(format_bytes(1536) == "1.50 KiB (1536 bytes)");
  CHECK(format_bytes(3 * MiB) == "3.00 MiB (3145728 bytes)");
  CHECK(format_bytes(int64_t{5} << 30) == "5.00 GiB (5368709120 bytes)");
}

TEST_CASE("cached_blocks lists the cache per size class", "[memory_profiler][allocator]") {
  ProfilerGuard guard;
  const size_t sizes[] = {1, 64, 65, 1000, 1025, 1300, 2048, 3000, 5000, 100000, 3 << 20, (5u << 20) + 1};
  std::vector<std::pair<void*, size_t>> blocks;
  for (size_t n : sizes) blocks.emplace_back(alloc().allocate(n), n);
  for (auto& [p, n] : blocks) alloc().deallocate(p, n);
  std::vector<CachedClass> cached = alloc().cached_blocks();
  // Expected classes by hand (Note [Size classes]): 64-byte steps to 1 KiB, then eighths of the power of two.
  const std::vector<size_t> want = {64, 128, 1024, 1280, 1536, 2048, 3072, 5120, 114688, 3 << 20, 6u << 20};
  std::vector<size_t> got;
  int64_t total = 0;
  for (const auto& c : cached) {
    got.push_back(c.size_class);
    total += c.blocks;
  }
  CHECK(got == want);
  CHECK(total == 12);
  CHECK(cached.front().blocks == 2);  // 1 and 64 bytes share the 64-byte class
}

TEST_CASE("real ops and modules tag their allocations", "[memory][profiler]") {
  tfl::nn::Linear layer(8, 16);
  tfl::Tensor x = tfl::ones({4, 8});
  tfl::Tensor y = tfl::ones({4, 8});
  auto& prof = tfl::MemoryProfiler::instance();
  prof.start();
  tfl::Tensor s = tfl::add(x, y);        // elementwise fast path
  tfl::Tensor r = tfl::sum(s, {1});      // reduction
  tfl::Tensor out = layer(x);            // a module's forward: matmul (+ bias add) inside "Linear"
  prof.stop();
  tfl::MemoryReport rep = prof.report();
  auto has_tag = [](const std::vector<tfl::MemoryTagTotal>& totals, const std::string& tag) {
    for (const auto& t : totals)
      if (t.tag == tag && t.allocations > 0) return true;
    return false;
  };
  CHECK(has_tag(rep.by_op, "add"));
  CHECK(has_tag(rep.by_op, "sum"));
  CHECK(has_tag(rep.by_op, "matmul"));
  CHECK(has_tag(rep.by_module, "Linear"));
}

TEST_CASE("modules nested in a container are tagged with their dotted path", "[memory][profiler]") {
  auto net = std::make_shared<tfl::nn::Sequential>(std::vector<std::shared_ptr<tfl::nn::Module>>{
      std::make_shared<tfl::nn::Linear>(8, 16), std::make_shared<tfl::nn::Linear>(16, 4)});
  tfl::Tensor x = tfl::ones({2, 8});
  auto& prof = tfl::MemoryProfiler::instance();
  prof.start();
  tfl::Tensor out = (*net)(x);
  tfl::Tensor g = tfl::gather(x, 1, tfl::zeros({2, 1}, tfl::DType::I64));  // an indexing op outside modules
  prof.stop();
  tfl::MemoryReport rep = prof.report();
  std::vector<std::string> modules, ops;
  for (const auto& t : rep.by_module) modules.push_back(t.tag);
  for (const auto& t : rep.by_op) ops.push_back(t.tag);
  INFO("modules: " << joined(modules) << "ops: " << joined(ops));
  // The two Linear layers are told apart by the names the Sequential gave them.
  CHECK(any_contains(modules, "Sequential.0"));
  CHECK(any_contains(modules, "Sequential.1"));
  CHECK(any_contains(ops, "gather"));
}
