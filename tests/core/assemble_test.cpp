// Tests of the assembly ops in core/ops/assemble.h, against naive index arithmetic and NumPy literals.
#include <catch2/catch.hpp>

#include <limits>

#include "core/ops/assemble.h"
#include "core/ops/creation.h"
#include "core/ops/shape.h"
#include "shape_test_util.h"

using namespace tfl;
using namespace tfl::test;
using Catch::Contains;
using Idx = std::vector<int64_t>;
using Vals = std::vector<double>;

namespace {
Tensor i64_matrix() { return make(Shape{2, 3}, DType::I64, [](int64_t i) { return static_cast<double>(i); }); }
int64_t mod(int64_t a, int64_t n) { return ((a % n) + n) % n; }
}  // namespace

TEST_CASE("concat joins along an axis, every dtype, non-contiguous pieces", "[assemble][concat]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor a = strided_iota(Shape{2, 3}, dt);
    Tensor b = iota(Shape{2, 1}, dt);
    Tensor e = Tensor::empty(Shape{2, 0}, dt);
    Tensor c = concat({a, e, b}, 1);
    REQUIRE(c.shape() == Shape{2, 4});
    CHECK(c.dtype() == dt);
    CHECK(c.is_contiguous());
    for_each_index(c.shape(), [&](const Idx& i) {
      CHECK(get(c, i) == (i[1] < 3 ? get(a, {i[0], i[1]}) : get(b, {i[0], 0})));
    });
    Tensor r = concat({a, a}, -2);
    REQUIRE(r.shape() == Shape{4, 3});
    for_each_index(r.shape(), [&](const Idx& i) { CHECK(get(r, i) == get(a, {i[0] % 2, i[1]})); });
  }
  CHECK(concat({Tensor::empty(Shape{0, 3}, DType::F32)}, 0).shape() == Shape{0, 3});
}

TEST_CASE("concat and stack promote dtypes", "[assemble][concat]") {
  Tensor a = make(Shape{2}, DType::I32, [](int64_t i) { return 1.0 + static_cast<double>(i); });
  Tensor b = make(Shape{1}, DType::I64, [](int64_t) { return -5.0; });
  Tensor c = concat({a, b});
  CHECK(c.dtype() == DType::I64);
  CHECK(values(c) == Vals{1, 2, -5});
  Tensor h = make(Shape{2}, DType::F16, [](int64_t i) { return 0.5 * static_cast<double>(i); });
  Tensor f = make(Shape{2}, DType::F32, [](int64_t) { return 3.25; });
  Tensor s = stack({h, f});
  CHECK(s.dtype() == DType::F32);
  CHECK(values(s) == Vals{0, 0.5, 3.25, 3.25});
  REQUIRE_THROWS_AS(concat({a, iota(Shape{1}, DType::Bool)}), DTypeError);
  REQUIRE_THROWS_WITH(concat({a, iota(Shape{1}, DType::F32)}), Contains("[concat]") && Contains("int32") &&
                                                                    Contains("float32"));
}

TEST_CASE("concat rejects bad input", "[assemble][concat]") {
  REQUIRE_THROWS_AS(concat({}), InvalidArgumentError);
  REQUIRE_THROWS_WITH(concat({}), Contains("at least one tensor"));
  REQUIRE_THROWS_WITH(concat({iota(Shape{2}), Tensor()}), Contains("tensor 1 is undefined"));
  REQUIRE_THROWS_AS(concat({scalar_tensor(1.0), scalar_tensor(2.0)}), ShapeError);
  REQUIRE_THROWS_WITH(concat({scalar_tensor(1.0)}), Contains("0-d"));
  REQUIRE_THROWS_AS(concat({iota(Shape{2, 3}), iota(Shape{3, 3})}, 1), ShapeError);
  REQUIRE_THROWS_WITH(concat({iota(Shape{2, 3}), iota(Shape{3, 3})}, 1),
                      Contains("tensor 1 has shape 3x3 but tensor 0 has shape 2x3") && Contains("axis 1"));
  REQUIRE_THROWS_WITH(concat({iota(Shape{2, 3}), iota(Shape{6})}), Contains("shape 6"));
  REQUIRE_THROWS_AS(concat({iota(Shape{2})}, 1), IndexError);
}

