// Tests of softmax, log_softmax, conv1d/conv2d and the 2-D pools against naive loops written here.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/nn.h"

using namespace tfl;

namespace {

Tensor make(const std::vector<double>& v, const Shape& shape, DType dt) {
  return to_dtype(from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64), dt);
}

std::vector<double> values(const Tensor& t) {
  Tensor d = to_dtype(t, DType::F64);
  const double* p = d.data<double>();
  return std::vector<double>(p, p + d.numel());
}

std::vector<double> reals(int64_t n, uint32_t seed, double lo = -1.0, double hi = 1.0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<double> v(static_cast<size_t>(n));
  for (double& x : v) x = dist(rng);
  return v;
}

// Values rounded to what dtype stores, so references for f16/bf16 start from the same inputs.
std::vector<double> rounded(const std::vector<double>& v, DType dt) {
  return values(make(v, Shape{static_cast<int64_t>(v.size())}, dt));
}

void check_close(const Tensor& got, const Shape& shape, const std::vector<double>& want, double tol) {
  REQUIRE(got.shape() == shape);
  std::vector<double> g = values(got);
  REQUIRE(g.size() == want.size());
  for (size_t i = 0; i < g.size(); ++i) {
    INFO("element " << i << ": got " << g[i] << ", want " << want[i]);
    if (std::isnan(want[i]))
      CHECK(std::isnan(g[i]));
    else
      CHECK(std::abs(g[i] - want[i]) <= tol * (1.0 + std::abs(want[i])));
  }
}

double tol_for(DType dt) {
  switch (dt) {
    case DType::F64:
      return 1e-12;
    case DType::F32:
      return 2e-6;
    case DType::F16:
      return 2e-3;
    default:
      return 1.6e-2;  // bf16
  }
}

const DType kFloatTypes[] = {DType::F32, DType::F64, DType::F16, DType::BF16};

// softmax over axis of a row-major tensor of `shape`, in double.
std::vector<double> ref_softmax(const std::vector<double>& x, const std::vector<int64_t>& shape, int axis, bool log) {
  int64_t outer = 1, len = shape.empty() ? 1 : shape[static_cast<size_t>(axis)], inner = 1;
  for (int d = 0; d < static_cast<int>(shape.size()); ++d) {
    if (d < axis) outer *= shape[static_cast<size_t>(d)];
    if (d > axis) inner *= shape[static_cast<size_t>(d)];
  }
  std::vector<double> y(x.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double mx = -INFINITY, sum = 0;
      for (int64_t l = 0; l < len; ++l) mx = std::max(mx, x[static_cast<size_t>((o * len + l) * inner + i)]);
      for (int64_t l = 0; l < len; ++l) sum += std::exp(x[static_cast<size_t>((o * len + l) * inner + i)] - mx);
      for (int64_t l = 0; l < len; ++l) {
        size_t at = static_cast<size_t>((o * len + l) * inner + i);
        y[at] = log ? x[at] - mx - std::log(sum) : std::exp(x[at] - mx) / sum;
      }
    }
  return y;
}

}  // namespace

TEST_CASE("softmax and log_softmax match double math along every axis", "[nn][softmax]") {
  const std::vector<std::pair<std::vector<int64_t>, int>> cases = {
      {{7}, 0}, {{3, 5}, -1}, {{3, 5}, 0}, {{2, 3, 4}, 1}, {{2, 3, 4}, 2}, {{2, 3, 4}, -3},
      {{}, 0},  {{0, 5}, 1},  {{3, 0}, 1}, {{4, 1}, 1},    {{2, 300}, 1}};
  for (DType dt : kFloatTypes) {
    for (size_t c = 0; c < cases.size(); ++c) {
      INFO(dtype_name(dt) << " case " << c);
      const auto& shape = cases[c].first;
      int64_t n = 1;
      for (int64_t d : shape) n *= d;
      std::vector<double> x = rounded(reals(n, static_cast<uint32_t>(c), -5, 5), dt);
      Shape s(shape.data(), shape.size());
      int axis = cases[c].second < 0 ? cases[c].second + static_cast<int>(shape.size()) : cases[c].second;
      Tensor t = make(x, s, dt);
      Tensor y = softmax(t, cases[c].second), ly = log_softmax(t, cases[c].second);
      CHECK(y.dtype() == dt);
      check_close(y, s, ref_softmax(x, shape, axis, false), tol_for(dt));
      check_close(ly, s, ref_softmax(x, shape, axis, true), tol_for(dt));
    }
  }
}

