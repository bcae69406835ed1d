// Tests of the Philox generator and the random sampling ops.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/ops/creation.h"
#include "core/ops/random.h"
#include "core/rng.h"
#include "core/thread_pool.h"

using namespace tfl;
using Catch::Contains;

namespace {

// All elements of t (any layout, row-major order) as doubles.
std::vector<double> values(const Tensor& t) {
  std::vector<double> out;
  int64_t n = t.numel();
  out.reserve(static_cast<size_t>(n));
  std::vector<int64_t> idx(static_cast<size_t>(t.ndim()), 0);
  for (int64_t e = 0; e < n; ++e) {
    int64_t off = 0;
    for (int d = 0; d < t.ndim(); ++d) off += idx[static_cast<size_t>(d)] * t.strides()[d];
    out.push_back(t.as_strided(Shape{}, Strides{}, t.offset() + off).item());
    for (int d = t.ndim() - 1; d >= 0; --d) {
      if (++idx[static_cast<size_t>(d)] < t.shape()[d]) break;
      idx[static_cast<size_t>(d)] = 0;
    }
  }
  return out;
}

// Fast path for large contiguous tensors.
template <class T>
std::vector<double> dense_values(const Tensor& t) {
  const T* p = t.data<T>();
  std::vector<double> out(static_cast<size_t>(t.numel()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(static_cast<float>(p[i]));
  return out;
}
template <>
std::vector<double> dense_values<double>(const Tensor& t) {
  const double* p = t.data<double>();
  return std::vector<double>(p, p + t.numel());
}

void mean_var(const std::vector<double>& v, double* mean, double* var) {
  double s = 0;
  for (double x : v) s += x;
  *mean = s / static_cast<double>(v.size());
  double q = 0;
  for (double x : v) q += (x - *mean) * (x - *mean);
  *var = q / static_cast<double>(v.size() - 1);
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.numel() == b.numel() && a.dtype() == b.dtype() &&
         std::memcmp(a.data_ptr(), b.data_ptr(), static_cast<size_t>(a.numel()) * a.itemsize()) == 0;
}

}  // namespace

// --- Philox4x32-10 known answers (Random123 kat_vectors, philox4x32_10) ------------------------------

TEST_CASE("philox4x32_10 matches the Random123 known-answer vectors", "[random][rng]") {
  PhiloxBlock z = philox4x32_10(0, 0, 0, 0, 0, 0);
  CHECK(z.v[0] == 0x6627e8d5u);
  CHECK(z.v[1] == 0xe169c58du);
  CHECK(z.v[2] == 0xbc57ac4cu);
  CHECK(z.v[3] == 0x9b00dbd8u);

  PhiloxBlock f = philox4x32_10(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu);
  CHECK(f.v[0] == 0x408f276du);
  CHECK(f.v[1] == 0x41c83b0eu);
  CHECK(f.v[2] == 0xa20bc7c6u);
  CHECK(f.v[3] == 0x6d5451fdu);

  PhiloxBlock pi = philox4x32_10(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u);
  CHECK(pi.v[0] == 0xd16cfe09u);
  CHECK(pi.v[1] == 0x94fdccebu);
  CHECK(pi.v[2] == 0x5001e420u);
  CHECK(pi.v[3] == 0x24126ea1u);
}

TEST_CASE("philox_block lays out block, stream and seed as documented", "[random][rng]") {
  uint64_t seed = 0x0123456789abcdefull, block = 0xfedcba9876543210ull;
  PhiloxBlock a = philox_block(seed, block, 7);
  PhiloxBlock b = philox4x32_10(0x76543210u, 0xfedcba98u, 7u, 0u, 0x89abcdefu, 0x01234567u);
  for (int l = 0; l < 4; ++l) CHECK(a.v[l] == b.v[l]);
}

// --- Generator state -----------------------------------------------------------------------------------

TEST_CASE("Generator seeds, reserves counter blocks and copies its state", "[random][rng]") {
  Generator g(42);
  CHECK(g.seed() == 42);
  CHECK(g.offset() == 0);
  uint64_t seed = 0;
  CHECK(g.reserve(10, &seed) == 0);
  CHECK(seed == 42);
  CHECK(g.offset() == 10);
  Generator copy = g;
  CHECK(copy.offset() == 10);
  CHECK(copy.seed() == 42);
  g.manual_seed(7);
  CHECK(g.seed() == 7);
  CHECK(g.offset() == 0);
  CHECK(copy.seed() == 42);  // copies are independent
  g.set_offset(99);
  CHECK(g.offset() == 99);
  copy = g;
  CHECK(copy.offset() == 99);
  CHECK(Generator().seed() == kDefaultSeed);
}

TEST_CASE("ops advance the generator by the blocks they use", "[random][rng]") {
  Generator g(1);
  rand(Shape{10}, DType::F32, &g);  // 4 values per block: 3 blocks
  CHECK(g.offset() == 3);
  rand(Shape{5}, DType::F64, &g);  // 2 values per block: 3 blocks
  CHECK(g.offset() == 6);
  randint(0, 10, Shape{4}, DType::I64, &g);  // one block per element
  CHECK(g.offset() == 10);
  bernoulli(Shape{0}, 0.5, DType::F32, &g);
  CHECK(g.offset() == 10);
}

TEST_CASE("manual_seed makes the default generator reproducible", "[random][rng]") {
  manual_seed(123);
  Tensor a = randn(Shape{3, 7});
  Tensor b = rand(Shape{5});
  manual_seed(123);
  Tensor a2 = randn(Shape{3, 7});
  Tensor b2 = rand(Shape{5});
  CHECK(same_bits(a, a2));
  CHECK(same_bits(b, b2));
  CHECK(default_generator().seed() == 123);
  Tensor c = rand(Shape{5});
  CHECK_FALSE(same_bits(b, c));  // the stream moved on
}

// --- exact values from the documented counter mapping ----------------------------------------------------

TEST_CASE("rand f32 and f64 follow the documented counter layout", "[random]") {
  // Independent reference: element i of f32 rand is word i % 4 of block offset + i / 4, top 24 bits / 2^24;
  // of f64 rand, the 53 high bits of words (2(i%2), 2(i%2)+1) of block offset + i / 2, / 2^53.
  Generator g(2024);
  g.set_offset(5);
  Tensor f = rand(Shape{2, 7}, DType::F32, &g);
  const float* fp = f.data<float>();
  for (int i = 0; i < 14; ++i) {
    uint32_t w = philox_block(2024, 5 + static_cast<uint64_t>(i / 4)).v[i % 4];
    CHECK(fp[i] == static_cast<float>(w >> 8) / 16777216.0f);
  }
  CHECK(g.offset() == 5 + 4);
  Tensor d = rand(Shape{5}, DType::F64, &g);
  const double* dp = d.data<double>();
  for (int i = 0; i < 5; ++i) {
    PhiloxBlock x = philox_block(2024, 9 + static_cast<uint64_t>(i / 2));
    uint64_t bits = (static_cast<uint64_t>(x.v[2 * (i % 2)]) << 32 | x.v[2 * (i % 2) + 1]) >> 11;
    CHECK(dp[i] == std::ldexp(static_cast<double>(bits), -53));
  }
}

TEST_CASE("randn f32 is Box-Muller of the documented uniforms", "[random]") {
  Generator g(77);
  Tensor z = randn(Shape{6}, DType::F32, &g);
  const float* zp = z.data<float>();
  for (int i = 0; i < 6; i += 2) {
    PhiloxBlock x = philox_block(77, static_cast<uint64_t>(i / 4));
    int l = i % 4;
    double u1 = (static_cast<double>(x.v[l] >> 8) + 1.0) / 16777216.0;
    double u2 = static_cast<double>(x.v[l + 1] >> 8) / 16777216.0;
    double r = std::sqrt(-2.0 * std::log(u1));
    CHECK(zp[i] == Approx(r * std::cos(2 * M_PI * u2)).margin(1e-5));
    CHECK(zp[i + 1] == Approx(r * std::sin(2 * M_PI * u2)).margin(1e-5));
  }
}

TEST_CASE("a sample's value depends only on seed, offset and index", "[random]") {
  // A short tensor equals the prefix of a long one (split across the pool differently) ...
  Generator g1(5), g2(5);
  Tensor small = randn(Shape{13}, DType::F32, &g1);
  Tensor big = randn(Shape{100003}, DType::F32, &g2);
  CHECK(std::memcmp(small.data_ptr(), big.data_ptr(), 13 * sizeof(float)) == 0);
  // ... and the shape does not matter, only the row-major index.
  Generator g3(5);
  Tensor shaped = randn(Shape{13, 1}, DType::F32, &g3);
  CHECK(std::memcmp(small.data_ptr(), shaped.data_ptr(), 13 * sizeof(float)) == 0);
}

TEST_CASE("results are identical with 1, 2 and 3 threads", "[random][threads]") {
  const int saved = num_threads();
  const int64_t n = 300007;  // many pool chunks, not a multiple of 4
  auto draw_all = [&] {
    Generator g(99);
    std::vector<Tensor> r;
    for (DType dt : {DType::F32, DType::F64, DType::F16, DType::BF16}) {
      r.push_back(rand(Shape{n}, dt, &g));
      r.push_back(normal(Shape{n}, 1.0, 2.0, dt, &g));
    }
    r.push_back(randint(-5, 1000003, Shape{n}, DType::I64, &g));
    r.push_back(randint(0, 7, Shape{n}, DType::I32, &g));
    r.push_back(bernoulli(Shape{n}, 0.25, DType::Bool, &g));
    Tensor p = rand(Shape{n}, DType::F32, &g);
    r.push_back(bernoulli(p, &g));
    return r;
  };
  set_num_threads(1);
  auto one = draw_all();
  set_num_threads(2);
  auto two = draw_all();
  set_num_threads(3);
  auto three = draw_all();
  set_num_threads(saved);
  for (size_t k = 0; k < one.size(); ++k) {
    INFO("result " << k);
    CHECK(same_bits(one[k], two[k]));
    CHECK(same_bits(one[k], three[k]));
  }
}

// --- distributions ----------------------------------------------------------------------------------------

TEST_CASE("rand is uniform on 0..1, 1 excluded, for every float dtype", "[random][stats]") {
  const int64_t n = 1000000;
  Generator g(31337);
  // Uniform[0,1): mean 1/2, variance 1/12; standard error of the mean sqrt(1/12/n) = 2.9e-4.
  SECTION("f32") {
    auto v = dense_values<float>(rand(Shape{n}, DType::F32, &g));
    double m, var;
    mean_var(v, &m, &var);
    CHECK(std::abs(m - 0.5) < 5 * 2.9e-4);
    CHECK(std::abs(var - 1.0 / 12) < 1e-3);
    for (double x : v) REQUIRE((x >= 0.0 && x < 1.0));
  }
  SECTION("f64") {
    auto v = dense_values<double>(rand(Shape{n}, DType::F64, &g));
    double m, var;
    mean_var(v, &m, &var);
    CHECK(std::abs(m - 0.5) < 5 * 2.9e-4);
    CHECK(std::abs(var - 1.0 / 12) < 1e-3);
    for (double x : v) REQUIRE((x >= 0.0 && x < 1.0));
  }
  SECTION("f16") {
    auto v = dense_values<Half>(rand(Shape{n}, DType::F16, &g));
    double m, var;
    mean_var(v, &m, &var);
    // 11-bit grid k / 2048: mean (2047/2)/2048 = 0.49976.
    CHECK(std::abs(m - 2047.0 / 4096) < 5 * 2.9e-4);
    for (double x : v) REQUIRE((x >= 0.0 && x < 1.0));
  }
  SECTION("bf16") {
    auto v = dense_values<BFloat16>(rand(Shape{n}, DType::BF16, &g));
    double m, var;
    mean_var(v, &m, &var);
    CHECK(std::abs(m - 255.0 / 512) < 5 * 2.9e-4);  // 8-bit grid k / 256
    for (double x : v) REQUIRE((x >= 0.0 && x < 1.0));
  }
}

TEST_CASE("uniform stays inside low..high, high excluded", "[random][stats]") {
  Generator g(8);
  auto v = dense_values<float>(uniform(Shape{1000000}, -3.0, 5.0, DType::F32, &g));
  double m, var;
  mean_var(v, &m, &var);
  // mean 1, variance 64/12; SE of the mean sqrt(64/12/1e6) = 2.3e-3
  CHECK(std::abs(m - 1.0) < 5 * 2.3e-3);
  CHECK(std::abs(var - 64.0 / 12) < 0.03);
  for (double x : v) REQUIRE((x >= -3.0 && x < 5.0));
  // Bounds not representable in f16: every sample still lies in [0.1, 0.2).
  auto h = dense_values<Half>(uniform(Shape{100000}, 0.1, 0.2, DType::F16, &g));
  for (double x : h) REQUIRE((x >= 0.1 && x < 0.2));
  // A range just below 1 where f32 rounding of low + width*u would reach high.
  auto t = dense_values<float>(uniform(Shape{100000}, 1.0 - 1e-7, 1.0, DType::F32, &g));
  for (double x : t) REQUIRE((x >= 1.0 - 1e-7 && x < 1.0));
  auto bf = dense_values<BFloat16>(uniform(Shape{10000}, -1e30, 1e30, DType::BF16, &g));
  for (double x : bf) REQUIRE((x >= -1e30 && x < 1e30));
}

TEST_CASE("randn and normal have the requested mean and variance", "[random][stats]") {
  const int64_t n = 1000000;
  Generator g(2718);
  // N(0,1): SE of the mean 1e-3, SE of the variance sqrt(2/n) = 1.4e-3.
  for (DType dt : {DType::F32, DType::F64}) {
    INFO(dtype_name(dt));
    Tensor z = randn(Shape{n}, dt, &g);
    auto v = dt == DType::F32 ? dense_values<float>(z) : dense_values<double>(z);
    double m, var;
    mean_var(v, &m, &var);
    CHECK(std::abs(m) < 5e-3);
    CHECK(std::abs(var - 1.0) < 1e-2);
    int64_t beyond2 = 0;
    for (double x : v) beyond2 += std::abs(x) > 2.0;
    // P(|Z| > 2) = 0.0455; binomial SE over 1e6 samples is 2.1e-4.
    CHECK(std::abs(static_cast<double>(beyond2) / n - 0.0455) < 1.5e-3);
  }
  auto v = dense_values<float>(normal(Shape{n}, 2.0, 3.0, DType::F32, &g));
  double m, var;
  mean_var(v, &m, &var);
  CHECK(std::abs(m - 2.0) < 5 * 3e-3);
  CHECK(std::abs(var - 9.0) < 9.0 * 1e-2);
  for (DType dt : {DType::F16, DType::BF16}) {
    Tensor z = normal(Shape{200000}, -1.0, 0.5, dt, &g);
    auto h = dt == DType::F16 ? dense_values<Half>(z) : dense_values<BFloat16>(z);
    mean_var(h, &m, &var);
    CHECK(std::abs(m + 1.0) < 0.01);
    CHECK(std::abs(var - 0.25) < 0.01);
  }
  // std == 0 gives the mean exactly.
  auto c = dense_values<float>(normal(Shape{10}, 4.5, 0.0, DType::F32, &g));
  for (double x : c) CHECK(x == 4.5);
}

TEST_CASE("randint covers its range evenly", "[random][stats]") {
  Generator g(4);
  const int64_t n = 700000;
  auto v = values(randint(-3, 4, Shape{n}, DType::I32, &g));
  std::vector<int64_t> count(7, 0);
  for (double x : v) {
    REQUIRE((x >= -3 && x < 4));
    ++count[static_cast<size_t>(x + 3)];
  }
  // Each value has p = 1/7: expected 1e5, binomial SE sqrt(n p (1-p)) = 293.
  for (int64_t c : count) CHECK(std::abs(c - 100000) < 5 * 293);

  Tensor u = randint(0, 256, Shape{256 * 400}, DType::U8, &g);
  std::vector<int64_t> seen(256, 0);
  const uint8_t* up = u.data<uint8_t>();
  for (int64_t i = 0; i < u.numel(); ++i) ++seen[up[i]];
  for (int64_t c : seen) CHECK(c > 0);

  // A 64-bit range: values in range, mean near the middle (SE = 2^63 / sqrt(3 n)).
  Tensor w = randint(INT64_MIN, INT64_MAX, Shape{100000}, DType::I64, &g);
  const int64_t* wp = w.data<int64_t>();
  double s = 0;
  for (int64_t i = 0; i < w.numel(); ++i) s += static_cast<double>(wp[i]);
  CHECK(std::abs(s / 100000) < 5 * 9.223372e18 / std::sqrt(3.0 * 100000));
  // A range just above 2^32 (64-bit path with rejection).
  Tensor r = randint(10, 10 + (int64_t{1} << 32) + 3, Shape{1000}, DType::I64, &g);
  const int64_t* rp = r.data<int64_t>();
  for (int64_t i = 0; i < 1000; ++i) REQUIRE((rp[i] >= 10 && rp[i] < 10 + (int64_t{1} << 32) + 3));
  // One-value range.
  auto one = values(randint(5, 6, Shape{8}, DType::I64, &g));
  for (double x : one) CHECK(x == 5);
}

TEST_CASE("randint with a range of 3 * 2^30 is unbiased", "[random][stats]") {
  // Plain `word % range` would make the lowest 2^30 values twice as likely; P(x < 2^30) must be 1/3.
  Generator g(12);
  const int64_t range = int64_t{3} << 30, n = 300000;
  Tensor r = randint(0, range, Shape{n}, DType::I64, &g);
  const int64_t* rp = r.data<int64_t>();
  int64_t low = 0;
  for (int64_t i = 0; i < n; ++i) low += rp[i] < (int64_t{1} << 30);
  // SE sqrt(n/3 * 2/3) = 258
  CHECK(std::abs(static_cast<double>(low) - n / 3.0) < 5 * 258);
}

TEST_CASE("bernoulli frequencies match p", "[random][stats]") {
  Generator g(6);
  const int64_t n = 1000000;
  Tensor b = bernoulli(Shape{n}, 0.3, DType::F32, &g);
  auto v = dense_values<float>(b);
  double ones = 0;
  for (double x : v) {
    REQUIRE((x == 0.0 || x == 1.0));
    ones += x;
  }
  // SE sqrt(0.3 * 0.7 / n) = 4.6e-4
  CHECK(std::abs(ones / n - 0.3) < 5 * 4.6e-4);

  Tensor bb = bernoulli(Shape{1000}, 1.0, DType::Bool, &g);
  for (int64_t i = 0; i < 1000; ++i) CHECK(bb.data<bool>()[i]);
  Tensor b0 = bernoulli(Shape{1000}, 0.0, DType::F64, &g);
  for (int64_t i = 0; i < 1000; ++i) CHECK(b0.data<double>()[i] == 0.0);

  // Per-element probabilities 0, 1, 0.5, 0.9 repeated.
  const int64_t m = 400000;
  std::vector<float> pv(static_cast<size_t>(m));
  const float pattern[4] = {0.0f, 1.0f, 0.5f, 0.9f};
  for (int64_t i = 0; i < m; ++i) pv[static_cast<size_t>(i)] = pattern[i % 4];
  Tensor p = from_buffer(pv.data(), pv.size() * sizeof(float), Shape{m / 4, 4}, DType::F32);
  Tensor s = bernoulli(p, DType::Bool, &g);
  REQUIRE(s.shape() == Shape{m / 4, 4});
  double hits[4] = {0, 0, 0, 0};
  for (int64_t i = 0; i < m; ++i) hits[i % 4] += s.data<bool>()[i];
  CHECK(hits[0] == 0);
  CHECK(hits[1] == m / 4);
  CHECK(std::abs(hits[2] / (m / 4) - 0.5) < 5 * 0.0016);  // SE sqrt(.25 / 1e5)
  CHECK(std::abs(hits[3] / (m / 4) - 0.9) < 5 * 0.00095);
  CHECK(bernoulli(p, &g).dtype() == DType::F32);
}

TEST_CASE("bernoulli reads non-contiguous and other-dtype probabilities", "[random]") {
  // p = [[0, 1], [1, 0]] in f64, read through a transposed view and a negative-stride view.
  double pv[4] = {0, 1, 1, 0};
  Tensor p = from_buffer(pv, sizeof pv, Shape{2, 2}, DType::F64);
  Tensor pt = p.as_strided(Shape{2, 2}, Strides{1, 2}, 0);  // transpose: same values here
  auto v = values(bernoulli(pt, DType::F16));
  CHECK(v == std::vector<double>{0, 1, 1, 0});
  Tensor rev = p.as_strided(Shape{4}, Strides{-1}, 3);  // [0, 1, 1, 0] reversed is the same
  Tensor pf = from_buffer(std::vector<float>{1, 0, 0, 1}.data(), 16, Shape{4}, DType::F32);
  Tensor prev = pf.as_strided(Shape{3}, Strides{-1}, 2);  // [0, 0, 1]
  CHECK(values(bernoulli(rev, DType::Bool)) == std::vector<double>{0, 1, 1, 0});
  CHECK(values(bernoulli(prev, DType::BF16)) == std::vector<double>{0, 0, 1});
  Tensor scalar_p = full(Shape{}, 1.0, DType::BF16);
  Tensor one = bernoulli(scalar_p);
  CHECK(one.ndim() == 0);
  CHECK(one.item() == 1.0);
}

// --- shapes and layouts --------------------------------------------------------------------------------

TEST_CASE("random ops handle 0-d and 0-size shapes", "[random]") {
  Generator g(3);
  Tensor s = rand(Shape{}, DType::F64, &g);
  CHECK(s.ndim() == 0);
  CHECK((s.item() >= 0 && s.item() < 1));
  CHECK(randn(Shape{0, 5}, DType::F32, &g).numel() == 0);
  CHECK(randint(0, 3, Shape{4, 0}, DType::I32, &g).shape() == Shape{4, 0});
  CHECK(bernoulli(Shape{0}, 0.5, DType::Bool, &g).numel() == 0);
  CHECK(bernoulli(zeros(Shape{0, 2}), &g).shape() == Shape{0, 2});
  Tensor e = zeros(Shape{3, 0});
  uniform_(e, 0, 1, &g);
  normal_(e, 0, 1, &g);
  CHECK(rand_like(zeros(Shape{2, 3}, DType::F16), &g).dtype() == DType::F16);
  CHECK(randn_like(zeros(Shape{2, 3}, DType::F64), &g).shape() == Shape{2, 3});
  REQUIRE_THROWS_AS(rand(Shape{-1}), ShapeError);
}

TEST_CASE("uniform_ and normal_ fill strided views in row-major order", "[random]") {
  // The view's k-th row-major element must get the k-th value of the out-of-place op.
  for (DType dt : {DType::F32, DType::F64, DType::F16, DType::BF16}) {
    INFO(dtype_name(dt));
    Tensor base = full(Shape{6, 8}, -7.0, dt);
    // Every other row, columns reversed: shape 3x8, strides {16, -1}, offset 7.
    Tensor view = base.as_strided(Shape{3, 8}, Strides{16, -1}, 7);
    Generator g1(10), g2(10);
    uniform_(view, 2.0, 3.0, &g1);
    CHECK(values(view) == values(uniform(Shape{3, 8}, 2.0, 3.0, dt, &g2)));
    normal_(view, 0.0, 1.0, &g1);
    CHECK(values(view) == values(normal(Shape{24}, 0.0, 1.0, dt, &g2)));
    // Rows that are not part of the view are untouched.
    auto all = values(base);
    for (int r = 1; r < 6; r += 2)
      for (int c = 0; c < 8; ++c) CHECK(all[static_cast<size_t>(r * 8 + c)] == -7.0);
  }
}

TEST_CASE("uniform_ bumps the version and rejects overlapping views", "[random]") {
  Tensor t = zeros(Shape{4});
  uint64_t v0 = t.version();
  uniform_(t, 0, 1);
  CHECK(t.version() == v0 + 1);
  Tensor row = zeros(Shape{3});
  Tensor bcast = row.as_strided(Shape{2, 3}, Strides{0, 1}, 0);
  REQUIRE_THROWS_AS(uniform_(bcast, 0, 1), InvalidArgumentError);
  REQUIRE_THROWS_WITH(normal_(bcast, 0, 1), Contains("[normal_]") && Contains("overlap"));
  Tensor one_row = row.as_strided(Shape{1, 3}, Strides{0, 1}, 0);  // a 0 stride on a size-1 dim is fine
  uniform_(one_row, 0, 1);
}

// --- invalid arguments ---------------------------------------------------------------------------------

TEST_CASE("random ops reject invalid arguments", "[random][errors]") {
  REQUIRE_THROWS_AS(uniform(Shape{2}, 1.0, 1.0), InvalidArgumentError);
  REQUIRE_THROWS_WITH(uniform(Shape{2}, 2.0, 1.0), Contains("[uniform]") && Contains("low must be < high"));
  REQUIRE_THROWS_AS(uniform(Shape{2}, 0.0, INFINITY), InvalidArgumentError);
  REQUIRE_THROWS_AS(uniform(Shape{2}, NAN, 1.0), InvalidArgumentError);
  REQUIRE_THROWS_WITH(uniform(Shape{2}, -1e308, 1e308, DType::F64), Contains("overflows"));
  CHECK(uniform(Shape{2}, -3.4e38, 3.4e38, DType::F32).numel() == 2);  // wide but finite in double
  REQUIRE_THROWS_WITH(uniform(Shape{2}, 0.0, 70000.0, DType::F16), Contains("finite range of float16"));
  REQUIRE_THROWS_WITH(uniform(Shape{2}, 1.0001, 1.0002, DType::F16), Contains("no float16 value"));
  REQUIRE_THROWS_WITH(uniform_(zeros(Shape{2}), 3.0, 1.0), Contains("[uniform_]"));

  REQUIRE_THROWS_WITH(normal(Shape{2}, 0.0, -1.0), Contains("[normal]") && Contains("std must be"));
  REQUIRE_THROWS_AS(normal(Shape{2}, 0.0, NAN), InvalidArgumentError);
  REQUIRE_THROWS_AS(normal(Shape{2}, INFINITY, 1.0), InvalidArgumentError);
  REQUIRE_THROWS_AS(normal_(zeros(Shape{2}), 0.0, -0.5), InvalidArgumentError);

  REQUIRE_THROWS_WITH(randint(3, 3, Shape{2}), Contains("[randint]") && Contains("low must be < high"));
  REQUIRE_THROWS_AS(randint(5, 1, Shape{2}), InvalidArgumentError);
  REQUIRE_THROWS_WITH(randint(0, 257, Shape{2}, DType::U8), Contains("does not fit in uint8"));
  REQUIRE_THROWS_AS(randint(-1, 5, Shape{2}, DType::U8), InvalidArgumentError);
  REQUIRE_THROWS_AS(randint(0, int64_t{1} << 32, Shape{2}, DType::I32), InvalidArgumentError);
  CHECK(randint(INT32_MIN, int64_t{INT32_MAX} + 1, Shape{2}, DType::I32).numel() == 2);

  REQUIRE_THROWS_WITH(bernoulli(Shape{2}, 1.5), Contains("[bernoulli]") && Contains("outside [0, 1]"));
  REQUIRE_THROWS_AS(bernoulli(Shape{2}, -0.1), InvalidArgumentError);
  REQUIRE_THROWS_AS(bernoulli(Shape{2}, NAN), InvalidArgumentError);
  float bad[3] = {0.5f, 1.25f, 0.0f};
  Tensor pb = from_buffer(bad, sizeof bad, Shape{3}, DType::F32);
  REQUIRE_THROWS_WITH(bernoulli(pb), Contains("[bernoulli]") && Contains("1.25"));
  float nan_p[1] = {NAN};
  REQUIRE_THROWS_AS(bernoulli(from_buffer(nan_p, 4, Shape{1}, DType::F32)), InvalidArgumentError);
  REQUIRE_THROWS_AS(bernoulli(Tensor()), InvalidArgumentError);
}

TEST_CASE("random ops reject unsupported dtypes", "[random][errors]") {
  REQUIRE_THROWS_WITH(rand(Shape{2}, DType::I32), Contains("[rand]") && Contains("int32"));
  REQUIRE_THROWS_AS(randn(Shape{2}, DType::Bool), DTypeError);
  REQUIRE_THROWS_AS(uniform(Shape{2}, 0, 1, DType::U8), DTypeError);
  REQUIRE_THROWS_AS(normal(Shape{2}, 0, 1, DType::I64), DTypeError);
  REQUIRE_THROWS_WITH(randint(0, 2, Shape{2}, DType::F32), Contains("[randint]") && Contains("float32"));
  REQUIRE_THROWS_AS(randint(0, 2, Shape{2}, DType::Bool), DTypeError);
  REQUIRE_THROWS_AS(bernoulli(Shape{2}, 0.5, DType::I32), DTypeError);
  REQUIRE_THROWS_WITH(bernoulli(zeros(Shape{2}, DType::I32)), Contains("float dtype"));
  REQUIRE_THROWS_AS(bernoulli(zeros(Shape{2}), DType::U8), DTypeError);
  REQUIRE_THROWS_AS(uniform_(zeros(Shape{2}, DType::I32), 0, 1), DTypeError);
  REQUIRE_THROWS_AS(rand_like(Tensor()), InvalidArgumentError);
}
