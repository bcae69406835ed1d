// GPU parity suite: every op with a CUDA kernel runs on cuda:0 and on the CPU and the results are
// compared (tolerances per dtype); plus copies, allocator counters, autograd across devices and the
// error cases. Registered with ctest only under -DTFL_TEST_CUDA=ON (label "cuda"); without a usable GPU
// every case FAILS with the reason, never passes silently (docs/cuda.md).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/cuda_allocator.h"
#include "core/cuda_device.h"
#include "core/dispatch.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/nn.h"
#include "core/ops/reduce.h"

using namespace tfl;
using Catch::Contains;

namespace {

const Device kGpu{DeviceType::CUDA, 0};
const Device kHost{};

void require_gpu() {
  INFO("CUDA unavailable: " << cuda::unavailable_reason());
  REQUIRE(cuda::available());
}

// Deterministic values in [lo, hi) from a 64-bit LCG, as an f32 tensor cast to dtype.
Tensor random(const Shape& shape, DType dtype, uint64_t seed, double lo = -2.0, double hi = 2.0) {
  std::vector<float> v(static_cast<size_t>(shape_numel(shape)));
  uint64_t s = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  for (float& x : v) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    x = static_cast<float>(lo + (hi - lo) * static_cast<double>(s >> 11) / 9007199254740992.0);
  }
  return to_dtype(from_buffer(v.data(), v.size() * sizeof(float), shape, DType::F32), dtype);
}

// Absolute + relative tolerance of a result computed in dtype (f16/bf16 results are rounded once more
// than the CPU's, and the GPU sums in another order).
double tolerance(DType dt) {
  switch (dt) {
    case DType::F16: return 2e-3;
    case DType::BF16: return 1.6e-2;
    case DType::F64: return 1e-12;
    default: return 2e-5;
  }
}

// Element-by-element comparison of a GPU result with the CPU result, read back as f64 on the host.
void require_close(const Tensor& gpu_result, const Tensor& cpu_result, double tol) {
  REQUIRE(gpu_result.device() == kGpu);
  REQUIRE(gpu_result.shape() == cpu_result.shape());
  REQUIRE(gpu_result.dtype() == cpu_result.dtype());
  Tensor g = contiguous(to_dtype(to_device(gpu_result, kHost), DType::F64));
  Tensor c = contiguous(to_dtype(cpu_result, DType::F64));
  const double* gp = g.data<double>();
  const double* cp = c.data<double>();
  for (int64_t i = 0; i < g.numel(); ++i) {
    if (std::isnan(cp[i])) {
      INFO("element " << i);
      CHECK(std::isnan(gp[i]));
      continue;
    }
    if (std::fabs(gp[i] - cp[i]) > tol * (1.0 + std::fabs(cp[i]))) {
      FAIL_CHECK("element " << i << ": cuda " << gp[i] << ", cpu " << cp[i] << " (tolerance " << tol << ")");
      return;
    }
  }
}

const DType kFloatTypes[] = {DType::F32, DType::F16, DType::BF16};

}  // namespace

TEST_CASE("cuda: a device is usable and reports its properties", "[cuda]") {
  require_gpu();
  REQUIRE(cuda::device_count() >= 1);
  REQUIRE(cuda::unavailable_reason().empty());
  const cuda::DeviceProperties p = cuda::device_properties(0);
  CHECK_FALSE(p.name.empty());
  CHECK(p.total_memory > (int64_t{1} << 30));
  CHECK(p.major >= 7);
  CHECK(p.multiprocessors > 0);
  WARN("cuda:0 is " << p.name << ", compute capability " << p.major << "." << p.minor);
}