TEST_CASE("softmax is stable for large inputs and reads strided views", "[nn][softmax]") {
  // exp(1000) overflows double; subtracting the max makes it exp(0) and exp(-1).
  Tensor big = make({1000.0, 999.0, -1000.0}, Shape{3}, DType::F32);
  const double e = std::exp(-1.0), s = 1.0 + e + std::exp(-2000.0);
  check_close(softmax(big), Shape{3}, {1.0 / s, e / s, 0.0}, 1e-6);
  check_close(log_softmax(big), Shape{3}, {-std::log(s), -1.0 - std::log(s), -2000.0 - std::log(s)}, 1e-6);
  // A transposed (4, 3) view of a (3, 4) buffer, softmax over its rows.
  std::vector<double> base = reals(12, 9);
  for (DType dt : {DType::F32, DType::F64}) {
    Tensor v = make(base, Shape{12}, dt).as_strided(Shape{4, 3}, Shape{1, 4}, 0);
    std::vector<double> xt(12);
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 3; ++j) xt[static_cast<size_t>(i * 3 + j)] = base[static_cast<size_t>(j * 4 + i)];
    check_close(softmax(v, 1), Shape{4, 3}, ref_softmax(xt, {4, 3}, 1, false), tol_for(dt));
    check_close(log_softmax(v, 0), Shape{4, 3}, ref_softmax(xt, {4, 3}, 0, true), tol_for(dt));
  }
}

TEST_CASE("softmax rejects integer tensors and bad axes", "[nn][softmax][errors]") {
  REQUIRE_THROWS_AS(softmax(zeros(Shape{3}, DType::I32)), DTypeError);
  REQUIRE_THROWS_WITH(softmax(zeros(Shape{3}, DType::I32)), Catch::Contains("[softmax]") && Catch::Contains("int32"));
  REQUIRE_THROWS_AS(log_softmax(zeros(Shape{3}, DType::Bool)), DTypeError);
  REQUIRE_THROWS_AS(softmax(zeros(Shape{3, 4}), 2), IndexError);
  REQUIRE_THROWS_WITH(log_softmax(zeros(Shape{3, 4}), -3), Catch::Contains("[log_softmax]") && Catch::Contains("-3"));
}

namespace {

struct ConvCase {
  int64_t n, c, h, w, o, kh, kw, groups;
  Size2 stride, padding, dilation;
};

// Direct cross-correlation in double, straight from the definition.
std::vector<double> ref_conv2d(const std::vector<double>& in, const std::vector<double>& wt,
                               const std::vector<double>* bias, const ConvCase& k, int64_t oh, int64_t ow) {
  const int64_t cg = k.c / k.groups, og = k.o / k.groups;
  std::vector<double> out(static_cast<size_t>(k.n * k.o * oh * ow));
  for (int64_t n = 0; n < k.n; ++n)
    for (int64_t o = 0; o < k.o; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          double s = bias ? (*bias)[static_cast<size_t>(o)] : 0.0;
          const int64_t g = o / og;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t i = 0; i < k.kh; ++i)
              for (int64_t j = 0; j < k.kw; ++j) {
                const int64_t iy = y * k.stride[0] - k.padding[0] + i * k.dilation[0];
                const int64_t ix = x * k.stride[1] - k.padding[1] + j * k.dilation[1];
                if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w) continue;
                s += in[static_cast<size_t>(((n * k.c + g * cg + ci) * k.h + iy) * k.w + ix)] *
                     wt[static_cast<size_t>(((o * cg + ci) * k.kh + i) * k.kw + j)];
              }
          out[static_cast<size_t>(((n * k.o + o) * oh + y) * ow + x)] = s;
        }
  return out;
}

int64_t out_size(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) {
  return (in + 2 * p - d * (k - 1) - 1) / s + 1;
}

