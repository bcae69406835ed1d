// Tests of the indexing ops against naive loops written here and literal NumPy/PyTorch values.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/indexing.h"
#include "core/shape_test_util.h"

using namespace tfl;

namespace {

const DType kAllTypes[] = {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64, DType::U8,
                           DType::Bool, DType::I8, DType::I16, DType::U16, DType::U32, DType::U64};

// The shared strided-view readers of tests/core/shape_test_util.h, under this file's names.
Tensor make(const std::vector<double>& v, const Shape& s, DType dt) {
  REQUIRE(static_cast<size_t>(shape_numel(s)) == v.size());
  return test::make(s, dt, [&](int64_t i) { return v[static_cast<size_t>(i)]; });
}
double at(const Tensor& t, const std::vector<int64_t>& idx) { return test::get(t, idx); }
std::vector<double> to_vec(const Tensor& t) { return test::values(t); }

std::vector<double> iota(int64_t n, double start = 0) {
  std::vector<double> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(start + static_cast<double>((i * 7 + 3) % 11));
  return v;
}

int64_t wrap(double v, int64_t size) { return v < 0 ? static_cast<int64_t>(v) + size : static_cast<int64_t>(v); }

}  // namespace

TEST_CASE("gather matches a naive loop for every dtype, both index dtypes and both axes", "[indexing][gather]") {
  for (DType dt : kAllTypes) {
    for (DType it : {DType::I32, DType::I64}) {
      Tensor t = make(iota(12), Shape{3, 4}, dt);
      // index shape 2x3 is smaller than t on the non-indexed axis (PyTorch allows that)
      Tensor i0 = make({0, 2, -1, 1, -3, 2}, Shape{2, 3}, it);
      Tensor g0 = gather(t, 0, i0);
      REQUIRE(g0.shape() == Shape{2, 3});
      REQUIRE(g0.dtype() == dt);
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 3; ++j)
          CHECK(at(g0, {i, j}) == at(t, {wrap(at(i0, {i, j}), 3), j}));
      Tensor i1 = make({3, 0, -4, 1, 1, -1}, Shape{2, 3}, it);
      Tensor g1 = gather(t, -1, i1);
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 3; ++j)
          CHECK(at(g1, {i, j}) == at(t, {i, wrap(at(i1, {i, j}), 4)}));
    }
  }
}

TEST_CASE("gather reads non-contiguous data and indices", "[indexing][gather]") {
  Tensor base = make(iota(12), Shape{3, 4}, DType::F32);
  Tensor t = base.as_strided(Shape{4, 3}, Strides{1, 4}, 0);  // transpose
  Tensor ibase = make({0, 9, 1, 9, 2, 9, 3, 9, 0, 9, 1, 9}, Shape{6, 2}, DType::I64);
  Tensor idx = ibase.as_strided(Shape{2, 3}, Strides{6, 2}, 0);  // every other element: 0..3, 0, 1
  Tensor g = gather(t, 0, idx);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) CHECK(at(g, {i, j}) == at(t, {static_cast<int64_t>(at(idx, {i, j})), j}));
  // negative stride on the data
  Tensor rev = base.as_strided(Shape{12}, Strides{-1}, 11);
  Tensor g2 = gather(rev, 0, make({0, 11, -1}, Shape{3}, DType::I32));
  CHECK(to_vec(g2) == std::vector<double>{at(base, {2, 3}), at(base, {0, 0}), at(base, {0, 0})});
}

TEST_CASE("gather of 3-D tensors and of 0-size and 0-d tensors", "[indexing][gather]") {
  Tensor t = make(iota(24), Shape{2, 3, 4}, DType::F64);
  Tensor idx = make({2, 0, 1, 1, -3, 2, 0, 0}, Shape{2, 2, 2}, DType::I64);
  Tensor g = gather(t, 1, idx);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 2; ++j)
      for (int64_t k = 0; k < 2; ++k) CHECK(at(g, {i, j, k}) == at(t, {i, wrap(at(idx, {i, j, k}), 3), k}));
  CHECK(gather(t, 2, Tensor::empty(Shape{2, 0, 4}, DType::I32)).shape() == Shape{2, 0, 4});
  Tensor s = scalar_tensor(5.0, DType::F32);
  Tensor g0 = gather(s, 0, scalar_tensor(-1, DType::I64));
  CHECK(g0.ndim() == 0);
  CHECK(g0.item() == 5.0);
}

