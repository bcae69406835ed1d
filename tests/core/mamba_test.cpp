// Tests of the nn::Mamba block: a naive forward written here, shapes, init, causality, gradients.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/autograd/differentiable.h"
#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/nn/mamba.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "gradcheck/gradcheck.h"
#include "layer_test_util.h"

using namespace tfl;
using tfl::layer_test::make;
using tfl::layer_test::reals;
using tfl::layer_test::values;

namespace {

double silu(double x) { return x / (1.0 + std::exp(-x)); }
double softplus(double x) { return x > 20.0 ? x : std::log1p(std::exp(x)); }

// The Mamba block written out with loops over one batch element at a time, from the module's parameters.
std::vector<double> naive_mamba(const nn::Mamba& m, const std::vector<double>& u, int64_t batch, int64_t len) {
  std::map<std::string, std::vector<double>> p;
  for (const auto& [name, t] : m.named_parameters()) p[name] = values(t);
  const int64_t dm = m.d_model(), di = m.d_inner(), ns = m.d_state(), K = m.d_conv(), R = m.dt_rank();
  auto at = [](const std::vector<double>& v, int64_t i) { return v[static_cast<size_t>(i)]; };
  std::vector<double> out(static_cast<size_t>(batch * len * dm));
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<double> x(static_cast<size_t>(len * di)), z(x.size()), xs(x.size()), delta(x.size()), y(x.size());
    std::vector<double> Bm(static_cast<size_t>(len * ns)), Cm(Bm.size());
    for (int64_t t = 0; t < len; ++t)
      for (int64_t o = 0; o < 2 * di; ++o) {
        double s = 0;
        for (int64_t i = 0; i < dm; ++i) s += at(u, (b * len + t) * dm + i) * at(p["in_proj.weight"], o * dm + i);
        (o < di ? x : z)[static_cast<size_t>(t * di + o % di)] = s;
      }
    for (int64_t t = 0; t < len; ++t)
      for (int64_t c = 0; c < di; ++c) {
        double s = at(p["conv1d.bias"], c);
        for (int64_t k = 0; k < K; ++k) {
          const int64_t src = t - (K - 1) + k;  // causal: only inputs at or before t
          if (src >= 0) s += at(p["conv1d.weight"], c * K + k) * at(x, src * di + c);
        }
        xs[static_cast<size_t>(t * di + c)] = silu(s);
      }
    for (int64_t t = 0; t < len; ++t) {
      std::vector<double> dbl(static_cast<size_t>(R + 2 * ns));
      for (int64_t r = 0; r < R + 2 * ns; ++r) {
        double s = 0;
        for (int64_t c = 0; c < di; ++c) s += at(xs, t * di + c) * at(p["x_proj.weight"], r * di + c);
        dbl[static_cast<size_t>(r)] = s;
      }
      for (int64_t n = 0; n < ns; ++n) {
        Bm[static_cast<size_t>(t * ns + n)] = dbl[static_cast<size_t>(R + n)];
        Cm[static_cast<size_t>(t * ns + n)] = dbl[static_cast<size_t>(R + ns + n)];
      }
      for (int64_t c = 0; c < di; ++c) {
        double s = at(p["dt_proj.bias"], c);
        for (int64_t r = 0; r < R; ++r) s += dbl[static_cast<size_t>(r)] * at(p["dt_proj.weight"], c * R + r);
        delta[static_cast<size_t>(t * di + c)] = softplus(s);
      }
    }
    for (int64_t c = 0; c < di; ++c) {
      std::vector<double> h(static_cast<size_t>(ns), 0.0);
      for (int64_t t = 0; t < len; ++t) {
        const double dt = at(delta, t * di + c), xt = at(xs, t * di + c);
        double acc = 0;
        for (int64_t n = 0; n < ns; ++n) {
          const double a = -std::exp(at(p["A_log"], c * ns + n));
          double& hn = h[static_cast<size_t>(n)];
          hn = std::exp(dt * a) * hn + dt * at(Bm, t * ns + n) * xt;
          acc += at(Cm, t * ns + n) * hn;
        }
        y[static_cast<size_t>(t * di + c)] = (acc + at(p["D"], c) * xt) * silu(at(z, t * di + c));
      }
    }
    for (int64_t t = 0; t < len; ++t)
      for (int64_t o = 0; o < dm; ++o) {
        double s = 0;
        for (int64_t c = 0; c < di; ++c) s += at(y, t * di + c) * at(p["out_proj.weight"], o * di + c);
        out[static_cast<size_t>((b * len + t) * dm + o)] = s;
      }
  }
  return out;
}