TEST_CASE("cuda: host <-> device copies are exact for every dtype and layout", "[cuda]") {
  require_gpu();
  for (DType dt : {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64, DType::U8, DType::Bool}) {
    INFO(dtype_name(dt));
    Tensor x = random({5, 7}, dt, 1, -100.0, 100.0);
    Tensor back = to_device(to_device(x, kGpu), kHost);
    REQUIRE(back.device() == kHost);
    Tensor same = eq(back, x);
    CHECK(all(same).item() == 1.0);
    // A transposed (non-contiguous) source, and a strided view taken on the device.
    Tensor t = x.as_strided({7, 5}, {1, 7}, 0);
    CHECK(all(eq(to_device(to_device(t, kGpu), kHost), t)).item() == 1.0);
    Tensor g = to_device(x, kGpu).as_strided({3, 7}, {14, 1}, 0);
    CHECK(all(eq(to_device(g, kHost), x.as_strided({3, 7}, {14, 1}, 0))).item() == 1.0);
  }
  // 0-d, 0-size, and more than one 8 MiB staging chunk (3 chunks).
  Tensor s = full({}, 3.5, DType::F32);
  CHECK(to_device(s, kGpu).item() == 3.5);
  CHECK(to_device(to_device(zeros({0, 4}, DType::F32), kGpu), kHost).numel() == 0);
  Tensor big = random({5 << 20}, DType::F32, 2);
  CHECK(all(eq(to_device(to_device(big, kGpu), kHost), big)).item() == 1.0);
}

TEST_CASE("cuda: creation ops fill device tensors", "[cuda]") {
  require_gpu();
  for (DType dt : {DType::F32, DType::F16, DType::BF16, DType::I64, DType::Bool}) {
    INFO(dtype_name(dt));
    Tensor z = full({3, 4}, 1.0, dt, kGpu);
    REQUIRE(z.device() == kGpu);
    CHECK(all(eq(to_device(z, kHost), ones({3, 4}, dt))).item() == 1.0);
  }
}

