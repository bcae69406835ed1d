// Gradient cases of assembly ops (concat, stack, split family, pad, flip, roll, tril/triu, repeat,
// tile), plus multi-output and reflect-pad checks against hand-computed values.
#include <catch2/catch.hpp>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/ops/assemble.h"
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

TFL_GRAD_CASE(GradCase{"concat", "concat axis 1 of 2x2, transposed 3x2 view, 2x1",
                       [] { return Ins{random_input({2, 2}, 201), random_input({3, 2}, 202), random_input({2, 1}, 203)}; },
                       [](const Ins& x) { return concat({x[0], transpose(x[1], 0, 1), x[2]}, -1); }});
TFL_GRAD_CASE(GradCase{"concat", "concat f64 after a constant f32 (promoted)", [] { return one({3}, 204); },
                       [](const Ins& x) { return concat({arange(0, 2, 1, DType::F32), x[0]}); }});
TFL_GRAD_CASE(GradCase{"stack", "stack axis 1 of two 2x3 (one flipped)",
                       [] { return Ins{random_input({2, 3}, 205), random_input({2, 3}, 206)}; },
                       [](const Ins& x) { return stack({x[0], flip(x[1], {1})}, 1); }});
TFL_GRAD_CASE(GradCase{"stack", "stack axis -1 of 0-d tensors", [] { return Ins{random_input({}, 207), random_input({}, 208)}; },
                       [](const Ins& x) { return stack({x[1], x[0], x[1]}, -1); }});
TFL_GRAD_CASE(GradCase{"split", "split {2,1,2} along axis 1, middle piece unused", [] { return one({3, 5}, 209); },
                       [](const Ins& x) {
                         auto p = split(x[0], {2, 1, 2}, 1);
                         return mul(p[0], p[2]);
                       }});
TFL_GRAD_CASE(GradCase{"split_sections", "3 sections of a transposed view, only section 1 used", [] { return one({2, 6}, 210); },
                       [](const Ins& x) { return split_sections(transpose(x[0], 0, 1), 3, 0)[1]; }});
TFL_GRAD_CASE(GradCase{"chunk", "chunk 7 into 3 (3,3,1), pieces 2 and 0 used", [] { return one({2, 7}, 211); },
                       [](const Ins& x) {
                         auto c = chunk(x[0], 3, 1);
                         return concat({c[2], c[0]}, 1);
                       }});
TFL_GRAD_CASE(GradCase{"pad", "constant pad (1,2),(0,1) with value 5", [] { return one({2, 3}, 212); },
                       [](const Ins& x) { return pad(x[0], {{1, 2}, {0, 1}}, PadMode::kConstant, 5.0); }});
TFL_GRAD_CASE(GradCase{"pad", "reflect pad (2,1),(1,3) of 3x4", [] { return one({3, 4}, 213); },
                       [](const Ins& x) { return pad(x[0], {{2, 1}, {1, 3}}, PadMode::kReflect); }});
TFL_GRAD_CASE(GradCase{"pad", "reflect pad (1,1) of every axis of a transposed view", [] { return one({2, 3, 4}, 214); },
                       [](const Ins& x) { return pad(transpose(x[0], 0, 2), {{1, 1}}, PadMode::kReflect); }});
TFL_GRAD_CASE(GradCase{"flip", "flip axes {0, 2}", [] { return one({2, 3, 4}, 215); },
                       [](const Ins& x) { return flip(x[0], {0, -1}); }});
TFL_GRAD_CASE(GradCase{"flip", "flip all of a transposed view", [] { return one({3, 2}, 216); },
                       [](const Ins& x) { return flip(transpose(x[0], 0, 1)); }});
TFL_GRAD_CASE(GradCase{"roll", "flattened roll by -4", [] { return one({2, 5}, 217); },
                       [](const Ins& x) { return roll(x[0], -4); }});
TFL_GRAD_CASE(GradCase{"roll", "roll {1,-2,3} along axes {0,1,0} of a transposed view", [] { return one({5, 3}, 218); },
                       [](const Ins& x) { return roll(transpose(x[0], 0, 1), {1, -2, 3}, {0, 1, 0}); }});
