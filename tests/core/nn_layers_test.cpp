// Tests of the layers: forward against naive loops written here, train/eval behaviour, state dicts,
// and finite-difference gradient checks of parameters and inputs (f64).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <initializer_list>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/autograd/differentiable.h"
#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/nn/activation.h"
#include "core/nn/conv.h"
#include "core/nn/dropout.h"
#include "core/nn/embedding.h"
#include "core/nn/flatten.h"
#include "core/nn/linear.h"
#include "core/nn/norm.h"
#include "core/nn/pool.h"
#include "core/nn/sequential.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/random.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"
#include "gradcheck/gradcheck.h"

using namespace tfl;
using namespace tfl::nn;
namespace ag = tfl::autograd;
using Catch::Contains;

namespace {

Tensor make(const std::vector<double>& v, const Shape& shape, DType dt = DType::F64) {
  return to_dtype(from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64), dt);
}

std::vector<double> values(const Tensor& t) {
  Tensor d = contiguous(to_dtype(t, DType::F64));
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

void check_close(const Tensor& got, const Shape& shape, const std::vector<double>& want, double tol) {
  REQUIRE(got.shape() == shape);
  std::vector<double> g = values(got);
  REQUIRE(g.size() == want.size());
  for (size_t i = 0; i < g.size(); ++i) {
    INFO("element " << i << ": got " << g[i] << ", want " << want[i]);
    CHECK(std::abs(g[i] - want[i]) <= tol * (1.0 + std::abs(want[i])));
  }
}

std::vector<std::string> keys(const StateDict& d) {
  std::vector<std::string> k;
  for (const auto& [name, t] : d) k.push_back(name);
  return k;
}

// Layers are compositions of ops, so their gradients come from the ops' recorded backwards. An op
// that does not record one fails the test (rather than skipping the check) so nothing escapes.
bool differentiable(std::initializer_list<const char*> ops) {
  bool all = true;
  for (const char* op : ops) {
    INFO("op '" << op << "' does not record its backward");
    CHECK(ag::is_registered_differentiable(op));
    all = all && ag::is_registered_differentiable(op);
  }
  return all;
}

// Finite-difference check of d(fn(inputs))/d(inputs requiring grad); the layer's parameters are passed
// among the inputs so that they are perturbed in place and checked too.
void check_layer_gradients(const std::string& name, std::function<std::vector<Tensor>()> make_inputs,
                           std::function<Tensor(const std::vector<Tensor>&)> fn, double atol = 1e-6,
                           double rtol = 1e-5) {
  testing::GradCase c{"nn", name, std::move(make_inputs), std::move(fn), atol, rtol};
  std::string report = testing::check_gradients(c);
  INFO(report);
  CHECK(report.empty());
}

// Parameters of m followed by x, as gradcheck inputs.
std::vector<Tensor> with_params(const Module& m, Tensor x) {
  std::vector<Tensor> in{x};
  for (const Tensor& p : m.parameters()) in.push_back(p);
  return in;
}

// Naive 2-D cross-correlation, (N, C, H, W) x (O, C/g, KH, KW).
std::vector<double> naive_conv2d(const std::vector<double>& x, Shape xs, const std::vector<double>& w, Shape ws,
                                 const std::vector<double>& b, Size2 st, Size2 pd, Size2 dl, int64_t groups,
                                 Shape* out_shape) {
  int64_t N = xs[0], C = xs[1], H = xs[2], W = xs[3], O = ws[0], CG = ws[1], KH = ws[2], KW = ws[3];
  int64_t OH = (H + 2 * pd[0] - dl[0] * (KH - 1) - 1) / st[0] + 1;
  int64_t OW = (W + 2 * pd[1] - dl[1] * (KW - 1) - 1) / st[1] + 1;
  *out_shape = Shape{N, O, OH, OW};
  std::vector<double> y(static_cast<size_t>(N * O * OH * OW));
  int64_t OG = O / groups;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double s = b.empty() ? 0.0 : b[static_cast<size_t>(o)];
          int64_t g = o / OG;
          for (int64_t c = 0; c < CG; ++c)
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t ih = oh * st[0] - pd[0] + kh * dl[0], iw = ow * st[1] - pd[1] + kw * dl[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                int64_t ci = g * CG + c;
                s += x[static_cast<size_t>(((n * C + ci) * H + ih) * W + iw)] *
                     w[static_cast<size_t>(((o * CG + c) * KH + kh) * KW + kw)];
              }
          y[static_cast<size_t>(((n * O + o) * OH + oh) * OW + ow)] = s;
        }
  (void)C;
  return y;
}

}  // namespace

// --- Linear ------------------------------------------------------------------------------------------