void check_close(const Tensor& got, const std::vector<double>& want, double tol) {
  std::vector<double> g = values(got);
  REQUIRE(g.size() == want.size());
  for (size_t i = 0; i < g.size(); ++i) {
    INFO("element " << i << ": got " << g[i] << ", want " << want[i]);
    CHECK(std::abs(g[i] - want[i]) <= tol * (1.0 + std::abs(want[i])));
  }
}

}  // namespace

TEST_CASE("Mamba forward matches a naive loop and keeps the input shape", "[mamba][nn]") {
  for (DType dt : {DType::F64, DType::F32}) {
    INFO(dtype_name(dt));
    Generator gen(5);
    nn::Mamba m(6, 4, 3, 2, 0, dt, &gen);
    CHECK(m.d_inner() == 12);
    CHECK(m.dt_rank() == 1);
    const int64_t B = 2, L = 7;
    std::vector<double> u = reals(B * L * 6, 17);
    Tensor y = m.forward(make(u, {B, L, 6}, dt));
    CHECK(y.dtype() == dt);
    REQUIRE(y.shape() == Shape{B, L, 6});
    std::vector<double> ur = values(make(u, {B * L * 6}, dt));
    check_close(y, naive_mamba(m, ur, B, L), dt == DType::F64 ? 1e-12 : 2e-5);
  }
  // Default sizes: d_state 16, d_conv 4, expand 2, dt_rank ceil(d_model / 16).
  nn::Mamba big(20);
  CHECK(big.d_inner() == 40);
  CHECK(big.d_state() == 16);
  CHECK(big.dt_rank() == 2);
  CHECK(big.forward(zeros({1, 3, 20})).shape() == Shape{1, 3, 20});
  // An empty sequence gives an empty output.
  CHECK(big.forward(zeros({2, 0, 20})).shape() == Shape{2, 0, 20});
}

TEST_CASE("Mamba parameters follow the reference initialisation", "[mamba][nn]") {
  Generator g1(11), g2(11);
  nn::Mamba a(8, 5, 4, 2, 3, DType::F64, &g1), b(8, 5, 4, 2, 3, DType::F64, &g2);
  // mamba_ssm's named_parameters() order: the block's own parameters, then its children's.
  const std::vector<std::pair<std::string, Shape>> want = {
      {"A_log", {16, 5}},         {"D", {16}},                {"in_proj.weight", {32, 8}},
      {"conv1d.weight", {16, 1, 4}}, {"conv1d.bias", {16}},      {"x_proj.weight", {13, 16}},
      {"dt_proj.weight", {16, 3}}, {"dt_proj.bias", {16}},     {"out_proj.weight", {8, 16}}};
  StateDict pa = a.named_parameters(), pb = b.named_parameters();
  REQUIRE(pa.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO(want[i].first);
    CHECK(pa[i].first == want[i].first);
    CHECK(pa[i].second.shape() == want[i].second);
    CHECK(autograd::requires_grad(pa[i].second));
    CHECK(values(pa[i].second) == values(pb[i].second));  // same seed, same values
  }
  std::vector<double> a_log = values(a.parameter("A_log"));
  for (int64_t c = 0; c < 16; ++c)
    for (int64_t n = 0; n < 5; ++n) CHECK(a_log[static_cast<size_t>(c * 5 + n)] == Approx(std::log(n + 1.0)));
  for (double d : values(a.parameter("D"))) CHECK(d == 1.0);
  // softplus(dt_proj.bias) is the initial step size, in [0.001, 0.1].
  for (double bias : values(a.parameter("dt_proj.bias"))) {
    const double dt = softplus(bias);
    CHECK(dt >= 0.001 * (1 - 1e-9));
    CHECK(dt <= 0.1 * (1 + 1e-9));
  }
  for (double w : values(a.parameter("dt_proj.weight"))) CHECK(std::abs(w) <= 1.0 / std::sqrt(3.0));
  for (double w : values(a.parameter("in_proj.weight"))) CHECK(std::abs(w) <= 1.0 / std::sqrt(8.0));
  CHECK(a.parameters().size() == 9);
}

