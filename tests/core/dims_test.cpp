// Tests of Dims, broadcasting, contiguous strides, contiguity and axis normalisation.
#include <catch2/catch.hpp>

#include "core/shape.h"

using namespace tfl;
using Catch::Contains;

TEST_CASE("Dims stores up to kMaxDims values inline", "[shape]") {
  Dims d{2, 3, 4};
  CHECK(d.size() == 3);
  CHECK_FALSE(d.empty());
  CHECK(d[0] == 2);
  CHECK(d.back() == 4);
  d.push_back(5);
  CHECK(d == Dims{2, 3, 4, 5});
  d.insert(0, 1);
  CHECK(d == Dims{1, 2, 3, 4, 5});
  d.insert(5, 6);
  CHECK(d == Dims{1, 2, 3, 4, 5, 6});
  d.insert(2, 9);
  CHECK(d == Dims{1, 2, 9, 3, 4, 5, 6});
  d.erase(2);
  d.erase(0);
  CHECK(d == Dims{2, 3, 4, 5, 6});
  d.erase(4);
  CHECK(d == Dims{2, 3, 4, 5});
  CHECK(d != Dims{2, 3, 4});
  CHECK(d != Dims{2, 3, 4, 6});
  d.resize(6, 7);
  CHECK(d == Dims{2, 3, 4, 5, 7, 7});
  d.resize(1);
  CHECK(d == Dims{2});
  CHECK(Dims().empty());
  int64_t raw[3] = {8, 9, 10};
  CHECK(Dims(raw, 3) == Dims{8, 9, 10});

  Dims full;
  for (int i = 0; i < kMaxDims; ++i) full.push_back(1);
  CHECK(full.size() == kMaxDims);
  REQUIRE_THROWS_AS(full.push_back(1), ShapeError);
  REQUIRE_THROWS_AS(full.insert(0, 1), ShapeError);
  REQUIRE_THROWS_WITH(full.resize(kMaxDims + 1), Contains("exceed the maximum of 12"));
  int64_t many[13] = {};
  REQUIRE_THROWS_AS(Dims(many, 13), ShapeError);
}

TEST_CASE("shape_numel and shape_str", "[shape]") {
  CHECK(shape_numel(Shape{}) == 1);
  CHECK(shape_numel(Shape{2, 3, 4}) == 24);
  CHECK(shape_numel(Shape{2, 0, 4}) == 0);
  CHECK(checked_numel(Shape{2, 3, 4}, "t") == 24);
  CHECK(checked_numel(Shape{}, "t") == 1);
  CHECK(checked_numel(Shape{int64_t{1} << 62, 4, 0}, "t") == 0);  // no overflow before the zero is seen
  CHECK(checked_numel(Shape{int64_t{1} << 62, 1}, "t") == int64_t{1} << 62);
  REQUIRE_THROWS_WITH(checked_numel(Shape{int64_t{1} << 62, 2}, "view"),
                      Contains("[view]") && Contains("more than 2^63"));
  REQUIRE_THROWS_WITH(checked_numel(Shape{3, -1}, "view"), Contains("negative dimension") && Contains("3x-1"));
  CHECK(shape_str(Shape{}) == "scalar");
  CHECK(shape_str(Shape{5}) == "5");
  CHECK(shape_str(Shape{2, 3, 4}) == "2x3x4");
}

TEST_CASE("broadcast_shapes follows NumPy rules", "[shape][broadcast]") {
  CHECK(broadcast_shapes(Shape{2, 3}, Shape{2, 3}, "t") == Shape{2, 3});
  CHECK(broadcast_shapes(Shape{2, 1, 3}, Shape{4, 1}, "t") == Shape{2, 4, 3});
  CHECK(broadcast_shapes(Shape{4, 1}, Shape{2, 1, 3}, "t") == Shape{2, 4, 3});
  CHECK(broadcast_shapes(Shape{}, Shape{3}, "t") == Shape{3});
  CHECK(broadcast_shapes(Shape{3}, Shape{}, "t") == Shape{3});
  CHECK(broadcast_shapes(Shape{}, Shape{}, "t") == Shape{});
  CHECK(broadcast_shapes(Shape{1}, Shape{}, "t") == Shape{1});
  CHECK(broadcast_shapes(Shape{0}, Shape{1}, "t") == Shape{0});
  CHECK(broadcast_shapes(Shape{1, 0}, Shape{5, 1}, "t") == Shape{5, 0});
  CHECK(broadcast_shapes(Shape{8, 1, 6, 1}, Shape{7, 1, 5}, "t") == Shape{8, 7, 6, 5});  // NumPy docs example

  REQUIRE_THROWS_AS(broadcast_shapes(Shape{0}, Shape{2}, "t"), ShapeError);
  REQUIRE_THROWS_AS(broadcast_shapes(Shape{3}, Shape{4}, "t"), ShapeError);
  REQUIRE_THROWS_WITH(broadcast_shapes(Shape{2, 3}, Shape{3, 2}, "mul"),
                      Contains("[mul]") && Contains("2x3") && Contains("3x2") && Contains("cannot be broadcast"));
  REQUIRE_THROWS_WITH(broadcast_shapes(Shape{2, 1}, Shape{8, 4, 3}, "add"),
                      Contains("[add]") && Contains("dimension 1: 2 vs 4"));
}

