// Tests of InstanceNorm1d/2d: forward against a naive per-(n, c) loop written here, running
// statistics in train/eval, unbatched input, state dicts, finite-difference gradients (f64), errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/autograd/grad_mode.h"
#include "core/error.h"
#include "core/nn/instance_norm.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/shape.h"
#include "layer_test_util.h"

using namespace tfl;
using namespace tfl::nn;
using namespace tfl::layer_test;
namespace ag = tfl::autograd;
using Catch::Contains;

namespace {

struct NaiveStats {
  std::vector<double> mean, var;  // (N * C), biased variance
};

// Per-(n, c) mean and biased variance over S spatial elements of an (N, C, S) buffer.
NaiveStats naive_stats(const std::vector<double>& x, int64_t N, int64_t C, int64_t S) {
  NaiveStats s{std::vector<double>(N * C, 0.0), std::vector<double>(N * C, 0.0)};
  for (int64_t i = 0; i < N * C; ++i) {
    for (int64_t k = 0; k < S; ++k) s.mean[i] += x[i * S + k];
    s.mean[i] /= static_cast<double>(S);
    for (int64_t k = 0; k < S; ++k) s.var[i] += (x[i * S + k] - s.mean[i]) * (x[i * S + k] - s.mean[i]);
    s.var[i] /= static_cast<double>(S);
  }
  return s;
}

// y[n, c, k] = (x - mean) / sqrt(var + eps) * gamma[c] + beta[c] with the given per-(n, c) or per-c stats.
std::vector<double> naive_norm(const std::vector<double>& x, int64_t N, int64_t C, int64_t S,
                               const std::vector<double>& mean, const std::vector<double>& var, bool per_channel,
                               double eps, const std::vector<double>& gamma, const std::vector<double>& beta) {
  std::vector<double> y(x.size());
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c) {
      const int64_t si = per_channel ? c : n * C + c;
      for (int64_t k = 0; k < S; ++k) {
        const int64_t i = (n * C + c) * S + k;
        double v = (x[i] - mean[si]) / std::sqrt(var[si] + eps);
        if (!gamma.empty()) v = v * gamma[c] + beta[c];
        y[i] = v;
      }
    }
  return y;
}

}  // namespace

TEST_CASE("InstanceNorm2d normalises each (sample, channel) over its spatial positions", "[nn][instance_norm]") {
  const int64_t N = 3, C = 2, H = 3, W = 2, S = H * W;
  std::vector<double> x = reals(N * C * S, 21, -2.0, 3.0);
  InstanceNorm2d in(C, 1e-5, 0.1, false, false, DType::F64);
  CHECK(in.parameters().empty());
  CHECK(in.named_buffers().empty());
  NaiveStats st = naive_stats(x, N, C, S);
  std::vector<double> want = naive_norm(x, N, C, S, st.mean, st.var, false, 1e-5, {}, {});
  check_close(in(make(x, {N, C, H, W})), {N, C, H, W}, want, 1e-12);
  // Without running statistics eval uses the input statistics too.
  in.eval();
  check_close(in(make(x, {N, C, H, W})), {N, C, H, W}, want, 1e-12);
  // f32 input, same values.
  check_close(InstanceNorm2d(C)(make(x, {N, C, H, W}, DType::F32)), {N, C, H, W}, want, 1e-5);
}