TEST_CASE("stack adds an axis, every dtype", "[assemble][stack]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor a = strided_iota(Shape{2, 3}, dt);
    Tensor b = iota(Shape{2, 3}, dt);
    for (int64_t axis : {0, 1, 2, -1, -3}) {
      INFO("axis " << axis);
      Tensor s = stack({a, b, a}, axis);
      const int d = static_cast<int>(axis < 0 ? axis + 3 : axis);
      REQUIRE(s.ndim() == 3);
      REQUIRE(s.shape()[d] == 3);
      for_each_index(s.shape(), [&](const Idx& i) {
        Idx rest;
        for (int k = 0; k < 3; ++k)
          if (k != d) rest.push_back(i[static_cast<size_t>(k)]);
        const Tensor& src = i[static_cast<size_t>(d)] == 1 ? b : a;
        CHECK(get(s, i) == get(src, rest));
      });
    }
  }
  Tensor s0 = stack({scalar_tensor(1.0, DType::I32), scalar_tensor(2.0, DType::I32)});
  CHECK(s0.shape() == Shape{2});
  CHECK(values(s0) == Vals{1, 2});
  CHECK(stack({Tensor::empty(Shape{0}, DType::F32)}, 1).shape() == Shape{0, 1});
  REQUIRE_THROWS_AS(stack({iota(Shape{2}), iota(Shape{3})}), ShapeError);
  REQUIRE_THROWS_WITH(stack({iota(Shape{2}), iota(Shape{3})}), Contains("tensor 1 has shape 3") &&
                                                                    Contains("equal shapes"));
  REQUIRE_THROWS_AS(stack({iota(Shape{2})}, 2), IndexError);
  REQUIRE_THROWS_AS(stack({}), InvalidArgumentError);
}

TEST_CASE("split, split_sections and chunk return views", "[assemble][split]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{3, 7}, dt);
    auto parts = split(t, {2, 0, 5}, 1);
    REQUIRE(parts.size() == 3);
    CHECK(parts[0].shape() == Shape{3, 2});
    CHECK(parts[1].shape() == Shape{3, 0});
    CHECK(parts[2].shape() == Shape{3, 5});
    for (const Tensor& p : parts) CHECK(same_storage(p, t));
    for_each_index(parts[2].shape(), [&](const Idx& i) { CHECK(get(parts[2], i) == get(t, {i[0], i[1] + 2})); });
    auto ch = chunk(t, 3, -1);  // PyTorch: sizes 3, 3, 1
    REQUIRE(ch.size() == 3);
    CHECK(ch[0].shape() == Shape{3, 3});
    CHECK(ch[2].shape() == Shape{3, 1});
    for_each_index(ch[1].shape(), [&](const Idx& i) { CHECK(get(ch[1], i) == get(t, {i[0], i[1] + 3})); });
    auto sec = split_sections(t, 3, 0);
    REQUIRE(sec.size() == 3);
    for (int64_t k = 0; k < 3; ++k) {
      CHECK(sec[static_cast<size_t>(k)].shape() == Shape{1, 7});
      CHECK(get(sec[static_cast<size_t>(k)], {0, 4}) == get(t, {k, 4}));
    }
  }
  CHECK(chunk(iota(Shape{6}), 4).size() == 3);  // torch.chunk(arange(6), 4): sizes 2, 2, 2
  CHECK(chunk(iota(Shape{2}), 5).size() == 2);
  auto empty = chunk(Tensor::empty(Shape{0, 2}, DType::F32), 3);
  REQUIRE(empty.size() == 3);
  CHECK(empty[1].shape() == Shape{0, 2});
  CHECK(split_sections(Tensor::empty(Shape{0}, DType::F32), 4).size() == 4);
}

