// Elementwise autograd beyond first-order finite differences: second-order gradients against closed
// forms, gradient dtypes (f32, f16, mixed), values at kinks and special points, out= refusal,
// non-differentiable results, non-contiguous leaves, and that saved outputs do not leak the graph.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <memory>

#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/tape.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"

using namespace tfl;
namespace ag = tfl::autograd;

namespace {
Tensor constant(std::vector<double> v, Shape shape, DType dt = DType::F64) {
  Tensor t = from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64);
  return dt == DType::F64 ? t : to_dtype(t, dt);
}
Tensor leaf(std::vector<double> v, Shape shape, DType dt = DType::F64) {
  Tensor t = constant(std::move(v), std::move(shape), dt);
  ag::set_requires_grad(t, true);
  return t;
}
std::vector<double> vals(const Tensor& t) {
  ag::NoGradGuard no_grad;
  Tensor c = contiguous(to_dtype(t, DType::F64));
  const double* p = c.data<double>();
  return std::vector<double>(p, p + c.numel());
}
const ag::BackwardOptions kHigherOrder{/*retain_graph=*/true, /*create_graph=*/true};

// Checks one-input second derivatives: d/dx sum(f(x)) = d1(x) and d/dx sum(d1(x)) = d2(x).
void check_second_order(const std::function<Tensor(const Tensor&)>& f, const std::function<double(double)>& d1,
                        const std::function<double(double)>& d2, std::vector<double> xs) {
  Tensor x = leaf(xs, {static_cast<int64_t>(xs.size())});
  auto g = ag::grad({sum(f(x))}, {x}, {}, kHigherOrder);
  REQUIRE(ag::requires_grad(g[0]));
  auto gg = ag::grad({sum(g[0])}, {x});
  std::vector<double> v1 = vals(g[0]), v2 = vals(gg[0]);
  for (size_t i = 0; i < xs.size(); ++i) {
    INFO("x = " << xs[i]);
    CHECK(v1[i] == Approx(d1(xs[i])).epsilon(1e-12));
    CHECK(v2[i] == Approx(d2(xs[i])).epsilon(1e-12));
  }
}
double sigm(double x) { return 1.0 / (1.0 + std::exp(-x)); }
}  // namespace

TEST_CASE("second-order gradients match closed forms", "[autograd][elementwise]") {
  const std::vector<double> xs{-1.3, -0.2, 0.4, 1.7};
  SECTION("exp: e^x, e^x") {
    check_second_order([](const Tensor& x) { return exp(x); }, [](double x) { return std::exp(x); },
                       [](double x) { return std::exp(x); }, xs);
  }
  SECTION("tanh: 1 - t^2, -2 t (1 - t^2)") {
    check_second_order([](const Tensor& x) { return tanh(x); },
                       [](double x) { return 1 - std::tanh(x) * std::tanh(x); },
                       [](double x) { double t = std::tanh(x); return -2 * t * (1 - t * t); }, xs);
  }
  SECTION("sigmoid: s (1 - s), s (1 - s) (1 - 2 s)") {
    check_second_order([](const Tensor& x) { return sigmoid(x); }, [](double x) { return sigm(x) * (1 - sigm(x)); },
                       [](double x) { double s = sigm(x); return s * (1 - s) * (1 - 2 * s); }, xs);
  }
  SECTION("sqrt: 1 / (2 sqrt x), -1 / (4 x^1.5)") {
    check_second_order([](const Tensor& x) { return sqrt(x); }, [](double x) { return 0.5 / std::sqrt(x); },
                       [](double x) { return -0.25 / (x * std::sqrt(x)); }, {0.3, 1.0, 2.5});
  }
  SECTION("x * x: 2x, 2") {
    check_second_order([](const Tensor& x) { return mul(x, x); }, [](double x) { return 2 * x; },
                       [](double) { return 2.0; }, xs);
  }
  SECTION("pow(x, 3.5) (scalar exponent): 3.5 x^2.5, 8.75 x^1.5") {
    check_second_order([](const Tensor& x) { return pow(x, 3.5); }, [](double x) { return 3.5 * std::pow(x, 2.5); },
                       [](double x) { return 8.75 * std::pow(x, 1.5); }, {0.3, 1.0, 2.5});
  }
}