TEST_CASE("Linear computes x W^T + b for batched, 1-D and strided inputs", "[nn][layers]") {
  for (DType dt : {DType::F32, DType::F64}) {
    Linear lin(4, 3, true, dt);
    std::vector<double> w = values(lin.weight()), b = values(lin.bias());
    std::vector<double> x = reals(2 * 5 * 4, 1);
    std::vector<double> want;
    for (int64_t r = 0; r < 10; ++r)
      for (int64_t o = 0; o < 3; ++o) {
        double s = b[static_cast<size_t>(o)];
        for (int64_t k = 0; k < 4; ++k) s += x[static_cast<size_t>(r * 4 + k)] * w[static_cast<size_t>(o * 4 + k)];
        want.push_back(s);
      }
    double tol = dt == DType::F32 ? 1e-5 : 1e-12;
    check_close(lin(make(x, {2, 5, 4}, dt)), {2, 5, 3}, want, tol);
    check_close(lin(make({x.begin(), x.begin() + 4}, {4}, dt)), {3}, {want.begin(), want.begin() + 3}, tol);
    // A transposed view: rows of xt.T are the rows of x.
    Tensor xt = transpose(contiguous(transpose(make({x.begin(), x.begin() + 8}, {2, 4}, dt), 0, 1)), 0, 1);
    REQUIRE_FALSE(xt.is_contiguous());
    check_close(lin(xt), {2, 3}, {want.begin(), want.begin() + 6}, tol);
  }
  Linear nb(4, 2, false, DType::F64);
  CHECK_FALSE(nb.bias().defined());
  CHECK(keys(nb.state_dict()) == std::vector<std::string>{"weight"});
  check_close(nb(zeros({0, 4}, DType::F64)), {0, 2}, {}, 0);
  REQUIRE_THROWS_WITH(nb(zeros({2, 5}, DType::F64)), Contains("[Linear] expects input of shape (*, 4), got 2x5"));
  REQUIRE_THROWS_AS(nb(zeros({}, DType::F64)), ShapeError);
  REQUIRE_THROWS_AS(Linear(-1, 2), LayerConfigError);
  REQUIRE_THROWS_AS(Linear(1, 2, true, DType::I32), DTypeError);
}

TEST_CASE("Linear gradients match finite differences", "[nn][layers][grad]") {
  if (!differentiable({"matmul", "transpose", "add"})) return;
  auto lin = std::make_shared<Linear>(3, 2, true, DType::F64);
  check_layer_gradients("Linear 2x4x3", [lin] { return with_params(*lin, testing::random_input({2, 4, 3}, 1)); },
                        [lin](const std::vector<Tensor>& in) { return (*lin)(in[0]); });
}

// --- Conv --------------------------------------------------------------------------------------------

TEST_CASE("Conv2d matches a naive convolution with stride, padding, dilation and groups", "[nn][layers]") {
  struct Cfg {
    int64_t c, o;
    Size2 k, s, p, d;
    int64_t g;
    bool bias;
  };
  for (Cfg cfg : {Cfg{2, 3, {3, 3}, {1, 1}, {0, 0}, {1, 1}, 1, true}, Cfg{4, 6, {3, 2}, {2, 1}, {1, 1}, {1, 2}, 2, true},
                  Cfg{3, 3, {3, 3}, {1, 1}, {1, 1}, {1, 1}, 3, false}}) {
    Conv2d conv(cfg.c, cfg.o, cfg.k, cfg.s, cfg.p, cfg.d, cfg.g, cfg.bias, DType::F64);
    Shape xs{2, cfg.c, 6, 7};
    std::vector<double> x = reals(2 * cfg.c * 42, 3);
    Shape os;
    std::vector<double> want = naive_conv2d(x, xs, values(conv.weight()), conv.weight().shape(),
                                            cfg.bias ? values(conv.bias()) : std::vector<double>{}, cfg.s, cfg.p,
                                            cfg.d, cfg.g, &os);
    check_close(conv(make(x, xs)), os, want, 1e-12);
  }
  Conv2d conv(2, 4, {3, 3});
  CHECK(conv.weight().shape() == Shape{4, 2, 3, 3});
  CHECK(conv.parameter_count() == 4 * 2 * 9 + 4);
  // PyTorch's default init: bound 1 / sqrt(fan_in) = 1 / sqrt(18) for weight and bias.
  for (double v : values(conv.weight())) CHECK(std::abs(v) <= 1.0 / std::sqrt(18.0));
  CHECK(conv(zeros({2, 5, 5})).shape() == Shape{4, 3, 3});  // unbatched
  REQUIRE_THROWS_WITH(conv(zeros({1, 3, 5, 5})), Contains("[Conv2d] expects 2 input channels"));
  REQUIRE_THROWS_WITH(conv(zeros({5, 5})), Contains("3-D or 4-D input"));
  REQUIRE_THROWS_WITH(Conv2d(3, 4, {3, 3}, {1, 1}, {0, 0}, {1, 1}, 2), Contains("divisible by groups"));
  REQUIRE_THROWS_AS(Conv2d(2, 4, {0, 3}), LayerConfigError);
  CHECK(conv.to_string() == "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1))");
}

