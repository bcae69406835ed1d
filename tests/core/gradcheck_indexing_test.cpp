// Gradient cases of indexing ops (gather family, scatter_add, index_add, masked_select), with
// duplicate and negative indices, broadcasting and non-contiguous data.
#include <catch2/catch.hpp>

#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/ops/assemble.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/indexing.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"
#include "gradcheck/gradcheck.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::random_input;
using Ins = std::vector<Tensor>;

Ins one(const Shape& s, uint64_t seed) { return Ins{random_input(s, seed)}; }
Tensor i64(std::vector<int64_t> v, const Shape& s) { return from_buffer(v.data(), v.size() * 8, s, DType::I64); }
Tensor i32(std::vector<int32_t> v, const Shape& s) { return from_buffer(v.data(), v.size() * 4, s, DType::I32); }
// A fixed boolean mask: true where the literal value is positive.
Tensor mask_of(std::vector<double> v, const Shape& s) {
  return gt(from_buffer(v.data(), v.size() * 8, s, DType::F64), 0.0);
}

TFL_GRAD_CASE(GradCase{"gather", "gather axis 1 with duplicate indices on a transposed view", [] { return one({4, 3}, 301); },
                       [](const Ins& x) {
                         // t = x^T is 3x4; index 2x3 (smaller than t on axis 0) repeats column 1.
                         return gather(transpose(x[0], 0, 1), 1, i64({1, 1, -1, 0, 1, 1}, {2, 3}));
                       }});
TFL_GRAD_CASE(GradCase{"gather", "gather 0-d", [] { return one({}, 302); },
                       [](const Ins& x) { return gather(x[0], 0, i64({0}, {})); }});
TFL_GRAD_CASE(GradCase{"take", "take with duplicate and negative flat indices", [] { return one({2, 3}, 303); },
                       [](const Ins& x) { return take(x[0], i32({5, -1, 0, 2, 2, 5}, {3, 2})); }});
TFL_GRAD_CASE(GradCase{"index_select", "index_select rows {2,0,2,2} of a flipped view", [] { return one({3, 4}, 304); },
                       [](const Ins& x) { return index_select(flip(x[0], {1}), 0, i64({2, 0, 2, -1}, {4})); }});
TFL_GRAD_CASE(GradCase{"take_along_axis", "take_along_axis with t and indices broadcasting", [] { return one({3, 1, 4}, 305); },
                       [](const Ins& x) { return take_along_axis(x[0], i64({3, 3, 0, -4}, {1, 2, 2}), 2); }});
TFL_GRAD_CASE(GradCase{"take_along_axis", "take_along_axis axis 0 of a transposed view", [] { return one({3, 2}, 306); },
                       [](const Ins& x) {
                         return take_along_axis(transpose(x[0], 0, 1), i64({0, 1, 1, 1, 0, -1, 0, 0, 1}, {3, 3}), 0);
                       }});
TFL_GRAD_CASE(GradCase{"scatter_add", "scatter_add with duplicates; index smaller than src",
                       [] { return Ins{random_input({3, 4}, 307), random_input({2, 5}, 308)}; },
                       [](const Ins& x) { return scatter_add(x[0], 0, i64({2, 0, 2, 2, 2, 0, 1, 2}, {2, 4}), x[1]); }});
TFL_GRAD_CASE(GradCase{"scatter_add", "scatter_add into a transposed view",
                       [] { return Ins{random_input({4, 2}, 309), random_input({2, 4}, 310)}; },
                       [](const Ins& x) { return scatter_add(transpose(x[0], 0, 1), 1, i64({3, 3, 0, 1, 1, 1, 1, 2}, {2, 4}), x[1]); }});
TFL_GRAD_CASE(GradCase{"index_add", "index_add alpha 2.5 with duplicate rows",
                       [] { return Ins{random_input({3, 2}, 311), random_input({4, 2}, 312)}; },
                       [](const Ins& x) { return index_add(x[0], 0, i64({1, 1, 0, -1}, {4}), x[1], 2.5); }});
TFL_GRAD_CASE(GradCase{"index_add", "index_add along axis 1 of a flipped view",
                       [] { return Ins{random_input({2, 3}, 313), random_input({2, 2}, 314)}; },
                       [](const Ins& x) { return index_add(flip(x[0], {0}), 1, i64({2, 2}, {2}), x[1]); }});
TFL_GRAD_CASE(GradCase{"masked_select", "mask broadcast over rows of a transposed view", [] { return one({3, 2}, 315); },
                       [](const Ins& x) { return masked_select(transpose(x[0], 0, 1), mask_of({1, -1, 1}, {3})); }});
TFL_GRAD_CASE(GradCase{"masked_select", "t broadcast against a 2-D mask (gradient sums)", [] { return one({3}, 316); },
                       [](const Ins& x) { return masked_select(x[0], mask_of({1, 1, -1, -1, 1, 1}, {2, 3})); }});

Tensor leaf(std::vector<double> v, const Shape& shape) {
  Tensor t = from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64);
  autograd::set_requires_grad(t, true);
  return t;
}
std::vector<double> vals(const Tensor& t) {
  Tensor c = contiguous(t);
  return std::vector<double>(c.data<double>(), c.data<double>() + c.numel());
}
}  // namespace

TEST_CASE("gather with duplicate indices accumulates the gradient", "[autograd][indexing]") {
  Tensor x = leaf({10, 20, 30}, {3});
  autograd::backward({sum(gather(x, 0, i64({0, 2, 0, 0, 2}, {5})))});
  CHECK(vals(autograd::grad(x)) == std::vector<double>{3, 0, 2});
}

TEST_CASE("second-order gradient through gather and scatter_add", "[autograd][indexing]") {
  // y = sum(gather(x, [1, 1, 0])^2) = 2 x1^2 + x0^2: dy/dx = (2 x0, 4 x1, 0); d(sum(dy/dx * w))/dx = (2 w0, 4 w1, 0).
  Tensor x = leaf({1, 2, 3}, {3});
  Tensor s = gather(x, 0, i64({1, 1, 0}, {3}));
  auto g = autograd::grad({sum(mul(s, s))}, {x}, {}, {true, true});
  CHECK(vals(g[0]) == std::vector<double>{2, 8, 0});
  Tensor w = from_buffer(std::vector<double>{1, 10, 100}.data(), 24, {3}, DType::F64);
  auto gg = autograd::grad({sum(mul(g[0], w))}, {x});
  CHECK(vals(gg[0]) == std::vector<double>{2, 40, 0});
}

TEST_CASE("in-place scatter_add_/index_add_ refuse tensors that need a gradient", "[autograd][indexing]") {
  Tensor x = leaf({1, 2, 3}, {3});
  Tensor src = from_buffer(std::vector<double>{1}.data(), 8, {1}, DType::F64);
  REQUIRE_THROWS_AS(scatter_add_(x, 0, i64({0}, {1}), src), GradientError);
  REQUIRE_THROWS_WITH(index_add_(x, 0, i64({0}, {1}), src), Catch::Contains("[index_add_]") && Catch::Contains("in-place"));
  autograd::NoGradGuard no_grad;  // e.g. an optimizer step
  index_add_(x, 0, i64({0}, {1}), src);
  CHECK(vals(x) == std::vector<double>{2, 2, 3});
}

TEST_CASE("one_hot is not differentiable", "[autograd][indexing]") {
  CHECK_FALSE(autograd::requires_grad(one_hot(i64({0, 2}, {2}), 3, DType::F64)));
}
