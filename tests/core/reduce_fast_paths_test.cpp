// Tests of the vectorised contiguous reduction paths (simd_reduce.h: f32/f64 sums, online softmax
// statistics, polynomial exp) against long-double loops and std::exp written here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <limits>
#include <vector>

#include "core/ops/creation.h"
#include "core/ops/nn.h"
#include "core/ops/reduce.h"
#include "core/thread_pool.h"
#include "kernels/cpu/simd_reduce.h"

using namespace tfl;

namespace {

const float kInfF = std::numeric_limits<float>::infinity();
const float kNaNF = std::numeric_limits<float>::quiet_NaN();

// Deterministic values in [lo, hi) (a 64-bit LCG), independent of the library's generator.
std::vector<double> lcg_values(int64_t n, double lo, double hi, uint64_t seed) {
  std::vector<double> v(static_cast<size_t>(n));
  uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (auto& x : v) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    x = lo + (hi - lo) * static_cast<double>(s >> 11) / 9007199254740992.0;
  }
  return v;
}

template <class T>
Tensor tensor_of(const std::vector<T>& v, const Shape& shape) {
  return from_buffer(v.data(), v.size() * sizeof(T), shape, std::is_same_v<T, float> ? DType::F32 : DType::F64);
}

template <class T>
std::vector<T> cast_all(const std::vector<double>& v) {
  std::vector<T> r(v.size());
  for (size_t i = 0; i < v.size(); ++i) r[i] = static_cast<T>(v[i]);
  return r;
}

// Element i of a contiguous f32/f64 tensor as double.
double at(const Tensor& t, int64_t i) {
  if (t.dtype() == DType::F32) return static_cast<const float*>(t.data_ptr())[i];
  return static_cast<const double*>(t.data_ptr())[i];
}

int64_t ulp_dist(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  if ((ia < 0) != (ib < 0)) return a == b ? 0 : INT64_MAX;
  return std::llabs(static_cast<int64_t>(ia) - static_cast<int64_t>(ib));
}

const int64_t kLengths[] = {0, 1, 3, 15, 16, 17, 31, 32, 33, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 4097, 100003};

}  // namespace

TEMPLATE_TEST_CASE("contiguous sums and means of every length match long-double loops", "[reduce][simd]", float,
                   double) {
  using T = TestType;
  const double eps = std::numeric_limits<T>::epsilon();
  for (int64_t n : kLengths) {
    // Three extra elements so the run can start off any alignment.
    std::vector<T> buf = cast_all<T>(lcg_values(n + 3, -1.0, 1.0, static_cast<uint64_t>(n) + 1));
    Tensor base = tensor_of(buf, Shape{n + 3});
    for (int64_t off : {0, 1, 3}) {
      INFO("n " << n << " offset " << off);
      Tensor x = base.as_strided(Shape{n}, Strides{1}, off);
      long double ref = 0, mag = 0;
      for (int64_t i = 0; i < n; ++i) {
        ref += buf[static_cast<size_t>(off + i)];
        mag += std::fabs(static_cast<long double>(buf[static_cast<size_t>(off + i)]));
      }
      // The bound of simd_reduce.h: leaf error (16 additions per lane) plus the pairwise tree.
      const double tol = 40 * eps * static_cast<double>(mag) + 1e-300;
      const double got = sum(x).item();
      CHECK(std::fabs(got - static_cast<double>(ref)) <= tol + eps * std::fabs(static_cast<double>(ref)));
      if (n > 0) {
        const double m = mean(x).item();
        CHECK(std::fabs(m - static_cast<double>(ref / n)) <= (tol + eps * std::fabs(static_cast<double>(ref))) / n);
      }
    }
  }
}