TEST_CASE("Conv1d matches a naive convolution", "[nn][layers]") {
  Conv1d conv(4, 2, 3, 2, 1, 2, 2, true, DType::F64);
  CHECK(conv.weight().shape() == Shape{2, 2, 3});
  std::vector<double> x = reals(3 * 4 * 9, 4);
  // The same computation as a 2-D convolution over height 1.
  Shape os;
  Shape ws{2, 2, 1, 3};
  std::vector<double> want =
      naive_conv2d(x, {3, 4, 1, 9}, values(conv.weight()), ws, values(conv.bias()), {1, 2}, {0, 1}, {1, 2}, 2, &os);
  check_close(conv(make(x, {3, 4, 9})), {3, 2, os[3]}, want, 1e-12);
  REQUIRE_THROWS_AS(conv(zeros({3, 3, 9}, DType::F64)), ShapeError);
}

TEST_CASE("Conv gradients match finite differences", "[nn][layers][grad]") {
  if (!differentiable({"conv2d"})) return;
  auto c2 = std::make_shared<Conv2d>(4, 2, Size2{3, 2}, Size2{2, 1}, Size2{1, 1}, Size2{1, 1}, 2, true, DType::F64);
  check_layer_gradients("Conv2d groups 2", [c2] { return with_params(*c2, testing::random_input({2, 4, 5, 4}, 2)); },
                        [c2](const std::vector<Tensor>& in) { return (*c2)(in[0]); });
  if (!differentiable({"conv1d"})) return;
  auto c1 = std::make_shared<Conv1d>(2, 3, 3, 1, 1, 1, 1, true, DType::F64);
  check_layer_gradients("Conv1d", [c1] { return with_params(*c1, testing::random_input({2, 2, 6}, 3)); },
                        [c1](const std::vector<Tensor>& in) { return (*c1)(in[0]); });
}

// --- pooling, flatten, activations -------------------------------------------------------------------

TEST_CASE("pooling modules use the kernel as default stride", "[nn][layers]") {
  std::vector<double> x(16);
  for (int i = 0; i < 16; ++i) x[static_cast<size_t>(i)] = i;
  Tensor t = make(x, {1, 1, 4, 4});
  // Windows of the 4x4 ramp 0..15: {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15}.
  check_close(MaxPool2d({2, 2})(t), {1, 1, 2, 2}, {5, 7, 13, 15}, 0);
  check_close(AvgPool2d({2, 2})(t), {1, 1, 2, 2}, {2.5, 4.5, 10.5, 12.5}, 1e-15);
  check_close(MaxPool2d({3, 3}, {1, 1})(t), {1, 1, 2, 2}, {10, 11, 14, 15}, 0);
  // Padding 1 with count_include_pad = false divides the corner window by its 4 real elements.
  check_close(AvgPool2d({3, 3}, {3, 3}, {1, 1}, false)(t), {1, 1, 2, 2}, {2.5, 4.5, 10.5, 12.5}, 1e-15);
  check_close(AdaptiveAvgPool2d({1, 1})(t), {1, 1, 1, 1}, {7.5}, 1e-15);
  check_close(AdaptiveAvgPool2d({2, 1})(t), {1, 1, 2, 1}, {3.5, 11.5}, 1e-15);
  REQUIRE_THROWS_AS(MaxPool2d({0, 2}), LayerConfigError);
  REQUIRE_THROWS_AS(AdaptiveAvgPool2d({0, 1}), LayerConfigError);
}

TEST_CASE("Flatten merges all axes but the batch by default", "[nn][layers]") {
  Tensor x = zeros({2, 3, 4, 5});
  CHECK(Flatten()(x).shape() == Shape{2, 60});
  CHECK(Flatten(0, -1)(x).shape() == Shape{120});
  CHECK(Flatten(1, 2)(x).shape() == Shape{2, 12, 5});
  std::vector<double> v = reals(24, 5);
  CHECK(values(Flatten()(make(v, {2, 3, 4}))) == v);
}