void run_conv2d_case(const ConvCase& k, DType dt, bool with_bias, uint32_t seed) {
  const int64_t oh = out_size(k.h, k.kh, k.stride[0], k.padding[0], k.dilation[0]);
  const int64_t ow = out_size(k.w, k.kw, k.stride[1], k.padding[1], k.dilation[1]);
  if (oh < 1 || ow < 1) return;
  std::vector<double> in = rounded(reals(k.n * k.c * k.h * k.w, seed), dt);
  std::vector<double> wt = rounded(reals(k.o * (k.c / k.groups) * k.kh * k.kw, seed + 1), dt);
  std::vector<double> b = rounded(reals(k.o, seed + 2), dt);
  Tensor ti = make(in, Shape{k.n, k.c, k.h, k.w}, dt);
  Tensor tw = make(wt, Shape{k.o, k.c / k.groups, k.kh, k.kw}, dt);
  Tensor tb = with_bias ? make(b, Shape{k.o}, dt) : Tensor();
  Tensor r = conv2d(ti, tw, tb, k.stride, k.padding, k.dilation, k.groups);
  // Sums of up to ~150 products: allow their accumulated rounding.
  const double tol = dt == DType::F64 ? 1e-12 : dt == DType::F32 ? 1e-5 : tol_for(dt) * 4;
  check_close(r, Shape{k.n, k.o, oh, ow}, ref_conv2d(in, wt, with_bias ? &b : nullptr, k, oh, ow), tol);
}

}  // namespace

TEST_CASE("conv2d matches direct convolution over a grid of arguments", "[nn][conv]") {
  uint32_t seed = 1;
  for (int64_t groups : {1, 2, 4}) {
    for (int64_t s : {1, 2})
      for (int64_t p : {0, 1, 2})
        for (int64_t d : {1, 2}) {
          // groups == 4 == C is depthwise (O = 8: a channel multiplier of 2).
          ConvCase k{2, 4, 7, 6, groups == 4 ? 8 : 4, 3, 2, groups, {s, 1}, {p, p / 2}, {d, 1}};
          ConvCase k2{1, 4, 6, 7, 4, 2, 3, groups, {1, s}, {p / 2, p}, {1, d}};
          for (DType dt : {DType::F32, DType::F64}) {
            INFO("groups " << groups << " stride " << s << " padding " << p << " dilation " << d << " "
                           << dtype_name(dt));
            run_conv2d_case(k, dt, (seed & 1) != 0, seed);
            run_conv2d_case(k2, dt, (seed & 2) != 0, seed + 7);
            ++seed;
          }
        }
  }
}

TEST_CASE("conv2d on the BLAS path, pointwise kernels and reduced-precision dtypes", "[nn][conv]") {
  // og * k * p large enough for the per-sample GEMM on BLAS.
  ConvCase big{2, 16, 12, 12, 16, 3, 3, 1, {1, 1}, {1, 1}, {1, 1}};
  ConvCase big_grouped{2, 32, 10, 10, 32, 3, 3, 2, {2, 1}, {1, 0}, {1, 2}};
  ConvCase pointwise{2, 16, 20, 20, 24, 1, 1, 1, {1, 1}, {0, 0}, {1, 1}};
  ConvCase pointwise_small{3, 4, 5, 5, 2, 1, 1, 2, {1, 1}, {0, 0}, {1, 1}};
  ConvCase depthwise{2, 6, 9, 9, 6, 3, 3, 6, {1, 1}, {1, 1}, {1, 1}};
  // Narrow (one output channel per group) but not tiny: one pair goes to BLAS, many to the pool.
  ConvCase narrow_single{1, 1, 100, 90, 1, 3, 3, 1, {1, 1}, {1, 1}, {1, 1}};
  ConvCase narrow_many{4, 4, 100, 90, 4, 3, 3, 4, {1, 1}, {1, 1}, {2, 1}};
  for (DType dt : kFloatTypes) {
    INFO(dtype_name(dt));
    run_conv2d_case(big, dt, true, 11);
    run_conv2d_case(big_grouped, dt, false, 12);
    run_conv2d_case(pointwise, dt, true, 13);
    run_conv2d_case(pointwise_small, dt, true, 14);
    run_conv2d_case(depthwise, dt, true, 15);
    run_conv2d_case(narrow_single, dt, true, 16);
    run_conv2d_case(narrow_many, dt, false, 17);
  }
}