TEST_CASE("Mamba is causal: an input at t changes no output before t", "[mamba][nn]") {
  const int64_t B = 2, L = 8, dm = 4;
  nn::Mamba m(dm, 3, 4, 2, 0, DType::F64);
  std::vector<double> x = reals(B * L * dm, 23);
  std::vector<double> y0 = values(m.forward(make(x, {B, L, dm}, DType::F64)));
  for (int64_t t = 0; t < L; ++t) {
    INFO("perturbed position " << t);
    std::vector<double> xp = x;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t e = 0; e < dm; ++e) xp[static_cast<size_t>((b * L + t) * dm + e)] += 0.5;
    std::vector<double> y1 = values(m.forward(make(xp, {B, L, dm}, DType::F64)));
    bool changed_at_t = false;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t s = 0; s < L; ++s)
        for (int64_t e = 0; e < dm; ++e) {
          const size_t i = static_cast<size_t>((b * L + s) * dm + e);
          if (s < t) CHECK(y1[i] == y0[i]);
          if (s == t && y1[i] != y0[i]) changed_at_t = true;
        }
    CHECK(changed_at_t);
  }
}

TEST_CASE("Mamba rejects bad configurations and inputs", "[mamba][nn]") {
  REQUIRE_THROWS_WITH(nn::Mamba(0), Catch::Contains("[Mamba] d_model, d_state, d_conv and expand must be >= 1"));
  REQUIRE_THROWS_AS(nn::Mamba(4, 0), LayerConfigError);
  REQUIRE_THROWS_AS(nn::Mamba(4, 4, 4, 2, 0, DType::I64), DTypeError);
  nn::Mamba m(4, 2);
  REQUIRE_THROWS_WITH(m.forward(zeros({2, 3, 5})), Catch::Contains("[Mamba] expects input of shape (batch, len, 4), got 2x3x5"));
  REQUIRE_THROWS_AS(m.forward(zeros({3, 4})), ShapeError);
  REQUIRE_THROWS_AS(m.forward(Tensor()), InvalidArgumentError);
}

namespace {
// The gradient checks of composed layers need every op they use to record its backward: a missing one
// fails the test (it never skips).
bool ops_differentiable(std::initializer_list<const char*> ops) {
  for (const char* op : ops)
    if (!autograd::is_registered_differentiable(op)) {
      FAIL(op << " does not record its backward");
    }
  return true;
}
}  // namespace

TEST_CASE("Mamba gradients (input and every parameter) match finite differences in f64", "[mamba][nn][autograd]") {
  if (!ops_differentiable({"matmul", "transpose", "slice", "conv1d", "silu", "softplus", "exp", "neg", "mul", "add"}))
    return;
  Generator gen(13);
  auto m = std::make_shared<nn::Mamba>(4, 3, 3, 2, 2, DType::F64, &gen);
  // Not registered with TFL_GRAD_CASE: Mamba is a composition, not a differentiable op of its own.
  testing::GradCase c{"Mamba", "Mamba d_model 4, d_state 3, d_conv 3, expand 2, dt_rank 2 on B2 L5",
                      [m] {
                        std::vector<Tensor> in{testing::random_input({2, 5, 4}, 201)};
                        for (const Tensor& p : m->parameters()) in.push_back(p);
                        return in;
                      },
                      [m](const std::vector<Tensor>& x) { return m->forward(x[0]); }};
  CHECK(testing::check_gradients(c) == "");
}