TEST_CASE("activation modules apply their formulas", "[nn][layers]") {
  std::vector<double> x{-3.0, -0.5, 0.0, 0.25, 2.0};
  Tensor t = make(x, {5});
  auto each = [&](double (*f)(double)) {
    std::vector<double> r;
    for (double v : x) r.push_back(f(v));
    return r;
  };
  check_close(ReLU()(t), {5}, each([](double v) { return v > 0 ? v : 0.0; }), 0);
  check_close(LeakyReLU(0.2)(t), {5}, each([](double v) { return v > 0 ? v : 0.2 * v; }), 1e-15);
  check_close(GELU()(t), {5}, each([](double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); }), 1e-14);
  check_close(GELU(true)(t), {5}, each([](double v) {
                return 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
              }),
              1e-14);
  check_close(SiLU()(t), {5}, each([](double v) { return v / (1 + std::exp(-v)); }), 1e-14);
  check_close(Tanh()(t), {5}, each([](double v) { return std::tanh(v); }), 1e-14);
  check_close(Sigmoid()(t), {5}, each([](double v) { return 1 / (1 + std::exp(-v)); }), 1e-14);
  // Softmax over axis 0 of a 2x2: columns sum to one.
  Tensor m = make({0, 1, 2, 4}, {2, 2});
  double e2 = std::exp(2.0), e3 = std::exp(3.0);
  check_close(Softmax(0)(m), {2, 2}, {1 / (1 + e2), 1 / (1 + e3), e2 / (1 + e2), e3 / (1 + e3)}, 1e-14);
  CHECK(LeakyReLU(0.2).to_string() == "LeakyReLU(negative_slope=0.2)");
  CHECK(Softmax(1).to_string() == "Softmax(axis=1)");
}

TEST_CASE("activation and pooling gradients match finite differences", "[nn][layers][grad]") {
  struct Act {
    const char* op;
    std::shared_ptr<Module> m;
  };
  for (const Act& a : {Act{"relu", std::make_shared<ReLU>()}, Act{"leaky_relu", std::make_shared<LeakyReLU>(0.1)},
                       Act{"gelu", std::make_shared<GELU>()}, Act{"gelu", std::make_shared<GELU>(true)},
                       Act{"silu", std::make_shared<SiLU>()}, Act{"tanh", std::make_shared<Tanh>()},
                       Act{"sigmoid", std::make_shared<Sigmoid>()}, Act{"softmax", std::make_shared<Softmax>(1)},
                       Act{"max_pool2d", std::make_shared<MaxPool2d>(Size2{2, 2})},
                       Act{"avg_pool2d", std::make_shared<AvgPool2d>(Size2{2, 2}, Size2{1, 1}, Size2{1, 1})},
                       Act{"adaptive_avg_pool2d", std::make_shared<AdaptiveAvgPool2d>(Size2{2, 3})}}) {
    if (!differentiable({a.op})) continue;
    auto m = a.m;
    // Inputs away from the kinks of relu/leaky_relu and from ties of max_pool2d.
    check_layer_gradients(m->to_string(),
                          [] {
                            Tensor x = testing::random_input({2, 3, 4, 5}, 6, 0.05, 1.0);
                            ag::NoGradGuard g;
                            Tensor sign = make(reals(120, 7), {2, 3, 4, 5});
                            Tensor s = where(gt(sign, 0.0), x, neg(x));
                            Tensor out = clone(s);
                            ag::set_requires_grad(out, true);
                            return std::vector<Tensor>{out};
                          },
                          [m](const std::vector<Tensor>& in) { return (*m)(in[0]); });
  }
}

// --- BatchNorm ---------------------------------------------------------------------------------------

TEST_CASE("BatchNorm2d normalises with batch statistics in training and updates running stats", "[nn][layers]") {
  const int64_t N = 3, C = 2, H = 2, W = 2, per = N * H * W;
  std::vector<double> x = reals(N * C * H * W, 8, -2.0, 3.0);
  BatchNorm2d bn(C, 1e-5, 0.1, true, true, DType::F64);
  {
    ag::NoGradGuard g;
    copy_(bn.weight(), make({1.5, -0.5}, {2}));
    copy_(bn.bias(), make({0.25, 2.0}, {2}));
  }
  std::vector<double> mean_c(C, 0.0), var_c(C, 0.0);
  auto at = [&](int64_t n, int64_t c, int64_t i) { return x[static_cast<size_t>((n * C + c) * H * W + i)]; };
  for (int64_t c = 0; c < C; ++c) {
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < H * W; ++i) mean_c[c] += at(n, c, i) / per;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < H * W; ++i) var_c[c] += std::pow(at(n, c, i) - mean_c[c], 2) / per;
  }
  std::vector<double> want(x.size());
  double gamma[2] = {1.5, -0.5}, beta[2] = {0.25, 2.0};
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < H * W; ++i)
        want[static_cast<size_t>((n * C + c) * H * W + i)] =
            (at(n, c, i) - mean_c[c]) / std::sqrt(var_c[c] + 1e-5) * gamma[c] + beta[c];
  check_close(bn(make(x, {N, C, H, W})), {N, C, H, W}, want, 1e-12);
  // Running stats: 0.9 * (0, 1) + 0.1 * (batch mean, unbiased batch var).
  std::vector<double> rm, rv;
  for (int64_t c = 0; c < C; ++c) {
    rm.push_back(0.1 * mean_c[c]);
    rv.push_back(0.9 + 0.1 * var_c[c] * per / (per - 1));
  }
  check_close(bn.running_mean(), {C}, rm, 1e-12);
  check_close(bn.running_var(), {C}, rv, 1e-12);
  CHECK(bn.num_batches_tracked().item() == 1);
  CHECK(ag::is_leaf(bn.running_mean()));

  // Eval uses the running statistics and leaves them alone.
  bn.eval();
  std::vector<double> want_eval(x.size());
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < H * W; ++i)
        want_eval[static_cast<size_t>((n * C + c) * H * W + i)] =
            (at(n, c, i) - rm[c]) / std::sqrt(rv[c] + 1e-5) * gamma[c] + beta[c];
  check_close(bn(make(x, {N, C, H, W})), {N, C, H, W}, want_eval, 1e-12);
  check_close(bn.running_mean(), {C}, rm, 1e-12);
  CHECK(bn.num_batches_tracked().item() == 1);

  CHECK(keys(bn.state_dict()) ==
        std::vector<std::string>{"weight", "bias", "running_mean", "running_var", "num_batches_tracked"});
  CHECK(keys(bn.named_buffers()) == std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"});
  CHECK(bn.parameter_count() == 4);
}