TEST_CASE("conv2d handles unbatched, empty and non-contiguous inputs", "[nn][conv]") {
  std::vector<double> in = reals(3 * 5 * 4, 3), wt = reals(2 * 3 * 2 * 2, 4);
  ConvCase k{1, 3, 5, 4, 2, 2, 2, 1, {1, 1}, {0, 0}, {1, 1}};
  std::vector<double> want = ref_conv2d(in, wt, nullptr, k, 4, 3);
  Tensor w = make(wt, Shape{2, 3, 2, 2}, DType::F64);
  check_close(conv2d(make(in, Shape{3, 5, 4}, DType::F64), w), Shape{2, 4, 3}, want, 1e-12);
  // The same input stored (H, W, C) and viewed as (1, C, H, W).
  std::vector<double> hwc(in.size());
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < 4; ++x)
        hwc[static_cast<size_t>((y * 4 + x) * 3 + c)] = in[static_cast<size_t>((c * 5 + y) * 4 + x)];
  Tensor view = make(hwc, Shape{60}, DType::F64).as_strided(Shape{1, 3, 5, 4}, Shape{0, 1, 12, 3}, 0);
  check_close(conv2d(view, w), Shape{1, 2, 4, 3}, want, 1e-12);
  CHECK(conv2d(zeros(Shape{0, 3, 5, 4}), zeros(Shape{2, 3, 2, 2})).shape() == Shape{0, 2, 4, 3});
  // No input channels: every output is the bias.
  Tensor r = conv2d(zeros(Shape{1, 0, 3, 3}), zeros(Shape{2, 0, 2, 2}), make({1.5, -2}, Shape{2}, DType::F32));
  check_close(r, Shape{1, 2, 2, 2}, {1.5, 1.5, 1.5, 1.5, -2, -2, -2, -2}, 0.0);
}

TEST_CASE("conv1d matches direct convolution", "[nn][conv]") {
  uint32_t seed = 50;
  for (int64_t groups : {1, 3})
    for (int64_t s : {1, 2})
      for (int64_t p : {0, 2})
        for (int64_t d : {1, 3})
          for (DType dt : kFloatTypes) {
            INFO("groups " << groups << " stride " << s << " padding " << p << " dilation " << d << " "
                           << dtype_name(dt));
            const int64_t n = 2, c = 3, l = 11, o = 6, kk = 3;
            std::vector<double> in = rounded(reals(n * c * l, seed), dt),
                                wt = rounded(reals(o * (c / groups) * kk, seed + 1), dt);
            std::vector<double> b = rounded(reals(o, seed + 2), dt);
            ++seed;
            // conv1d is conv2d of height 1 in the reference.
            ConvCase k{n, c, 1, l, o, 1, kk, groups, {1, s}, {0, p}, {1, d}};
            const int64_t ol = out_size(l, kk, s, p, d);
            std::vector<double> want = ref_conv2d(in, wt, &b, k, 1, ol);
            Tensor r = conv1d(make(in, Shape{n, c, l}, dt), make(wt, Shape{o, c / groups, kk}, dt),
                              make(b, Shape{o}, dt), s, p, d, groups);
            check_close(r, Shape{n, o, ol}, want, dt == DType::F64 ? 1e-12 : dt == DType::F32 ? 1e-5 : tol_for(dt) * 4);
            Tensor r2 = conv1d(make(std::vector<double>(in.begin(), in.begin() + c * l), Shape{c, l}, dt),
                               make(wt, Shape{o, c / groups, kk}, dt), make(b, Shape{o}, dt), s, p, d, groups);
            check_close(r2, Shape{o, ol}, std::vector<double>(want.begin(), want.begin() + o * ol),
                        dt == DType::F64   ? 1e-12
                        : dt == DType::F32 ? 1e-5
                                           : tol_for(dt) * 4);
          }
}