TEMPLATE_TEST_CASE("row sums take the contiguous path, column sums the row-accumulating one", "[reduce][simd]", float,
                   double) {
  using T = TestType;
  const double eps = std::numeric_limits<T>::epsilon();
  const int64_t rows = 37, cols = 1031;  // odd sizes: every lane loop has a tail
  std::vector<T> buf = cast_all<T>(lcg_values(rows * cols, -2.0, 2.0, 7));
  Tensor x = tensor_of(buf, Shape{rows, cols});
  const int saved = num_threads();
  for (int threads : {1, 3}) {
    set_num_threads(threads);
    Tensor r = sum(x, {1}), c = sum(x, {0}), rt = sum(x.as_strided(Shape{cols, rows}, Strides{1, cols}, 0), {0});
    for (int64_t i = 0; i < rows; ++i) {
      long double ref = 0;
      for (int64_t j = 0; j < cols; ++j) ref += buf[static_cast<size_t>(i * cols + j)];
      CHECK(std::fabs(at(r, i) - static_cast<double>(ref)) <= 40 * eps * 2 * cols);
      CHECK(std::fabs(at(rt, i) - static_cast<double>(ref)) <= 40 * eps * 2 * cols);
    }
    for (int64_t j = 0; j < cols; ++j) {
      long double ref = 0;
      for (int64_t i = 0; i < rows; ++i) ref += buf[static_cast<size_t>(i * cols + j)];
      CHECK(std::fabs(at(c, j) - static_cast<double>(ref)) <= 40 * eps * 2 * rows);
    }
  }
  set_num_threads(saved);
}

TEST_CASE("non-contiguous sums fall back and agree with the contiguous path", "[reduce][simd]") {
  std::vector<float> buf = cast_all<float>(lcg_values(20001, -1.0, 1.0, 3));
  Tensor base = tensor_of(buf, Shape{20001});
  Tensor stepped = base.as_strided(Shape{10001}, Strides{2}, 0);
  Tensor reversed = base.as_strided(Shape{20001}, Strides{-1}, 20000);
  long double ref_step = 0, ref_all = 0;
  for (int64_t i = 0; i < 20001; ++i) {
    ref_all += buf[static_cast<size_t>(i)];
    if (i % 2 == 0) ref_step += buf[static_cast<size_t>(i)];
  }
  CHECK(std::fabs(sum(stepped).item() - static_cast<double>(ref_step)) <= 1e-6 * 10001);
  CHECK(std::fabs(sum(reversed).item() - static_cast<double>(ref_all)) <= 1e-6 * 20001);
  CHECK(std::fabs(sum(reversed).item() - sum(base).item()) <= 1e-6 * 20001);
}

TEST_CASE("sums of 16M elements stay accurate at any thread count", "[reduce][simd]") {
  const int64_t n = int64_t{1} << 24;
  // Positive values: the relative error of the sum is the figure of merit (no cancellation).
  std::vector<double> v = lcg_values(n, 0.0, 1.0, 11);
  std::vector<float> vf = cast_all<float>(v);
  long double ref_f = 0, ref_d = 0;
  for (int64_t i = 0; i < n; ++i) {
    ref_f += vf[static_cast<size_t>(i)];
    ref_d += v[static_cast<size_t>(i)];
  }
  Tensor xf = tensor_of(vf, Shape{n}), xd = tensor_of(v, Shape{n});
  const int saved = num_threads();
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    INFO("threads " << threads);
    // A naive f32 loop would be off by ~1e-3 relative here; 32 lanes of 16 plus f64 leaves: ~1e-7.
    CHECK(std::fabs(sum(xf).item() / static_cast<double>(ref_f) - 1) <= 2e-7);
    CHECK(std::fabs(mean(xf).item() / static_cast<double>(ref_f / n) - 1) <= 2e-7);
    CHECK(std::fabs(sum(xd).item() / static_cast<double>(ref_d) - 1) <= 1e-15);
  }
  set_num_threads(saved);
}

