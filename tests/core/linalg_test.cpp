// Tests of matmul, dot and outer against naive loops written here.
#include "core/ops/linalg.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "core/ops/copy.h"
#include "core/ops/creation.h"

using namespace tfl;

namespace {

// Row-major logical values with their shape: the independent side of every comparison.
struct Host {
  std::vector<int64_t> shape;
  std::vector<double> v;
};

int64_t numel_of(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

Shape to_shape(const std::vector<int64_t>& s) { return Shape(s.data(), s.size()); }

Tensor make(const Host& h, DType dt) {
  Tensor t = from_buffer(h.v.data(), h.v.size() * sizeof(double), to_shape(h.shape), DType::F64);
  return to_dtype(t, dt);
}

std::vector<double> values(const Tensor& t) {
  Tensor d = to_dtype(t, DType::F64);
  const double* p = d.data<double>();
  return std::vector<double>(p, p + d.numel());
}

// Small integers: every product and sum in these tests is exact in all dtypes, bf16 included.
Host small_ints(std::vector<int64_t> shape, uint32_t seed, int lo = -3, int hi = 3) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  Host h{shape, {}};
  h.v.resize(static_cast<size_t>(numel_of(shape)));
  for (double& x : h.v) x = dist(rng);
  return h;
}

Host reals(std::vector<int64_t> shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  Host h{shape, {}};
  h.v.resize(static_cast<size_t>(numel_of(shape)));
  for (double& x : h.v) x = dist(rng);
  return h;
}

// numpy.matmul in plain loops over doubles.
Host ref_matmul(Host a, Host b) {
  const bool av = a.shape.size() == 1, bv = b.shape.size() == 1;
  if (av) a.shape.insert(a.shape.begin(), 1);
  if (bv) b.shape.push_back(1);
  const size_t an = a.shape.size(), bn = b.shape.size();
  const int64_t m = a.shape[an - 2], k = a.shape[an - 1], n = b.shape[bn - 1];
  std::vector<int64_t> ab(a.shape.begin(), a.shape.end() - 2), bb(b.shape.begin(), b.shape.end() - 2);
  const size_t nb = std::max(ab.size(), bb.size());
  ab.insert(ab.begin(), nb - ab.size(), 1);
  bb.insert(bb.begin(), nb - bb.size(), 1);
  std::vector<int64_t> batch(nb);
  for (size_t d = 0; d < nb; ++d) batch[d] = ab[d] == 1 ? bb[d] : ab[d];
  Host out;
  out.shape = batch;
  if (!av) out.shape.push_back(m);
  if (!bv) out.shape.push_back(n);
  const int64_t total = numel_of(batch);
  out.v.assign(static_cast<size_t>(total * m * n), 0.0);
  for (int64_t bi = 0; bi < total; ++bi) {
    int64_t rem = bi, ia = 0, ib = 0, sa = 1, sb = 1;
    for (size_t d = nb; d-- > 0;) {
      int64_t i = rem % batch[d];
      rem /= batch[d];
      ia += (ab[d] == 1 ? 0 : i) * sa;
      ib += (bb[d] == 1 ? 0 : i) * sb;
      sa *= ab[d];
      sb *= bb[d];
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t p = 0; p < k; ++p) s += a.v[(ia * m + i) * k + p] * b.v[(ib * k + p) * n + j];
        out.v[(bi * m + i) * n + j] = s;
      }
  }
  return out;
}

void check_close(const Tensor& got, const Host& want, double tol) {
  REQUIRE(got.shape() == to_shape(want.shape));
  std::vector<double> g = values(got);
  REQUIRE(g.size() == want.v.size());
  for (size_t i = 0; i < g.size(); ++i) {
    INFO("element " << i);
    CHECK(std::abs(g[i] - want.v[i]) <= tol * (1.0 + std::abs(want.v[i])));
  }
}

// The values a strided view of base (row-major values `base`) shows, gathered by hand.
Host gather(const std::vector<double>& base, std::vector<int64_t> shape, std::vector<int64_t> strides, int64_t offset) {
  Host h{shape, {}};
  const int64_t n = numel_of(shape);
  for (int64_t e = 0; e < n; ++e) {
    int64_t rem = e, off = offset;
    for (size_t d = shape.size(); d-- > 0;) {
      off += (rem % shape[d]) * strides[d];
      rem /= shape[d];
    }
    h.v.push_back(base[static_cast<size_t>(off)]);
  }
  return h;
}

const DType kAllMatmulTypes[] = {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64};

}  // namespace

