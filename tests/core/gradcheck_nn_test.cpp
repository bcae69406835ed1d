// Gradient cases of softmax, convolution and pooling and of their backward ops (checked against finite
// differences by gradcheck_coverage_test), second-order checks, ties and error paths.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/elementwise.h"
#include "core/ops/nn.h"
#include "core/ops/nn_grad.h"
#include "core/ops/reduce.h"
#include "gradcheck/gradcheck.h"
#include "gradcheck/second_order.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::literal;
using testing::random_input;
using Inputs = std::vector<Tensor>;

Inputs one(const Shape& s, uint64_t seed) { return {random_input(s, seed)}; }
Inputs two(const Shape& a, const Shape& b, uint64_t seed) { return {random_input(a, seed), random_input(b, seed + 1)}; }
Inputs three(const Shape& a, const Shape& b, const Shape& c, uint64_t seed) {
  return {random_input(a, seed), random_input(b, seed + 1), random_input(c, seed + 2)};
}

// --- softmax ---------------------------------------------------------------------------------------
TFL_GRAD_CASE(GradCase{"softmax", "softmax along the last axis", [] { return one({3, 4}, 401); },
                       [](const Inputs& x) { return softmax(x[0], -1); }});
TFL_GRAD_CASE(GradCase{"softmax", "softmax along axis 0 of 3-D", [] { return one({3, 2, 2}, 402); },
                       [](const Inputs& x) { return softmax(x[0], 0); }});
TFL_GRAD_CASE(GradCase{"softmax", "second order of softmax", [] { return one({2, 4}, 403); },
                       [](const Inputs& x) {
                         return testing::recorded_gradient([](const Inputs& v) { return softmax(v[0], 1); }, x);
                       }});
TFL_GRAD_CASE(GradCase{"log_softmax", "log_softmax along axis 1", [] { return one({2, 5, 2}, 404); },
                       [](const Inputs& x) { return log_softmax(x[0], 1); }});
TFL_GRAD_CASE(GradCase{"log_softmax", "second order of log_softmax", [] { return one({3, 3}, 405); },
                       [](const Inputs& x) {
                         return testing::recorded_gradient([](const Inputs& v) { return log_softmax(v[0], -1); }, x);
                       }});

// --- conv2d / conv1d --------------------------------------------------------------------------------
TFL_GRAD_CASE(GradCase{"conv2d", "conv2d 3x3 with bias", [] { return three({2, 3, 5, 5}, {4, 3, 3, 3}, {4}, 411); },
                       [](const Inputs& x) { return conv2d(x[0], x[1], x[2]); }});
TFL_GRAD_CASE(GradCase{"conv2d", "conv2d stride 2, padding 1", [] { return three({1, 2, 6, 5}, {3, 2, 3, 3}, {3}, 414); },
                       [](const Inputs& x) { return conv2d(x[0], x[1], x[2], {2, 2}, {1, 1}); }});
TFL_GRAD_CASE(GradCase{"conv2d", "conv2d dilation 2, padding (1, 2)", [] { return two({1, 2, 7, 7}, {2, 2, 3, 2}, 417); },
                       [](const Inputs& x) { return conv2d(x[0], x[1], Tensor(), {1, 1}, {1, 2}, {2, 2}); }});
TFL_GRAD_CASE(GradCase{"conv2d", "conv2d groups 2, stride (2, 1)", [] { return three({2, 4, 5, 4}, {6, 2, 2, 3}, {6}, 419); },
                       [](const Inputs& x) { return conv2d(x[0], x[1], x[2], {2, 1}, {0, 1}, {1, 1}, 2); }});
TFL_GRAD_CASE(GradCase{"conv2d", "depthwise conv2d (groups = C, 2 filters each)", [] { return two({2, 3, 5, 5}, {6, 1, 3, 3}, 422); },
                       [](const Inputs& x) { return conv2d(x[0], x[1], Tensor(), {1, 1}, {1, 1}, {1, 1}, 3); }});
TFL_GRAD_CASE(GradCase{"conv2d", "conv2d of an unbatched (C, H, W) input", [] { return three({2, 4, 4}, {3, 2, 2, 2}, {3}, 424); },
                       [](const Inputs& x) { return conv2d(x[0], x[1], x[2], {1, 1}, {1, 1}); }});