TEST_CASE("second-order gradients of mul across operands", "[autograd][elementwise]") {
  Tensor x = leaf({0.5, -1.2, 2.0}, {3});
  Tensor z = leaf({1.5, 0.3, -0.7}, {3});
  auto g = ag::grad({sum(mul(mul(x, x), z))}, {x, z}, {}, kHigherOrder);  // 2 x z, x^2
  auto gg = ag::grad({sum(g[0])}, {x, z});
  std::vector<double> xv{0.5, -1.2, 2.0}, zv{1.5, 0.3, -0.7};
  for (size_t i = 0; i < 3; ++i) {
    CHECK(vals(g[0])[i] == Approx(2 * xv[i] * zv[i]));
    CHECK(vals(g[1])[i] == Approx(xv[i] * xv[i]));
    CHECK(vals(gg[0])[i] == Approx(2 * zv[i]));  // d(2xz)/dx
    CHECK(vals(gg[1])[i] == Approx(2 * xv[i]));  // d(2xz)/dz
  }
}

TEST_CASE("second-order gradients of pow in both operands", "[autograd][elementwise]") {
  std::vector<double> av{0.7, 1.3, 2.1}, bv{1.5, -0.4, 2.2};
  Tensor a = leaf(av, {3});
  Tensor b = leaf(bv, {3});
  auto g = ag::grad({sum(pow(a, b))}, {a, b}, {}, kHigherOrder);
  auto gga = ag::grad({sum(g[0])}, {a, b}, {}, {true, false});
  auto ggb = ag::grad({sum(g[1])}, {a, b});
  for (size_t i = 0; i < 3; ++i) {
    double x = av[i], e = bv[i], l = std::log(x);
    INFO("a = " << x << ", b = " << e);
    CHECK(vals(g[0])[i] == Approx(e * std::pow(x, e - 1)));
    CHECK(vals(g[1])[i] == Approx(std::pow(x, e) * l));
    CHECK(vals(gga[0])[i] == Approx(e * (e - 1) * std::pow(x, e - 2)));
    CHECK(vals(gga[1])[i] == Approx(std::pow(x, e - 1) * (1 + e * l)));
    CHECK(vals(ggb[0])[i] == Approx(std::pow(x, e - 1) * (1 + e * l)));
    CHECK(vals(ggb[1])[i] == Approx(std::pow(x, e) * l * l));
  }
}

TEST_CASE("nested tapes give the second derivative of sigmoid", "[autograd][elementwise][tape]") {
  Tensor x = constant({0.8}, {});
  ag::GradientTape outer;
  outer.watch(x);
  ag::GradientTape inner;
  inner.watch(x);
  Tensor y = sigmoid(x);
  auto g = inner.gradient(y, {x});
  inner.stop();
  outer.stop();
  auto gg = outer.gradient(g[0], {x});
  double s = sigm(0.8);
  CHECK(vals(g[0])[0] == Approx(s * (1 - s)));
  CHECK(vals(gg[0])[0] == Approx(s * (1 - s) * (1 - 2 * s)));
}

TEST_CASE("an op that saves its output keeps no reference cycle", "[autograd][elementwise]") {
  Tensor x = leaf({0.1, 0.2}, {2});
  std::weak_ptr<TensorImpl> out;
  {
    Tensor y = tanh(exp(x));  // a graph that is never run backward
    out = y.impl_ptr();
    REQUIRE(ag::requires_grad(y));
  }
  CHECK(out.expired());
}

TEST_CASE("create_graph keeps the graph: a saved output is reused at second order", "[autograd][elementwise]") {
  // As in PyTorch, create_graph implies retain_graph, so differentiating the gradient again works.
  Tensor x = leaf({0.3}, {});
  auto g = ag::grad({exp(x)}, {x}, {}, {/*retain_graph=*/false, /*create_graph=*/true});
  auto gg = ag::grad({g[0]}, {x});
  CHECK(gg[0].data<double>()[0] == Approx(std::exp(0.3)));
  // Without create_graph the graph is freed after the first pass, and a second pass says how to keep it.
  Tensor y = exp(x);
  ag::grad({y}, {x});
  REQUIRE_THROWS_WITH(ag::grad({y}, {x}), Catch::Contains("retain_graph"));
}