TEST_CASE("split, split_sections and chunk reject bad arguments", "[assemble][split]") {
  Tensor t = iota(Shape{2, 5});
  REQUIRE_THROWS_AS(split(t, {2, 2}, 1), ShapeError);
  REQUIRE_THROWS_WITH(split(t, {2, 2}, 1), Contains("sizes sum to 4") && Contains("2x5") && Contains("size 5"));
  REQUIRE_THROWS_AS(split(t, {6, -1}, 1), InvalidArgumentError);
  REQUIRE_THROWS_WITH(split_sections(t, 2, 1), Contains("does not divide into 2 equal sections"));
  REQUIRE_THROWS_AS(split_sections(t, 0, 1), InvalidArgumentError);
  REQUIRE_THROWS_AS(chunk(t, 0), InvalidArgumentError);
  REQUIRE_THROWS_WITH(chunk(scalar_tensor(1.0), 2), Contains("0-d"));
  REQUIRE_THROWS_AS(split(t, {2}, 2), IndexError);
}

TEST_CASE("pad matches NumPy literals", "[assemble][pad]") {
  Tensor a = i64_matrix();
  // np.pad(np.arange(6).reshape(2,3), ((1,1),(2,2)), mode='reflect')
  Tensor r = pad(a, {{1, 1}, {2, 2}}, PadMode::kReflect);
  REQUIRE(r.shape() == Shape{4, 7});
  CHECK(values(r) == Vals{5, 4, 3, 4, 5, 4, 3, 2, 1, 0, 1, 2, 1, 0, 5, 4, 3, 4, 5, 4, 3, 2, 1, 0, 1, 2, 1, 0});
  // np.pad(np.arange(6).reshape(2,3), ((0,1),(1,0)), constant_values=9)  (NumPy per-axis order)
  Tensor c = pad(a, {{0, 1}, {1, 0}}, PadMode::kConstant, 9);
  REQUIRE(c.shape() == Shape{3, 4});
  CHECK(values(c) == Vals{9, 0, 1, 2, 9, 3, 4, 5, 9, 9, 9, 9});
}

TEST_CASE("pad, every dtype, both modes, non-contiguous input", "[assemble][pad]") {
  const std::vector<std::pair<int64_t, int64_t>> w = {{2, 1}, {0, 3}, {1, 1}};
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{3, 4, 2}, dt);
    Tensor c = pad(t, w, PadMode::kConstant, 1.0);
    REQUIRE(c.shape() == Shape{6, 7, 4});
    CHECK(c.dtype() == dt);
    for_each_index(c.shape(), [&](const Idx& i) {
      Idx src;
      bool inside = true;
      for (size_t k = 0; k < 3; ++k) {
        int64_t m = i[k] - w[k].first;
        inside = inside && m >= 0 && m < t.shape()[static_cast<int>(k)];
        src.push_back(m);
      }
      CHECK(get(c, i) == (inside ? get(t, src) : 1.0));
    });
    Tensor r = pad(t, w, PadMode::kReflect);
    REQUIRE(r.shape() == Shape{6, 7, 4});
    for_each_index(r.shape(), [&](const Idx& i) {
      Idx src;
      for (size_t k = 0; k < 3; ++k) {
        const int64_t n = t.shape()[static_cast<int>(k)];
        int64_t m = i[k] - w[k].first;
        if (m < 0) m = -m;                  // mirror about the first element
        if (m >= n) m = 2 * (n - 1) - m;    // mirror about the last element
        src.push_back(m);
      }
      CHECK(get(r, i) == get(t, src));
    });
  }
  Tensor one = pad(iota(Shape{2}, DType::U8), {{1, 2}}, PadMode::kConstant, 7);
  CHECK(values(one) == Vals{7, 0, 1, 7, 7});
  Tensor all = pad(iota(Shape{2, 2}, DType::I32), {{1, 0}});  // one pair applies to every axis
  CHECK(values(all) == Vals{0, 0, 0, 0, 0, 1, 0, 2, 3});
  Tensor s = pad(scalar_tensor(4.0), {});
  CHECK(s.ndim() == 0);
  CHECK(s.item() == 4.0);
  Tensor z = pad(Tensor::empty(Shape{0, 2}, DType::F32), {{1, 1}, {0, 0}}, PadMode::kConstant, 3);
  CHECK(values(z) == Vals{3, 3, 3, 3});
  CHECK(pad(Tensor::empty(Shape{0}, DType::F32), {{0, 0}}, PadMode::kReflect).shape() == Shape{0});
}

