// Tests of sort, argsort and topk against a naive insertion sort and literal NumPy/PyTorch values.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "core/ops/creation.h"
#include "core/ops/sort.h"
#include "core/shape_test_util.h"

using namespace tfl;

namespace {

const DType kAllTypes[] = {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64, DType::U8,
                           DType::Bool, DType::I8, DType::I16, DType::U16, DType::U32, DType::U64};
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// The shared strided-view readers of tests/core/shape_test_util.h, under this file's names.
Tensor make(const std::vector<double>& v, const Shape& s, DType dt) {
  REQUIRE(static_cast<size_t>(shape_numel(s)) == v.size());
  return test::make(s, dt, [&](int64_t i) { return v[static_cast<size_t>(i)]; });
}
double at(const Tensor& t, const std::vector<int64_t>& idx) { return test::get(t, idx); }
std::vector<double> to_vec(const Tensor& t) { return test::values(t); }

// Naive stable ordering of one row: insertion sort of positions, NaN above everything.
std::vector<int64_t> naive_order(const std::vector<double>& row, bool descending) {
  auto before = [&](double a, double b) {  // strictly before
    if (std::isnan(a) || std::isnan(b)) return descending ? (std::isnan(a) && !std::isnan(b))
                                                          : (!std::isnan(a) && std::isnan(b));
    return descending ? a > b : a < b;
  };
  std::vector<int64_t> pos;
  for (int64_t i = 0; i < static_cast<int64_t>(row.size()); ++i) {
    size_t j = pos.size();
    while (j > 0 && before(row[static_cast<size_t>(i)], row[static_cast<size_t>(pos[j - 1])])) --j;
    pos.insert(pos.begin() + static_cast<std::ptrdiff_t>(j), i);
  }
  return pos;
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Checks sort(t, axis=last of a 2-D t) against the naive order, row by row.
void check_sorted_rows(const Tensor& t, const SortResult& r, bool descending, int64_t k = -1) {
  const int64_t rows = t.shape()[0], n = t.shape()[1];
  if (k < 0) k = n;
  REQUIRE(r.values.shape() == Shape{rows, k});
  REQUIRE(r.indices.shape() == Shape{rows, k});
  REQUIRE(r.indices.dtype() == DType::I64);
  REQUIRE(r.values.dtype() == t.dtype());
  for (int64_t i = 0; i < rows; ++i) {
    std::vector<double> row;
    for (int64_t j = 0; j < n; ++j) row.push_back(at(t, {i, j}));
    std::vector<int64_t> ord = naive_order(row, descending);
    for (int64_t j = 0; j < k; ++j) {
      CHECK(at(r.indices, {i, j}) == ord[static_cast<size_t>(j)]);
      CHECK(same(at(r.values, {i, j}), row[static_cast<size_t>(ord[static_cast<size_t>(j)])]));
    }
  }
}

}  // namespace

TEST_CASE("sort matches a naive stable sort for every dtype, both directions", "[sort]") {
  std::vector<double> v;
  for (int i = 0; i < 40; ++i) v.push_back(static_cast<double>((i * 13 + 5) % 9));  // many ties
  for (DType dt : kAllTypes) {
    Tensor t = make(v, Shape{4, 10}, dt);
    for (bool desc : {false, true}) {
      check_sorted_rows(t, sort(t, -1, desc, true), desc);
      check_sorted_rows(t, sort(t, 1, desc, false), desc);  // ties are stable either way
    }
  }
}

TEST_CASE("sort ties and NaN (NumPy / PyTorch values)", "[sort]") {
  // np.argsort([3, 1, 3, 1, 2], kind='stable') = [1, 3, 4, 0, 2]
  Tensor t = make({3, 1, 3, 1, 2}, Shape{5}, DType::F32);
  SortResult a = sort(t);
  CHECK(to_vec(a.values) == std::vector<double>{1, 1, 2, 3, 3});
  CHECK(to_vec(a.indices) == std::vector<double>{1, 3, 4, 0, 2});
  // torch.sort(t, descending=True, stable=True).indices = [0, 2, 4, 1, 3]
  SortResult d = sort(t, 0, true, true);
  CHECK(to_vec(d.values) == std::vector<double>{3, 3, 2, 1, 1});
  CHECK(to_vec(d.indices) == std::vector<double>{0, 2, 4, 1, 3});
  for (DType dt : {DType::F32, DType::F64, DType::F16, DType::BF16}) {
    // np.argsort([3, nan, 1, nan, 2], kind='stable') = [2, 4, 0, 1, 3]; NaN sorts last
    Tensor n = make({3, kNaN, 1, kNaN, 2}, Shape{5}, dt);
    SortResult s = sort(n);
    CHECK(to_vec(s.indices) == std::vector<double>{2, 4, 0, 1, 3});
    std::vector<double> sv = to_vec(s.values);
    CHECK(sv[0] == 1);
    CHECK(sv[2] == 3);
    CHECK(std::isnan(sv[3]));
    CHECK(std::isnan(sv[4]));
    // torch.sort(n, descending=True, stable=True).indices = [1, 3, 0, 4, 2]; NaN first
    CHECK(to_vec(sort(n, 0, true, true).indices) == std::vector<double>{1, 3, 0, 4, 2});
    CHECK(to_vec(argsort(n, -1, true)) == std::vector<double>{1, 3, 0, 4, 2});
  }
  // -inf/inf and signed zeros (equal: input order kept)
  Tensor z = make({0.0, -0.0, -INFINITY, INFINITY, -1}, Shape{5}, DType::F64);
  CHECK(to_vec(argsort(z)) == std::vector<double>{2, 4, 0, 1, 3});
}

TEST_CASE("sort along axis 0 of non-contiguous views", "[sort]") {
  std::vector<double> v;
  for (int i = 0; i < 24; ++i) v.push_back(static_cast<double>((i * 7 + 2) % 10));
  Tensor base = make(v, Shape{4, 6}, DType::I32);
  Tensor tt = base.as_strided(Shape{6, 4}, Strides{1, 6}, 0);  // transpose: rows of tt are columns of base
  check_sorted_rows(tt, sort(tt, 1), false);
  // sort tt along axis 0 == sort base along axis 1, transposed
  SortResult r0 = sort(tt, 0, true);
  SortResult r1 = sort(base, 1, true);
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t j = 0; j < 4; ++j) {
      CHECK(at(r0.values, {i, j}) == at(r1.values, {j, i}));
      CHECK(at(r0.indices, {i, j}) == at(r1.indices, {j, i}));
    }
  // negative strides on both axes
  Tensor rev = base.as_strided(Shape{4, 6}, Strides{-6, -1}, 23);
  check_sorted_rows(rev, sort(rev, -1), false);
  check_sorted_rows(rev, topk(rev, 3, 1, true), true, 3);
}