TEST_CASE("convolution errors", "[nn][conv][errors]") {
  Tensor x = zeros(Shape{1, 4, 5, 5}), w = zeros(Shape{2, 4, 3, 3});
  REQUIRE_THROWS_AS(conv2d(zeros(Shape{4, 5}), w), ShapeError);
  REQUIRE_THROWS_WITH(conv2d(zeros(Shape{4, 5}), w), Catch::Contains("[conv2d]") && Catch::Contains("4x5"));
  REQUIRE_THROWS_AS(conv2d(x, zeros(Shape{2, 3, 3, 3})), ShapeError);
  REQUIRE_THROWS_WITH(conv2d(x, zeros(Shape{2, 3, 3, 3})), Catch::Contains("2x3x3x3") && Catch::Contains("1x4x5x5"));
  REQUIRE_THROWS_AS(conv2d(x, zeros(Shape{3, 2, 3, 3}), Tensor(), {1, 1}, {0, 0}, {1, 1}, 2), ShapeError);
  REQUIRE_THROWS_WITH(conv2d(x, zeros(Shape{3, 2, 3, 3}), Tensor(), {1, 1}, {0, 0}, {1, 1}, 2),
                      Catch::Contains("groups"));
  REQUIRE_THROWS_AS(conv2d(x, w, Tensor(), {1, 1}, {0, 0}, {1, 1}, 0), InvalidArgumentError);
  REQUIRE_THROWS_AS(conv2d(x, w, zeros(Shape{3})), ShapeError);
  REQUIRE_THROWS_WITH(conv2d(x, w, zeros(Shape{3})), Catch::Contains("bias"));
  REQUIRE_THROWS_AS(conv2d(x, w, Tensor(), {0, 1}), InvalidArgumentError);
  REQUIRE_THROWS_WITH(conv2d(x, w, Tensor(), {1, 1}, {-1, 0}), Catch::Contains("padding"));
  REQUIRE_THROWS_AS(conv2d(zeros(Shape{1, 4, 2, 2}), w), ShapeError);
  REQUIRE_THROWS_WITH(conv2d(zeros(Shape{1, 4, 2, 2}), w), Catch::Contains("smaller than"));
  REQUIRE_THROWS_AS(conv2d(zeros(Shape{1, 4, 5, 5}, DType::I32), zeros(Shape{2, 4, 3, 3}, DType::I32)), DTypeError);
  REQUIRE_THROWS_WITH(conv2d(zeros(Shape{1, 4, 5, 5}, DType::I32), zeros(Shape{2, 4, 3, 3}, DType::I32)),
                      Catch::Contains("floating"));
  REQUIRE_THROWS_AS(conv1d(zeros(Shape{1, 4, 5, 5}), zeros(Shape{2, 4, 3})), ShapeError);
  REQUIRE_THROWS_WITH(conv1d(zeros(Shape{1, 4, 5}), zeros(Shape{2, 3, 3})),
                      Catch::Contains("[conv1d]") && Catch::Contains("1x4x5") && Catch::Contains("2x3x3"));
  REQUIRE_THROWS_AS(conv2d(Tensor(), w), InvalidArgumentError);
}

namespace {

struct PoolCase {
  int64_t planes, h, w;
  Size2 kernel, stride, padding, dilation;
};

// Max over the in-range taps of each window; first maximum wins, NaN wins over everything after it.
void ref_max_pool(const std::vector<double>& in, const PoolCase& k, int64_t oh, int64_t ow, std::vector<double>* out,
                  std::vector<double>* idx) {
  for (int64_t p = 0; p < k.planes; ++p)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x) {
        double best = -INFINITY;
        int64_t at = -1;
        for (int64_t i = 0; i < k.kernel[0]; ++i)
          for (int64_t j = 0; j < k.kernel[1]; ++j) {
            int64_t iy = y * k.stride[0] - k.padding[0] + i * k.dilation[0];
            int64_t ix = x * k.stride[1] - k.padding[1] + j * k.dilation[1];
            if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w) continue;
            double v = in[static_cast<size_t>((p * k.h + iy) * k.w + ix)];
            if (at < 0 || v > best || std::isnan(v)) {
              best = v;
              at = iy * k.w + ix;
            }
          }
        out->push_back(best);
        idx->push_back(static_cast<double>(at));
      }
}

}  // namespace