TEST_CASE("pad rejects bad widths", "[assemble][pad]") {
  Tensor t = iota(Shape{2, 3});
  REQUIRE_THROWS_AS(pad(t, {{1, 1}, {1, 1}, {1, 1}}), ShapeError);
  REQUIRE_THROWS_WITH(pad(t, {{1, 1}, {1, 1}, {1, 1}}), Contains("got 3 (before, after) pairs") && Contains("2x3"));
  REQUIRE_THROWS_AS(pad(t, {{0, -1}, {0, 0}}), InvalidArgumentError);
  REQUIRE_THROWS_WITH(pad(t, {{0, -1}, {0, 0}}), Contains(">= 0"));
  REQUIRE_THROWS_AS(pad(t, {{2, 0}, {0, 0}}, PadMode::kReflect), ShapeError);
  REQUIRE_THROWS_WITH(pad(t, {{0, 0}, {1, 3}}, PadMode::kReflect),
                      Contains("reflect padding (1, 3) of axis 1") && Contains("axis size 3"));
}

TEST_CASE("flip is a negative-stride view, every dtype", "[assemble][flip]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{2, 3, 4}, dt);
    Tensor f = flip(t, {0, -1});
    CHECK(same_storage(f, t));
    for_each_index(f.shape(), [&](const Idx& i) { CHECK(get(f, i) == get(t, {1 - i[0], i[1], 3 - i[2]})); });
    Tensor all = flip(t);
    for_each_index(all.shape(), [&](const Idx& i) { CHECK(get(all, i) == get(t, {1 - i[0], 2 - i[1], 3 - i[2]})); });
    Tensor back = flip(flip(t, {1}), {1});
    CHECK(values(back) == values(t));
  }
  CHECK(flip(scalar_tensor(2.0)).item() == 2.0);
  CHECK(flip(Tensor::empty(Shape{0, 3}, DType::F32), {0, 1}).shape() == Shape{0, 3});
  REQUIRE_THROWS_AS(flip(iota(Shape{2}), {0, -1}), InvalidArgumentError);
  REQUIRE_THROWS_WITH(flip(iota(Shape{2}), {0, -1}), Contains("appears more than once"));
  REQUIRE_THROWS_AS(flip(iota(Shape{2}), {1}), IndexError);
}

TEST_CASE("roll matches NumPy literals", "[assemble][roll]") {
  Tensor a = i64_matrix();
  CHECK(values(roll(a, 1)) == Vals{5, 0, 1, 2, 3, 4});             // np.roll(a, 1)
  CHECK(values(roll(a, 7)) == Vals{5, 0, 1, 2, 3, 4});             // np.roll(a, 7)
  CHECK(values(roll(a, -1, 1)) == Vals{1, 2, 0, 4, 5, 3});         // np.roll(a, -1, axis=1)
  CHECK(values(roll(a, {1, 2}, {0, 1})) == Vals{4, 5, 3, 1, 2, 0});  // np.roll(a, (1,2), axis=(0,1))
  CHECK(roll(a, 1).shape() == Shape{2, 3});
}

TEST_CASE("roll, every dtype, non-contiguous input", "[assemble][roll]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{3, 4}, dt);
    for (int64_t shift : {-5, -1, 0, 2, 9}) {
      INFO("shift " << shift);
      Tensor r = roll(t, shift, 1);
      CHECK_FALSE(same_storage(r, t));
      for_each_index(t.shape(), [&](const Idx& i) { CHECK(get(r, {i[0], mod(i[1] + shift, 4)}) == get(t, i)); });
      Tensor f = roll(t, shift);
      for_each_index(t.shape(), [&](const Idx& i) {
        int64_t j = mod(i[0] * 4 + i[1] + shift, 12);
        CHECK(get(f, {j / 4, j % 4}) == get(t, i));
      });
    }
    Tensor m = roll(t, {1, -1, 2}, {0, 1, 0});  // axis 0 rolled by 1 + 2
    for_each_index(t.shape(), [&](const Idx& i) { CHECK(get(m, {mod(i[0] + 3, 3), mod(i[1] - 1, 4)}) == get(t, i)); });
  }
  CHECK(roll(scalar_tensor(3.0), 5).item() == 3.0);
  CHECK(roll(Tensor::empty(Shape{0, 2}, DType::F32), 1, 0).shape() == Shape{0, 2});
  CHECK(roll(Tensor::empty(Shape{0}, DType::F32), 3).shape() == Shape{0});
  REQUIRE_THROWS_AS(roll(scalar_tensor(3.0), 1, 0), IndexError);
  REQUIRE_THROWS_WITH(roll(iota(Shape{2, 2}), {1, 2, 3}, {0, 1}), Contains("got 3 shifts for 2 axes"));
  REQUIRE_THROWS_AS(roll(iota(Shape{2}), std::vector<int64_t>{1}, std::vector<int64_t>{}), InvalidArgumentError);
  REQUIRE_THROWS_AS(roll(iota(Shape{2}), 1, 1), IndexError);
}