TEST_CASE("the vectorised exp is within 2 ulp of std::exp", "[reduce][simd]") {
  // A sweep over the whole finite range of expf, plus the ends and special values.
  std::vector<float> x;
  for (double t = -103.0; t <= 88.7; t += 0.00731) x.push_back(static_cast<float>(t));
  for (float s : {0.0f, -0.0f, 1e-30f, -1e-30f, 88.72f, -87.3f, 1.0f, -1.0f}) x.push_back(s);
  std::vector<float> y(x.size());
  cpu::exp_scale_f32(y.data(), x.data(), 0.0f, 1.0f, static_cast<int64_t>(x.size()));
  int64_t worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const float ref = static_cast<float>(std::exp(static_cast<double>(x[i])));
    if (ref < std::numeric_limits<float>::min()) {  // denormal results: absolute error of a few denormal steps
      CHECK(std::fabs(y[i] - ref) <= 4 * std::numeric_limits<float>::denorm_min());
      continue;
    }
    worst = std::max(worst, ulp_dist(y[i], ref));
  }
  CHECK(worst <= 2);
  float sp[4] = {kInfF, -kInfF, kNaNF, 100.0f}, ys[4];
  cpu::exp_scale_f32(ys, sp, 0.0f, 1.0f, 4);
  CHECK(ys[0] == kInfF);
  CHECK(ys[1] == 0.0f);
  CHECK(std::isnan(ys[2]));
  CHECK(ys[3] == kInfF);
}

TEST_CASE("f32 logsumexp over runs of every length matches long double", "[reduce][simd]") {
  for (int64_t n : kLengths) {
    if (n == 0) continue;
    // Increasing trend: the running maximum grows from block to block, so s is rescaled.
    std::vector<double> v = lcg_values(n, -3.0, 3.0, static_cast<uint64_t>(n) + 5);
    for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] += 20.0 * static_cast<double>(i) / static_cast<double>(n);
    std::vector<float> vf = cast_all<float>(v);
    long double m = -INFINITY, s = 0;
    for (float f : vf) m = std::max<long double>(m, f);
    for (float f : vf) s += std::exp(static_cast<long double>(f) - m);
    const double ref = static_cast<double>(m + std::log(s));
    INFO("n " << n);
    CHECK(std::fabs(logsumexp(tensor_of(vf, Shape{n})).item() - ref) <= 4e-7 * std::max(1.0, std::fabs(ref)));
  }
}

TEST_CASE("f32 logsumexp handles -inf blocks, +inf and NaN", "[reduce][simd]") {
  const int64_t n = 3000;
  std::vector<float> v(static_cast<size_t>(n), -kInfF);
  CHECK(logsumexp(tensor_of(v, Shape{n})).item() == -static_cast<double>(kInfF));
  // Two finite values after two whole blocks of -inf: log(e^1 + e^2).
  v[2500] = 1.0f;
  v[2999] = 2.0f;
  const double ref = 2.0 + std::log1p(std::exp(-1.0));
  CHECK(logsumexp(tensor_of(v, Shape{n})).item() == Approx(ref).epsilon(1e-6));
  v[10] = kInfF;
  CHECK(logsumexp(tensor_of(v, Shape{n})).item() == static_cast<double>(kInfF));
  v[10] = kNaNF;
  CHECK(std::isnan(logsumexp(tensor_of(v, Shape{n})).item()));
}

TEST_CASE("f32 logsumexp of 16M elements is accurate at any thread count", "[reduce][simd]") {
  const int64_t n = int64_t{1} << 24;
  std::vector<float> vf = cast_all<float>(lcg_values(n, -1.0, 1.0, 13));
  long double m = -INFINITY, s = 0;
  for (float f : vf) m = std::max<long double>(m, f);
  for (float f : vf) s += std::exp(static_cast<long double>(f) - m);
  const double ref = static_cast<double>(m + std::log(s));
  Tensor x = tensor_of(vf, Shape{n});
  const int saved = num_threads();
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    CHECK(std::fabs(logsumexp(x).item() - ref) <= 2e-6);  // ~ 1 ulp of f32 at 16.6
  }
  set_num_threads(saved);
}

