// Tests of the op-level profiler: calls per op, total vs self time, categories, modules, backward frames,
// JSON, summary and the bottleneck sentence. No assertion depends on how long anything took: only on
// counts, names and the identities that hold for any timing (self sums to time in ops, categories plus
// overhead sum to the wall time).
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/nn/linear.h"
#include "core/nn/sequential.h"
#include "core/op_profiler.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/reduce.h"

using namespace tfl;
using Catch::Contains;

namespace {

OpProfiler& prof() { return OpProfiler::instance(); }

const OpProfileEntry* find_op(const OpProfileReport& r, const std::string& name) {
  for (const auto& e : r.ops)
    if (e.name == name) return &e;
  return nullptr;
}

// The identities every report satisfies, whatever the timings (one recording thread).
void check_identities(const OpProfileReport& r) {
  int64_t self_sum = 0;
  for (const auto& e : r.ops) {
    CHECK(e.self_ns <= e.total_ns);
    CHECK(e.max_ns <= e.total_ns);
    CHECK(e.calls > 0);
    self_sum += e.self_ns;
  }
  CHECK(self_sum == r.op_ns);  // nested calls are never counted twice
  int64_t cat_sum = 0;
  for (int c = 0; c < kNumOpCategories; ++c) cat_sum += r.category_ns[c];
  CHECK(cat_sum == r.op_ns);
  CHECK(r.framework_overhead_ns == std::max<int64_t>(0, r.total_ns - r.op_ns));
  for (size_t i = 1; i < r.ops.size(); ++i) CHECK(r.ops[i - 1].self_ns >= r.ops[i].self_ns);
  CHECK(r.slowest.size() <= static_cast<size_t>(kSlowestCalls));
  for (size_t i = 1; i < r.slowest.size(); ++i) CHECK(r.slowest[i - 1].total_ns >= r.slowest[i].total_ns);
}

}  // namespace

TEST_CASE("op categories by name", "[profiler]") {
  CHECK(op_category("matmul") == OpCategory::Blas);
  CHECK(op_category("add") == OpCategory::Elementwise);
  CHECK(op_category("relu") == OpCategory::Elementwise);
  CHECK(op_category("sum") == OpCategory::Reduction);
  CHECK(op_category("softmax") == OpCategory::NN);
  CHECK(op_category("to_dtype") == OpCategory::Memory);
  CHECK(op_category("adam_step") == OpCategory::Optimizer);
  CHECK(op_category("no_such_op") == OpCategory::Other);
  CHECK(std::string(op_category_name(OpCategory::Blas)) == "blas");
  CHECK(std::string(op_category_name(OpCategory::Autograd)) == "autograd");
}

TEST_CASE("the profiler records nothing while stopped", "[profiler]") {
  prof().stop();
  prof().reset();
  CHECK_FALSE(prof().enabled());
  Tensor a = ones({3, 3});
  Tensor b = add(a, a);
  OpProfileReport r = prof().report();
  CHECK(r.ops.empty());
  CHECK(r.total_ns == 0);
  CHECK(r.op_ns == 0);
  CHECK_THAT(r.bottleneck, Contains("Nothing was recorded"));
}