TEST_CASE("BatchNorm1d: cumulative momentum, no running stats, errors", "[nn][layers]") {
  // momentum nullopt: the running mean is the plain average of the batch means.
  BatchNorm1d bn(2, 1e-5, std::nullopt, false, true, DType::F64);
  CHECK(bn.parameters().empty());
  bn(make({1, 10, 3, 30}, {2, 2}));  // batch means (2, 20)
  bn(make({5, 0, 7, 0}, {2, 2}));    // batch means (6, 0)
  check_close(bn.running_mean(), {2}, {4, 10}, 1e-12);
  // Unbiased variances: batch 1 (2, 200), batch 2 (2, 0): average (2, 100).
  check_close(bn.running_var(), {2}, {2, 100}, 1e-12);
  CHECK(bn.num_batches_tracked().item() == 2);

  // (N, C, L) input: statistics over N and L.
  BatchNorm1d bl(1, 0.0, 0.1, false, false, DType::F64);
  CHECK(bl.named_buffers().empty());
  check_close(bl(make({1, 3, 5, 7}, {2, 1, 2})), {2, 1, 2},
              {-3 / std::sqrt(5.0), -1 / std::sqrt(5.0), 1 / std::sqrt(5.0), 3 / std::sqrt(5.0)}, 1e-12);
  bl.eval();  // without running stats, eval also uses the batch
  check_close(bl(make({1, 3}, {2, 1})), {2, 1}, {-1, 1}, 1e-12);

  REQUIRE_THROWS_WITH(bn(make({1, 2}, {1, 2})), Contains("more than 1 value per channel"));
  REQUIRE_THROWS_WITH(bn(zeros({4, 3}, DType::F64)), Contains("[BatchNorm1d] expects a 2-D or 3-D input with 2"));
  REQUIRE_THROWS_WITH(BatchNorm2d(2)(zeros({4, 2})), Contains("4-D input"));
  REQUIRE_THROWS_AS(BatchNorm2d(0), LayerConfigError);
  REQUIRE_THROWS_AS(BatchNorm2d(2, 1e-5, 1.5), LayerConfigError);
}

TEST_CASE("BatchNorm state dict round trip restores running statistics", "[nn][layers]") {
  BatchNorm2d a(3, 1e-5, 0.1, true, true, DType::F64), b(3, 1e-5, 0.1, true, true, DType::F64);
  a(make(reals(2 * 3 * 4, 9), {2, 3, 2, 2}));
  a(make(reals(2 * 3 * 4, 10), {2, 3, 2, 2}));
  StateDict sd;
  for (const auto& [k, t] : a.state_dict()) sd.emplace_back(k, clone(t));
  b.load_state_dict(sd);
  CHECK(values(b.running_mean()) == values(a.running_mean()));
  CHECK(values(b.running_var()) == values(a.running_var()));
  CHECK(b.num_batches_tracked().item() == 2);
  a.eval();
  b.eval();
  Tensor x = make(reals(2 * 3 * 4, 11), {2, 3, 2, 2});
  CHECK(values(a(x)) == values(b(x)));
}

