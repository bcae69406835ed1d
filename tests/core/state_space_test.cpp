// Tests of nn::StateSpaceModel: values against a scalar recurrence written here, init stability,
// finite-difference gradients (input, initial state, A, B, C, D), error cases.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "core/autograd/differentiable.h"
#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/nn/state_space.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/reduce.h"
#include "gradcheck/gradcheck.h"
#include "layer_test_util.h"

using namespace tfl;
using tfl::layer_test::make;
using tfl::layer_test::reals;
using tfl::layer_test::values;

namespace {

struct Naive {
  std::vector<double> y, final_state;
};

// The recurrence with scalar loops: y_t = C x_t + D u_t, then x_{t+1} = A x_t + B u_t.
Naive naive_ssm(const nn::StateSpaceModel& m, const std::vector<double>& u, const std::vector<double>& x0,
                int64_t batch, int64_t len) {
  const int64_t S = m.state_size(), I = m.in_features(), O = m.out_features();
  std::vector<double> A = values(m.A()), B = values(m.B()), C = values(m.C());
  std::vector<double> D = m.feedthrough() ? values(m.D()) : std::vector<double>(static_cast<size_t>(O * I), 0.0);
  auto at = [](const std::vector<double>& v, int64_t i) { return v[static_cast<size_t>(i)]; };
  Naive r;
  r.y.assign(static_cast<size_t>(batch * len * O), 0.0);
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<double> x(x0.begin() + b * S, x0.begin() + (b + 1) * S);
    for (int64_t t = 0; t < len; ++t) {
      const int64_t ub = (b * len + t) * I;
      for (int64_t o = 0; o < O; ++o) {
        double s = 0;
        for (int64_t k = 0; k < S; ++k) s += at(C, o * S + k) * at(x, k);
        for (int64_t i = 0; i < I; ++i) s += at(D, o * I + i) * at(u, ub + i);
        r.y[static_cast<size_t>((b * len + t) * O + o)] = s;
      }
      std::vector<double> nx(static_cast<size_t>(S), 0.0);
      for (int64_t k = 0; k < S; ++k) {
        double s = 0;
        for (int64_t j = 0; j < S; ++j) s += at(A, k * S + j) * at(x, j);
        for (int64_t i = 0; i < I; ++i) s += at(B, k * I + i) * at(u, ub + i);
        nx[static_cast<size_t>(k)] = s;
      }
      x = nx;
    }
    r.final_state.insert(r.final_state.end(), x.begin(), x.end());
  }
  return r;
}

void check_close(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(want[i]).margin(tol));
}

}  // namespace

TEST_CASE("StateSpaceModel matches the scalar recurrence (y_t uses the state before the update)", "[ssm_layer][nn]") {
  const int64_t Bt = 3, L = 6, S = 4, I = 3, O = 2;
  for (bool feed : {true, false})
    for (DType dt : {DType::F64, DType::F32}) {
      Generator gen(7);
      nn::StateSpaceModel m(S, I, O, feed, dt, &gen);
      const std::vector<double> u = reals(Bt * L * I, 11), x0 = reals(Bt * S, 12);
      const double tol = dt == DType::F64 ? 1e-12 : 1e-5;
      // Zero initial state (the default).
      auto [y, xf] = m.forward_with_state(make(u, {Bt, L, I}, dt));
      Naive want = naive_ssm(m, u, std::vector<double>(static_cast<size_t>(Bt * S), 0.0), Bt, L);
      CHECK(y.shape() == Shape{Bt, L, O});
      CHECK(xf.shape() == Shape{Bt, S});
      CHECK(y.dtype() == dt);
      check_close(values(y), want.y, tol);
      check_close(values(xf), want.final_state, tol);
      // A given initial state, per batch element.
      auto [y2, xf2] = m.forward_with_state(make(u, {Bt, L, I}, dt), make(x0, {Bt, S}, dt));
      Naive want2 = naive_ssm(m, u, x0, Bt, L);
      check_close(values(y2), want2.y, tol);
      check_close(values(xf2), want2.final_state, tol);
      // operator() with two inputs gives the same output.
      check_close(values(m({make(u, {Bt, L, I}, dt), make(x0, {Bt, S}, dt)})), want2.y, tol);
    }
}