TEST_CASE("tril and triu match NumPy literals", "[assemble][tril]") {
  Tensor a = i64_matrix();
  CHECK(values(tril(a, -1)) == Vals{0, 0, 0, 3, 0, 0});  // np.tril(a, -1)
  CHECK(values(triu(a, 1)) == Vals{0, 1, 2, 0, 0, 5});   // np.triu(a, 1)
  CHECK(values(tril(a)) == Vals{0, 0, 0, 3, 4, 0});      // np.tril(a)
  CHECK(values(triu(a, -1)) == Vals{0, 1, 2, 3, 4, 5});  // np.triu(a, -1)
}

TEST_CASE("tril and triu, batched, every dtype, non-contiguous input", "[assemble][tril]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{2, 3, 4, 5}, dt);
    for (int64_t k : std::vector<int64_t>{-100, -2, 0, 1, 4, 100, std::numeric_limits<int64_t>::max()}) {
      INFO("k " << k);
      Tensor lo = tril(t, k), up = triu(t, k);
      REQUIRE(lo.shape() == t.shape());
      for_each_index(t.shape(), [&](const Idx& i) {
        const int64_t diff = i[3] - i[2];  // j - i
        CHECK(get(lo, i) == (diff <= k ? get(t, i) : 0.0));
        CHECK(get(up, i) == (diff >= k ? get(t, i) : 0.0));
      });
    }
  }
  CHECK(tril(Tensor::empty(Shape{3, 0, 2}, DType::F32)).shape() == Shape{3, 0, 2});
  Tensor tr = transpose(iota(Shape{3, 3}, DType::F64), 0, 1);
  CHECK(values(tril(tr)) == Vals{0, 0, 0, 1, 4, 0, 2, 5, 8});
  REQUIRE_THROWS_AS(tril(iota(Shape{3})), ShapeError);
  REQUIRE_THROWS_WITH(triu(iota(Shape{3})), Contains("[triu]") && Contains("at least 2 dimensions") &&
                                                 Contains("shape 3"));
}

TEST_CASE("repeat matches NumPy literals", "[assemble][repeat]") {
  Tensor a = i64_matrix();
  CHECK(values(repeat(a, {1, 0, 2}, 1)) == Vals{0, 2, 2, 3, 5, 5});  // np.repeat(a, [1,0,2], axis=1)
  CHECK(values(repeat(a, 2)) == Vals{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5});  // np.repeat(a, 2)
  CHECK(values(repeat(scalar_tensor(5.0), 3, 0)) == Vals{5, 5, 5});  // np.repeat(np.array(5), 3, axis=0)
}