TFL_GRAD_CASE(GradCase{"conv2d", "second order of conv2d w.r.t. input", [] { return two({1, 2, 4, 4}, {2, 2, 2, 2}, 427); },
                       [](const Inputs& x) {
                         return testing::recorded_gradient(
                             [](const Inputs& v) {
                               Tensor y = conv2d(v[0], v[1], Tensor(), {1, 1}, {1, 1});
                               return mul(y, y);
                             },
                             x, 0);
                       }});
TFL_GRAD_CASE(GradCase{"conv2d", "second order of conv2d w.r.t. weight", [] { return two({1, 2, 4, 4}, {2, 1, 2, 2}, 429); },
                       [](const Inputs& x) {
                         return testing::recorded_gradient(
                             [](const Inputs& v) {
                               Tensor y = conv2d(v[0], v[1], Tensor(), {2, 2}, {1, 1}, {1, 1}, 2);
                               return mul(y, y);
                             },
                             x, 1);
                       }});
TFL_GRAD_CASE(GradCase{"conv1d", "conv1d with bias", [] { return three({2, 3, 7}, {4, 3, 3}, {4}, 431); },
                       [](const Inputs& x) { return conv1d(x[0], x[1], x[2]); }});
TFL_GRAD_CASE(GradCase{"conv1d", "conv1d stride 2, padding 1, dilation 2, groups 2", [] { return two({2, 4, 9}, {2, 2, 3}, 434); },
                       [](const Inputs& x) { return conv1d(x[0], x[1], Tensor(), 2, 1, 2, 2); }});
TFL_GRAD_CASE(GradCase{"conv1d", "conv1d of an unbatched (C, L) input", [] { return three({2, 6}, {3, 2, 2}, {3}, 436); },
                       [](const Inputs& x) { return conv1d(x[0], x[1], x[2], 1, 1); }});

// The backward ops themselves (their own backward gives conv2d's higher-order gradients).
TFL_GRAD_CASE(GradCase{"conv2d_input_grad", "conv2d_input_grad stride 2, padding 1, groups 2",
                       [] { return two({2, 4, 3, 3}, {4, 1, 3, 3}, 441); },
                       [](const Inputs& x) {
                         return conv2d_input_grad(x[0], x[1], Shape{2, 2, 6, 5}, Conv2dSpec{{2, 2}, {1, 1}, {1, 1}, 2});
                       }});
TFL_GRAD_CASE(GradCase{"conv2d_weight_grad", "conv2d_weight_grad dilation 2, padding 1",
                       [] { return two({2, 2, 5, 5}, {2, 3, 5, 5}, 443); },
                       [](const Inputs& x) {
                         return conv2d_weight_grad(x[0], x[1], Shape{3, 2, 2, 2}, Conv2dSpec{{1, 1}, {1, 1}, {2, 2}, 1});
                       }});

// --- pooling ----------------------------------------------------------------------------------------
TFL_GRAD_CASE(GradCase{"max_pool2d", "max_pool2d 3x3 stride 2 padding 1 (overlapping windows)",
                       [] { return one({2, 2, 6, 5}, 451); },
                       [](const Inputs& x) { return max_pool2d(x[0], {3, 3}, {2, 2}, {1, 1}); }});
TFL_GRAD_CASE(GradCase{"max_pool2d", "max_pool2d 2x2 dilation 2 on (C, H, W), stride 1", [] { return one({2, 5, 5}, 452); },
                       [](const Inputs& x) { return max_pool2d(x[0], {2, 2}, {1, 1}, {0, 0}, {2, 2}); }});
TFL_GRAD_CASE(GradCase{"max_pool2d", "max_pool2d_with_indices values", [] { return one({1, 2, 4, 4}, 453); },
                       [](const Inputs& x) { return max_pool2d_with_indices(x[0], {2, 2}).first; }});