TEST_CASE("take indexes the flattened input (NumPy values)", "[indexing][take]") {
  // np.take(np.array([[4, 3, 5], [7, 6, 8]]), [0, 1, 4, -1]) -> [4, 3, 6, 8]
  Tensor a = make({4, 3, 5, 7, 6, 8}, Shape{2, 3}, DType::I32);
  CHECK(to_vec(take(a, make({0, 1, 4, -1}, Shape{4}, DType::I64))) == std::vector<double>{4, 3, 6, 8});
  // np.take(a, [[0, 1], [4, 5]]) -> [[4, 3], [6, 8]]
  Tensor r = take(a, make({0, 1, 4, 5}, Shape{2, 2}, DType::I32));
  CHECK(r.shape() == Shape{2, 2});
  CHECK(to_vec(r) == std::vector<double>{4, 3, 6, 8});
  // Row-major order of a transposed view: a.T.ravel() = [4, 7, 3, 6, 5, 8]
  Tensor at_ = a.as_strided(Shape{3, 2}, Strides{1, 3}, 0);
  CHECK(to_vec(take(at_, make({0, 1, 2, -2}, Shape{4}, DType::I64))) == std::vector<double>{4, 7, 3, 5});
  Tensor s = take(a, scalar_tensor(-6, DType::I64));
  CHECK(s.ndim() == 0);
  CHECK(s.item() == 4);
  for (DType dt : kAllTypes) {
    Tensor t = make(iota(6), Shape{3, 2}, dt);
    Tensor out = take(t, make({5, -6, 2}, Shape{3}, DType::I32));
    CHECK(out.dtype() == dt);
    CHECK(to_vec(out) == std::vector<double>{at(t, {2, 1}), at(t, {0, 0}), at(t, {1, 0})});
  }
  CHECK(take(Tensor::empty(Shape{0}, DType::F32), Tensor::empty(Shape{0}, DType::I64)).numel() == 0);
}

TEST_CASE("index_select picks rows with repeats and negative indices", "[indexing][index_select]") {
  for (DType dt : kAllTypes) {
    Tensor t = make(iota(12), Shape{3, 4}, dt);
    Tensor idx = make({2, -1, 0, 2, -4}, Shape{5}, DType::I64);
    Tensor r = index_select(t, 1, idx);
    REQUIRE(r.shape() == Shape{3, 5});
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 5; ++j) CHECK(at(r, {i, j}) == at(t, {i, wrap(at(idx, {j}), 4)}));
    Tensor r0 = index_select(t, 0, make({-1, 0}, Shape{2}, DType::I32));
    for (int64_t j = 0; j < 4; ++j) {
      CHECK(at(r0, {0, j}) == at(t, {2, j}));
      CHECK(at(r0, {1, j}) == at(t, {0, j}));
    }
  }
  // non-contiguous (transposed) input and an empty index
  Tensor base = make(iota(12), Shape{3, 4}, DType::F32);
  Tensor tt = base.as_strided(Shape{4, 3}, Strides{1, 4}, 0);
  Tensor r = index_select(tt, 0, make({3, 1}, Shape{2}, DType::I64));
  for (int64_t j = 0; j < 3; ++j) {
    CHECK(at(r, {0, j}) == at(base, {j, 3}));
    CHECK(at(r, {1, j}) == at(base, {j, 1}));
  }
  CHECK(index_select(tt, 1, Tensor::empty(Shape{0}, DType::I32)).shape() == Shape{4, 0});
}

