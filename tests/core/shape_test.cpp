// Tests of the view ops in core/ops/shape.h, checked against naive strided index arithmetic.
#include <catch2/catch.hpp>

#include <limits>

#include "core/ops/creation.h"
#include "core/ops/shape.h"
#include "shape_test_util.h"

using namespace tfl;
using namespace tfl::test;
using Catch::Contains;
using Idx = std::vector<int64_t>;

TEST_CASE("reshape of a contiguous tensor is a view in row-major order, every dtype", "[shape][reshape]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = iota(Shape{2, 3, 4}, dt);
    Tensor r = reshape(t, Shape{4, -1});
    REQUIRE(r.shape() == Shape{4, 6});
    CHECK(r.dtype() == dt);
    CHECK(same_storage(r, t));
    CHECK(values(r) == values(t));
    for_each_index(r.shape(), [&](const Idx& i) { CHECK(get(r, i) == test_value(i[0] * 6 + i[1], dt)); });
  }
}

TEST_CASE("reshape keeps a view through compatible strides and copies otherwise", "[shape][reshape]") {
  Tensor t = iota(Shape{2, 3, 4});
  SECTION("permuted axes that stay adjacent merge as a view") {
    Tensor p = permute(t, {2, 0, 1});  // 4x2x3, strides 1,12,4
    Tensor r = reshape(p, Shape{4, 6});
    CHECK(same_storage(r, t));
    CHECK(r.strides() == Strides{1, 4});
    for_each_index(r.shape(), [&](const Idx& i) { CHECK(get(r, i) == get(t, {i[1] / 3, i[1] % 3, i[0]})); });
  }
  SECTION("splitting an axis of a transpose is a view") {
    Tensor m = iota(Shape{6, 4});
    Tensor tr = transpose(m, 0, 1);  // 4x6, strides 1,4
    Tensor r = reshape(tr, Shape{4, 2, 3});
    CHECK(same_storage(r, m));
    CHECK(r.strides() == Strides{1, 12, 4});
    for_each_index(r.shape(), [&](const Idx& i) { CHECK(get(r, i) == get(m, {i[1] * 3 + i[2], i[0]})); });
  }
  SECTION("merging the swapped axes of a transpose copies") {
    Tensor m = iota(Shape{2, 3});
    Tensor tr = transpose(m, 0, 1);
    Tensor r = reshape(tr, Shape{6});
    CHECK_FALSE(same_storage(r, m));
    CHECK(r.is_contiguous());
    CHECK(values(r) == std::vector<double>{0, 3, 1, 4, 2, 5});  // numpy: a.reshape(2,3).T.reshape(6)
    REQUIRE_THROWS_AS(view(tr, Shape{6}), ShapeError);
    REQUIRE_THROWS_WITH(view(tr, Shape{6}), Contains("[view]") && Contains("use reshape") && Contains("3x2"));
  }
  SECTION("a negative-stride tensor splits as a view") {
    Tensor v = iota(Shape{6});
    Tensor f = v.as_strided(Shape{6}, Strides{-1}, 5);
    Tensor r = view(f, Shape{2, 3});
    CHECK(same_storage(r, v));
    CHECK(r.strides() == Strides{-3, -1});
    CHECK(values(r) == std::vector<double>{5, 4, 3, 2, 1, 0});
  }
  SECTION("a broadcast (stride 0) tensor") {
    Tensor row = iota(Shape{3});
    Tensor e = broadcast_to(row, Shape{2, 3});
    Tensor kept = view(e, Shape{2, 3, 1});
    CHECK(same_storage(kept, row));
    Tensor flat = reshape(e, Shape{6});
    CHECK_FALSE(same_storage(flat, row));
    CHECK(values(flat) == std::vector<double>{0, 1, 2, 0, 1, 2});
  }
  SECTION("stepped input with the step on the outer axis merges inner axes as a view") {
    Tensor s = slice(t, 0, std::nullopt, std::nullopt, 2);  // 1x3x4 of a 2x3x4
    Tensor r = view(slice(iota(Shape{4, 3, 4}), 0, std::nullopt, std::nullopt, 2), Shape{2, 12});
    CHECK(r.strides() == Strides{24, 1});
    CHECK(view(s, Shape{12}).shape() == Shape{12});
  }
  SECTION("non-contiguous input copies with the right values") {
    Tensor s = strided_iota(Shape{3, 4}, DType::I32);
    Tensor r = reshape(s, Shape{2, 6});
    CHECK_FALSE(same_storage(r, s));
    for_each_index(r.shape(), [&](const Idx& i) { CHECK(get(r, i) == test_value(i[0] * 6 + i[1], DType::I32)); });
  }
}

