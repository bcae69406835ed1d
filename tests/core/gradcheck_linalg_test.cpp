// Gradient cases of matmul, dot and outer (checked against finite differences by
// gradcheck_coverage_test), strided-view operands against naive loops, and second-order checks.
#include <catch2/catch.hpp>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"
#include "gradcheck/gradcheck.h"
#include "gradcheck/second_order.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::literal;
using testing::random_input;
using Inputs = std::vector<Tensor>;

Inputs two(const Shape& a, const Shape& b, uint64_t seed) { return {random_input(a, seed), random_input(b, seed + 1)}; }

TFL_GRAD_CASE(GradCase{"matmul", "matmul 3x4 @ 4x5", [] { return two({3, 4}, {4, 5}, 201); },
                       [](const Inputs& x) { return matmul(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"matmul", "matmul 1-D @ 2-D", [] { return two({4}, {4, 3}, 203); },
                       [](const Inputs& x) { return matmul(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"matmul", "matmul 2-D @ 1-D", [] { return two({3, 4}, {4}, 205); },
                       [](const Inputs& x) { return matmul(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"matmul", "matmul 1-D @ 1-D", [] { return two({5}, {5}, 207); },
                       [](const Inputs& x) { return matmul(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"matmul", "matmul broadcast batch (2,1,3,4) @ (3,4,2)", [] { return two({2, 1, 3, 4}, {3, 4, 2}, 209); },
                       [](const Inputs& x) { return matmul(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"matmul", "matmul batched (2,3,4) @ 2-D (4,2)", [] { return two({2, 3, 4}, {4, 2}, 211); },
                       [](const Inputs& x) { return matmul(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"matmul", "matmul 1-D @ batched (2,4,3)", [] { return two({4}, {2, 4, 3}, 213); },
                       [](const Inputs& x) { return matmul(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"matmul", "matmul with a stride-0 broadcast operand view", [] { return two({1, 4}, {4, 3}, 215); },
                       [](const Inputs& x) { return matmul(broadcast_to(x[0], {3, 4}), x[1]); }});
// Second order: y = sum((x W)^2 * w); differentiate dy/dW (recorded) w.r.t. W.
TFL_GRAD_CASE(GradCase{"matmul", "second order: d/dW of d sum((x W)^2)/dW",
                       [] { return Inputs{random_input({3, 4}, 217, -1.0, 1.0, false), random_input({4, 2}, 218)}; },
                       [](const Inputs& x) {
                         return testing::recorded_gradient(
                             [](const Inputs& v) {
                               Tensor y = matmul(v[0], v[1]);
                               return mul(y, y);
                             },
                             x, 1);
                       }});

TFL_GRAD_CASE(GradCase{"dot", "dot 2-D x 2-D", [] { return two({3, 4}, {4, 2}, 221); },
                       [](const Inputs& x) { return dot(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"dot", "dot 1-D x 1-D", [] { return two({4}, {4}, 223); },
                       [](const Inputs& x) { return dot(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"dot", "dot (2,3) x (2,3,4) contraction", [] { return two({2, 3}, {2, 3, 4}, 225); },
                       [](const Inputs& x) { return dot(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"dot", "dot (2,2,3) x (2,3,2) contraction", [] { return two({2, 2, 3}, {2, 3, 2}, 227); },
                       [](const Inputs& x) { return dot(x[0], x[1]); }});

TFL_GRAD_CASE(GradCase{"outer", "outer 3 x 4", [] { return two({3}, {4}, 231); },
                       [](const Inputs& x) { return outer(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"outer", "outer of 2-D operands (flattened)", [] { return two({2, 2}, {3, 1}, 233); },
                       [](const Inputs& x) { return outer(x[0], x[1]); }});

double at(const Tensor& t, int64_t i, int64_t j) {
  return t.data<double>()[i * t.strides()[0] + j * t.strides()[1]];
}

}  // namespace

TEST_CASE("matmul gradients flow into transposed and reversed strided leaves", "[autograd][linalg]") {
  // a is a transposed view (strides (1, 3)) of a 4x3 buffer; b walks its rows backwards (negative stride).
  Tensor abuf = random_input({4, 3}, 301, -1.0, 1.0, false);
  Tensor a = abuf.as_strided({3, 4}, {1, 3}, 0);
  Tensor bbuf = random_input({4, 2}, 302, -1.0, 1.0, false);
  Tensor b = bbuf.as_strided({4, 2}, {-2, 1}, 6);
  autograd::set_requires_grad(a, true);
  autograd::set_requires_grad(b, true);
  Tensor w = random_input({3, 2}, 303, 0.5, 1.5, false);
  std::vector<Tensor> g = autograd::grad({sum(mul(matmul(a, b), w))}, {a, b});
  // d/da = w b^T, d/db = a^T w, by naive loops over the views' logical elements.
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t k = 0; k < 4; ++k) {
      double want = 0;
      for (int64_t j = 0; j < 2; ++j) want += at(w, i, j) * at(b, k, j);
      CHECK(at(contiguous(g[0]), i, k) == Approx(want));
    }
  for (int64_t k = 0; k < 4; ++k)
    for (int64_t j = 0; j < 2; ++j) {
      double want = 0;
      for (int64_t i = 0; i < 3; ++i) want += at(a, i, k) * at(w, i, j);
      CHECK(at(contiguous(g[1]), k, j) == Approx(want));
    }
}

TEST_CASE("matmul second derivative w.r.t. W matches 2 x^T x V", "[autograd][linalg]") {
  Tensor x = random_input({3, 4}, 311, -1.0, 1.0, false);
  Tensor wt = random_input({4, 2}, 312);
  autograd::BackwardOptions opt;
  opt.create_graph = true;
  opt.retain_graph = true;  // the second differentiation runs through the forward graph again
  Tensor y = matmul(x, wt);
  Tensor gw = autograd::grad({sum(mul(y, y))}, {wt}, {}, opt)[0];  // 2 x^T x W
  Tensor v = random_input({4, 2}, 313, -1.0, 1.0, false);
  Tensor h = autograd::grad({sum(mul(gw, v))}, {wt})[0];  // 2 x^T x V
  for (int64_t k = 0; k < 4; ++k)
    for (int64_t j = 0; j < 2; ++j) {
      double want = 0;
      for (int64_t l = 0; l < 4; ++l) {
        double xtx = 0;
        for (int64_t i = 0; i < 3; ++i) xtx += at(x, i, k) * at(x, i, l);
        want += 2 * xtx * at(v, l, j);
      }
      CHECK(at(h, k, j) == Approx(want));
    }
}

TEST_CASE("matmul of f32 and f64 operands returns gradients in each operand's dtype", "[autograd][linalg]") {
  Tensor a = to_dtype(random_input({2, 3}, 321, -1.0, 1.0, false), DType::F32);
  autograd::set_requires_grad(a, true);
  Tensor b = random_input({3, 2}, 322);
  std::vector<Tensor> g = autograd::grad({sum(matmul(a, b))}, {a, b});
  CHECK(g[0].dtype() == DType::F32);
  CHECK(g[1].dtype() == DType::F64);
  CHECK(g[0].shape() == Shape{2, 3});
}