TEST_CASE("max_pool2d matches a naive loop, indices included", "[nn][pool]") {
  uint32_t seed = 70;
  for (Size2 kernel : {Size2{2, 2}, Size2{3, 2}})
    for (int64_t s : {0, 1, 2})
      for (int64_t p : {0, 1})
        for (int64_t d : {1, 2})
          for (DType dt : {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64, DType::U8}) {
            PoolCase k{6, 7, 6, kernel, {s == 0 ? kernel[0] : s, s == 0 ? kernel[1] : s}, {p, p}, {d, 1}};
            const int64_t oh = out_size(k.h, kernel[0], k.stride[0], p, d),
                          ow = out_size(k.w, kernel[1], k.stride[1], p, 1);
            INFO(dtype_name(dt) << " s " << s << " p " << p << " d " << d);
            // Small integers, with ties, in every dtype (u8: non-negative).
            std::vector<double> in = reals(k.planes * k.h * k.w, seed++, dt == DType::U8 ? 0 : -6, 6);
            for (double& v : in) v = std::floor(v);
            std::vector<double> want, widx;
            ref_max_pool(in, k, oh, ow, &want, &widx);
            Tensor t = make(in, Shape{2, 3, 7, 6}, dt);
            auto [out, idx] = max_pool2d_with_indices(t, kernel, {s, s}, {p, p}, {d, 1});
            check_close(out, Shape{2, 3, oh, ow}, want, 0.0);
            CHECK(idx.dtype() == DType::I64);
            check_close(idx, Shape{2, 3, oh, ow}, widx, 0.0);
            check_close(max_pool2d(t, kernel, {s, s}, {p, p}, {d, 1}), Shape{2, 3, oh, ow}, want, 0.0);
          }
}

TEST_CASE("max_pool2d propagates NaN and accepts unbatched inputs", "[nn][pool]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Tensor t = make({1, nan, 3, 4, 5, 6, 7, 8, 9}, Shape{1, 3, 3}, DType::F32);
  auto [out, idx] = max_pool2d_with_indices(t, {2, 2}, {1, 1});
  check_close(out, Shape{1, 2, 2}, {nan, nan, 8, 9}, 0.0);
  check_close(idx, Shape{1, 2, 2}, {1, 1, 7, 8}, 0.0);
}

TEST_CASE("avg_pool2d matches a naive loop with and without padding in the count", "[nn][pool]") {
  uint32_t seed = 90;
  for (Size2 kernel : {Size2{2, 2}, Size2{3, 3}, Size2{3, 2}})
    for (int64_t s : {1, 2})
      for (int64_t p : {0, 1})
        for (bool include : {true, false})
          for (DType dt : kFloatTypes) {
            PoolCase k{4, 7, 5, kernel, {s, s}, {p, p}, {1, 1}};
            const int64_t oh = out_size(k.h, kernel[0], s, p, 1), ow = out_size(k.w, kernel[1], s, p, 1);
            std::vector<double> in = rounded(reals(k.planes * k.h * k.w, seed++), dt), want;
            for (int64_t pl = 0; pl < k.planes; ++pl)
              for (int64_t y = 0; y < oh; ++y)
                for (int64_t x = 0; x < ow; ++x) {
                  double sum = 0;
                  int64_t count = 0;
                  for (int64_t i = 0; i < kernel[0]; ++i)
                    for (int64_t j = 0; j < kernel[1]; ++j) {
                      int64_t iy = y * s - p + i, ix = x * s - p + j;
                      if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w) continue;
                      sum += in[static_cast<size_t>((pl * k.h + iy) * k.w + ix)];
                      ++count;
                    }
                  // Windows never pass the padded border here, so the padded count is the kernel area.
                  want.push_back(sum / static_cast<double>(include ? kernel[0] * kernel[1] : count));
                }
            INFO(dtype_name(dt) << " s " << s << " p " << p << " include " << include);
            check_close(avg_pool2d(make(in, Shape{2, 2, 7, 5}, dt), kernel, {s, s}, {p, p}, include),
                        Shape{2, 2, oh, ow}, want, tol_for(dt) * 2);
          }
}

