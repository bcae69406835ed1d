#include <catch2/catch.hpp>

#include <cmath>

#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/tape.h"
#include "core/autograd/variable.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/nn.h"
#include "core/ops/reduce.h"

using namespace tfl;
namespace ag = tfl::autograd;

namespace {
Tensor leaf(std::vector<double> v, Shape shape) {
  Tensor t = from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64);
  ag::set_requires_grad(t, true);
  return t;
}
double at(const Tensor& t, int64_t i) { return t.data<double>()[i]; }
}  // namespace

TEST_CASE("backward accumulates into leaves and sums over broadcast", "[autograd]") {
  Tensor x = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = leaf({10, 20, 30}, {3});
  Tensor y = sum(mul(x, b));  // dy/dx = b broadcast, dy/db = column sums of x
  ag::backward({y});
  REQUIRE(ag::grad(x).shape() == Shape{2, 3});
  CHECK(at(ag::grad(x), 4) == 20);
  CHECK(at(ag::grad(b), 0) == 1 + 4);
  CHECK(at(ag::grad(b), 2) == 3 + 6);
  // A second backward on a fresh graph accumulates.
  ag::backward({sum(mul(x, b))});
  CHECK(at(ag::grad(b), 2) == 2 * (3 + 6));
}

TEST_CASE("backward twice without retain_graph is an error naming the fix", "[autograd]") {
  Tensor x = leaf({0.5}, {});
  Tensor y = exp(x);
  ag::backward({y});
  CHECK(at(ag::grad(x), 0) == Approx(std::exp(0.5)));
  REQUIRE_THROWS_WITH(ag::backward({y}), Catch::Contains("retain_graph"));
}

TEST_CASE("in-place modification of a saved tensor is detected", "[autograd]") {
  Tensor x = leaf({1, 2}, {2});
  Tensor a = from_buffer(std::vector<double>{3, 4}.data(), 16, {2}, DType::F64);
  Tensor y = sum(mul(x, a));
  fill_(a, 7.0);  // a was saved by mul for x's gradient
  REQUIRE_THROWS_WITH(ag::backward({y}), Catch::Contains("modified in place"));
}

TEST_CASE("no-grad scope records nothing; detach cuts the graph", "[autograd]") {
  Tensor x = leaf({1, 2}, {2});
  {
    ag::NoGradGuard guard;
    CHECK_FALSE(ag::requires_grad(mul(x, x)));
  }
  CHECK(ag::requires_grad(mul(x, x)));
  CHECK_FALSE(ag::requires_grad(ag::detach(x)));
  REQUIRE_THROWS_AS(ag::set_requires_grad(zeros({2}, DType::I32), true), DTypeError);
}

TEST_CASE("grad of grad through create_graph", "[autograd]") {
  Tensor x = leaf({1.5}, {});
  Tensor y = mul(mul(x, x), x);  // x^3
  auto g = ag::grad({y}, {x}, {}, {true, true});
  CHECK(at(g[0], 0) == Approx(3 * 1.5 * 1.5));
  auto gg = ag::grad({g[0]}, {x});
  CHECK(at(gg[0], 0) == Approx(6 * 1.5));
}

TEST_CASE("tensor hooks read and replace gradients; removal works", "[autograd]") {
  Tensor x = leaf({1, 2}, {2});
  int calls = 0;
  int64_t h = ag::register_hook(x, [&](const Tensor& g) {
    ++calls;
    return mul(g, 10.0);
  });
  ag::backward({sum(mul(x, x))});
  CHECK(calls == 1);
  CHECK(at(ag::grad(x), 1) == 40);  // 2 * x * 10
  CHECK(ag::remove_hook(h));
  CHECK_FALSE(ag::remove_hook(h));
  ag::set_grad(x, Tensor());
  ag::backward({sum(mul(x, x))});
  CHECK(at(ag::grad(x), 1) == 4);
}

TEST_CASE("GradientTape: watch, unconnected sources, persistence, nesting", "[autograd][tape]") {
  Tensor x = from_buffer(std::vector<double>{2.0}.data(), 8, {}, DType::F64);
  Tensor unused = from_buffer(std::vector<double>{1.0}.data(), 8, {}, DType::F64);
  {
    ag::GradientTape outer;
    outer.watch(x);
    ag::GradientTape inner;
    inner.watch(x);
    inner.watch(unused);
    Tensor y = mul(mul(x, x), x);
    auto g = inner.gradient(y, {x, unused});
    inner.stop();
    CHECK(at(g[0], 0) == Approx(12.0));
    CHECK_FALSE(g[1].defined());
    outer.stop();
    auto gg = outer.gradient(g[0], {x});
    CHECK(at(gg[0], 0) == Approx(12.0));  // d(3x^2)/dx = 6x
    REQUIRE_THROWS_WITH(outer.gradient(g[0], {x}), Catch::Contains("persistent"));
  }
  CHECK_FALSE(ag::requires_grad(x));  // the tapes un-watch on destruction
  ag::GradientTape tape(true);
  tape.watch(x);
  Tensor y = mul(x, x);
  tape.stop();
  auto z = tape.gradient(y, {x, unused}, /*unconnected_zeros=*/true);
  CHECK(at(z[0], 0) == Approx(4.0));
  CHECK(z[1].defined());
  CHECK(at(z[1], 0) == 0.0);
  CHECK(at(tape.gradient(y, {x})[0], 0) == Approx(4.0));
}

// Note [Saved outputs] in core/autograd/node.cpp: ops that save their own output must not keep their
// graph alive through it, or a forward without a backward pass leaks the whole graph.
TEST_CASE("a graph whose ops saved their outputs is freed when no backward runs", "[autograd]") {
  Tensor x = full({3}, 0.5);
  autograd::set_requires_grad(x, true);
  const int64_t saved_before = autograd::saved_tensor_count();
  std::weak_ptr<autograd::Node> exp_node, softmax_node;
  {
    Tensor y = exp(x);  // saves y
    Tensor z = softmax(mul(y, y), -1);  // saves z
    exp_node = autograd::grad_fn(y);
    softmax_node = autograd::grad_fn(z);
    REQUIRE_FALSE(exp_node.expired());
    REQUIRE_FALSE(softmax_node.expired());
  }
  CHECK(exp_node.expired());
  CHECK(softmax_node.expired());
  CHECK(autograd::saved_tensor_count() == saved_before);
}

TEST_CASE("a saved output still carries its graph for higher-order gradients", "[autograd]") {
  // d/dx exp(x) = exp(x) is computed from the saved output; its own derivative must be exp(x) again.
  Tensor x = full({1}, 0.3, DType::F64);
  autograd::set_requires_grad(x, true);
  Tensor y = exp(x);
  autograd::BackwardOptions opts;
  opts.create_graph = true;
  std::vector<Tensor> g = autograd::grad({y}, {x}, {}, opts);
  std::vector<Tensor> gg = autograd::grad({g[0]}, {x});
  CHECK(gg[0].item() == Approx(std::exp(0.3)).epsilon(1e-12));
}