TEST_CASE("reshape handles 0-d and 0-size tensors", "[shape][reshape]") {
  Tensor s = scalar_tensor(7.0, DType::I64);
  Tensor r = reshape(s, Shape{1, 1});
  CHECK(r.shape() == Shape{1, 1});
  CHECK(same_storage(r, s));
  CHECK(get(r, {0, 0}) == 7.0);
  Tensor back = reshape(r, Shape{});
  CHECK(back.ndim() == 0);
  CHECK(back.item() == 7.0);
  CHECK(reshape(s, Shape{-1}).shape() == Shape{1});
  Tensor z = Tensor::empty(Shape{0, 3}, DType::F16);
  CHECK(reshape(z, Shape{3, 0}).shape() == Shape{3, 0});
  CHECK(reshape(z, Shape{-1}).shape() == Shape{0});
  CHECK(reshape(z, Shape{2, -1, 5}).shape() == Shape{2, 0, 5});
  REQUIRE_THROWS_WITH(reshape(z, Shape{0, -1}), Contains("ambiguous"));
}

TEST_CASE("reshape rejects mismatched numel", "[shape][reshape]") {
  Tensor t = iota(Shape{2, 3});
  REQUIRE_THROWS_AS(reshape(t, Shape{4, 2}), ShapeError);
  REQUIRE_THROWS_WITH(reshape(t, Shape{4, 2}),
                      Contains("[reshape]") && Contains("2x3 (6 elements)") && Contains("4x2 (8 elements)"));
  REQUIRE_THROWS_WITH(reshape(t, Shape{4, -1}), Contains("2x3 (6 elements)") && Contains("4x-1"));
  REQUIRE_THROWS_WITH(reshape(t, Shape{-1, -1}), Contains("only one dimension can be -1"));
  REQUIRE_THROWS_WITH(reshape(t, Shape{-2, 3}), Contains("invalid size -2"));
  REQUIRE_THROWS_WITH(view(t, Shape{5}), Contains("[view]") && Contains("6 elements"));
  REQUIRE_THROWS_WITH(reshape(t, Shape{int64_t{1} << 40, int64_t{1} << 40}), Contains("overflow"));
  REQUIRE_THROWS_AS(reshape(Tensor(), Shape{1}), InvalidArgumentError);
}

TEST_CASE("views share the version counter", "[shape][view]") {
  Tensor t = zeros(Shape{2, 3}, DType::F32);
  Tensor v = transpose(reshape(t, Shape{3, 2}), 0, 1);
  uint64_t before = t.version();
  fill_(v, 5.0);
  CHECK(t.version() == before + 1);
  CHECK(values(t) == std::vector<double>(6, 5.0));
}