TEST_CASE("take_along_axis follows NumPy, with broadcasting", "[indexing][take_along_axis]") {
  // a = [[10, 30, 20], [60, 40, 50]]; np.take_along_axis(a, np.argsort(a, 1), 1) = [[10, 20, 30], [40, 50, 60]]
  Tensor a = make({10, 30, 20, 60, 40, 50}, Shape{2, 3}, DType::F32);
  Tensor ai = make({0, 2, 1, 1, 2, 0}, Shape{2, 3}, DType::I64);
  CHECK(to_vec(take_along_axis(a, ai, 1)) == std::vector<double>{10, 20, 30, 40, 50, 60});
  // indices 1x2 broadcast over the rows: np.take_along_axis(a, np.array([[2, -3]]), 1) = [[20, 10], [50, 60]]
  Tensor r = take_along_axis(a, make({2, -3}, Shape{1, 2}, DType::I32), 1);
  CHECK(r.shape() == Shape{2, 2});
  CHECK(to_vec(r) == std::vector<double>{20, 10, 50, 60});
  // t broadcast: t 1x3 against indices 2x1 along axis 0 -> picks row 0 for all
  Tensor row = make({1, 2, 3}, Shape{1, 3}, DType::U8);
  Tensor r2 = take_along_axis(row, make({0, -1}, Shape{2, 1}, DType::I64), 0);
  CHECK(r2.shape() == Shape{2, 3});
  CHECK(to_vec(r2) == std::vector<double>{1, 2, 3, 1, 2, 3});
  REQUIRE_THROWS_AS(take_along_axis(a, make({0, 0, 0}, Shape{3, 1}, DType::I64), 1), ShapeError);
  REQUIRE_THROWS_WITH(take_along_axis(a, make({0, 0, 0}, Shape{3, 1}, DType::I64), 1),
                      Catch::Contains("[take_along_axis]") && Catch::Contains("do not broadcast"));
}

TEST_CASE("scatter_add accumulates duplicates like a naive loop", "[indexing][scatter_add]") {
  for (DType dt : kAllTypes) {
    for (DType it : {DType::I32, DType::I64}) {
      Tensor t = make(iota(12), Shape{3, 4}, dt);
      Tensor src = make(iota(12, 1), Shape{3, 4}, dt);
      Tensor idx = make({0, 0, -1, 2, 0, 1, 0, 2}, Shape{2, 4}, it);  // duplicates in column 0
      Tensor r = scatter_add(t, 0, idx, src);
      REQUIRE(r.dtype() == dt);
      std::vector<double> expect = to_vec(t);
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 4; ++j) {
          double& e = expect[static_cast<size_t>(wrap(at(idx, {i, j}), 3) * 4 + j)];
          e = dt == DType::Bool ? double(e != 0 || at(src, {i, j}) != 0) : e + at(src, {i, j});
        }
      if (dt == DType::U8 || dt == DType::I8) {  // results stay below 128 for i8: no wrap there
        for (double& e : expect) e = std::fmod(e, 256);
      }
      CHECK(to_vec(r) == expect);
      CHECK(to_vec(t) == to_vec(make(iota(12), Shape{3, 4}, dt)));  // out of place
    }
  }
}

TEST_CASE("scatter_add along axis 1 with non-contiguous operands", "[indexing][scatter_add]") {
  Tensor tb = make(iota(12), Shape{4, 3}, DType::F32);
  Tensor t = tb.as_strided(Shape{3, 4}, Strides{1, 3}, 0);
  Tensor sb = make(iota(16, 1), Shape{4, 4}, DType::F32);
  Tensor src = sb.as_strided(Shape{3, 4}, Strides{4, 1}, 4);  // rows 1..3
  Tensor idx = make({3, 3, 3, -4, 1, 1}, Shape{2, 3}, DType::I64);
  Tensor r = scatter_add(t, 1, idx, src);
  std::vector<double> expect = to_vec(t);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) expect[static_cast<size_t>(i * 4 + wrap(at(idx, {i, j}), 4))] += at(src, {i, j});
  CHECK(to_vec(r) == expect);
  // an empty index leaves a copy
  CHECK(to_vec(scatter_add(t, 1, Tensor::empty(Shape{3, 0}, DType::I32), src)) == to_vec(t));
}

TEST_CASE("scatter_add accumulates f16/bf16 in f32 and integers with wrap-around", "[indexing][scatter_add]") {
  // 2048 + 1 + 1 + 1 + 1: rounding to f16 after each add would stay at 2048; in f32, 2052 (exact in f16).
  Tensor t = make({2048}, Shape{1}, DType::F16);
  Tensor src = make({1, 1, 1, 1}, Shape{4}, DType::F16);
  Tensor idx = make({0, 0, 0, 0}, Shape{4}, DType::I32);
  CHECK(scatter_add(t, 0, idx, src).item() == 2052);
  // bf16 has 8 significant bits: 256 + 4 x 1 = 260 (exact); per-step rounding would give 256.
  CHECK(scatter_add(make({256}, Shape{1}, DType::BF16), 0, idx, make({1, 1, 1, 1}, Shape{4}, DType::BF16)).item() ==
        260);
  Tensor big = make({static_cast<double>(std::numeric_limits<int32_t>::max())}, Shape{1}, DType::I32);
  CHECK(scatter_add(big, 0, make({0}, Shape{1}, DType::I64), make({1}, Shape{1}, DType::I32)).item() ==
        static_cast<double>(std::numeric_limits<int32_t>::min()));
  CHECK(scatter_add(make({250}, Shape{1}, DType::U8), 0, make({0, 0}, Shape{2}, DType::I64),
                    make({5, 5}, Shape{2}, DType::U8))
            .item() == 4);
}