TEST_CASE("matmul shape cases match a naive loop in every dtype", "[linalg][matmul]") {
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> cases = {
      {{5}, {5}},        // dot -> 0-d
      {{3, 5}, {5}},     // matrix-vector
      {{5}, {5, 4}},     // vector-matrix
      {{3, 5}, {5, 4}},  // 2-D
      {{1, 1}, {1, 1}},
      {{2, 3, 5}, {5, 4}},  // batched x shared matrix
      {{3, 5}, {2, 5, 4}},  // shared matrix x batched
      {{2, 3, 5}, {2, 5, 4}},
      {{2, 1, 3, 5}, {3, 5, 4}},     // broadcast batch -> 2x3
      {{4, 1, 2, 5}, {1, 3, 5, 2}},  // both broadcast
      {{2, 3, 5}, {5}},              // batched matrix-vector
      {{5}, {2, 5, 4}},              // vector x batched
      {{0, 5}, {5, 4}},              // empty rows
      {{3, 0}, {0, 4}},              // empty sum -> zeros
      {{3, 5}, {5, 0}},
      {{0, 3, 5}, {5, 4}},  // empty batch
      {{2, 3, 0}, {0, 4}},  // batched empty sums
      {{0}, {0}},           // empty dot -> 0
  };
  for (DType dt : kAllMatmulTypes) {
    for (size_t c = 0; c < cases.size(); ++c) {
      INFO("dtype " << dtype_name(dt) << ", case " << c);
      Host a = small_ints(cases[c].first, 10 + static_cast<uint32_t>(c));
      Host b = small_ints(cases[c].second, 100 + static_cast<uint32_t>(c));
      Tensor r = matmul(make(a, dt), make(b, dt));
      CHECK(r.dtype() == dt);
      check_close(r, ref_matmul(a, b), 0.0);
    }
  }
}

TEST_CASE("matmul of u8 wraps like uint8 arithmetic", "[linalg][matmul]") {
  Host a = small_ints({3, 4}, 1, 0, 20), b = small_ints({4, 2}, 2, 0, 20);
  Host want = ref_matmul(a, b);
  for (double& v : want.v) v = std::fmod(v, 256.0);
  check_close(matmul(make(a, DType::U8), make(b, DType::U8)), want, 0.0);
}

TEST_CASE("integer matmul wraps on overflow instead of undefined behaviour", "[linalg][matmul]") {
  // 2 * (2^30 * 4) = 2^33, which is 0 modulo 2^32 (NumPy's int32 result).
  Host a{{2}, {1073741824.0, 1073741824.0}}, b{{2}, {4, 4}};
  CHECK(matmul(make(a, DType::I32), make(b, DType::I32)).item() == 0.0);
  CHECK(matmul(make(a, DType::I64), make(b, DType::I64)).item() == 8589934592.0);
}

TEST_CASE("matmul of random reals matches in f32 and f64", "[linalg][matmul]") {
  for (auto shapes : std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>>{
           {{67, 45}, {45, 53}}, {{3, 17, 33}, {33, 29}}, {{4, 9, 16}, {4, 16, 7}}, {{130, 70}, {70}}}) {
    Host a = reals(shapes.first, 7), b = reals(shapes.second, 8);
    Host want = ref_matmul(a, b);
    check_close(matmul(make(a, DType::F64), make(b, DType::F64)), want, 1e-12);
    check_close(matmul(make(a, DType::F32), make(b, DType::F32)), want, 1e-5);
    check_close(matmul(make(a, DType::F16), make(b, DType::F16)), want, 2e-2);
    check_close(matmul(make(a, DType::BF16), make(b, DType::BF16)), want, 6e-2);
  }
}

TEST_CASE("matmul reads transposed, stepped, negative-stride and broadcast views", "[linalg][matmul]") {
  const int64_t m = 4, k = 6, n = 5;
  struct View {
    std::vector<int64_t> shape, strides;
    int64_t offset;
  };
  // Each view reads an (r, c) matrix out of a 200-element base buffer.
  auto views_for = [](int64_t r, int64_t c) {
    return std::vector<View>{
        {{r, c}, {c, 1}, 0},             // contiguous
        {{r, c}, {1, r}, 0},             // transposed (column-major)
        {{r, c}, {2 * c, 2}, 1},         // stepped rows and columns
        {{r, c}, {-c, 1}, (r - 1) * c},  // rows reversed
        {{r, c}, {1, -r}, (c - 1) * r},  // columns reversed, column-major
        {{r, c}, {0, 1}, 3},             // one row repeated (stride 0)
        {{r, c}, {c + 3, 1}, 2},         // padded rows (leading dimension > c)
        {{r, c}, {1, r + 2}, 0},         // padded columns
    };
  };
  for (DType dt : {DType::F32, DType::F64, DType::I32, DType::F16}) {
    Host base_a = small_ints({200}, 3), base_b = small_ints({200}, 4);
    Tensor ta = make(base_a, dt), tb = make(base_b, dt);
    auto va = views_for(m, k), vb = views_for(k, n);
    for (size_t i = 0; i < va.size(); ++i) {
      for (size_t j = 0; j < vb.size(); ++j) {
        INFO("dtype " << dtype_name(dt) << " views " << i << ", " << j);
        Tensor a = ta.as_strided(to_shape(va[i].shape), to_shape(va[i].strides), va[i].offset);
        Tensor b = tb.as_strided(to_shape(vb[j].shape), to_shape(vb[j].strides), vb[j].offset);
        Host want = ref_matmul(gather(base_a.v, va[i].shape, va[i].strides, va[i].offset),
                               gather(base_b.v, vb[j].shape, vb[j].strides, vb[j].offset));
        check_close(matmul(a, b), want, 0.0);
      }
    }
  }
}