TEST_CASE("cuda: binary elementwise ops match the CPU with broadcasting and views", "[cuda]") {
  require_gpu();
  using Fn = Tensor (*)(const Tensor&, const Tensor&);
  const std::pair<const char*, Fn> ops[] = {
      {"add", [](const Tensor& a, const Tensor& b) { return add(a, b); }},
      {"sub", [](const Tensor& a, const Tensor& b) { return sub(a, b); }},
      {"mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); }},
      {"div", [](const Tensor& a, const Tensor& b) { return div(a, b); }},
      {"maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); }},
      {"minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); }},
      {"pow", [](const Tensor& a, const Tensor& b) { return pow(abs(a), b); }},
  };
  for (DType dt : kFloatTypes)
    for (const auto& [name, fn] : ops) {
      INFO(name << " " << dtype_name(dt));
      Tensor a = random({4, 1, 5}, dt, 3), b = random({3, 1}, dt, 4);
      require_close(fn(to_device(a, kGpu), to_device(b, kGpu)), fn(a, b), tolerance(dt));
      // Same shapes, dense (the flat kernel).
      Tensor c = random({1000}, dt, 5), d = random({1000}, dt, 6);
      require_close(fn(to_device(c, kGpu), to_device(d, kGpu)), fn(c, d), tolerance(dt));
      // A transposed view against a dense tensor, 0-d operand, 0-size result.
      Tensor e = random({6, 3}, dt, 7), f = random({3, 6}, dt, 8);
      Tensor et = e.as_strided({3, 6}, {1, 3}, 0);
      require_close(fn(to_device(e, kGpu).as_strided({3, 6}, {1, 3}, 0), to_device(f, kGpu)), fn(et, f), tolerance(dt));
      Tensor s = full({}, 1.5, dt);
      require_close(fn(to_device(f, kGpu), to_device(s, kGpu)), fn(f, s), tolerance(dt));
      Tensor z = zeros({0, 3}, dt);
      require_close(fn(to_device(z, kGpu), to_device(f.as_strided({3}, {1}, 0), kGpu)), fn(z, f.as_strided({3}, {1}, 0)),
                    tolerance(dt));
    }
  // NaN propagation of maximum/minimum follows numpy on both devices.
  Tensor n = full({2}, std::nan(""), DType::F32), o = ones({2}, DType::F32);
  require_close(maximum(to_device(n, kGpu), to_device(o, kGpu)), maximum(n, o), 0.0);
  require_close(minimum(to_device(o, kGpu), to_device(n, kGpu)), minimum(o, n), 0.0);
}

TEST_CASE("cuda: scalar operands stay on or move to the device", "[cuda]") {
  require_gpu();
  Tensor x = random({3, 4}, DType::F32, 9);
  require_close(mul(to_device(x, kGpu), 0.5), mul(x, 0.5), 0.0);
  require_close(sub(2.0, to_device(x, kGpu)), sub(2.0, x), 0.0);
  // A 0-d CPU tensor next to a device tensor is copied to the device; a larger CPU tensor is an error.
  Tensor s = full({}, 3.0, DType::F32);
  require_close(add(to_device(x, kGpu), s), add(x, s), 0.0);
  require_close(where(gt(to_device(x, kGpu), 0.0), to_device(x, kGpu), full({}, -1.0, DType::F32)),
                where(gt(x, 0.0), x, full({}, -1.0, DType::F32)), 0.0);
  REQUIRE_THROWS_AS(add(to_device(x, kGpu), x), DeviceError);
}

TEST_CASE("cuda: unary elementwise ops match the CPU", "[cuda]") {
  require_gpu();
  using Fn = Tensor (*)(const Tensor&);
  const std::pair<const char*, Fn> ops[] = {
      {"neg", [](const Tensor& a) { return neg(a); }},       {"abs", [](const Tensor& a) { return abs(a); }},
      {"exp", [](const Tensor& a) { return exp(a); }},       {"log", [](const Tensor& a) { return log(abs(a)); }},
      {"sqrt", [](const Tensor& a) { return sqrt(abs(a)); }}, {"sin", [](const Tensor& a) { return sin(a); }},
      {"cos", [](const Tensor& a) { return cos(a); }},       {"tanh", [](const Tensor& a) { return tanh(a); }},
      {"sigmoid", [](const Tensor& a) { return sigmoid(a); }}, {"relu", [](const Tensor& a) { return relu(a); }},
  };
  for (DType dt : kFloatTypes)
    for (const auto& [name, fn] : ops) {
      INFO(name << " " << dtype_name(dt));
      Tensor a = random({7, 9}, dt, 11);
      require_close(fn(to_device(a, kGpu)), fn(a), tolerance(dt));
      Tensor t = a.as_strided({9, 7}, {1, 9}, 0);
      require_close(fn(to_device(a, kGpu).as_strided({9, 7}, {1, 9}, 0)), fn(t), tolerance(dt));
      require_close(fn(to_device(zeros({0}, dt), kGpu)), fn(zeros({0}, dt)), tolerance(dt));
    }
}

TEST_CASE("cuda: comparisons and where match the CPU", "[cuda]") {
  require_gpu();
  using Fn = Tensor (*)(const Tensor&, const Tensor&);
  const std::pair<const char*, Fn> ops[] = {
      {"eq", [](const Tensor& a, const Tensor& b) { return eq(a, b); }},
      {"ne", [](const Tensor& a, const Tensor& b) { return ne(a, b); }},
      {"lt", [](const Tensor& a, const Tensor& b) { return lt(a, b); }},
      {"le", [](const Tensor& a, const Tensor& b) { return le(a, b); }},
      {"gt", [](const Tensor& a, const Tensor& b) { return gt(a, b); }},
      {"ge", [](const Tensor& a, const Tensor& b) { return ge(a, b); }},
  };
  for (DType dt : kFloatTypes) {
    // Values on a coarse grid, so that equal pairs occur.
    Tensor a = round(random({4, 1, 5}, dt, 12, -3.0, 3.0)), b = round(random({3, 1}, dt, 13, -3.0, 3.0));
    for (const auto& [name, fn] : ops) {
      INFO(name << " " << dtype_name(dt));
      require_close(fn(to_device(a, kGpu), to_device(b, kGpu)), fn(a, b), 0.0);
    }
    INFO("where " << dtype_name(dt));
    Tensor cond = gt(a, b);
    Tensor x = random({4, 3, 5}, dt, 14), y = random({5}, dt, 15);
    require_close(where(to_device(cond, kGpu), to_device(x, kGpu), to_device(y, kGpu)), where(cond, x, y), 0.0);
  }
}

TEST_CASE("cuda: sum and mean match the CPU over every axis set", "[cuda]") {
  require_gpu();
  const AxisList axis_sets[] = {{}, {0}, {1}, {2}, {0, 2}, {-1, 0}};
  for (DType dt : kFloatTypes)
    for (const AxisList& axes : axis_sets)
      for (bool keep : {false, true}) {
        INFO(dtype_name(dt) << " axes " << axes.size() << " keepdims " << keep);
        Tensor a = random({6, 5, 40}, dt, 21, 0.0, 1.0);
        // Summing many values in another order: the tolerance scales with the count.
        const double tol = tolerance(dt) * 4;
        require_close(sum(to_device(a, kGpu), axes, keep), sum(a, axes, keep), tol);
        require_close(mean(to_device(a, kGpu), axes, keep), mean(a, axes, keep), tol);
        Tensor t = a.as_strided({40, 5, 6}, {1, 40, 200}, 0);  // all axes reversed
        require_close(sum(to_device(a, kGpu).as_strided({40, 5, 6}, {1, 40, 200}, 0), axes, keep), sum(t, axes, keep), tol);
      }
  // A long reduction (block per output), many short ones (thread per output), 0-d, 0-size extents.
  Tensor big = random({1 << 20}, DType::F32, 22, 0.0, 1.0);
  require_close(sum(to_device(big, kGpu)), sum(big), 1e-4);
  Tensor rows = random({8192, 8}, DType::F32, 23);
  require_close(sum(to_device(rows, kGpu), {1}), sum(rows, {1}), 1e-5);
  Tensor s = full({}, 2.5, DType::F32);
  require_close(sum(to_device(s, kGpu)), sum(s), 0.0);
  Tensor z = zeros({0, 3}, DType::F32);
  require_close(sum(to_device(z, kGpu), {0}), sum(z, {0}), 0.0);
  require_close(mean(to_device(z, kGpu), {0}), mean(z, {0}), 0.0);  // NaN on both
}

TEST_CASE("cuda: matmul through cuBLAS matches the CPU", "[cuda]") {
  require_gpu();
  struct Case {
    Shape a, b;
  };
  const Case cases[] = {{{17, 33}, {33, 9}}, {{4, 17, 33}, {33, 9}},  {{2, 1, 5, 6}, {3, 6, 4}},
                        {{33}, {33, 9}},     {{17, 33}, {33}},        {{8, 0}, {0, 5}}};
  for (DType dt : {DType::F32, DType::F16, DType::BF16, DType::F64})
    for (const Case& c : cases) {
      INFO(dtype_name(dt) << " " << shape_str(c.a) << " @ " << shape_str(c.b));
      Tensor a = random(c.a, dt, 31), b = random(c.b, dt, 32);
      // A k-long dot product in f16 accumulates rounding: tolerance grows with k.
      const double tol = dt == DType::F32 ? 1e-4 : tolerance(dt) * 4;
      require_close(matmul(to_device(a, kGpu), to_device(b, kGpu)), matmul(a, b), tol);
    }
  // Transposed operands (x @ W^T), and a view with no unit stride (packed first).
  Tensor x = random({16, 32}, DType::F32, 33), w = random({24, 32}, DType::F32, 34);
  Tensor wt = w.as_strided({32, 24}, {1, 32}, 0);
  require_close(matmul(to_device(x, kGpu), to_device(w, kGpu).as_strided({32, 24}, {1, 32}, 0)), matmul(x, wt), 1e-4);
  Tensor big = random({32, 48}, DType::F32, 35);
  Tensor stepped = big.as_strided({16, 24}, {96, 2}, 0);
  require_close(matmul(to_device(big, kGpu).as_strided({16, 24}, {96, 2}, 0), to_device(w, kGpu).as_strided({24, 32}, {32, 1}, 0)),
                matmul(stepped, w), 1e-4);
  // TF32 is opt-in: with it, f32 results are close at TF32 precision.
  cuda::set_allow_tf32(true);
  require_close(matmul(to_device(x, kGpu), to_device(wt, kGpu)), matmul(x, wt), 5e-3);
  cuda::set_allow_tf32(false);
}

TEST_CASE("cuda: softmax and log_softmax match the CPU", "[cuda]") {
  require_gpu();
  for (DType dt : kFloatTypes)
    for (int64_t axis : {-1, 1, 0}) {
      INFO(dtype_name(dt) << " axis " << axis);
      Tensor a = random({5, 300, 3}, dt, 41, -5.0, 5.0);
      require_close(softmax(to_device(a, kGpu), axis), softmax(a, axis), tolerance(dt));
      require_close(log_softmax(to_device(a, kGpu), axis), log_softmax(a, axis), tolerance(dt) * 10);
    }
}

TEST_CASE("cuda: autograd runs across devices", "[cuda]") {
  require_gpu();
  Tensor x = random({3, 4}, DType::F32, 51);
  autograd::set_requires_grad(x, true);
  Tensor y = to_device(x, kGpu);
  // mean's backward multiplies by a host scalar (Note [Host scalars next to device tensors]).
  Tensor loss = mul(mean(mul(y, relu(y))), 12.0);
  autograd::backward({loss});
  Tensor g = autograd::grad(x);
  REQUIRE(g.defined());
  REQUIRE(g.device() == kHost);
  // d/dx 12 * mean(x * relu(x)) = 2x for x > 0, 0 for x < 0 (naive loop).
  Tensor xc = contiguous(x);
  const float* xp = xc.data<float>();
  Tensor gc = contiguous(g);
  const float* gp = gc.data<float>();
  for (int i = 0; i < 12; ++i) CHECK(gp[i] == Approx(xp[i] > 0 ? 2 * xp[i] : 0.0f).margin(1e-6));
}

TEST_CASE("cuda: the device allocator counts and caches like the host one", "[cuda]") {
  require_gpu();
  DeviceAllocator& alloc = DeviceAllocator::instance(0);
  const MemoryStats before = alloc.stats();
  {
    Tensor t = Tensor::empty({1 << 20}, DType::F32, kGpu);
    const MemoryStats during = alloc.stats();
    CHECK(during.live_bytes - before.live_bytes == static_cast<int64_t>(HostAllocator::size_class(4 << 20)));
    CHECK(during.allocations == before.allocations + 1);
  }
  const MemoryStats after = alloc.stats();
  CHECK(after.live_bytes == before.live_bytes);
  CHECK(after.frees == before.frees + 1);
  CHECK(after.cached_bytes >= static_cast<int64_t>(HostAllocator::size_class(4 << 20)));
  Tensor again = Tensor::empty({1 << 20}, DType::F32, kGpu);
  CHECK(alloc.stats().cache_hits == after.cache_hits + 1);
  // A limit makes the next allocation fail with OutOfMemoryError naming the device.
  alloc.set_limit(alloc.stats().live_bytes + 1024);
  REQUIRE_THROWS_AS(Tensor::empty({1 << 20}, DType::F32, kGpu), OutOfMemoryError);
  REQUIRE_THROWS_WITH(Tensor::empty({1 << 20}, DType::F32, kGpu), Contains("cuda:0"));
  alloc.set_limit(0);
  alloc.empty_cache();
  CHECK(alloc.stats().cached_bytes == 0);
}

TEST_CASE("cuda: error cases", "[cuda]") {
  require_gpu();
  const Device bad{DeviceType::CUDA, 99};
  REQUIRE_THROWS_AS(Tensor::empty({2}, DType::F32, bad), DeviceError);
  REQUIRE_THROWS_WITH(to_device(ones({2}, DType::F32), bad), Contains("cuda:99 does not exist"));
  Tensor g = ones({2, 2}, DType::F32, kGpu), h = ones({2, 2}, DType::F32);
  REQUIRE_THROWS_AS(add(g, h), DeviceError);
  REQUIRE_THROWS_AS(matmul(h, g), DeviceError);
  // An op with no CUDA kernel names the op and the device.
  REQUIRE_THROWS_AS(cumsum(g, 0), NotImplementedError);
  REQUIRE_THROWS_WITH(cumsum(g, 0), Contains("[cumsum]") && Contains("cuda"));
  // Integer arithmetic has no CUDA kernel yet either.
  REQUIRE_THROWS_WITH(add(ones({2}, DType::I32, kGpu), ones({2}, DType::I32, kGpu)), Contains("(cuda, i32)"));
}