TFL_GRAD_CASE(GradCase{"tril", "tril k=-1 batched", [] { return one({2, 3, 4}, 219); },
                       [](const Ins& x) { return tril(x[0], -1); }});
TFL_GRAD_CASE(GradCase{"triu", "triu k=1 of a transposed view", [] { return one({4, 3}, 220); },
                       [](const Ins& x) { return triu(transpose(x[0], 0, 1), 1); }});
TFL_GRAD_CASE(GradCase{"repeat", "repeat 3 along axis 1", [] { return one({2, 3}, 221); },
                       [](const Ins& x) { return repeat(x[0], 3, 1); }});
TFL_GRAD_CASE(GradCase{"repeat", "repeat counts {0,2,1} along axis 0 of a transposed view", [] { return one({2, 3}, 222); },
                       [](const Ins& x) { return repeat(transpose(x[0], 0, 1), std::vector<int64_t>{0, 2, 1}, 0); }});
TFL_GRAD_CASE(GradCase{"repeat", "repeat 2 without axis (flattened)", [] { return one({2, 2}, 223); },
                       [](const Ins& x) { return repeat(x[0], 2); }});
TFL_GRAD_CASE(GradCase{"tile", "tile reps {2,1,3} on 2x3 (new leading axis)", [] { return one({2, 3}, 224); },
                       [](const Ins& x) { return tile(x[0], {2, 1, 3}); }});
TFL_GRAD_CASE(GradCase{"tile", "tile reps {2} on a transposed 3x2 view", [] { return one({2, 3}, 225); },
                       [](const Ins& x) { return tile(transpose(x[0], 0, 1), {2}); }});
TFL_GRAD_CASE(GradCase{"tile", "tile with a zero rep", [] { return one({2, 3}, 226); },
                       [](const Ins& x) { return tile(x[0], {0, 2}); }});

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

TEST_CASE("split records one node; unused pieces contribute zeros", "[autograd][assemble]") {
  Tensor x = leaf({1, 2, 3, 4, 5, 6}, {6});
  auto p = split(x, {1, 2, 3});
  REQUIRE(autograd::grad_fn(p[0]) == autograd::grad_fn(p[2]));
  REQUIRE(autograd::grad_fn(p[0])->outputs().size() == 3);
  autograd::backward({sum(mul(p[1], p[1]))});  // only piece 1 (elements 1, 2) is used
  CHECK(vals(autograd::grad(x)) == std::vector<double>{0, 4, 6, 0, 0, 0});
}

TEST_CASE("reflect pad folds the mirrored borders back", "[autograd][assemble]") {
  // pad([a b c d], (2, 3), reflect) = [c b | a b c d | c b a]; the gradient of the sum counts how
  // often each input appears: a 2, b 3, c 3, d 1.
  Tensor x = leaf({1, 2, 3, 4}, {4});
  autograd::backward({sum(pad(x, {{2, 3}}, PadMode::kReflect))});
  CHECK(vals(autograd::grad(x)) == std::vector<double>{2, 3, 3, 1});
}

TEST_CASE("second-order gradient through reflect pad and split", "[autograd][assemble]") {
  // y = sum(pad(x, (1,1), reflect)^2) for x of length 3: padded [x1 x0 x1 x2 x1], so y = x0^2 + 3 x1^2 + x2^2,
  // dy/dx = (2 x0, 6 x1, 2 x2); the gradient of its first two entries is (2, 6, 0).
  Tensor x = leaf({1, 2, 3}, {3});
  Tensor p = pad(x, {{1, 1}}, PadMode::kReflect);
  auto g = autograd::grad({sum(mul(p, p))}, {x}, {}, {true, true});
  CHECK(vals(g[0]) == std::vector<double>{2, 12, 6});
  auto gg = autograd::grad({sum(split(g[0], {2, 1})[0])}, {x});
  CHECK(vals(gg[0]) == std::vector<double>{2, 6, 0});
}