TEST_CASE("calls per op, categories and the identities", "[profiler]") {
  Tensor a = ones({16, 16});
  Tensor b = ones({16, 16});
  prof().reset();
  prof().start();
  CHECK(prof().enabled());
  for (int i = 0; i < 3; ++i) matmul(a, b);
  for (int i = 0; i < 2; ++i) add(a, b);
  sum(a);
  prof().stop();
  CHECK_FALSE(prof().enabled());
  OpProfileReport r = prof().report();
  const OpProfileEntry* mm = find_op(r, "matmul");
  const OpProfileEntry* ad = find_op(r, "add");
  const OpProfileEntry* sm = find_op(r, "sum");
  REQUIRE(mm != nullptr);
  REQUIRE(ad != nullptr);
  REQUIRE(sm != nullptr);
  CHECK(mm->calls == 3);
  CHECK(mm->category == OpCategory::Blas);
  CHECK(ad->calls == 2);
  CHECK(ad->category == OpCategory::Elementwise);
  CHECK(sm->calls == 1);
  CHECK(sm->category == OpCategory::Reduction);
  CHECK(r.total_ns >= r.op_ns);
  CHECK(r.op_ns > 0);
  check_identities(r);
  CHECK_FALSE(r.running);

  // Ops after stop are not recorded; start resumes and accumulates; reset clears.
  matmul(a, b);
  CHECK(find_op(prof().report(), "matmul")->calls == 3);
  prof().start();
  matmul(a, b);
  prof().stop();
  CHECK(find_op(prof().report(), "matmul")->calls == 4);
  prof().reset();
  CHECK(prof().report().ops.empty());
  CHECK(prof().report().total_ns == 0);
}

TEST_CASE("nested ops: the caller's self time excludes the ops it calls", "[profiler]") {
  Tensor i = ones({64}, DType::F32);
  Tensor f = ones({64}, DType::F64);
  prof().reset();
  prof().start();
  Tensor s = add(i, f);  // promotes: the f32 operand is cast by a nested to_dtype call
  prof().stop();
  OpProfileReport r = prof().report();
  const OpProfileEntry* ad = find_op(r, "add");
  const OpProfileEntry* cast = find_op(r, "to_dtype");
  REQUIRE(ad != nullptr);
  REQUIRE(cast != nullptr);
  CHECK(ad->total_ns - ad->self_ns >= cast->total_ns);  // the cast's time is inside add's total only
  check_identities(r);
}

TEST_CASE("nested frames: exact accounting under an enclosing frame", "[profiler]") {
  Tensor a = ones({8, 8});
  prof().reset();
  prof().start();
  {
    OpProfileScope outer("outer_region", false);
    matmul(a, a);
    add(a, a);
  }
  prof().stop();
  OpProfileReport r = prof().report();
  const OpProfileEntry* outer = find_op(r, "outer_region");
  const OpProfileEntry* mm = find_op(r, "matmul");
  const OpProfileEntry* ad = find_op(r, "add");
  REQUIRE(outer != nullptr);
  REQUIRE(mm != nullptr);
  REQUIRE(ad != nullptr);
  CHECK(outer->category == OpCategory::Other);
  CHECK(outer->total_ns - outer->self_ns == mm->total_ns + ad->total_ns);  // its direct children
  CHECK(r.op_ns == outer->total_ns);                                       // the one outermost frame
  check_identities(r);
}

TEST_CASE("backward functions appear as <op>_backward in the autograd category", "[profiler]") {
  Tensor x = ones({4, 4});
  autograd::set_requires_grad(x, true);
  prof().reset();
  prof().start();
  Tensor y = sum(mul(x, x));
  autograd::backward({y});
  prof().stop();
  OpProfileReport r = prof().report();
  const OpProfileEntry* mb = find_op(r, "mul_backward");
  const OpProfileEntry* sb = find_op(r, "sum_backward");
  REQUIRE(mb != nullptr);
  REQUIRE(sb != nullptr);
  CHECK(mb->calls == 1);
  CHECK(mb->category == OpCategory::Autograd);
  CHECK(sb->category == OpCategory::Autograd);
  // The backward of mul(x, x) multiplies the incoming gradient by x twice: mul runs 1 + 2 times.
  REQUIRE(find_op(r, "mul") != nullptr);
  CHECK(find_op(r, "mul")->calls >= 3);
  check_identities(r);
}