TEST_CASE("adaptive_avg_pool2d uses PyTorch's cell boundaries", "[nn][pool]") {
  for (auto [h, w, oh, ow] :
       std::vector<std::array<int64_t, 4>>{{7, 5, 3, 2}, {4, 4, 4, 4}, {5, 6, 1, 1}, {3, 2, 5, 4}, {10, 9, 4, 7}})
    for (DType dt : kFloatTypes) {
      std::vector<double> in = rounded(reals(3 * h * w, static_cast<uint32_t>(h * 100 + w)), dt), want;
      for (int64_t p = 0; p < 3; ++p)
        for (int64_t y = 0; y < oh; ++y)
          for (int64_t x = 0; x < ow; ++x) {
            const int64_t y0 = static_cast<int64_t>(std::floor(static_cast<double>(y * h) / oh));
            const int64_t y1 = static_cast<int64_t>(std::ceil(static_cast<double>((y + 1) * h) / oh));
            const int64_t x0 = static_cast<int64_t>(std::floor(static_cast<double>(x * w) / ow));
            const int64_t x1 = static_cast<int64_t>(std::ceil(static_cast<double>((x + 1) * w) / ow));
            double sum = 0;
            for (int64_t i = y0; i < y1; ++i)
              for (int64_t j = x0; j < x1; ++j) sum += in[static_cast<size_t>((p * h + i) * w + j)];
            want.push_back(sum / static_cast<double>((y1 - y0) * (x1 - x0)));
          }
      INFO(dtype_name(dt) << " " << h << "x" << w << " -> " << oh << "x" << ow);
      check_close(adaptive_avg_pool2d(make(in, Shape{3, h, w}, dt), {oh, ow}), Shape{3, oh, ow}, want, tol_for(dt) * 2);
    }
}

TEST_CASE("pool errors", "[nn][pool][errors]") {
  Tensor x = zeros(Shape{1, 2, 5, 5});
  REQUIRE_THROWS_AS(max_pool2d(x, {2, 2}, {1, 1}, {2, 0}), InvalidArgumentError);
  REQUIRE_THROWS_WITH(max_pool2d(x, {2, 2}, {1, 1}, {2, 0}),
                      Catch::Contains("[max_pool2d]") && Catch::Contains("half"));
  REQUIRE_THROWS_AS(max_pool2d(x, {0, 2}), InvalidArgumentError);
  REQUIRE_THROWS_AS(max_pool2d(zeros(Shape{5, 5}), {2, 2}), ShapeError);
  REQUIRE_THROWS_WITH(max_pool2d(zeros(Shape{5, 5}), {2, 2}), Catch::Contains("5x5"));
  REQUIRE_THROWS_AS(max_pool2d(x, {6, 6}), ShapeError);
  REQUIRE_THROWS_WITH(max_pool2d(x, {3, 3}, {1, 1}, {0, 0}, {3, 3}), Catch::Contains("smaller than"));
  REQUIRE_THROWS_AS(max_pool2d(zeros(Shape{1, 2, 4, 4}, DType::Bool), {2, 2}), DTypeError);
  REQUIRE_THROWS_AS(avg_pool2d(zeros(Shape{1, 2, 4, 4}, DType::I32), {2, 2}), DTypeError);
  REQUIRE_THROWS_WITH(avg_pool2d(zeros(Shape{1, 2, 4, 4}, DType::I32), {2, 2}),
                      Catch::Contains("[avg_pool2d]") && Catch::Contains("int32"));
  REQUIRE_THROWS_AS(adaptive_avg_pool2d(x, {-1, 2}), InvalidArgumentError);
  REQUIRE_THROWS_AS(adaptive_avg_pool2d(zeros(Shape{1, 2, 0, 4}), {2, 2}), ShapeError);
  REQUIRE_THROWS_AS(adaptive_avg_pool2d(zeros(Shape{2, 4}), {2, 2}), ShapeError);
}