TEST_CASE("StateSpaceModel: y_0 = C x0 + D u_0 exactly, shared 1-D initial state, empty sequence", "[ssm_layer][nn]") {
  Generator gen(3);
  nn::StateSpaceModel m(2, 1, 1, true, DType::F64, &gen);
  // Hand-set system: A = [[0.5, 0], [0, -0.25]], B = [1; 2], C = [1, 1], D = [3].
  {
    autograd::NoGradGuard no_grad;
    copy_(m.A(), make({0.5, 0.0, 0.0, -0.25}, {2, 2}, DType::F64));
    copy_(m.B(), make({1.0, 2.0}, {2, 1}, DType::F64));
    copy_(m.C(), make({1.0, 1.0}, {1, 2}, DType::F64));
    copy_(m.D(), make({3.0}, {1, 1}, DType::F64));
  }
  // x0 = (1, 1), u = (1, 0, 0):
  // y0 = 1 + 1 + 3 = 5;           x1 = (0.5 + 1, -0.25 + 2) = (1.5, 1.75)
  // y1 = 3.25;                    x2 = (0.75, -0.4375)
  // y2 = 0.3125;                  x3 = (0.375, 0.109375)
  auto [y, xf] = m.forward_with_state(make({1, 0, 0}, {1, 3, 1}, DType::F64), make({1.0, 1.0}, {2}, DType::F64));
  CHECK(values(y) == std::vector<double>{5.0, 3.25, 0.3125});
  CHECK(values(xf) == std::vector<double>{0.375, 0.109375});
  // A 1-D initial state is shared by every batch element.
  auto [yb, xfb] = m.forward_with_state(make({1, 0, 0, 1, 0, 0}, {2, 3, 1}, DType::F64), make({1.0, 1.0}, {2}, DType::F64));
  CHECK(values(yb) == std::vector<double>{5.0, 3.25, 0.3125, 5.0, 3.25, 0.3125});
  CHECK(xfb.shape() == Shape{2, 2});
  // Length 0: empty output, the final state is the initial state.
  auto [ye, xe] = m.forward_with_state(zeros({2, 0, 1}, DType::F64), make({1, 2, 3, 4}, {2, 2}, DType::F64));
  CHECK(ye.shape() == Shape{2, 0, 1});
  CHECK(values(xe) == std::vector<double>{1, 2, 3, 4});
}

TEST_CASE("StateSpaceModel initialisation: A has infinity norm 0.9 (spectral radius < 1), seeded", "[ssm_layer][nn]") {
  for (int64_t S : {1, 3, 16}) {
    Generator gen(static_cast<uint64_t>(S) + 100);
    nn::StateSpaceModel m(S, 2, 3, true, DType::F32, &gen);
    std::vector<double> a = values(m.A());
    double norm = 0;
    for (int64_t i = 0; i < S; ++i) {
      double row = 0;
      for (int64_t j = 0; j < S; ++j) row += std::fabs(a[static_cast<size_t>(i * S + j)]);
      norm = std::max(norm, row);
    }
    CHECK(norm == Approx(0.9).margin(1e-6));
    // The free response decays: ||A^50 x|| <= 0.9^50 ||x||_inf for any x.
    std::vector<double> x(static_cast<size_t>(S), 1.0);
    for (int k = 0; k < 50; ++k) {
      std::vector<double> nx(static_cast<size_t>(S), 0.0);
      for (int64_t i = 0; i < S; ++i)
        for (int64_t j = 0; j < S; ++j) nx[static_cast<size_t>(i)] += a[static_cast<size_t>(i * S + j)] * x[static_cast<size_t>(j)];
      x = nx;
    }
    for (double v : x) CHECK(std::fabs(v) <= std::pow(0.9, 50) + 1e-9);
    // B, C, D within U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    for (double v : values(m.B())) CHECK(std::fabs(v) <= 1.0 / std::sqrt(2.0));
    for (double v : values(m.C())) CHECK(std::fabs(v) <= 1.0 / std::sqrt(static_cast<double>(S)));
    Generator again(static_cast<uint64_t>(S) + 100);
    nn::StateSpaceModel same(S, 2, 3, true, DType::F32, &again);
    CHECK(values(same.A()) == a);
    CHECK(values(same.D()) == values(m.D()));
  }
  Generator gen(1);
  nn::StateSpaceModel m(3, 2, 4, true, DType::F32, &gen);
  CHECK(m.parameter_count() == 9 + 6 + 12 + 8);
  std::vector<std::string> names;
  for (const auto& [n, t] : m.named_parameters()) names.push_back(n);
  CHECK(names == std::vector<std::string>{"A", "B", "C", "D"});
  nn::StateSpaceModel nf(3, 2, 4, false, DType::F32, &gen);
  CHECK(nf.parameter_count() == 27);
  CHECK(!nf.D().defined());
  CHECK(m.to_string() == "StateSpaceModel(state_size=3, in_features=2, out_features=4, feedthrough=true)");
}