TEST_CASE("Mamba is a Module: parameter_count, state_dict round trip, mode, zero_grad", "[mamba][nn]") {
  const int64_t B = 2, L = 5, dm = 8;
  Generator g1(31), g2(32);
  nn::Mamba m(dm, 5, 4, 2, 3, DType::F64, &g1), other(dm, 5, 4, 2, 3, DType::F64, &g2);
  // d_inner 16, d_state 5, d_conv 4, dt_rank 3: in_proj 32x8, conv1d 16x1x4 + 16, x_proj 13x16,
  // dt_proj 16x3 + 16, A_log 16x5, D 16, out_proj 8x16.
  CHECK(m.parameter_count() == 256 + 64 + 16 + 208 + 48 + 16 + 80 + 16 + 128);
  CHECK(m.parameter_count() == 832);
  Tensor x = make(reals(B * L * dm, 71), {B, L, dm}, DType::F64);
  const std::vector<double> y0 = values(m(x));
  StateDict saved;
  for (const auto& [name, t] : m.state_dict()) saved.emplace_back(name, clone(t));
  REQUIRE(saved.size() == 9);
  {
    autograd::NoGradGuard no_grad;
    for (const Tensor& p : m.parameters()) copy_(p, mul(p, 1.5));
  }
  CHECK(values(m(x)) != y0);
  nn::LoadResult r = m.load_state_dict(saved);
  CHECK(r.missing_keys.empty());
  CHECK(r.unexpected_keys.empty());
  CHECK(values(m(x)) == y0);
  CHECK(values(other(x)) != y0);
  other.load_state_dict(saved);
  CHECK(values(other(x)) == y0);
  // A dict missing a key is rejected when strict, and reported otherwise.
  StateDict partial(saved.begin() + 1, saved.end());
  REQUIRE_THROWS_AS(other.load_state_dict(partial), CheckpointError);
  CHECK(other.load_state_dict(partial, false).missing_keys == std::vector<std::string>{"A_log"});
  m.eval();
  CHECK(!m.child("conv1d")->is_training());
  m.train();
  CHECK(m.child("dt_proj")->is_training());
  autograd::backward({sum(m(x))});
  for (const Tensor& p : m.parameters()) CHECK(autograd::grad(p).defined());
  m.zero_grad();
  for (const Tensor& p : m.parameters()) CHECK(!autograd::grad(p).defined());
  CHECK(m.to_string().find("Mamba(d_model=8, d_state=5, d_conv=4, expand=2, dt_rank=3\n"
                           "  (in_proj): Linear(in_features=8, out_features=32, bias=false)\n") == 0);
}

TEST_CASE("Mamba runs its hooks and its children's through operator()", "[mamba][nn]") {
  nn::Mamba m(4, 2, 3, 2, 0, DType::F64);
  Tensor x = make(reals(2 * 3 * 4, 81), {2, 3, 4}, DType::F64);
  const std::vector<double> plain = values(m.forward(x));
  int pre_calls = 0, conv_calls = 0;
  // The pre-hook replaces the input by its negation; the forward hook adds 1 to the output.
  m.register_forward_pre_hook([&](nn::Module&, const std::vector<Tensor>& in) {
    ++pre_calls;
    return std::vector<Tensor>{neg(in[0])};
  });
  m.register_forward_hook([](nn::Module&, const std::vector<Tensor>&, const Tensor& out) { return add(out, 1.0); });
  m.child("conv1d")->register_forward_hook([&](nn::Module&, const std::vector<Tensor>&, const Tensor&) {
    ++conv_calls;
    return Tensor();
  });
  std::vector<double> want = values(m.forward(neg(x)));
  CHECK(conv_calls == 1);
  for (double& v : want) v += 1.0;
  CHECK(values(m(x)) == want);
  CHECK(pre_calls == 1);
  CHECK(conv_calls == 2);
  CHECK(values(m.forward(x)) == plain);
}
