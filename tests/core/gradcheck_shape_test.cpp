// Gradient cases of view and shape ops (reshape, broadcast, transpose, permute, squeeze, unsqueeze,
// slice, basic indexing and their scatter-into-zeros backward ops), plus recording and second-order
// checks.
#include <catch2/catch.hpp>

#include "core/autograd/derivatives/shape.h"
#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"
#include "gradcheck/gradcheck.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::random_input;
using Ins = std::vector<Tensor>;

Ins one(const Shape& s, uint64_t seed) { return Ins{random_input(s, seed)}; }

TFL_GRAD_CASE(GradCase{"reshape", "reshape 2x6 -> 3x4", [] { return one({2, 6}, 21); },
                       [](const Ins& x) { return reshape(x[0], {3, 4}); }});
TFL_GRAD_CASE(GradCase{"reshape", "flatten of a transposed (copying) view", [] { return one({3, 4, 2}, 101); },
                       [](const Ins& x) { return flatten(transpose(x[0], 0, 1), 1); }});
TFL_GRAD_CASE(GradCase{"reshape", "ravel of a negative-step slice", [] { return one({4, 3}, 102); },
                       [](const Ins& x) { return ravel(slice(x[0], 0, std::nullopt, std::nullopt, -2)); }});
TFL_GRAD_CASE(GradCase{"broadcast_to", "broadcast 3x1 -> 2x3x4", [] { return one({3, 1}, 22); },
                       [](const Ins& x) { return broadcast_to(x[0], {2, 3, 4}); }});
TFL_GRAD_CASE(GradCase{"broadcast_to", "expand of a transposed view with -1", [] { return one({1, 3}, 103); },
                       [](const Ins& x) { return expand(transpose(x[0], 0, 1), {2, -1, 4}); }});
TFL_GRAD_CASE(GradCase{"transpose", "transpose axes 0 and 2 of 2x3x4", [] { return one({2, 3, 4}, 104); },
                       [](const Ins& x) { return mul(transpose(x[0], 0, -1), transpose(x[0], 2, 0)); }});
TFL_GRAD_CASE(GradCase{"transpose", "matrix_transpose of a batch", [] { return one({2, 3, 4}, 105); },
                       [](const Ins& x) { return matrix_transpose(x[0]); }});
TFL_GRAD_CASE(GradCase{"permute", "permute {2,0,1} of a transposed view", [] { return one({2, 3, 4}, 106); },
                       [](const Ins& x) { return permute(transpose(x[0], 0, 1), {2, 0, -2}); }});
TFL_GRAD_CASE(GradCase{"squeeze", "squeeze all size-1 axes", [] { return one({2, 1, 3, 1}, 107); },
                       [](const Ins& x) { return squeeze(x[0]); }});
TFL_GRAD_CASE(GradCase{"squeeze", "squeeze one axis of a flipped view", [] { return one({3, 1, 2}, 108); },
                       [](const Ins& x) { return squeeze(slice(x[0], 0, std::nullopt, std::nullopt, -1), {1}); }});
TFL_GRAD_CASE(GradCase{"unsqueeze", "unsqueeze -1 of a transposed view", [] { return one({2, 3}, 109); },
                       [](const Ins& x) { return unsqueeze(transpose(x[0], 0, 1), -1); }});
TFL_GRAD_CASE(GradCase{"slice", "slice 4:0:-2 (negative step) of axis 1", [] { return one({3, 6}, 110); },
                       [](const Ins& x) { return slice(x[0], 1, 4, 0, -2); }});
TFL_GRAD_CASE(GradCase{"slice", "stepped slice of a transposed view, used twice", [] { return one({5, 4}, 111); },
                       [](const Ins& x) {
                         Tensor t = transpose(x[0], 0, 1);
                         return add(slice(t, 1, 1, std::nullopt, 2), slice(t, 1, std::nullopt, -2, 2));
                       }});
TFL_GRAD_CASE(GradCase{"slice_backward", "slice_backward of 5::-2 into 3x6", [] { return one({3, 3}, 112); },
                       [](const Ins& x) { return autograd::slice_backward(x[0], {3, 6}, 1, 5, std::nullopt, -2); }});