TEST_CASE("BatchNorm gradients match finite differences in training and eval", "[nn][layers][grad]") {
  if (!differentiable({"mean", "var", "rsqrt", "sub", "mul", "add", "add_scalar", "reshape"})) return;
  auto bn = std::make_shared<BatchNorm2d>(2, 1e-5, 0.1, true, true, DType::F64);
  check_layer_gradients("BatchNorm2d train", [bn] { return with_params(*bn, testing::random_input({3, 2, 2, 2}, 12)); },
                        [bn](const std::vector<Tensor>& in) { return (*bn)(in[0]); }, 1e-5, 1e-4);
  bn->eval();
  check_layer_gradients("BatchNorm2d eval", [bn] { return with_params(*bn, testing::random_input({3, 2, 2, 2}, 13)); },
                        [bn](const std::vector<Tensor>& in) { return (*bn)(in[0]); });
  auto b1 = std::make_shared<BatchNorm1d>(3, 1e-5, 0.1, true, true, DType::F64);
  check_layer_gradients("BatchNorm1d train", [b1] { return with_params(*b1, testing::random_input({4, 3}, 14)); },
                        [b1](const std::vector<Tensor>& in) { return (*b1)(in[0]); }, 1e-5, 1e-4);
}

// --- LayerNorm, RMSNorm, GroupNorm ---------------------------------------------------------------------

TEST_CASE("LayerNorm normalises over the trailing axes", "[nn][layers]") {
  const int64_t R = 3, D = 4 * 2;
  std::vector<double> x = reals(R * D, 15, -3, 3);
  LayerNorm ln({4, 2}, 1e-5, true, true, DType::F64);
  std::vector<double> gamma = reals(D, 16), beta = reals(D, 17);
  {
    ag::NoGradGuard g;
    copy_(ln.weight(), make(gamma, {4, 2}));
    copy_(ln.bias(), make(beta, {4, 2}));
  }
  std::vector<double> want;
  for (int64_t r = 0; r < R; ++r) {
    double m = 0, v = 0;
    for (int64_t i = 0; i < D; ++i) m += x[static_cast<size_t>(r * D + i)] / D;
    for (int64_t i = 0; i < D; ++i) v += std::pow(x[static_cast<size_t>(r * D + i)] - m, 2) / D;
    for (int64_t i = 0; i < D; ++i)
      want.push_back((x[static_cast<size_t>(r * D + i)] - m) / std::sqrt(v + 1e-5) * gamma[static_cast<size_t>(i)] +
                     beta[static_cast<size_t>(i)]);
  }
  check_close(ln(make(x, {R, 4, 2})), {R, 4, 2}, want, 1e-12);
  CHECK(keys(ln.state_dict()) == std::vector<std::string>{"weight", "bias"});
  CHECK(LayerNorm({4}, 1e-5, false).parameters().empty());
  CHECK(keys(LayerNorm({4}, 1e-5, true, false).state_dict()) == std::vector<std::string>{"weight"});
  REQUIRE_THROWS_WITH(ln(zeros({3, 2, 4}, DType::F64)), Contains("trailing dimensions are 4x2"));
  REQUIRE_THROWS_AS(LayerNorm({}), LayerConfigError);
  REQUIRE_THROWS_AS(ln(zeros({3, 4, 2}, DType::I32)), DTypeError);
}

TEST_CASE("RMSNorm divides by the root mean square; eps defaults to the dtype's epsilon", "[nn][layers]") {
  std::vector<double> x{3, 4, 0, -1, 1, 1};
  RMSNorm rn({3}, 0.5, true, DType::F64);
  {
    ag::NoGradGuard g;
    copy_(rn.weight(), make({1, 2, 3}, {3}));
  }
  // Row 1: mean square 25/3; row 2: 1.
  double r1 = 1 / std::sqrt(25.0 / 3 + 0.5), r2 = 1 / std::sqrt(1 + 0.5);
  check_close(rn(make(x, {2, 3})), {2, 3}, {3 * r1, 8 * r1, 0, -r2, 2 * r2, 3 * r2}, 1e-14);
  RMSNorm plain({2}, std::nullopt, false, DType::F64);
  CHECK(plain.parameters().empty());
  check_close(plain(make({3, 4}, {2})), {2}, {3 / std::sqrt(12.5 + 2.220446049250313e-16), 4 / std::sqrt(12.5)},
              1e-15);
  // f32: eps = 2^-23 is visible next to a tiny mean square.
  check_close(plain(make({0, 0}, {2}, DType::F32)), {2}, {0, 0}, 0);
  REQUIRE_THROWS_AS(rn(zeros({2, 4}, DType::F64)), ShapeError);
}