TEST_CASE("index_add adds alpha * src rows with duplicates", "[indexing][index_add]") {
  for (DType dt : kAllTypes) {
    Tensor t = make(iota(12), Shape{3, 4}, dt);
    Tensor src = make(iota(9, 1), Shape{3, 3}, dt);
    Tensor idx = make({1, -3, 1}, Shape{3}, DType::I32);
    const double alpha = dt == DType::Bool ? 1 : 2;
    Tensor r = index_add(t, 1, idx, src, alpha);
    std::vector<double> expect = to_vec(t);
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 3; ++j) {
        double& e = expect[static_cast<size_t>(i * 4 + wrap(at(idx, {j}), 4))];
        e = dt == DType::Bool ? double(e != 0 || at(src, {i, j}) != 0) : e + alpha * at(src, {i, j});
      }
    if (dt == DType::U8) {
      for (double& e : expect) e = std::fmod(e, 256);
    }
    if (dt == DType::BF16 || dt == DType::F16) {
      // results up to 10 + 2 * (9 + 9) = 46 are exact in both
      for (double e : expect) REQUIRE(e <= 64);
    }
    CHECK(to_vec(r) == expect);
  }
  // integer alpha wraps like the additions: u8 with alpha -1 subtracts: 9 - 2 = 7, 2 - 2 = 0 (by hand)
  CHECK(to_vec(index_add(make({9, 2, 5}, Shape{3}, DType::U8), 0, make({0, 1}, Shape{2}, DType::I64),
                         make({2, 2}, Shape{2}, DType::U8), -1)) == std::vector<double>{7, 0, 5});
  // axis 0, float alpha, 0-d index
  Tensor t = make({1, 2, 3, 4}, Shape{2, 2}, DType::F64);
  Tensor r = index_add(t, 0, scalar_tensor(-1, DType::I64), make({10, 20}, Shape{1, 2}, DType::F64), 0.5);
  CHECK(to_vec(r) == std::vector<double>{1, 2, 8, 14});
}

TEST_CASE("scatter_add_ and index_add_ write in place and bump the version", "[indexing][inplace]") {
  Tensor t = make({0, 0, 0}, Shape{3}, DType::F32);
  uint64_t v0 = t.version();
  const Tensor& r = scatter_add_(t, 0, make({2, 2, 0}, Shape{3}, DType::I64), make({1, 2, 3}, Shape{3}, DType::F32));
  CHECK(r.is_same(t));
  CHECK(to_vec(t) == std::vector<double>{3, 0, 3});
  CHECK(t.version() > v0);
  uint64_t v1 = t.version();
  index_add_(t, 0, make({1, 1}, Shape{2}, DType::I32), make({1, 2}, Shape{2}, DType::F32), -1);
  CHECK(to_vec(t) == std::vector<double>{3, -3, 3});
  CHECK(t.version() > v1);
  // a strided view is updated through its own strides
  Tensor base = make({1, 1, 1, 1, 1, 1}, Shape{6}, DType::I64);
  Tensor view = base.as_strided(Shape{3}, Strides{-2}, 4);  // elements 4, 2, 0
  index_add_(view, 0, make({0, 2}, Shape{2}, DType::I64), make({5, 7}, Shape{2}, DType::I64));
  CHECK(to_vec(base) == std::vector<double>{8, 1, 1, 1, 6, 1});
}

TEST_CASE("an out-of-range index fails before anything is written", "[indexing][errors]") {
  Tensor t = make({1, 2, 3}, Shape{3}, DType::F32);
  uint64_t v = t.version();
  Tensor bad = make({0, 1, 3}, Shape{3}, DType::I64);
  REQUIRE_THROWS_AS(scatter_add_(t, 0, bad, make({1, 1, 1}, Shape{3}, DType::F32)), IndexError);
  REQUIRE_THROWS_AS(index_add_(t, 0, make({-4}, Shape{1}, DType::I32), make({1}, Shape{1}, DType::F32)),
                    IndexError);
  CHECK(to_vec(t) == std::vector<double>{1, 2, 3});
  CHECK(t.version() == v);
}