TEST_CASE("transpose, permute and matrix_transpose, every dtype", "[shape][permute]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{2, 3, 4}, dt);
    Tensor p = permute(t, {2, 0, -2});
    REQUIRE(p.shape() == Shape{4, 2, 3});
    CHECK(same_storage(p, t));
    for_each_index(p.shape(), [&](const Idx& i) { CHECK(get(p, i) == get(t, {i[1], i[2], i[0]})); });
    Tensor tr = transpose(t, 0, -1);
    REQUIRE(tr.shape() == Shape{4, 3, 2});
    for_each_index(tr.shape(), [&](const Idx& i) { CHECK(get(tr, i) == get(t, {i[2], i[1], i[0]})); });
    Tensor mt = matrix_transpose(t);
    REQUIRE(mt.shape() == Shape{2, 4, 3});
    for_each_index(mt.shape(), [&](const Idx& i) { CHECK(get(mt, i) == get(t, {i[0], i[2], i[1]})); });
  }
  Tensor s = scalar_tensor(3.0);
  CHECK(transpose(s, 0, -1).ndim() == 0);
  CHECK(permute(s, {}).ndim() == 0);
  Tensor z = Tensor::empty(Shape{0, 2}, DType::U8);
  CHECK(transpose(z, 0, 1).shape() == Shape{2, 0});
}

TEST_CASE("permute and transpose reject bad axes", "[shape][permute]") {
  Tensor t = iota(Shape{2, 3});
  REQUIRE_THROWS_AS(permute(t, {0, 0}), InvalidArgumentError);
  REQUIRE_THROWS_WITH(permute(t, {0, 0}), Contains("appears more than once"));
  REQUIRE_THROWS_WITH(permute(t, {0}), Contains("got 1 axes") && Contains("2x3"));
  REQUIRE_THROWS_AS(permute(t, {0, 2}), IndexError);
  REQUIRE_THROWS_AS(transpose(t, 0, 2), IndexError);
  REQUIRE_THROWS_WITH(transpose(t, 0, -3), Contains("axis -3 is out of range"));
  REQUIRE_THROWS_AS(matrix_transpose(iota(Shape{3})), ShapeError);
  REQUIRE_THROWS_WITH(matrix_transpose(iota(Shape{3})), Contains("at least 2 dimensions"));
}

TEST_CASE("squeeze and unsqueeze", "[shape][squeeze]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{1, 3, 1, 2}, dt);
    Tensor s = squeeze(t);
    REQUIRE(s.shape() == Shape{3, 2});
    CHECK(same_storage(s, t));
    for_each_index(s.shape(), [&](const Idx& i) { CHECK(get(s, i) == get(t, {0, i[0], 0, i[1]})); });
    Tensor s2 = squeeze(t, {-2});
    REQUIRE(s2.shape() == Shape{1, 3, 2});
    for_each_index(s2.shape(), [&](const Idx& i) { CHECK(get(s2, i) == get(t, {0, i[1], 0, i[2]})); });
    Tensor u = unsqueeze(s, 1);
    REQUIRE(u.shape() == Shape{3, 1, 2});
    for_each_index(u.shape(), [&](const Idx& i) { CHECK(get(u, i) == get(s, {i[0], i[2]})); });
    CHECK(unsqueeze(s, -1).shape() == Shape{3, 2, 1});
    CHECK(unsqueeze(s, 0).shape() == Shape{1, 3, 2});
    CHECK(unsqueeze(s, 2).shape() == Shape{3, 2, 1});
  }
  Tensor sc = scalar_tensor(2.0, DType::BF16);
  CHECK(squeeze(sc).ndim() == 0);
  CHECK(squeeze(sc, {0}).ndim() == 0);
  Tensor u0 = unsqueeze(sc, 0);
  CHECK(u0.shape() == Shape{1});
  CHECK(get(u0, {0}) == 2.0);
  CHECK(unsqueeze(sc, -1).shape() == Shape{1});
  CHECK(squeeze(Tensor::empty(Shape{0, 1}, DType::F32)).shape() == Shape{0});
}