TEST_CASE("GroupNorm normalises each group of channels with its spatial positions", "[nn][layers]") {
  const int64_t N = 2, C = 4, G = 2, L = 3, per = (C / G) * L;
  std::vector<double> x = reals(N * C * L, 18, -2, 2);
  GroupNorm gn(G, C, 1e-5, true, DType::F64);
  std::vector<double> gamma = reals(C, 19), beta = reals(C, 20);
  {
    ag::NoGradGuard g;
    copy_(gn.weight(), make(gamma, {C}));
    copy_(gn.bias(), make(beta, {C}));
  }
  std::vector<double> want(x.size());
  for (int64_t n = 0; n < N; ++n)
    for (int64_t g = 0; g < G; ++g) {
      size_t base = static_cast<size_t>((n * C + g * (C / G)) * L);
      double m = 0, v = 0;
      for (int64_t i = 0; i < per; ++i) m += x[base + static_cast<size_t>(i)] / per;
      for (int64_t i = 0; i < per; ++i) v += std::pow(x[base + static_cast<size_t>(i)] - m, 2) / per;
      for (int64_t i = 0; i < per; ++i) {
        size_t c = static_cast<size_t>(g * (C / G) + i / L);
        want[base + static_cast<size_t>(i)] = (x[base + static_cast<size_t>(i)] - m) / std::sqrt(v + 1e-5) * gamma[c] + beta[c];
      }
    }
  check_close(gn(make(x, {N, C, L})), {N, C, L}, want, 1e-12);
  CHECK(gn(zeros({0, C, 5}, DType::F64)).shape() == Shape{0, C, 5});
  REQUIRE_THROWS_WITH(GroupNorm(3, 4), Contains("multiple of num_groups"));
  REQUIRE_THROWS_WITH(gn(zeros({2, 3, 4}, DType::F64)), Contains("expects an input (N, 4, *)"));
}

TEST_CASE("LayerNorm, RMSNorm and GroupNorm gradients match finite differences", "[nn][layers][grad]") {
  if (!differentiable({"mean", "var", "rsqrt", "square", "sub", "mul", "add", "add_scalar", "reshape"})) return;
  auto ln = std::make_shared<LayerNorm>(Shape{3, 2}, 1e-5, true, true, DType::F64);
  auto rn = std::make_shared<RMSNorm>(Shape{4}, 1e-6, true, DType::F64);
  auto gn = std::make_shared<GroupNorm>(2, 4, 1e-5, true, DType::F64);
  {
    // Non-trivial affine parameters, so their gradients differ from the plain normalisation's.
    ag::NoGradGuard g;
    copy_(ln->weight(), make(reals(6, 21), {3, 2}));
    copy_(rn->weight(), make(reals(4, 22), {4}));
    copy_(gn->bias(), make(reals(4, 23), {4}));
  }
  check_layer_gradients("LayerNorm", [ln] { return with_params(*ln, testing::random_input({2, 3, 2}, 24)); },
                        [ln](const std::vector<Tensor>& in) { return (*ln)(in[0]); }, 1e-5, 1e-4);
  check_layer_gradients("RMSNorm", [rn] { return with_params(*rn, testing::random_input({3, 4}, 25)); },
                        [rn](const std::vector<Tensor>& in) { return (*rn)(in[0]); }, 1e-5, 1e-4);
  check_layer_gradients("GroupNorm", [gn] { return with_params(*gn, testing::random_input({2, 4, 3}, 26)); },
                        [gn](const std::vector<Tensor>& in) { return (*gn)(in[0]); }, 1e-5, 1e-4);
}

// --- Dropout -----------------------------------------------------------------------------------------

TEST_CASE("Dropout zeroes with probability p in training and is the identity in eval", "[nn][layers]") {
  Generator gen(5);
  Dropout drop(0.25, &gen);
  Tensor x = full({100, 100}, 2.0, DType::F64);
  Generator replay = gen;  // the mask is bernoulli(1 - p) drawn from the layer's generator
  Tensor y = drop(x);
  Tensor mask = bernoulli(x.shape(), 0.75, DType::F64, &replay);
  std::vector<double> yv = values(y), mv = values(mask);
  int64_t kept = 0, bad_value = 0, off_mask = 0;
  for (size_t i = 0; i < yv.size(); ++i) {
    bad_value += !(yv[i] == 0.0 || std::abs(yv[i] - 2.0 / 0.75) < 1e-15);
    off_mask += (yv[i] != 0.0) != (mv[i] != 0.0);
    kept += yv[i] != 0.0;
  }
  CHECK(bad_value == 0);
  CHECK(off_mask == 0);
  // 10000 Bernoulli(0.75) draws: the kept fraction is within 4 standard deviations (0.0173) of 0.75.
  CHECK(std::abs(kept / 10000.0 - 0.75) < 0.0173);
  // Two calls draw different masks.
  CHECK(values(drop(x)) != yv);
  // Same seed, same mask.
  Generator g1(9), g2(9);
  CHECK(values(Dropout(0.5, &g1)(x)) == values(Dropout(0.5, &g2)(x)));

  drop.eval();
  CHECK(drop(x).is_same(x));
  drop.train();
  CHECK(Dropout(0.0)(x).is_same(x));
  CHECK(values(Dropout(1.0)(x)) == std::vector<double>(10000, 0.0));
  CHECK(drop.parameters().empty());
  REQUIRE_THROWS_WITH(Dropout(1.5), Contains("p must be in [0, 1]"));
  REQUIRE_THROWS_AS(Dropout(-0.1), LayerConfigError);
  REQUIRE_THROWS_AS(drop(zeros({2}, DType::I64)), DTypeError);
  CHECK(drop.to_string() == "Dropout(p=0.25)");
}