TEST_CASE("out= forms refuse inputs that require grad", "[autograd][elementwise]") {
  using OutFn = Tensor& (*)(Tensor&, const Tensor&, const Tensor&);
  const std::vector<std::pair<const char*, OutFn>> forms{
      {"add", add_out},         {"sub", sub_out},         {"mul", mul_out},         {"div", div_out},
      {"floor_divide", floor_divide_out}, {"remainder", remainder_out}, {"pow", pow_out},
      {"maximum", maximum_out}, {"minimum", minimum_out}, {"atan2", atan2_out}};
  Tensor x = leaf({0.5, 1.5, 2.5}, {3});
  Tensor c = constant({1.0, 2.0, 3.0}, {3});
  for (const auto& [name, fn] : forms) {
    INFO(name);
    Tensor out = zeros({3}, DType::F64);
    REQUIRE_THROWS_AS(fn(out, x, c), InvalidArgumentError);
    REQUIRE_THROWS_WITH(fn(out, c, x), Catch::Contains(std::string("[") + name + "]") && Catch::Contains("out= form"));
    Tensor out_leaf = leaf({0, 0, 0}, {3});  // writing into a tensor that requires grad is refused too
    REQUIRE_THROWS_AS(fn(out_leaf, c, c), InvalidArgumentError);
    CHECK_NOTHROW(fn(out, c, c));
    ag::NoGradGuard no_grad;
    CHECK_NOTHROW(fn(out, x, c));
  }
  Tensor out = zeros({3}, DType::F64);
  {
    ag::NoGradGuard no_grad;
    add_out(out, x, c);
  }
  CHECK(vals(out) == std::vector<double>{1.5, 3.5, 5.5});
  CHECK_FALSE(ag::requires_grad(out));
}

TEST_CASE("gradients keep the input dtype: f32 and f16", "[autograd][elementwise][dtype]") {
  struct UnaryCase {
    const char* name;
    std::function<Tensor(const Tensor&)> f;
    std::function<double(double)> df;
  };
  const double kInvSqrt2Pi = 0.3989422804014327;
  const std::vector<UnaryCase> cases{
      {"exp", [](const Tensor& x) { return exp(x); }, [](double x) { return std::exp(x); }},
      {"tanh", [](const Tensor& x) { return tanh(x); }, [](double x) { return 1 - std::tanh(x) * std::tanh(x); }},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }, [](double x) { return sigm(x) * (1 - sigm(x)); }},
      {"silu", [](const Tensor& x) { return silu(x); }, [](double x) { return sigm(x) * (1 + x * (1 - sigm(x))); }},
      {"gelu", [](const Tensor& x) { return gelu(x); },
       [=](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)) + x * kInvSqrt2Pi * std::exp(-x * x / 2); }},
      {"gelu tanh", [](const Tensor& x) { return gelu(x, true); },
       [](double x) {
         const double k = 0.7978845608028654 /* sqrt(2 / pi) */, c = 0.044715, t = std::tanh(k * (x + c * x * x * x));
         return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * c * x * x);
       }},
      {"softplus", [](const Tensor& x) { return softplus(x); }, [](double x) { return sigm(x); }},
      {"square", [](const Tensor& x) { return square(x); }, [](double x) { return 2 * x; }},
      {"x*x", [](const Tensor& x) { return mul(x, x); }, [](double x) { return 2 * x; }},
      {"x+1", [](const Tensor& x) { return add(x, 1.0); }, [](double) { return 1.0; }},
      {"pow 3", [](const Tensor& x) { return pow(x, 3.0); }, [](double x) { return 3 * x * x; }},
      {"abs", [](const Tensor& x) { return abs(x); }, [](double x) { return x > 0 ? 1.0 : -1.0; }},
      {"sin", [](const Tensor& x) { return sin(x); }, [](double x) { return std::cos(x); }},
      {"log1p", [](const Tensor& x) { return log1p(x); }, [](double x) { return 1 / (1 + x); }},
      {"elu", [](const Tensor& x) { return elu(x); }, [](double x) { return x > 0 ? 1.0 : std::exp(x); }},
      {"maximum 0", [](const Tensor& x) { return maximum(x, 0.0); }, [](double x) { return x > 0 ? 1.0 : 0.0; }},
      {"where", [](const Tensor& x) { return where(gt(x, 0.0), mul(x, x), x); }, [](double x) { return x > 0 ? 2 * x : 1.0; }},
  };
  const std::vector<double> xs{0.3, -0.6, 1.1, -0.05};
  for (DType dt : {DType::F32, DType::F16}) {
    // f32: a few ulps; f16: the gradient is computed in f16 (ulp 2^-10 near 1) from f16 inputs.
    const double tol = dt == DType::F32 ? 1e-5 : 8e-3;
    for (const UnaryCase& c : cases) {
      INFO(c.name << " " << dtype_name(dt));
      Tensor x = leaf(xs, {4}, dt);
      std::vector<double> xv = vals(x);  // the f16-rounded inputs
      Tensor y = c.f(x);
      CHECK(y.dtype() == dt);
      ag::backward({sum(y)});
      Tensor g = ag::grad(x);
      REQUIRE(g.defined());
      CHECK(g.dtype() == dt);
      for (size_t i = 0; i < xs.size(); ++i) CHECK(vals(g)[i] == Approx(c.df(xv[i])).margin(tol).epsilon(tol));
    }
  }
}