TFL_GRAD_CASE(GradCase{"index", "x[1, ::-2, None, ...] of 2x5x3", [] { return one({2, 5, 3}, 113); },
                       [](const Ins& x) {
                         return index(x[0], {IndexSpec(1), IndexSpec::slice(std::nullopt, std::nullopt, -2),
                                             IndexSpec::new_axis(), IndexSpec::ellipsis()});
                       }});
TFL_GRAD_CASE(GradCase{"index", "x[..., -1] of a permuted view", [] { return one({2, 3, 4}, 114); },
                       [](const Ins& x) { return index(permute(x[0], {1, 2, 0}), {IndexSpec::ellipsis(), IndexSpec(-1)}); }});
TFL_GRAD_CASE(GradCase{"index_backward", "index_backward of [1:, 0] into 3x4", [] { return one({2}, 115); },
                       [](const Ins& x) {
                         return autograd::index_backward(x[0], {3, 4}, {IndexSpec::slice(1, std::nullopt), IndexSpec(0)});
                       }});

Tensor leaf(std::vector<double> v, const Shape& shape) {
  Tensor t = from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64);
  autograd::set_requires_grad(t, true);
  return t;
}
double at(const Tensor& t, int64_t i) { return t.data<double>()[i]; }
std::string fn_name(const Tensor& t) { return autograd::grad_fn(t) ? autograd::grad_fn(t)->name() : "<none>"; }
}  // namespace

TEST_CASE("every public view op records its backward", "[autograd][shape]") {
  Tensor x = random_input({2, 1, 3}, 7);
  CHECK(fn_name(reshape(x, {3, 2})) == "reshape");
  CHECK(fn_name(view(x, {6})) == "reshape");
  CHECK(fn_name(flatten(x)) == "reshape");
  CHECK(fn_name(ravel(x)) == "reshape");
  CHECK(fn_name(transpose(x, 0, 2)) == "transpose");
  CHECK(fn_name(matrix_transpose(x)) == "transpose");
  CHECK(fn_name(permute(x, {2, 1, 0})) == "permute");
  CHECK(fn_name(squeeze(x)) == "squeeze");
  CHECK(fn_name(squeeze(x, {1})) == "squeeze");
  CHECK(fn_name(unsqueeze(x, 0)) == "unsqueeze");
  CHECK(fn_name(expand(x, {4, 2, 5, 3})) == "broadcast_to");
  CHECK(fn_name(slice(x, 2, 1, 3)) == "slice");
  CHECK(fn_name(index(x, {IndexSpec(0)})) == "index");
  // A 0-d transpose is still a recorded view.
  Tensor s = random_input({}, 8);
  CHECK(fn_name(transpose(s, 0, -1)) == "transpose");
}

TEST_CASE("slice gradient lands on the sliced positions, zeros elsewhere", "[autograd][shape]") {
  Tensor x = leaf({0, 1, 2, 3, 4, 5}, {6});
  Tensor y = sum(slice(x, 0, 4, 0, -2));  // elements 4 and 2
  autograd::backward({y});
  const double expect[6] = {0, 0, 1, 0, 1, 0};
  for (int i = 0; i < 6; ++i) CHECK(at(autograd::grad(x), i) == expect[i]);
}

TEST_CASE("second-order gradient through a view chain", "[autograd][shape]") {
  // s = x^T[0, ::-1] = (x[2,0], x[1,0], x[0,0]); y = sum(s^3), dy/dx = 3 s^2 at those positions,
  // and d(sum(dy/dx))/dx = 6 s there.
  Tensor x = leaf({1, 2, 3, 4, 5, 6}, {3, 2});
  Tensor s = index(transpose(x, 0, 1), {IndexSpec(0), IndexSpec::slice(std::nullopt, std::nullopt, -1)});
  Tensor s2 = unsqueeze(s, 0);
  Tensor y = sum(mul(mul(s2, s2), s2));
  auto g = autograd::grad({y}, {x}, {}, {true, true});
  REQUIRE(g[0].shape() == Shape{3, 2});
  const double first[6] = {3 * 1 * 1, 0, 3 * 3 * 3, 0, 3 * 5 * 5, 0};
  for (int i = 0; i < 6; ++i) CHECK(at(contiguous(g[0]), i) == Approx(first[i]));
  auto gg = autograd::grad({sum(g[0])}, {x});
  const double second[6] = {6 * 1, 0, 6 * 3, 0, 6 * 5, 0};
  for (int i = 0; i < 6; ++i) CHECK(at(contiguous(gg[0]), i) == Approx(second[i]));
}