TEST_CASE("broadcast_strides zeroes broadcast dimensions", "[shape][broadcast]") {
  CHECK(broadcast_strides(Shape{3}, Strides{1}, Shape{2, 3}) == Strides{0, 1});
  CHECK(broadcast_strides(Shape{2, 1}, Strides{1, 1}, Shape{2, 4}) == Strides{1, 0});
  CHECK(broadcast_strides(Shape{}, Strides{}, Shape{2, 2}) == Strides{0, 0});
  CHECK(broadcast_strides(Shape{2, 3}, Strides{3, 1}, Shape{2, 3}) == Strides{3, 1});
  CHECK(broadcast_strides(Shape{1}, Strides{5}, Shape{1}) == Strides{5});  // size 1 kept when not broadcast
}

TEST_CASE("contiguous_strides are row-major", "[shape]") {
  CHECK(contiguous_strides(Shape{}) == Strides{});
  CHECK(contiguous_strides(Shape{5}) == Strides{1});
  CHECK(contiguous_strides(Shape{2, 3, 4}) == Strides{12, 4, 1});
  CHECK(contiguous_strides(Shape{2, 1, 4}) == Strides{4, 4, 1});
  // A zero-size dimension counts as 1 so the other strides stay meaningful.
  CHECK(contiguous_strides(Shape{2, 0, 3}) == Strides{3, 3, 1});
}

TEST_CASE("is_contiguous", "[shape]") {
  CHECK(is_contiguous(Shape{}, Strides{}));
  CHECK(is_contiguous(Shape{2, 3, 4}, Strides{12, 4, 1}));
  CHECK_FALSE(is_contiguous(Shape{2, 3}, Strides{1, 2}));   // transposed
  CHECK_FALSE(is_contiguous(Shape{3}, Strides{2}));         // stepped
  CHECK_FALSE(is_contiguous(Shape{3}, Strides{-1}));        // reversed
  CHECK_FALSE(is_contiguous(Shape{2, 3}, Strides{0, 1}));   // broadcast
  CHECK(is_contiguous(Shape{2, 1, 3}, Strides{3, 99, 1}));  // size-1 dims may carry any stride
  CHECK(is_contiguous(Shape{1}, Strides{-7}));
  CHECK(is_contiguous(Shape{2, 0, 3}, Strides{5, 7, 9}));  // no elements
  CHECK_FALSE(is_contiguous(Shape{2, 3}, Strides{4, 1}));   // padded rows
}

TEST_CASE("normalize_axis wraps negative axes and rejects out-of-range ones", "[shape]") {
  CHECK(normalize_axis(0, 3, "t") == 0);
  CHECK(normalize_axis(2, 3, "t") == 2);
  CHECK(normalize_axis(-1, 3, "t") == 2);
  CHECK(normalize_axis(-3, 3, "t") == 0);
  // A 0-d tensor accepts axis 0 and -1 (as NumPy does for reductions over "all" of a scalar).
  CHECK(normalize_axis(0, 0, "t") == 0);
  CHECK(normalize_axis(-1, 0, "t") == 0);
  REQUIRE_THROWS_AS(normalize_axis(3, 3, "t"), IndexError);
  REQUIRE_THROWS_AS(normalize_axis(-4, 3, "t"), IndexError);
  REQUIRE_THROWS_AS(normalize_axis(1, 0, "t"), IndexError);
  REQUIRE_THROWS_AS(normalize_axis(-2, 0, "t"), IndexError);
  REQUIRE_THROWS_WITH(normalize_axis(5, 2, "sum"),
                      Contains("[sum]") && Contains("axis 5") && Contains("valid: -2..1"));
  REQUIRE_THROWS_AS(normalize_axis(INT64_MIN, 2, "t"), IndexError);
}

TEST_CASE("checked_shape validates user shapes", "[shape]") {
  int64_t ok[3] = {2, 0, 3};
  CHECK(checked_shape(ok, 3, "t") == Shape{2, 0, 3});
  CHECK(checked_shape(nullptr, 0, "t") == Shape{});
  int64_t neg[2] = {2, -1};
  REQUIRE_THROWS_WITH(checked_shape(neg, 2, "reshape"),
                      Contains("[reshape]") && Contains("negative size -1 in dimension 1"));
  REQUIRE_THROWS_AS(checked_shape(nullptr, 2, "t"), InvalidArgumentError);
  int64_t many[13] = {};
  REQUIRE_THROWS_AS(checked_shape(many, 13, "t"), ShapeError);
}