TEST_CASE("indexing error messages name the op, the index and the range", "[indexing][errors]") {
  Tensor t = make(iota(6), Shape{2, 3}, DType::F32);
  REQUIRE_THROWS_WITH(gather(t, 1, make({0, 3}, Shape{1, 2}, DType::I64)),
                      Catch::Contains("[gather] index 3 is out of bounds for axis 1 with size 3") &&
                          Catch::Contains("[-3, 3)"));
  REQUIRE_THROWS_WITH(take(t, make({-7}, Shape{1}, DType::I32)),
                      Catch::Contains("[take] index -7 is out of bounds for the flattened input of size 6"));
  REQUIRE_THROWS_WITH(index_select(t, 0, make({2}, Shape{1}, DType::I32)),
                      Catch::Contains("[index_select] index 2") && Catch::Contains("[-2, 2)"));
  REQUIRE_THROWS_AS(take_along_axis(t, make({5, 0}, Shape{2, 1}, DType::I64), 1), IndexError);
  REQUIRE_THROWS_AS(index_select(Tensor::empty(Shape{0, 3}, DType::F32), 0, make({0}, Shape{1}, DType::I64)), IndexError);
  // wrong index dtype
  REQUIRE_THROWS_AS(gather(t, 0, make({0, 0}, Shape{1, 2}, DType::F32)), DTypeError);
  REQUIRE_THROWS_WITH(take(t, make({0}, Shape{1}, DType::U8)),
                      Catch::Contains("[take] index must have dtype int32 or int64, got uint8"));
  REQUIRE_THROWS_WITH(index_add(t, 0, make({0}, Shape{1}, DType::Bool), t),
                      Catch::Contains("int32 or int64, got bool"));
  // shape mismatches
  REQUIRE_THROWS_WITH(gather(t, 0, make({0, 1}, Shape{2}, DType::I64)),
                      Catch::Contains("[gather]") && Catch::Contains("rank"));
  REQUIRE_THROWS_AS(gather(t, 0, make({0, 0, 0, 0}, Shape{1, 4}, DType::I64)), ShapeError);
  REQUIRE_THROWS_WITH(index_select(t, 0, make({0, 0}, Shape{1, 2}, DType::I64)), Catch::Contains("must be 1-D"));
  REQUIRE_THROWS_AS(scatter_add(t, 0, make({0, 0, 0}, Shape{3, 1}, DType::I64), t), ShapeError);
  REQUIRE_THROWS_WITH(scatter_add(t, 0, make({0}, Shape{1, 1}, DType::I64), make({1}, Shape{1, 1}, DType::F64)),
                      Catch::Contains("[scatter_add] src has dtype float64 but the input has dtype float32"));
  REQUIRE_THROWS_WITH(index_add(t, 1, make({0, 1}, Shape{2}, DType::I64), t),
                      Catch::Contains("[index_add] src of shape 2x3"));
  REQUIRE_THROWS_WITH(index_add(make({1}, Shape{1}, DType::I32), 0, make({0}, Shape{1}, DType::I64),
                                make({1}, Shape{1}, DType::I32), 0.5),
                      Catch::Contains("alpha 0.5 must be an integer for int32"));
  REQUIRE_THROWS_AS(gather(t, 2, make({0, 0}, Shape{1, 2}, DType::I64)), IndexError);  // bad axis
  REQUIRE_THROWS_AS(gather(Tensor(), 0, t), InvalidArgumentError);
}