TEST_CASE("squeeze and unsqueeze reject bad axes", "[shape][squeeze]") {
  Tensor t = iota(Shape{1, 3});
  REQUIRE_THROWS_AS(squeeze(t, {1}), ShapeError);
  REQUIRE_THROWS_WITH(squeeze(t, {1}), Contains("cannot squeeze axis 1 of size 3") && Contains("1x3"));
  REQUIRE_THROWS_WITH(squeeze(t, {0, -2}), Contains("appears more than once"));
  REQUIRE_THROWS_AS(squeeze(t, {2}), IndexError);
  REQUIRE_THROWS_AS(unsqueeze(t, 3), IndexError);
  REQUIRE_THROWS_AS(unsqueeze(t, -4), IndexError);
  Tensor big = Tensor::empty(Shape{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, DType::F32);
  REQUIRE_THROWS_WITH(unsqueeze(big, 0), Contains("maximum of 12"));
}

TEST_CASE("broadcast_to and expand give stride-0 views", "[shape][expand]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{3, 1}, dt);
    Tensor b = broadcast_to(t, Shape{2, 3, 4});
    REQUIRE(b.shape() == Shape{2, 3, 4});
    CHECK(same_storage(b, t));
    CHECK(b.strides()[0] == 0);
    CHECK(b.strides()[2] == 0);
    for_each_index(b.shape(), [&](const Idx& i) { CHECK(get(b, i) == get(t, {i[1], 0})); });
    Tensor e = expand(t, Shape{-1, 5});
    REQUIRE(e.shape() == Shape{3, 5});
    for_each_index(e.shape(), [&](const Idx& i) { CHECK(get(e, i) == get(t, {i[0], 0})); });
  }
  Tensor s = scalar_tensor(4.0, DType::I32);
  Tensor b = broadcast_to(s, Shape{2, 2});
  CHECK(values(b) == std::vector<double>(4, 4.0));
  CHECK(broadcast_to(iota(Shape{1}), Shape{0}).shape() == Shape{0});
  CHECK(broadcast_to(iota(Shape{2}), Shape{0, 2}).shape() == Shape{0, 2});
}

TEST_CASE("broadcast_to and expand reject incompatible shapes", "[shape][expand]") {
  Tensor t = iota(Shape{2, 3});
  REQUIRE_THROWS_AS(broadcast_to(t, Shape{4, 2}), ShapeError);
  REQUIRE_THROWS_WITH(broadcast_to(t, Shape{4, 2}),
                      Contains("[broadcast_to]") && Contains("2x3") && Contains("4x2") &&
                          Contains("input dimension 0 has size 2, target 4"));
  REQUIRE_THROWS_WITH(broadcast_to(t, Shape{3}), Contains("fewer dimensions"));
  REQUIRE_THROWS_WITH(broadcast_to(t, Shape{-1, 3}), Contains("negative size"));
  REQUIRE_THROWS_WITH(expand(t, Shape{-1, 2, 3}), Contains("[expand]") && Contains("negative size"));
  REQUIRE_THROWS_AS(broadcast_to(iota(Shape{2}), Shape{0}), ShapeError);
}