TEST_CASE("StateSpaceModel gradients (u, x0, A, B, C, D) match finite differences in f64", "[ssm_layer][nn][autograd]") {
  for (const char* op : {"matmul", "transpose", "slice", "squeeze", "stack", "add"})
    REQUIRE(autograd::is_registered_differentiable(op));
  for (bool feed : {true, false}) {
    Generator gen(21);
    auto m = std::make_shared<nn::StateSpaceModel>(3, 2, 2, feed, DType::F64, &gen);
    testing::GradCase c{"StateSpaceModel", feed ? "S3 I2 O2 with D on B2 L5" : "S3 I2 O2 without D on B2 L5",
                        [m] {
                          std::vector<Tensor> in{testing::random_input({2, 5, 2}, 301),
                                                 testing::random_input({2, 3}, 302)};
                          for (const Tensor& p : m->parameters()) in.push_back(p);
                          return in;
                        },
                        [m](const std::vector<Tensor>& x) { return m->forward_with_state(x[0], x[1]).first; }};
    CHECK(testing::check_gradients(c) == "");
    // The final state's gradient as well.
    testing::GradCase s{"StateSpaceModel", "final state", c.make_inputs,
                        [m](const std::vector<Tensor>& x) { return m->forward_with_state(x[0], x[1]).second; }};
    CHECK(testing::check_gradients(s) == "");
  }
  // Every parameter receives a gradient from backward.
  Generator gen(5);
  nn::StateSpaceModel m(2, 2, 2, true, DType::F64, &gen);
  autograd::backward({sum(m(testing::random_input({1, 4, 2}, 9, -1, 1, false)))});
  for (const Tensor& p : m.parameters()) CHECK(autograd::grad(p).defined());
}

TEST_CASE("StateSpaceModel errors", "[ssm_layer][nn]") {
  REQUIRE_THROWS_AS(nn::StateSpaceModel(0, 2, 2), LayerConfigError);
  REQUIRE_THROWS_AS(nn::StateSpaceModel(2, -1, 2), LayerConfigError);
  REQUIRE_THROWS_WITH(nn::StateSpaceModel(2, 2, 0),
                      Catch::Contains("[StateSpaceModel] state_size, in_features and out_features must be > 0, got 2, 2 and 0"));
  REQUIRE_THROWS_AS(nn::StateSpaceModel(2, 2, 2, true, DType::I32), DTypeError);
  nn::StateSpaceModel m(3, 2, 2);
  REQUIRE_THROWS_WITH(m.forward(zeros({2, 4, 3})),
                      Catch::Contains("[StateSpaceModel] expects input of shape (batch, seq, 2), got 2x4x3"));
  REQUIRE_THROWS_AS(m.forward(zeros({4, 2})), ShapeError);
  REQUIRE_THROWS_AS(m.forward(zeros({2, 4, 2}, DType::F64)), DTypeError);
  REQUIRE_THROWS_AS(m.forward(Tensor()), InvalidArgumentError);
  REQUIRE_THROWS_WITH(m.forward_with_state(zeros({2, 4, 2}), zeros({3, 3})),
                      Catch::Contains("initial state must have shape (2, 3) or (3), got 3x3"));
  REQUIRE_THROWS_AS(m.forward_with_state(zeros({2, 4, 2}), zeros({2, 3}, DType::F64)), DTypeError);
  REQUIRE_THROWS_AS(m.forward(std::vector<Tensor>{}), InvalidArgumentError);
}