TEST_CASE("InstanceNorm1d with affine: per-channel weight and bias; unbatched and strided input",
          "[nn][instance_norm]") {
  const int64_t N = 2, C = 3, L = 5;
  std::vector<double> x = reals(N * C * L, 22);
  InstanceNorm1d in(C, 1e-3, 0.1, true, false, DType::F64);
  std::vector<double> gamma{1.5, -0.5, 2.0}, beta{0.25, 2.0, -1.0};
  {
    ag::NoGradGuard g;
    copy_(in.weight(), make(gamma, {C}));
    copy_(in.bias(), make(beta, {C}));
  }
  NaiveStats st = naive_stats(x, N, C, L);
  std::vector<double> want = naive_norm(x, N, C, L, st.mean, st.var, false, 1e-3, gamma, beta);
  check_close(in(make(x, {N, C, L})), {N, C, L}, want, 1e-12);
  // Unbatched (C, L): the first sample alone.
  std::vector<double> x0(x.begin(), x.begin() + C * L), want0(want.begin(), want.begin() + C * L);
  check_close(in(make(x0, {C, L})), {C, L}, want0, 1e-12);
  // A transposed (non-contiguous) view holding the same values.
  Tensor xt = transpose(contiguous(transpose(make(x, {N, C, L}), 1, 2)), 1, 2);
  REQUIRE(!xt.is_contiguous());
  check_close(in(xt), {N, C, L}, want, 1e-12);
  CHECK(in.parameter_count() == 2 * C);
  CHECK(in.to_string() == "InstanceNorm1d(3, eps=0.001, momentum=0.1, affine=true, track_running_stats=false)");
}