TEST_CASE("batched matmul with strided batches and a shared right operand", "[linalg][matmul]") {
  Host base = small_ints({400}, 5), wb = small_ints({60}, 6);
  for (DType dt : {DType::F32, DType::F64, DType::I64}) {
    Tensor t = make(base, dt), w = make(wb, dt);
    // (3, 4, 5) batches with batch stride 40 (gaps between matrices): not foldable into one GEMM.
    Tensor a1 = t.as_strided(Shape{3, 4, 5}, Shape{40, 5, 1}, 0);
    // (3, 4, 5) whose rows step uniformly across batches: foldable into a (12, 5) matrix.
    Tensor a2 = t.as_strided(Shape{3, 4, 5}, Shape{20, 5, 1}, 7);
    // (2, 3, 4, 5) with batches transposed relative to memory.
    Tensor a3 = t.as_strided(Shape{2, 3, 4, 5}, Shape{20, 40, 5, 1}, 0);
    // (3, 4, 5) with each matrix column-major.
    Tensor a4 = t.as_strided(Shape{3, 4, 5}, Shape{20, 1, 4}, 0);
    Tensor b = w.as_strided(Shape{5, 6}, Shape{6, 1}, 0);
    Tensor bt = w.as_strided(Shape{5, 6}, Shape{1, 5}, 0);
    // A 3-D b broadcast along its own batch dimension by stride 0.
    Tensor b0 = w.as_strided(Shape{3, 5, 6}, Shape{0, 6, 1}, 0);
    Host hb = gather(wb.v, {5, 6}, {6, 1}, 0), hbt = gather(wb.v, {5, 6}, {1, 5}, 0);
    Host hb0 = gather(wb.v, {3, 5, 6}, {0, 6, 1}, 0);
    check_close(matmul(a1, b), ref_matmul(gather(base.v, {3, 4, 5}, {40, 5, 1}, 0), hb), 0.0);
    check_close(matmul(a2, b), ref_matmul(gather(base.v, {3, 4, 5}, {20, 5, 1}, 7), hb), 0.0);
    check_close(matmul(a2, bt), ref_matmul(gather(base.v, {3, 4, 5}, {20, 5, 1}, 7), hbt), 0.0);
    check_close(matmul(a3, b), ref_matmul(gather(base.v, {2, 3, 4, 5}, {20, 40, 5, 1}, 0), hb), 0.0);
    check_close(matmul(a4, b0), ref_matmul(gather(base.v, {3, 4, 5}, {20, 1, 4}, 0), hb0), 0.0);
    check_close(matmul(a2, b0), ref_matmul(gather(base.v, {3, 4, 5}, {20, 5, 1}, 7), hb0), 0.0);
  }
}

TEST_CASE("matmul promotes mixed dtypes", "[linalg][matmul]") {
  Host a = small_ints({2, 3}, 1), b = small_ints({3, 2}, 2);
  Tensor r = matmul(make(a, DType::F32), make(b, DType::F64));
  CHECK(r.dtype() == DType::F64);
  check_close(r, ref_matmul(a, b), 0.0);
  Tensor ri = matmul(make(a, DType::I32), make(b, DType::I64));
  CHECK(ri.dtype() == DType::I64);
  check_close(ri, ref_matmul(a, b), 0.0);
}