TEST_CASE("repeat, every dtype, non-contiguous input", "[assemble][repeat]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{3, 4, 2}, dt);
    const std::vector<int64_t> counts = {2, 0, 1, 3};
    Tensor r = repeat(t, counts, 1);
    REQUIRE(r.shape() == Shape{3, 6, 2});
    const std::vector<int64_t> src_of = {0, 0, 2, 3, 3, 3};  // output position -> input position
    for_each_index(r.shape(), [&](const Idx& i) {
      CHECK(get(r, i) == get(t, {i[0], src_of[static_cast<size_t>(i[1])], i[2]}));
    });
    Tensor u = repeat(t, 2, -1);
    REQUIRE(u.shape() == Shape{3, 4, 4});
    for_each_index(u.shape(), [&](const Idx& i) { CHECK(get(u, i) == get(t, {i[0], i[1], i[2] / 2})); });
    Tensor f = repeat(t, 3);
    REQUIRE(f.shape() == Shape{72});
    for_each_index(f.shape(), [&](const Idx& i) {
      int64_t j = i[0] / 3;
      CHECK(get(f, i) == get(t, {j / 8, (j / 2) % 4, j % 2}));
    });
  }
  CHECK(repeat(iota(Shape{2, 3}), 0, 0).shape() == Shape{0, 3});
  CHECK(repeat(Tensor::empty(Shape{0, 3}, DType::F32), 4, 0).shape() == Shape{0, 3});
  CHECK(repeat(Tensor::empty(Shape{2, 0}, DType::F32), 4, 0).shape() == Shape{8, 0});
  REQUIRE_THROWS_AS(repeat(iota(Shape{3}), {1, 2}, 0), ShapeError);
  REQUIRE_THROWS_WITH(repeat(iota(Shape{3}), {1, 2}, 0), Contains("got 2 counts for axis 0 of size 3"));
  REQUIRE_THROWS_AS(repeat(iota(Shape{3}), -1), InvalidArgumentError);
  REQUIRE_THROWS_WITH(repeat(iota(Shape{3}), {1, -2, 1}, 0), Contains(">= 0") && Contains("position 1"));
  REQUIRE_THROWS_AS(repeat(iota(Shape{3}), 2, 1), IndexError);
}

TEST_CASE("tile matches NumPy literals", "[assemble][tile]") {
  Tensor v = make(Shape{2}, DType::I32, [](int64_t i) { return 1.0 + static_cast<double>(i); });
  Tensor t1 = tile(v, {2, 2});  // np.tile([1,2], (2,2))
  CHECK(t1.shape() == Shape{2, 4});
  CHECK(values(t1) == Vals{1, 2, 1, 2, 1, 2, 1, 2});
  Tensor t2 = tile(i64_matrix(), {2});  // np.tile(a, 2)
  CHECK(t2.shape() == Shape{2, 6});
  CHECK(values(t2) == Vals{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5});
  Tensor t3 = tile(scalar_tensor(5.0), {2, 3});  // np.tile(np.array(5), (2,3))
  CHECK(t3.shape() == Shape{2, 3});
  CHECK(values(t3) == Vals(6, 5.0));
}

TEST_CASE("tile, every dtype, non-contiguous input", "[assemble][tile]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{2, 3}, dt);
    Tensor r = tile(t, {3, 1, 2});
    REQUIRE(r.shape() == Shape{3, 2, 6});
    CHECK(r.is_contiguous());
    for_each_index(r.shape(), [&](const Idx& i) { CHECK(get(r, i) == get(t, {i[1] % 2, i[2] % 3})); });
    Tensor same = tile(t, {1, 1});
    CHECK_FALSE(same_storage(same, t));  // always a copy, like NumPy
    CHECK(values(same) == values(t));
  }
  CHECK(tile(iota(Shape{2, 3}), {0, 2}).shape() == Shape{0, 6});
  CHECK(tile(Tensor::empty(Shape{0}, DType::F32), {3}).shape() == Shape{0});
  // More tiled axes than the one-copy view can hold falls back to per-axis tiling.
  Tensor big = iota(Shape{2, 1, 1, 1, 1, 1, 1, 1}, DType::I64);
  Tensor bt = tile(big, {2, 2, 2, 2, 2, 1, 1, 1});
  REQUIRE(bt.shape() == Shape{4, 2, 2, 2, 2, 1, 1, 1});
  for_each_index(bt.shape(), [&](const Idx& i) { CHECK(get(bt, i) == static_cast<double>(i[0] % 2)); });
  REQUIRE_THROWS_AS(tile(iota(Shape{2}), {-1}), InvalidArgumentError);
  REQUIRE_THROWS_WITH(tile(iota(Shape{2}), {2, -1}), Contains("reps must be >= 0") && Contains("position 1"));
  REQUIRE_THROWS_AS(tile(iota(Shape{2}), std::vector<int64_t>(13, 1)), ShapeError);
}