TEST_CASE("sort and topk of 0-d and 0-size tensors", "[sort]") {
  SortResult s = sort(scalar_tensor(4, DType::F32));
  CHECK(s.values.ndim() == 0);
  CHECK(s.values.item() == 4);
  CHECK(s.indices.item() == 0);
  CHECK(topk(scalar_tensor(4, DType::F32), 1).values.item() == 4);
  CHECK(sort(Tensor::empty(Shape{0, 3}, DType::F32), 1).values.shape() == Shape{0, 3});
  CHECK(sort(Tensor::empty(Shape{3, 0}, DType::F32), 1).indices.shape() == Shape{3, 0});
  CHECK(topk(Tensor::empty(Shape{3, 0}, DType::I64), 0).values.shape() == Shape{3, 0});
}

TEST_CASE("topk largest and smallest (PyTorch values)", "[sort][topk]") {
  // torch.topk(torch.tensor([1., 5., 3., 5., 2.]), 3) = values [5, 5, 3], indices [1, 3, 2]
  Tensor t = make({1, 5, 3, 5, 2}, Shape{5}, DType::F32);
  SortResult r = topk(t, 3);
  CHECK(to_vec(r.values) == std::vector<double>{5, 5, 3});
  CHECK(to_vec(r.indices) == std::vector<double>{1, 3, 2});
  // torch.topk(t, 2, largest=False) = values [1, 2], indices [0, 4]
  SortResult s = topk(t, 2, 0, false);
  CHECK(to_vec(s.values) == std::vector<double>{1, 2});
  CHECK(to_vec(s.indices) == std::vector<double>{0, 4});
  CHECK(topk(t, 0).values.shape() == Shape{0});
  CHECK(to_vec(topk(t, 5, 0, false).values) == std::vector<double>{1, 2, 3, 5, 5});
  // NaN is the largest: torch.topk(torch.tensor([1., nan, 3.]), 2) = values [nan, 3], indices [1, 2]
  SortResult n = topk(make({1, kNaN, 3}, Shape{3}, DType::F32), 2);
  CHECK(to_vec(n.indices) == std::vector<double>{1, 2});
  CHECK(std::isnan(to_vec(n.values)[0]));
  CHECK(to_vec(topk(make({1, kNaN, 3}, Shape{3}, DType::F64), 2, 0, false).indices) == std::vector<double>{0, 2});
  for (DType dt : kAllTypes) {
    std::vector<double> v;
    for (int i = 0; i < 30; ++i) v.push_back(static_cast<double>((i * 11 + 4) % 7));
    Tensor m = make(v, Shape{3, 10}, dt);
    check_sorted_rows(m, topk(m, 4, 1, true), true, 4);
    check_sorted_rows(m, topk(m, 4, -1, false), false, 4);
  }
}