TEST_CASE("matmul errors name the op and quote both shapes", "[linalg][matmul][errors]") {
  Tensor a = zeros(Shape{2, 3}), b = zeros(Shape{4, 5});
  REQUIRE_THROWS_AS(matmul(a, b), ShapeError);
  REQUIRE_THROWS_WITH(matmul(a, b), Catch::Contains("[matmul]") && Catch::Contains("2x3") && Catch::Contains("4x5") &&
                                        Catch::Contains("not aligned"));
  REQUIRE_THROWS_WITH(matmul(zeros(Shape{3}), zeros(Shape{4})), Catch::Contains("3") && Catch::Contains("4"));
  REQUIRE_THROWS_AS(matmul(zeros(Shape{2, 3, 4}), zeros(Shape{3, 4, 5})), ShapeError);
  REQUIRE_THROWS_WITH(matmul(zeros(Shape{2, 3, 4}), zeros(Shape{3, 4, 5})),
                      Catch::Contains("batch") && Catch::Contains("2x3x4") && Catch::Contains("3x4x5"));
  REQUIRE_THROWS_AS(matmul(zeros(Shape{}), zeros(Shape{3})), ShapeError);
  REQUIRE_THROWS_WITH(matmul(zeros(Shape{}), zeros(Shape{3})), Catch::Contains("at least 1 dimension"));
  REQUIRE_THROWS_AS(matmul(zeros(Shape{2, 2}, DType::Bool), zeros(Shape{2, 2}, DType::Bool)), DTypeError);
  REQUIRE_THROWS_WITH(matmul(zeros(Shape{2, 2}, DType::Bool), zeros(Shape{2, 2}, DType::Bool)),
                      Catch::Contains("bool"));
  REQUIRE_THROWS_AS(matmul(zeros(Shape{2, 2}, DType::I32), zeros(Shape{2, 2}, DType::F32)), DTypeError);
  REQUIRE_THROWS_AS(matmul(Tensor(), zeros(Shape{2})), InvalidArgumentError);
}

TEST_CASE("dot follows numpy.dot", "[linalg][dot]") {
  for (DType dt : kAllMatmulTypes) {
    INFO(dtype_name(dt));
    Host a = small_ints({5}, 1), b = small_ints({5}, 2);
    Tensor r = dot(make(a, dt), make(b, dt));
    CHECK(r.ndim() == 0);
    check_close(r, ref_matmul(a, b), 0.0);
    // 0-d operand: elementwise scaling.
    Host s{{}, {3}}, m = small_ints({2, 3}, 3);
    Host want = m;
    for (double& v : want.v) v *= 3;
    check_close(dot(make(s, dt), make(m, dt)), want, 0.0);
    // 2-D x 2-D.
    Host p = small_ints({3, 4}, 4), q = small_ints({4, 2}, 5);
    check_close(dot(make(p, dt), make(q, dt)), ref_matmul(p, q), 0.0);
    // N-D: result[i, j, l, c] = sum_t a[i, j, t] * b[l, t, c].
    Host x = small_ints({2, 3, 4}, 6), y = small_ints({5, 4, 2}, 7);
    Host nd{{2, 3, 5, 2}, std::vector<double>(60, 0.0)};
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j)
        for (int l = 0; l < 5; ++l)
          for (int c = 0; c < 2; ++c) {
            double acc = 0;
            for (int t = 0; t < 4; ++t) acc += x.v[(i * 3 + j) * 4 + t] * y.v[(l * 4 + t) * 2 + c];
            nd.v[((i * 3 + j) * 5 + l) * 2 + c] = acc;
          }
    check_close(dot(make(x, dt), make(y, dt)), nd, 0.0);
  }
  REQUIRE_THROWS_AS(dot(zeros(Shape{2, 3}), zeros(Shape{4, 4, 2})), ShapeError);
  REQUIRE_THROWS_WITH(dot(zeros(Shape{2, 3}), zeros(Shape{4, 4, 2})),
                      Catch::Contains("[dot]") && Catch::Contains("2x3") && Catch::Contains("4x4x2"));
  REQUIRE_THROWS_AS(dot(zeros(Shape{2}, DType::Bool), zeros(Shape{2}, DType::Bool)), DTypeError);
}

TEST_CASE("outer flattens and multiplies every pair", "[linalg][outer]") {
  for (DType dt : kAllMatmulTypes) {
    INFO(dtype_name(dt));
    Host a = small_ints({2, 2}, 1), b = small_ints({3}, 2);
    Host want{{4, 3}, {}};
    for (double x : a.v)
      for (double y : b.v) want.v.push_back(x * y);
    check_close(outer(make(a, dt), make(b, dt)), want, 0.0);
    // Reversed (negative-stride) vector operand.
    Tensor base = make(b, dt);
    Tensor rev = base.as_strided(Shape{3}, Shape{-1}, 2);
    Host want_rev{{4, 3}, {}};
    for (double x : a.v)
      for (int j = 2; j >= 0; --j) want_rev.v.push_back(x * b.v[static_cast<size_t>(j)]);
    check_close(outer(make(a, dt), rev), want_rev, 0.0);
  }
  CHECK(outer(zeros(Shape{0}), zeros(Shape{3})).shape() == Shape{0, 3});
  REQUIRE_THROWS_AS(outer(zeros(Shape{2}, DType::Bool), zeros(Shape{2}, DType::Bool)), DTypeError);
}