TEST_CASE("masked_select with broadcast masks (NumPy values)", "[indexing][masked_select]") {
  // a = np.arange(6).reshape(2, 3); a[np.broadcast_to([True, False, True], (2, 3))] = [0, 2, 3, 5]
  for (DType dt : kAllTypes) {
    Tensor a = make({0, 1, 2, 3, 4, 5}, Shape{2, 3}, dt);
    Tensor m = make({1, 0, 1}, Shape{3}, DType::Bool);
    Tensor r = masked_select(a, m);
    REQUIRE(r.shape() == Shape{4});
    CHECK(to_vec(r) == std::vector<double>{at(a, {0, 0}), at(a, {0, 2}), at(a, {1, 0}), at(a, {1, 2})});
  }
  // mask column 2x1 over a transposed view: rows of a.T = [0, 3], [1, 4], [2, 5] -> mask [[1],[0],[1]]
  Tensor a = make({0, 1, 2, 3, 4, 5}, Shape{2, 3}, DType::I64);
  Tensor at_ = a.as_strided(Shape{3, 2}, Strides{1, 3}, 0);
  CHECK(to_vec(masked_select(at_, make({1, 0, 1}, Shape{3, 1}, DType::Bool))) == std::vector<double>{0, 3, 2, 5});
  CHECK(masked_select(a, make({0}, Shape{1}, DType::Bool)).shape() == Shape{0});
  CHECK(masked_select(Tensor::empty(Shape{0, 3}, DType::F32), make({1, 1, 1}, Shape{3}, DType::Bool)).shape() == Shape{0});
  CHECK(masked_select(scalar_tensor(7, DType::F32), scalar_tensor(1, DType::Bool)).item() == 7);
  // the large, parallel count path
  Tensor big = zeros(Shape{100000}, DType::F32);
  Tensor bm = ones(Shape{100000}, DType::Bool);
  CHECK(masked_select(big, bm).numel() == 100000);
  REQUIRE_THROWS_WITH(masked_select(a, make({1, 0, 1}, Shape{3}, DType::U8)),
                      Catch::Contains("[masked_select] mask must have dtype bool, got uint8"));
  REQUIRE_THROWS_AS(masked_select(a, make({1, 0}, Shape{2}, DType::Bool)), ShapeError);
}

TEST_CASE("one_hot (PyTorch values)", "[indexing][one_hot]") {
  // torch.nn.functional.one_hot(torch.tensor([0, 2, 1]), 3) = [[1,0,0],[0,0,1],[0,1,0]]
  Tensor r = one_hot(make({0, 2, 1}, Shape{3}, DType::I64), 3);
  CHECK(r.dtype() == DType::I64);
  CHECK(r.shape() == Shape{3, 3});
  CHECK(to_vec(r) == std::vector<double>{1, 0, 0, 0, 0, 1, 0, 1, 0});
  for (DType dt : kAllTypes) {
    Tensor ib = make({3, 9, 0, 9}, Shape{4}, DType::I32);
    Tensor r2 = one_hot(ib.as_strided(Shape{2, 1}, Strides{2, 1}, 0), 4, dt);
    CHECK(r2.dtype() == dt);
    CHECK(r2.shape() == Shape{2, 1, 4});
    CHECK(to_vec(r2) == std::vector<double>{0, 0, 0, 1, 1, 0, 0, 0});
  }
  CHECK(one_hot(Tensor::empty(Shape{0}, DType::I64), 0).shape() == Shape{0, 0});
  CHECK(to_vec(one_hot(scalar_tensor(1, DType::I32), 2)) == std::vector<double>{0, 1});
  REQUIRE_THROWS_WITH(one_hot(make({-1}, Shape{1}, DType::I64), 4),
                      Catch::Contains("[one_hot] class value -1 is out of range for num_classes 4 (valid range [0, 4))"));
  REQUIRE_THROWS_AS(one_hot(make({4}, Shape{1}, DType::I64), 4), IndexError);
  REQUIRE_THROWS_AS(one_hot(make({0}, Shape{1}, DType::F32), 4), DTypeError);
  REQUIRE_THROWS_AS(one_hot(make({0}, Shape{1}, DType::I64), -1), InvalidArgumentError);
}

TEST_CASE("gather and index_select on large inputs take the parallel path", "[indexing][gather]") {
  const int64_t rows = 300, cols = 257;
  std::vector<double> v(static_cast<size_t>(rows * cols));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i % 1000);
  Tensor t = make(v, Shape{rows, cols}, DType::F32);
  std::vector<double> iv(static_cast<size_t>(rows * cols));
  for (size_t i = 0; i < iv.size(); ++i) iv[i] = static_cast<double>((i * 31) % cols) - (i % 2 ? cols : 0);
  Tensor idx = make(iv, Shape{rows, cols}, DType::I32);
  Tensor g = gather(t, 1, idx);
  bool ok = true;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) ok = ok && at(g, {i, j}) == at(t, {i, wrap(at(idx, {i, j}), cols)});
  CHECK(ok);
  Tensor sel = index_select(t, 0, make({299, 0, -2}, Shape{3}, DType::I64));
  for (int64_t j = 0; j < cols; ++j) {
    CHECK(at(sel, {0, j}) == at(t, {299, j}));
    CHECK(at(sel, {2, j}) == at(t, {298, j}));
  }
}