TEST_CASE("slice follows Python semantics", "[shape][slice]") {
  struct Case {
    int64_t size;
    std::optional<int64_t> start, stop;
    int64_t step;
    std::vector<int64_t> expected;  // list(range(size))[start:stop:step], computed with Python
  };
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const std::vector<Case> cases = {
      {5, std::nullopt, std::nullopt, 1, {0, 1, 2, 3, 4}},
      {5, 1, 4, 1, {1, 2, 3}},
      {5, -2, std::nullopt, 1, {3, 4}},
      {5, std::nullopt, -1, 1, {0, 1, 2, 3}},
      {5, std::nullopt, std::nullopt, -1, {4, 3, 2, 1, 0}},
      {5, 3, 0, -1, {3, 2, 1}},
      {5, std::nullopt, std::nullopt, 2, {0, 2, 4}},
      {5, std::nullopt, std::nullopt, -2, {4, 2, 0}},
      {5, -1, -6, -2, {4, 2, 0}},
      {5, 10, 20, 1, {}},
      {5, -10, 2, 1, {0, 1}},
      {5, 2, 2, 1, {}},
      {5, 4, 1, 1, {}},
      {5, 1, 4, -1, {}},
      {5, -100, 100, 3, {0, 3}},
      {5, 100, -100, -3, {4, 1}},
      {0, std::nullopt, std::nullopt, 1, {}},
      {0, 1, 3, -1, {}},
      {1, std::nullopt, std::nullopt, -1, {0}},
      {5, 0, 5, 100, {0}},
      {5, std::nullopt, std::nullopt, -100, {4}},
      {5, 4, std::nullopt, kMin, {4}},
  };
  for (const Case& c : cases) {
    INFO("size " << c.size << " step " << c.step);
    Tensor base = iota(Shape{2, c.size}, DType::I64);
    Tensor s = slice(base, 1, c.start, c.stop, c.step);
    REQUIRE(s.shape() == Shape{2, static_cast<int64_t>(c.expected.size())});
    CHECK(same_storage(s, base));
    for (int64_t r = 0; r < 2; ++r)
      for (size_t j = 0; j < c.expected.size(); ++j)
        CHECK(get(s, {r, static_cast<int64_t>(j)}) == static_cast<double>(r * c.size + c.expected[j]));
  }
}

TEST_CASE("slice works for every dtype and on non-contiguous input", "[shape][slice]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{4, 6}, dt);
    Tensor s = slice(t, -1, 5, 0, -2);  // columns 5, 3, 1
    REQUIRE(s.shape() == Shape{4, 3});
    for_each_index(s.shape(), [&](const Idx& i) { CHECK(get(s, i) == get(t, {i[0], 5 - 2 * i[1]})); });
    Tensor s2 = slice(slice(s, 0, 1, std::nullopt), 1, std::nullopt, std::nullopt, -1);
    REQUIRE(s2.shape() == Shape{3, 3});
    for_each_index(s2.shape(), [&](const Idx& i) { CHECK(get(s2, i) == get(t, {i[0] + 1, 1 + 2 * i[1]})); });
  }
}

TEST_CASE("slice rejects zero steps, bad axes and 0-d input", "[shape][slice]") {
  Tensor t = iota(Shape{3});
  REQUIRE_THROWS_AS(slice(t, 0, 0, 2, 0), InvalidArgumentError);
  REQUIRE_THROWS_WITH(slice(t, 0, 0, 2, 0), Contains("step cannot be zero"));
  REQUIRE_THROWS_AS(slice(t, 1, 0, 2), IndexError);
  REQUIRE_THROWS_WITH(slice(scalar_tensor(1.0), 0, 0, 1), Contains("0-d"));
}