TEST_CASE("module paths get calls and total time", "[profiler]") {
  auto net = std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(8, 16), std::make_shared<nn::Linear>(16, 4)});
  Tensor x = ones({2, 8});
  prof().reset();
  prof().start();
  (*net)(x);
  (*net)(x);
  prof().stop();
  OpProfileReport r = prof().report();
  std::map<std::string, ModuleProfileEntry> mods;
  for (const auto& m : r.modules) mods[m.path] = m;
  REQUIRE(mods.count("Sequential"));
  REQUIRE(mods.count("Sequential.0"));
  REQUIRE(mods.count("Sequential.1"));
  CHECK(mods["Sequential"].calls == 2);
  CHECK(mods["Sequential.0"].calls == 2);
  CHECK(mods["Sequential"].total_ns >= mods["Sequential.0"].total_ns + mods["Sequential.1"].total_ns);
  CHECK(mods["Sequential"].self_ns == mods["Sequential"].total_ns - mods["Sequential.0"].total_ns -
                                          mods["Sequential.1"].total_ns);
  REQUIRE(find_op(r, "matmul") != nullptr);
  CHECK(find_op(r, "matmul")->calls == 4);
  bool slow_in_module = false;
  for (const auto& c : r.slowest) slow_in_module |= c.module.rfind("Sequential", 0) == 0;
  CHECK(slow_in_module);
  check_identities(r);
}

TEST_CASE("report JSON and summary", "[profiler]") {
  Tensor a = ones({8, 8});
  prof().reset();
  prof().start();
  matmul(a, a);
  add(a, a);
  prof().stop();
  auto j = nlohmann::json::parse(prof().report_json());
  for (const char* key : {"running", "total_ns", "op_ns", "ops", "modules", "categories", "slowest", "bottleneck"})
    CHECK(j.contains(key));
  for (const char* cat : {"blas", "elementwise", "reduction", "nn", "memory", "optimizer", "autograd", "other",
                          "framework_overhead"})
    CHECK(j["categories"].contains(cat));
  bool saw = false;
  for (const auto& op : j["ops"])
    if (op["name"] == "matmul") {
      saw = true;
      CHECK(op["category"] == "blas");
      CHECK(op["calls"] == 1);
    }
  CHECK(saw);
  CHECK(j["slowest"].size() == 2);
  CHECK(nlohmann::json::parse(prof().report_json(2)) == j);
  const std::string s = prof().summary();
  CHECK_THAT(s, Contains("matmul"));
  CHECK_THAT(s, Contains("framework_overhead"));
  CHECK_THAT(s, Contains(j["bottleneck"].get<std::string>()));
  CHECK_THAT(prof().summary(1), Contains("1 more ops"));
  prof().reset();
}

TEST_CASE("bottleneck sentence", "[profiler]") {
  OpProfileReport r;
  CHECK_THAT(op_profile_bottleneck(r), Contains("Nothing was recorded"));
  // Mostly outside ops: overhead is named, not an op.
  r.total_ns = 1000;
  r.op_ns = 100;
  r.framework_overhead_ns = 900;
  r.ops.push_back(OpProfileEntry{"add", OpCategory::Elementwise, 10, 100, 100, 20});
  r.category_ns[static_cast<int>(OpCategory::Elementwise)] = 100;
  CHECK_THAT(op_profile_bottleneck(r), Contains("Framework overhead dominates: 90.0%"));
  CHECK_THAT(op_profile_bottleneck(r), Contains("10 op calls"));
  // Mostly one GEMM.
  r.op_ns = 900;
  r.framework_overhead_ns = 100;
  r.ops.insert(r.ops.begin(), OpProfileEntry{"matmul", OpCategory::Blas, 4, 800, 800, 300});
  r.category_ns[static_cast<int>(OpCategory::Blas)] = 800;
  const std::string s = op_profile_bottleneck(r);
  CHECK_THAT(s, Contains("'matmul' (blas) takes 80.0%"));
  CHECK_THAT(s, Contains("blas category takes 80.0%"));
  CHECK_THAT(s, Contains("compute-bound"));
}