TFL_GRAD_CASE(GradCase{"avg_pool2d", "avg_pool2d 3x3 stride 2 padding 1, count_include_pad",
                       [] { return one({2, 2, 5, 6}, 454); },
                       [](const Inputs& x) { return avg_pool2d(x[0], {3, 3}, {2, 2}, {1, 1}, true); }});
TFL_GRAD_CASE(GradCase{"avg_pool2d", "avg_pool2d 3x2 stride 1 padding 1, padding not counted",
                       [] { return one({2, 4, 5}, 455); },
                       [](const Inputs& x) { return avg_pool2d(x[0], {3, 2}, {1, 1}, {1, 1}, false); }});
TFL_GRAD_CASE(GradCase{"adaptive_avg_pool2d", "adaptive_avg_pool2d 5x7 -> 3x4 (overlapping cells)",
                       [] { return one({2, 2, 5, 7}, 456); },
                       [](const Inputs& x) { return adaptive_avg_pool2d(x[0], {3, 4}); }});
TFL_GRAD_CASE(GradCase{"avg_pool2d_grad", "avg_pool2d_grad 3x3 stride 2 padding 1", [] { return one({2, 3, 3}, 457); },
                       [](const Inputs& x) { return avg_pool2d_grad(x[0], Shape{2, 5, 6}, {3, 3}, {2, 2}, {1, 1}, false); }});
TFL_GRAD_CASE(GradCase{"adaptive_avg_pool2d_grad", "adaptive_avg_pool2d_grad 3x4 -> 5x7", [] { return one({1, 2, 3, 4}, 458); },
                       [](const Inputs& x) { return adaptive_avg_pool2d_grad(x[0], Shape{1, 2, 5, 7}); }});

std::vector<double> vals(const Tensor& t) {
  Tensor c = contiguous(to_dtype(t, DType::F64));
  const double* p = c.data<double>();
  return std::vector<double>(p, p + c.numel());
}

}  // namespace

TEST_CASE("max_pool2d sends the gradient to the first of tied maxima, accumulating over windows", "[autograd][nn]") {
  // 1x1x3x3, all equal except a larger centre; 2x2 windows with stride 1 all contain the centre.
  Tensor x = literal({1, 1, 1, 1, 5, 1, 1, 1, 1}, {1, 1, 3, 3});
  Tensor g = autograd::grad({sum(max_pool2d(x, {2, 2}, {1, 1}))}, {x})[0];
  std::vector<double> want{0, 0, 0, 0, 4, 0, 0, 0, 0};
  CHECK(vals(g) == want);
  // Equal values: each window's gradient goes to its first element (row-major).
  Tensor y = literal({2, 2, 2, 2}, {1, 1, 2, 2});
  Tensor gy = autograd::grad({sum(max_pool2d(y, {2, 2}))}, {y})[0];
  CHECK(vals(gy) == std::vector<double>{1, 0, 0, 0});
}

TEST_CASE("conv2d gradients in f32 agree with f64", "[autograd][nn]") {
  Tensor x64 = random_input({2, 3, 6, 6}, 501), w64 = random_input({4, 3, 3, 3}, 502);
  std::vector<Tensor> g64 = autograd::grad({sum(conv2d(x64, w64, Tensor(), {2, 2}, {1, 1}))}, {x64, w64});
  Tensor x32 = to_dtype(autograd::detach(x64), DType::F32), w32 = to_dtype(autograd::detach(w64), DType::F32);
  autograd::set_requires_grad(x32, true);
  autograd::set_requires_grad(w32, true);
  std::vector<Tensor> g32 = autograd::grad({sum(conv2d(x32, w32, Tensor(), {2, 2}, {1, 1}))}, {x32, w32});
  REQUIRE(g32[0].dtype() == DType::F32);
  for (int i = 0; i < 2; ++i) {
    std::vector<double> a = vals(g64[i]), b = vals(g32[i]);
    REQUIRE(a.size() == b.size());
    for (size_t j = 0; j < a.size(); ++j) CHECK(b[j] == Approx(a[j]).margin(1e-4));
  }
}