TEST_CASE("mixed-dtype ops and casts return gradients in each input's dtype", "[autograd][elementwise][dtype]") {
  Tensor h = leaf({0.5, -1.0}, {2}, DType::F16);
  Tensor f = leaf({2.0, 3.0}, {2}, DType::F32);
  Tensor y = mul(h, f);
  CHECK(y.dtype() == DType::F32);
  ag::backward({sum(y)});
  CHECK(ag::grad(h).dtype() == DType::F16);
  CHECK(ag::grad(f).dtype() == DType::F32);
  CHECK(vals(ag::grad(h)) == std::vector<double>{2.0, 3.0});
  CHECK(vals(ag::grad(f)) == std::vector<double>{0.5, -1.0});

  SECTION("to_dtype / cast_if_needed / clone") {
    Tensor x32 = leaf({1.0, 2.0}, {2}, DType::F32);
    Tensor x16 = leaf({1.0, 2.0}, {2}, DType::F16);
    Tensor w = constant({0.25, -3.0}, {2});
    // d sum(w * cast(x)) / dx = w, cast to x's dtype.
    ag::backward({sum(mul(to_dtype(x32, DType::F64), w))});
    ag::backward({sum(mul(cast_if_needed(x16, DType::F64), w))});
    ag::backward({sum(mul(to_dtype(clone(x16), DType::F32), to_dtype(w, DType::F32)))});
    CHECK(ag::grad(x32).dtype() == DType::F32);
    CHECK(ag::grad(x16).dtype() == DType::F16);
    CHECK(vals(ag::grad(x32)) == std::vector<double>{0.25, -3.0});
    CHECK(vals(ag::grad(x16)) == std::vector<double>{0.5, -6.0});
    CHECK(cast_if_needed(x16, DType::F16).impl_ptr() == x16.impl_ptr());  // no cast, no node
  }
}

TEST_CASE("non-differentiable results do not require grad", "[autograd][elementwise]") {
  Tensor x = leaf({0.5, -1.0, 0.0}, {3});
  CHECK_FALSE(ag::requires_grad(to_dtype(x, DType::I32)));
  CHECK_FALSE(ag::requires_grad(to_dtype(x, DType::Bool)));
  CHECK_FALSE(ag::requires_grad(gt(x, 0.0)));
  CHECK_FALSE(ag::requires_grad(eq(x, x)));
  CHECK_FALSE(ag::requires_grad(logical_and(x, x)));
  CHECK_FALSE(ag::requires_grad(logical_not(x)));
  CHECK_FALSE(ag::requires_grad(isnan(x)));
  CHECK_FALSE(ag::requires_grad(isfinite(x)));
  CHECK(ag::requires_grad(to_dtype(x, DType::F32)));
  // where: the mask gets no gradient, a and b get the selected positions.
  Tensor a = leaf({1, 2, 3}, {3});
  Tensor b = leaf({4, 5, 6}, {3});
  Tensor cond = constant({1, 0, 1}, {3}, DType::Bool);
  ag::backward({sum(where(cond, a, b))});
  CHECK(vals(ag::grad(a)) == std::vector<double>{1, 0, 1});
  CHECK(vals(ag::grad(b)) == std::vector<double>{0, 1, 0});
}