TEST_CASE("Dropout's gradient is the scaled mask", "[nn][layers][grad]") {
  Generator gen(3);
  Dropout drop(0.5, &gen);
  Tensor x = testing::random_input({50}, 27);
  Generator replay = gen;
  Tensor y = drop(x);
  std::vector<double> mv = values(bernoulli({50}, 0.5, DType::F64, &replay));
  ag::backward({sum(y)});
  std::vector<double> g = values(ag::grad(x));
  for (size_t i = 0; i < g.size(); ++i) CHECK(g[i] == mv[i] * 2.0);
}

// --- Embedding ---------------------------------------------------------------------------------------

TEST_CASE("Embedding looks up rows; padding_idx starts at zero; ids are checked", "[nn][layers]") {
  Embedding emb(5, 3, std::nullopt, DType::F64);
  std::vector<double> w = values(emb.weight());
  std::vector<int64_t> ids{4, 0, 2, 2, 1, 3};
  Tensor t = from_buffer(ids.data(), ids.size() * 8, {2, 3}, DType::I64);
  std::vector<double> want;
  for (int64_t id : ids)
    for (int64_t d = 0; d < 3; ++d) want.push_back(w[static_cast<size_t>(id * 3 + d)]);
  check_close(emb(t), {2, 3, 3}, want, 0);
  check_close(emb(to_dtype(t, DType::I32)), {2, 3, 3}, want, 0);
  check_close(emb(scalar_tensor(1, DType::I64)), {3}, {w[3], w[4], w[5]}, 0);
  CHECK(emb(zeros({0, 2}, DType::I64)).shape() == Shape{0, 2, 3});
  // N(0, 1) init: 5 * 3 values are not all tiny.
  CHECK(max(abs(emb.weight())).item() > 0.1);

  Embedding padded(4, 2, -1, DType::F64);
  CHECK(padded.padding_idx() == 3);
  CHECK(values(index(padded.weight(), {IndexSpec(3)})) == std::vector<double>{0, 0});
  REQUIRE_THROWS_WITH(emb(scalar_tensor(5, DType::I64)), Contains("[Embedding] id 5 is out of range [0, 5)"));
  REQUIRE_THROWS_AS(emb(scalar_tensor(-1, DType::I64)), IndexError);
  REQUIRE_THROWS_AS(emb(zeros({2}, DType::F32)), DTypeError);
  REQUIRE_THROWS_AS(Embedding(4, 2, 4), LayerConfigError);
  CHECK(padded.to_string() == "Embedding(4, 2, padding_idx=3)");
}

TEST_CASE("Embedding gradients accumulate per id and skip padding_idx", "[nn][layers][grad]") {
  if (!differentiable({"index_select", "reshape", "where"})) return;
  Embedding emb(4, 2, 1, DType::F64);
  {
    ag::NoGradGuard g;
    copy_(emb.weight(), make({1, 2, 3, 4, 5, 6, 7, 8}, {4, 2}));
  }
  std::vector<int64_t> ids{0, 1, 0, 3};
  Tensor y = emb(from_buffer(ids.data(), 32, {4}, DType::I64));
  check_close(y, {4, 2}, {1, 2, 3, 4, 1, 2, 7, 8}, 0);
  ag::backward({sum(y)});
  // Row 0 used twice, row 1 is padding, row 2 unused, row 3 once.
  check_close(ag::grad(emb.weight()), {4, 2}, {2, 2, 0, 0, 0, 0, 1, 1}, 0);
}

// --- composite ---------------------------------------------------------------------------------------

TEST_CASE("a small CNN in a Sequential: shapes, parameter count and state dict keys", "[nn][layers]") {
  Sequential net({std::make_shared<Conv2d>(1, 4, Size2{3, 3}, Size2{1, 1}, Size2{1, 1}),
                  std::make_shared<BatchNorm2d>(4), std::make_shared<ReLU>(), std::make_shared<MaxPool2d>(Size2{2, 2}),
                  std::make_shared<Flatten>(), std::make_shared<Dropout>(0.1), std::make_shared<Linear>(4 * 4 * 4, 10)});
  CHECK(net(zeros({2, 1, 8, 8})).shape() == Shape{2, 10});
  CHECK(net.parameter_count() == (4 * 9 + 4) + (4 + 4) + (64 * 10 + 10));
  CHECK(keys(net.state_dict()) ==
        std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                                 "1.num_batches_tracked", "6.weight", "6.bias"});
  net.eval();
  CHECK_FALSE(net[1]->is_training());
  CHECK_FALSE(net[5]->is_training());
}