TEST_CASE("index combines integers, slices, new axes and an ellipsis", "[shape][index]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = strided_iota(Shape{2, 3, 4}, dt);
    // t[1, ..., ::-2]  -> shape (3, 2)
    Tensor a = index(t, {1, IndexSpec::ellipsis(), IndexSpec::slice(std::nullopt, std::nullopt, -2)});
    REQUIRE(a.shape() == Shape{3, 2});
    CHECK(same_storage(a, t));
    for_each_index(a.shape(), [&](const Idx& i) { CHECK(get(a, i) == get(t, {1, i[0], 3 - 2 * i[1]})); });
    // t[None, -1, 1:, None, 2]  -> shape (1, 2, 1)
    Tensor b = index(t, {IndexSpec::new_axis(), -1, IndexSpec::slice(1, std::nullopt), IndexSpec::new_axis(), 2});
    REQUIRE(b.shape() == Shape{1, 2, 1});
    for_each_index(b.shape(), [&](const Idx& i) { CHECK(get(b, i) == get(t, {1, 1 + i[1], 2})); });
    // t[..., 0] and t[0] and t[:, :, :]
    Tensor c = index(t, {IndexSpec::ellipsis(), 0});
    REQUIRE(c.shape() == Shape{2, 3});
    for_each_index(c.shape(), [&](const Idx& i) { CHECK(get(c, i) == get(t, {i[0], i[1], 0})); });
    CHECK(index(t, {0}).shape() == Shape{3, 4});
    CHECK(index(t, {IndexSpec::all(), IndexSpec::all(), IndexSpec::all()}).shape() == Shape{2, 3, 4});
    // t[1, 2, 3] is 0-d
    Tensor d = index(t, {1, 2, 3});
    REQUIRE(d.ndim() == 0);
    CHECK(d.item() == get(t, {1, 2, 3}));
  }
  Tensor s = scalar_tensor(9.0);
  CHECK(index(s, {}).ndim() == 0);
  CHECK(index(s, {IndexSpec::ellipsis()}).ndim() == 0);
  Tensor n = index(s, {IndexSpec::new_axis(), IndexSpec::ellipsis(), IndexSpec::new_axis()});
  CHECK(n.shape() == Shape{1, 1});
  CHECK(get(n, {0, 0}) == 9.0);
  Tensor z = Tensor::empty(Shape{2, 0}, DType::F32);
  CHECK(index(z, {1}).shape() == Shape{0});
  CHECK(index(z, {IndexSpec::all(), IndexSpec::slice(1, 5)}).shape() == Shape{2, 0});
}

TEST_CASE("index rejects out-of-bounds integers and malformed specs", "[shape][index]") {
  Tensor t = iota(Shape{2, 3});
  REQUIRE_THROWS_AS(index(t, {2}), IndexError);
  REQUIRE_THROWS_WITH(index(t, {0, -4}), Contains("index -4 is out of bounds for axis 1 with size 3"));
  REQUIRE_THROWS_WITH(index(t, {0, 0, 0}), Contains("too many indices") && Contains("2x3"));
  REQUIRE_THROWS_WITH(index(t, {IndexSpec::ellipsis(), IndexSpec::ellipsis()}), Contains("single ellipsis"));
  REQUIRE_THROWS_WITH(index(t, {IndexSpec::slice(0, 1, 0)}), Contains("step cannot be zero"));
  REQUIRE_THROWS_AS(index(scalar_tensor(1.0), {0}), IndexError);
}

TEST_CASE("flatten and ravel", "[shape][flatten]") {
  for (DType dt : kAllDTypes) {
    INFO(dtype_name(dt));
    Tensor t = iota(Shape{2, 3, 4, 5}, dt);
    Tensor f = flatten(t, 1, 2);
    REQUIRE(f.shape() == Shape{2, 12, 5});
    CHECK(same_storage(f, t));
    CHECK(values(f) == values(t));
    CHECK(flatten(t).shape() == Shape{120});
    CHECK(flatten(t, -2).shape() == Shape{2, 3, 20});
    CHECK(flatten(t, 2, 2).shape() == Shape{2, 3, 4, 5});
    Tensor nc = strided_iota(Shape{3, 4}, dt);
    Tensor r = ravel(nc);
    REQUIRE(r.shape() == Shape{12});
    CHECK_FALSE(same_storage(r, nc));
    for (int64_t i = 0; i < 12; ++i) CHECK(get(r, {i}) == test_value(i, dt));
  }
  Tensor s = scalar_tensor(3.0, DType::U8);
  CHECK(flatten(s).shape() == Shape{1});
  CHECK(ravel(s).shape() == Shape{1});
  CHECK(ravel(Tensor::empty(Shape{3, 0}, DType::F32)).shape() == Shape{0});
  REQUIRE_THROWS_AS(flatten(iota(Shape{2, 3}), 1, 0), InvalidArgumentError);
  REQUIRE_THROWS_WITH(flatten(iota(Shape{2, 3}), 1, 0), Contains("start_dim 1 comes after end_dim 0"));
  REQUIRE_THROWS_AS(flatten(iota(Shape{2, 3}), 0, 2), IndexError);
}