TEST_CASE("gradients at special points follow PyTorch's conventions", "[autograd][elementwise]") {
  SECTION("pow: 0 where the exponent is 0, and 0 for the exponent where a == 0 and b >= 0") {
    Tensor a = leaf({0, 0, 2, -1.5}, {4});
    Tensor b = leaf({0, 2, 0, 2}, {4});
    ag::backward({sum(pow(a, b))});
    std::vector<double> ga = vals(ag::grad(a)), gb = vals(ag::grad(b));
    CHECK(ga == std::vector<double>{0, 0, 0, -3.0});
    CHECK(gb[0] == 0);
    CHECK(gb[1] == 0);
    CHECK(gb[2] == Approx(std::log(2.0)));
    CHECK(std::isnan(gb[3]));  // log of a negative base
  }
  SECTION("maximum / minimum split ties equally") {
    Tensor a = leaf({1, 2, 3}, {3});
    Tensor b = leaf({1, 5, 0}, {3});
    ag::backward({sum(maximum(a, b))});
    CHECK(vals(ag::grad(a)) == std::vector<double>{0.5, 0, 1});
    CHECK(vals(ag::grad(b)) == std::vector<double>{0.5, 1, 0});
    Tensor x = leaf({2, 1}, {2});
    ag::backward({sum(minimum(x, 2.0))});
    CHECK(vals(ag::grad(x)) == std::vector<double>{0.5, 1});
  }
  SECTION("clip passes the gradient at the bounds; relu and abs give 0 at 0") {
    Tensor x = leaf({-0.5, 0.5, 0.0, 1.0, -2.0}, {5});
    ag::backward({sum(clip(x, -0.5, 0.5))});
    CHECK(vals(ag::grad(x)) == std::vector<double>{1, 1, 1, 0, 0});
    Tensor z = leaf({0.0, 0.0}, {2});
    ag::backward({sum(add(relu(z), abs(z)))});
    CHECK(vals(ag::grad(z)) == std::vector<double>{0, 0});
  }
  SECTION("softplus is linear above the threshold; sign/floor/ceil/round have zero gradient") {
    Tensor x = leaf({25.0, 0.0, -3.0}, {3});
    ag::backward({sum(softplus(x))});
    std::vector<double> g = vals(ag::grad(x));
    CHECK(g[0] == 1.0);
    CHECK(g[1] == Approx(0.5));
    CHECK(g[2] == Approx(sigm(-3.0)));
    Tensor y = leaf({0.3, -1.7}, {2});
    ag::backward({sum(add(add(sign(y), floor(y)), add(ceil(y), round(y))))});
    CHECK(vals(ag::grad(y)) == std::vector<double>{0, 0});
  }
  SECTION("gelu at exactly 0 is 1/2, finite at second order") {
    Tensor x = leaf({0.0}, {});
    auto g = ag::grad({gelu(x)}, {x}, {}, kHigherOrder);
    CHECK(vals(g[0])[0] == 0.5);
    auto gg = ag::grad({g[0]}, {x});
    CHECK(vals(gg[0])[0] == Approx(2 * 0.3989422804014327));  // d/dx (Phi + x phi) = 2 phi(0)
  }
}

TEST_CASE("a non-contiguous leaf gets a gradient of its own shape", "[autograd][elementwise]") {
  Tensor base = constant({0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, {2, 3});
  Tensor v = base.as_strided({3, 2}, {1, 3}, 0);  // the transpose: v[i][j] = base[j][i]
  ag::set_requires_grad(v, true);
  ag::backward({sum(mul(sin(v), v))});  // d/dv = cos(v) v + sin(v)
  Tensor g = ag::grad(v);
  REQUIRE(g.shape() == Shape{3, 2});
  std::vector<double> gv = vals(g), bv = vals(base);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 2; ++j) {
      double x = bv[j * 3 + i];
      CHECK(gv[i * 2 + j] == Approx(std::cos(x) * x + std::sin(x)));
    }
}

TEST_CASE("0-d and 0-size inputs", "[autograd][elementwise]") {
  Tensor s = leaf({0.7}, {});
  ag::backward({tanh(s)});
  CHECK(ag::grad(s).shape() == Shape{});
  CHECK(vals(ag::grad(s))[0] == Approx(1 - std::tanh(0.7) * std::tanh(0.7)));
  Tensor e = zeros({0, 3}, DType::F64);
  ag::set_requires_grad(e, true);
  Tensor b = leaf({1, 2, 3}, {3});
  ag::backward({sum(mul(sigmoid(e), b))});
  CHECK(ag::grad(e).shape() == Shape{0, 3});
  CHECK(vals(ag::grad(b)) == std::vector<double>{0, 0, 0});
}