TEST_CASE("conv2d gradient of a sum matches a naive loop", "[autograd][nn]") {
  // d sum(conv(x, w)) / d w[o, c, i, j] = sum over n and valid output positions of the tapped input.
  Tensor x = random_input({2, 2, 4, 5}, 511), w = random_input({3, 2, 2, 3}, 512);
  Tensor gw = autograd::grad({sum(conv2d(x, w, Tensor(), {1, 2}, {1, 0}))}, {w})[0];
  const double* xp = x.data<double>();
  std::vector<double> got = vals(gw);
  const int64_t oh = (4 + 2 - 2) / 1 + 1, ow = (5 - 3) / 2 + 1;
  for (int64_t o = 0; o < 3; ++o)
    for (int64_t c = 0; c < 2; ++c)
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 3; ++j) {
          double want = 0;
          for (int64_t n = 0; n < 2; ++n)
            for (int64_t y = 0; y < oh; ++y)
              for (int64_t z = 0; z < ow; ++z) {
                const int64_t ih = y - 1 + i, iw = z * 2 + j;
                if (ih >= 0 && ih < 4 && iw >= 0 && iw < 5) want += xp[((n * 2 + c) * 4 + ih) * 5 + iw];
              }
          CHECK(got[((o * 2 + c) * 2 + i) * 3 + j] == Approx(want));
        }
}

TEST_CASE("softmax gradient rows sum to zero; log_softmax matches closed form", "[autograd][nn]") {
  Tensor x = literal({0.2, -1.0, 0.5, 3.0, 0.0, -2.0}, {2, 3});
  Tensor w = literal({1.0, 2.0, 3.0, -1.0, 0.5, 2.0}, {2, 3}, false);
  Tensor g = autograd::grad({sum(mul(log_softmax(x, 1), w))}, {x})[0];
  const double xs[2][3] = {{0.2, -1.0, 0.5}, {3.0, 0.0, -2.0}}, ws[2][3] = {{1, 2, 3}, {-1, 0.5, 2}};
  std::vector<double> got = vals(g);
  for (int r = 0; r < 2; ++r) {
    double z = 0, wsum = 0;
    for (int c = 0; c < 3; ++c) {
      z += std::exp(xs[r][c]);
      wsum += ws[r][c];
    }
    for (int c = 0; c < 3; ++c) CHECK(got[r * 3 + c] == Approx(ws[r][c] - std::exp(xs[r][c]) / z * wsum));
  }
  Tensor gs = autograd::grad({sum(mul(softmax(x, 1), w))}, {x})[0];
  std::vector<double> s = vals(gs);
  CHECK(s[0] + s[1] + s[2] == Approx(0.0).margin(1e-12));
  CHECK(s[3] + s[4] + s[5] == Approx(0.0).margin(1e-12));
}

TEST_CASE("conv and pool backward ops reject mismatched shapes", "[autograd][nn]") {
  Tensor g = random_input({1, 2, 3, 3}, 521, -1.0, 1.0, false), w = random_input({2, 1, 3, 3}, 522, -1.0, 1.0, false);
  REQUIRE_THROWS_AS(conv2d_input_grad(g, w, Shape{1, 1, 6, 6}, Conv2dSpec{}), ShapeError);
  REQUIRE_THROWS_WITH(conv2d_input_grad(g, w, Shape{1, 1, 6, 6}, Conv2dSpec{}), Catch::Contains("does not match"));
  REQUIRE_THROWS_WITH(conv2d_weight_grad(g, g, Shape{2, 3, 3}, Conv2dSpec{}), Catch::Contains("4-D"));
  REQUIRE_THROWS_AS(conv2d_input_grad(g, w, Shape{1, 1, 5, 5}, Conv2dSpec{{0, 1}, {0, 0}, {1, 1}, 1}),
                    InvalidArgumentError);
  REQUIRE_THROWS_WITH(avg_pool2d_grad(g, Shape{1, 2, 9, 9}, {2, 2}), Catch::Contains("does not match"));
  REQUIRE_THROWS_AS(adaptive_avg_pool2d_grad(g, Shape{2, 5, 5}), ShapeError);
  Tensor gi = to_dtype(g, DType::I32);
  REQUIRE_THROWS_AS(avg_pool2d_grad(gi, Shape{1, 2, 6, 6}, {2, 2}), DTypeError);
}