TEST_CASE("topk with sorted=false returns the same set", "[sort][topk]") {
  std::vector<double> v;
  for (int i = 0; i < 50; ++i) v.push_back(static_cast<double>((i * 37 + 11) % 101));  // distinct
  Tensor t = make(v, Shape{50}, DType::F64);
  SortResult u = topk(t, 7, 0, true, false);
  std::vector<double> vals = to_vec(u.values), idx = to_vec(u.indices);
  std::vector<double> sorted_v = v;
  std::sort(sorted_v.begin(), sorted_v.end(), std::greater<double>());
  CHECK(std::multiset<double>(vals.begin(), vals.end()) ==
        std::multiset<double>(sorted_v.begin(), sorted_v.begin() + 7));
  for (size_t j = 0; j < 7; ++j) CHECK(v[static_cast<size_t>(idx[j])] == vals[j]);
}

TEST_CASE("sort of many rows takes the parallel path", "[sort]") {
  const int64_t rows = 2000, n = 37;
  std::vector<double> v(static_cast<size_t>(rows * n));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>((i * 2654435761u) % 1009);
  Tensor t = make(v, Shape{rows, n}, DType::F32);
  SortResult r = sort(t, 1);
  bool ok = true;
  for (int64_t i = 0; i < rows && ok; ++i) {
    std::vector<double> row(v.begin() + i * n, v.begin() + (i + 1) * n);
    std::vector<int64_t> ord = naive_order(row, false);
    for (int64_t j = 0; j < n; ++j)
      ok = ok && at(r.indices, {i, j}) == ord[static_cast<size_t>(j)] &&
           at(r.values, {i, j}) == row[static_cast<size_t>(ord[static_cast<size_t>(j)])];
  }
  CHECK(ok);
}

TEST_CASE("sort and topk errors", "[sort][errors]") {
  Tensor t = make({1, 2, 3, 4, 5, 6}, Shape{2, 3}, DType::F32);
  REQUIRE_THROWS_AS(sort(t, 2), IndexError);
  REQUIRE_THROWS_WITH(sort(t, -3), Catch::Contains("[sort] axis -3 is out of range"));
  REQUIRE_THROWS_AS(topk(t, 4), InvalidArgumentError);
  REQUIRE_THROWS_WITH(topk(t, 4, 1), Catch::Contains("[topk] k = 4 is out of range for axis 1 of size 3"));
  REQUIRE_THROWS_WITH(topk(t, -1, 0), Catch::Contains("[topk] k = -1"));
  REQUIRE_THROWS_AS(argsort(Tensor()), InvalidArgumentError);
  REQUIRE_THROWS_AS(sort(scalar_tensor(1, DType::F32), 1), IndexError);
}