TEST_CASE("f32 softmax and log_softmax rows of every length match long double", "[nn][softmax][simd]") {
  const int saved = num_threads();
  for (int64_t len : {1, 7, 16, 1023, 1024, 1025, 3001, 600001}) {  // 600001: the split long-row path
    const int64_t rows = len > 10000 ? 1 : 3;
    std::vector<double> v = lcg_values(rows * len, -4.0, 4.0, static_cast<uint64_t>(len));
    // A rising trend makes later blocks raise the running maximum (the per-block rescale).
    for (int64_t i = 0; i < rows * len; ++i)
      v[static_cast<size_t>(i)] += 10.0 * static_cast<double>(i % len) / static_cast<double>(len);
    std::vector<float> vf = cast_all<float>(v);
    Tensor x = tensor_of(vf, Shape{rows, len});
    for (int threads : {1, 3}) {
      set_num_threads(threads);
      INFO("len " << len << " threads " << threads);
      Tensor y = softmax(x, -1), ly = log_softmax(x, -1);
      double worst_rel = 0, worst_log = 0;
      for (int64_t r = 0; r < rows; ++r) {
        const float* row = vf.data() + r * len;
        long double m = -INFINITY, s = 0;
        for (int64_t i = 0; i < len; ++i) m = std::max<long double>(m, row[i]);
        for (int64_t i = 0; i < len; ++i) s += std::exp(static_cast<long double>(row[i]) - m);
        const long double lse = m + std::log(s);
        for (int64_t i = 0; i < len; ++i) {
          const long double ref_log = static_cast<long double>(row[i]) - lse;
          const long double ref = std::exp(ref_log);
          // Any f32 softmax rounds the difference x - max (half an ulp of |x - max|, which exp turns
          // into a relative error of that size); beyond it, a few ulps (exp, the scale, the product).
          const long double allowed = (std::fabs(static_cast<long double>(row[i]) - m) + 1) * 0x1p-23L + 4 * 0x1p-24L;
          worst_rel = std::max(worst_rel, static_cast<double>(std::fabs(at(y, r * len + i) - ref) / ref / allowed));
          const double err = std::fabs(at(ly, r * len + i) - static_cast<double>(ref_log));
          worst_log = std::max(worst_log, err / static_cast<double>(std::max(1.0L, std::fabs(ref_log))));
        }
      }
      CHECK(worst_rel <= 1.0);
      CHECK(worst_log <= 4e-7);
    }
  }
  set_num_threads(saved);
}

TEST_CASE("f32 softmax of a long row does not depend on the thread count", "[nn][softmax][simd]") {
  const int64_t len = 1 << 20;
  std::vector<float> vf = cast_all<float>(lcg_values(len, -5.0, 5.0, 17));
  Tensor x = tensor_of(vf, Shape{len});
  const int saved = num_threads();
  set_num_threads(1);
  Tensor a = softmax(x), la = log_softmax(x);
  set_num_threads(3);
  Tensor b = softmax(x), lb = log_softmax(x);
  set_num_threads(saved);
  CHECK(std::memcmp(a.data_ptr(), b.data_ptr(), sizeof(float) * len) == 0);
  CHECK(std::memcmp(la.data_ptr(), lb.data_ptr(), sizeof(float) * len) == 0);
}

TEST_CASE("f32 softmax rows with -inf, +inf and NaN", "[nn][softmax][simd]") {
  for (int64_t len : {5, 2100, 600001}) {
    INFO("len " << len);
    std::vector<float> v(static_cast<size_t>(len), -kInfF);
    // Finite values only after the first blocks: those blocks are 0, the two values share the mass.
    v[static_cast<size_t>(len - 2)] = 0.0f;
    v[static_cast<size_t>(len - 1)] = std::log(3.0f);
    Tensor y = softmax(tensor_of(v, Shape{len})), ly = log_softmax(tensor_of(v, Shape{len}));
    CHECK(at(y, 0) == 0.0);
    CHECK(at(ly, 0) == -static_cast<double>(kInfF));
    CHECK(at(y, len - 2) == Approx(0.25).epsilon(1e-6));
    CHECK(at(y, len - 1) == Approx(0.75).epsilon(1e-6));
    CHECK(at(ly, len - 2) == Approx(std::log(0.25)).epsilon(1e-6));
    // A NaN anywhere makes the whole row NaN.
    v[1] = kNaNF;
    Tensor yn = softmax(tensor_of(v, Shape{len})), lyn = log_softmax(tensor_of(v, Shape{len}));
    for (int64_t i : {int64_t{0}, len - 1}) {
      CHECK(std::isnan(at(yn, i)));
      CHECK(std::isnan(at(lyn, i)));
    }
  }
}