TEST_CASE("InstanceNorm running statistics: updated in training, used in eval", "[nn][instance_norm]") {
  const int64_t N = 2, C = 2, H = 2, W = 3, S = H * W;
  InstanceNorm2d in(C, 1e-5, 0.2, false, true, DType::F64);
  CHECK(in.parameters().empty());
  std::vector<double> rm{0.0, 0.0}, rv{1.0, 1.0};
  for (uint32_t step = 0; step < 2; ++step) {
    std::vector<double> x = reals(N * C * S, 30 + step, -1.0, 4.0);
    NaiveStats st = naive_stats(x, N, C, S);
    check_close(in(make(x, {N, C, H, W})), {N, C, H, W},
                naive_norm(x, N, C, S, st.mean, st.var, false, 1e-5, {}, {}), 1e-12);
    // running = 0.8 * running + 0.2 * batch average of per-instance mean / unbiased variance.
    for (int64_t c = 0; c < C; ++c) {
      double bm = 0.0, bv = 0.0;
      for (int64_t n = 0; n < N; ++n) {
        bm += st.mean[n * C + c] / N;
        bv += st.var[n * C + c] * S / (S - 1) / N;
      }
      rm[c] = 0.8 * rm[c] + 0.2 * bm;
      rv[c] = 0.8 * rv[c] + 0.2 * bv;
    }
    check_close(in.running_mean(), {C}, rm, 1e-12);
    check_close(in.running_var(), {C}, rv, 1e-12);
  }
  CHECK(in.num_batches_tracked().item() == 0);  // PyTorch never counts for instance norm
  // Eval: normalised with the running statistics, which stay put.
  in.eval();
  std::vector<double> x = reals(N * C * S, 40);
  check_close(in(make(x, {N, C, H, W})), {N, C, H, W}, naive_norm(x, N, C, S, rm, rv, true, 1e-5, {}, {}), 1e-12);
  check_close(in.running_mean(), {C}, rm, 1e-12);
  // Eval with running statistics accepts a single spatial element.
  check_close(in(make({1.0, 2.0}, {1, C, 1, 1})), {1, C, 1, 1},
              {(1.0 - rm[0]) / std::sqrt(rv[0] + 1e-5), (2.0 - rm[1]) / std::sqrt(rv[1] + 1e-5)}, 1e-12);

  StateDict sd = in.state_dict();
  std::vector<std::string> k;
  for (const auto& [name, t] : sd) k.push_back(name);
  CHECK(k == std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"});

  // momentum nullopt: no update at all (F.instance_norm gets momentum 0.0).
  InstanceNorm1d frozen(C, 1e-5, std::nullopt, false, true, DType::F64);
  frozen(make(reals(2 * C * 4, 41), {2, C, 4}));
  check_close(frozen.running_mean(), {C}, {0.0, 0.0}, 0.0);
  check_close(frozen.running_var(), {C}, {1.0, 1.0}, 0.0);
}

TEST_CASE("InstanceNorm gradients match finite differences", "[nn][instance_norm][grad]") {
  auto a = std::make_shared<InstanceNorm2d>(2, 1e-5, 0.1, true, false, DType::F64);
  {
    ag::NoGradGuard g;
    copy_(a->weight(), make({1.3, -0.7}, {2}));
    copy_(a->bias(), make({0.2, 0.4}, {2}));
  }
  check_layer_gradients("InstanceNorm2d affine",
                        [a] { return with_params(*a, {testing::random_input({2, 2, 3, 2}, 50)}); },
                        [a](const std::vector<Tensor>& in) { return (*a)(in[0]); }, 1e-5, 1e-4);
  auto b = std::make_shared<InstanceNorm1d>(3, 1e-5, 0.1, false, true, DType::F64);
  check_layer_gradients("InstanceNorm1d train, running stats", [] { return std::vector<Tensor>{testing::random_input({2, 3, 4}, 51)}; },
                        [b](const std::vector<Tensor>& in) { return (*b)(in[0]); }, 1e-5, 1e-4);
  b->eval();
  check_layer_gradients("InstanceNorm1d eval, running stats", [] { return std::vector<Tensor>{testing::random_input({2, 3, 4}, 52)}; },
                        [b](const std::vector<Tensor>& in) { return (*b)(in[0]); });
  auto c = std::make_shared<InstanceNorm1d>(3, 1e-5, 0.1, true, false, DType::F64);
  check_layer_gradients("InstanceNorm1d unbatched", [c] { return with_params(*c, {testing::random_input({3, 5}, 53)}); },
                        [c](const std::vector<Tensor>& in) { return (*c)(in[0]); }, 1e-5, 1e-4);
}

TEST_CASE("InstanceNorm errors: bad hyperparameters, shapes and dtypes", "[nn][instance_norm]") {
  REQUIRE_THROWS_AS(InstanceNorm1d(0), LayerConfigError);
  REQUIRE_THROWS_WITH(InstanceNorm2d(-3), Contains("[InstanceNorm2d] num_features must be positive, got -3"));
  REQUIRE_THROWS_AS(InstanceNorm1d(2, -1.0), LayerConfigError);
  REQUIRE_THROWS_AS(InstanceNorm2d(2, 1e-5, 1.5), LayerConfigError);
  REQUIRE_THROWS_AS(InstanceNorm2d(2, 1e-5, 0.1, false, false, DType::I32), DTypeError);

  InstanceNorm2d in2(3);
  REQUIRE_THROWS_AS(in2(zeros({2, 3, 4, 5, 6})), ShapeError);
  REQUIRE_THROWS_WITH(in2(zeros({2, 3})), Contains("expects a 3-D (unbatched) or 4-D (batched) input, got 2x3"));
  REQUIRE_THROWS_AS(InstanceNorm1d(3)(zeros({2, 3, 4, 5})), ShapeError);
  // One spatial element: no instance statistics.
  REQUIRE_THROWS_WITH(InstanceNorm1d(3)(zeros({2, 3, 1})), Contains("more than 1 spatial element"));
  // Channels must match when there are per-channel parameters or statistics; otherwise not (PyTorch).
  REQUIRE_THROWS_WITH(InstanceNorm1d(3, 1e-5, 0.1, true)(zeros({2, 4, 5})),
                      Contains("expects 3 channels on the channel axis, got input of shape 2x4x5"));
  REQUIRE_THROWS_AS(InstanceNorm1d(3, 1e-5, 0.1, false, true)(zeros({2, 4, 5})), ShapeError);
  CHECK(InstanceNorm1d(3)(zeros({2, 4, 5})).shape() == Shape{2, 4, 5});
  REQUIRE_THROWS_AS(InstanceNorm1d(3)(zeros({2, 3, 5}, DType::I64)), DTypeError);
  // 0-size batch passes through.
  CHECK(InstanceNorm1d(3, 1e-5, 0.1, false, true)(zeros({0, 3, 5})).shape() == Shape{0, 3, 5});
}
