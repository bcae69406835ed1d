// Tests of the creation ops for every dtype: fills, ranges, identity, host buffers, *_like.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/ops/creation.h"

using namespace tfl;
using Catch::Contains;

namespace {

constexpr DType kAll[] = {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64, DType::U8,
                          DType::Bool, DType::I8, DType::I16, DType::U16, DType::U32, DType::U64};
constexpr DType kNumeric[] = {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64, DType::U8,
                              DType::I8, DType::I16, DType::U16, DType::U32, DType::U64};

// Every element (row-major, any layout) as double, read through item() on 0-d views.
std::vector<double> values(const Tensor& t) {
  std::vector<double> out;
  std::vector<int64_t> idx(static_cast<size_t>(t.ndim()), 0);
  for (int64_t e = 0; e < t.numel(); ++e) {
    int64_t off = t.offset();
    for (int d = 0; d < t.ndim(); ++d) off += idx[static_cast<size_t>(d)] * t.strides()[d];
    out.push_back(t.as_strided(Shape{}, Strides{}, off).item());
    for (int d = t.ndim() - 1; d >= 0; --d) {
      if (++idx[static_cast<size_t>(d)] < t.shape()[d]) break;
      idx[static_cast<size_t>(d)] = 0;
    }
  }
  return out;
}

using V = std::vector<double>;

}  // namespace

TEST_CASE("zeros, ones and full for every dtype", "[creation]") {
  for (DType dt : kAll) {
    INFO(dtype_name(dt));
    Tensor z = zeros(Shape{2, 3}, dt);
    CHECK(z.dtype() == dt);
    CHECK(z.shape() == Shape{2, 3});
    CHECK(z.is_contiguous());
    CHECK(values(z) == V(6, 0.0));
    CHECK(values(ones(Shape{4}, dt)) == V(4, 1.0));
    CHECK(values(full(Shape{}, 1.0, dt)) == V{1.0});
    CHECK(zeros(Shape{0, 3}, dt).numel() == 0);
    CHECK(empty(Shape{5}, dt).numel() == 5);
  }
  // full converts the value: floats round, integers truncate toward zero and saturate, bool is != 0.
  CHECK(values(full(Shape{2}, 2.75, DType::F32)) == V{2.75, 2.75});
  CHECK(values(full(Shape{1}, 0.1, DType::F64)) == V{0.1});
  CHECK(values(full(Shape{1}, 0.1, DType::F16)) == V{0.0999755859375});  // float16 nearest to 0.1 (NumPy)
  CHECK(values(full(Shape{1}, 0.1, DType::BF16)) == V{0.10009765625});   // bf16 0x3dcd
  CHECK(values(full(Shape{1}, 1e6, DType::F16)) == V{INFINITY});
  CHECK(values(full(Shape{2}, 2.75, DType::I32)) == V{2, 2});
  CHECK(values(full(Shape{2}, -2.75, DType::I64)) == V{-2, -2});
  CHECK(values(full(Shape{1}, 300, DType::U8)) == V{255});
  CHECK(values(full(Shape{1}, -5, DType::U8)) == V{0});
  CHECK(values(full(Shape{1}, 1e10, DType::I32)) == V{2147483647});
  CHECK(values(full(Shape{1}, -1e30, DType::I64)) == V{-9223372036854775808.0});
  CHECK(values(full(Shape{1}, NAN, DType::I32)) == V{0});
  CHECK(values(full(Shape{2}, 200, DType::I8)) == V{127, 127});
  CHECK(values(full(Shape{1}, -200, DType::I8)) == V{-128});
  CHECK(values(full(Shape{1}, -40000, DType::I16)) == V{-32768});
  CHECK(values(full(Shape{1}, 70000, DType::U16)) == V{65535});
  CHECK(values(full(Shape{1}, -1, DType::U32)) == V{0});
  CHECK(values(full(Shape{1}, 5e9, DType::U32)) == V{4294967295.0});
  CHECK(values(full(Shape{1}, 1e30, DType::U64)) == V{18446744073709551615.0});
  CHECK(values(full(Shape{1}, -7.9, DType::U64)) == V{0});
  CHECK(values(full(Shape{1}, NAN, DType::U64)) == V{0});
  CHECK(values(full(Shape{3}, 0.5, DType::Bool)) == V{1, 1, 1});
  CHECK(values(full(Shape{1}, 0.0, DType::Bool)) == V{0});
  CHECK(std::isnan(full(Shape{}, NAN, DType::BF16).item()));
  Tensor s = scalar_tensor(-4.5, DType::F64);
  CHECK(s.ndim() == 0);
  CHECK(s.item() == -4.5);
  REQUIRE_THROWS_AS(zeros(Shape{-1}), ShapeError);
  REQUIRE_THROWS_AS(full(Shape{2}, 1.0, DType::F32, Device{DeviceType::CUDA, 0}), DeviceError);
}

TEST_CASE("fill_ writes only the elements of a strided view", "[creation]") {
  for (DType dt : kAll) {
    INFO(dtype_name(dt));
    Tensor base = zeros(Shape{3, 4}, dt);
    Tensor view = base.as_strided(Shape{3, 2}, Strides{4, -2}, 3);  // columns 3 and 1, reversed
    uint64_t v0 = base.version();
    fill_(view, 1.0);
    CHECK(base.version() == v0 + 1);
    CHECK(values(base) == V{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1});
  }
  REQUIRE_THROWS_AS(fill_(Tensor(), 1.0), InvalidArgumentError);
}

TEST_CASE("*_like copy shape and dtype, not layout", "[creation]") {
  for (DType dt : kAll) {
    INFO(dtype_name(dt));
    Tensor base = zeros(Shape{4, 6}, dt);
    Tensor t = base.as_strided(Shape{3, 2}, Strides{1, 6}, 0);  // transposed, non-contiguous
    for (Tensor r : {empty_like(t), zeros_like(t), ones_like(t), full_like(t, 1.0)}) {
      CHECK(r.shape() == Shape{3, 2});
      CHECK(r.dtype() == dt);
      CHECK(r.is_contiguous());
      CHECK_FALSE(r.storage() == base.storage());
    }
    CHECK(values(zeros_like(t)) == V(6, 0.0));
    CHECK(values(ones_like(t)) == V(6, 1.0));
  }
  CHECK(values(full_like(zeros(Shape{2}, DType::I32), 7.9)) == V{7, 7});
  REQUIRE_THROWS_WITH(zeros_like(Tensor()), Contains("[zeros_like]"));
  REQUIRE_THROWS_AS(ones_like(Tensor()), InvalidArgumentError);
  REQUIRE_THROWS_AS(empty_like(Tensor()), InvalidArgumentError);
  REQUIRE_THROWS_AS(full_like(Tensor(), 1), InvalidArgumentError);
}

TEST_CASE("arange matches NumPy for every numeric dtype", "[creation][range]") {
  // Expected values from numpy.arange.
  for (DType dt : kNumeric) {
    INFO(dtype_name(dt));
    Tensor a = arange(0, 5, 1, dt);
    CHECK(a.shape() == Shape{5});
    CHECK(a.dtype() == dt);
    CHECK(values(a) == V{0, 1, 2, 3, 4});
    CHECK(values(arange(0, 10, 3, dt)) == V{0, 3, 6, 9});
    CHECK(arange(3, 3, 1, dt).numel() == 0);
    CHECK(arange(5, 0, 1, dt).numel() == 0);
  }
  CHECK(values(arange(1, 2, 0.25, DType::F32)) == V{1, 1.25, 1.5, 1.75});
  CHECK(values(arange(5, 0, -1.5, DType::F64)) == V{5, 3.5, 2, 0.5});
  CHECK(arange(0, 1, 0.1, DType::F64).numel() == 10);
  // NumPy: np.arange(0, 1, 0.3).astype(np.float16)
  CHECK(values(arange(0, 1, 0.3, DType::F16)) == V{0, 0.300048828125, 0.60009765625, 0.89990234375});
  CHECK(values(arange(0.5, 3, 1, DType::I32)) == V{0, 1, 2});    // values truncated like astype
  CHECK(values(arange(-2, 2, 1, DType::U8)) == V{0, 0, 0, 1});   // negative values saturate at 0
  CHECK(values(arange(250, 260, 3, DType::U8)) == V{250, 253, 255, 255});
  CHECK(values(arange(120, 135, 5, DType::I8)) == V{120, 125, 127});   // saturates at 127
  CHECK(values(arange(-3, 0, 1, DType::U16)) == V{0, 0, 0});
  REQUIRE_THROWS_WITH(arange(0, 5, 0), Contains("[arange]") && Contains("step non-zero"));
  REQUIRE_THROWS_AS(arange(0, INFINITY, 1), InvalidArgumentError);
  REQUIRE_THROWS_AS(arange(NAN, 1, 1), InvalidArgumentError);
  REQUIRE_THROWS_WITH(arange(0, 1e300, 1e-300), Contains("too many elements"));
  REQUIRE_THROWS_AS(arange(-1e308, 1e308, 1e-10), InvalidArgumentError);
  REQUIRE_THROWS_AS(arange(0, 5, 1, DType::Bool), DTypeError);
}

TEST_CASE("linspace matches NumPy for every numeric dtype", "[creation][range]") {
  for (DType dt : kNumeric) {
    INFO(dtype_name(dt));
    CHECK(values(linspace(0, 8, 5, true, dt)) == V{0, 2, 4, 6, 8});
    CHECK(values(linspace(0, 8, 4, false, dt)) == V{0, 2, 4, 6});
    CHECK(values(linspace(2, 3, 1, true, dt)) == V{2});
    CHECK(linspace(0, 1, 0, true, dt).numel() == 0);
  }
  CHECK(values(linspace(0, 1, 5)) == V{0, 0.25, 0.5, 0.75, 1});
  CHECK(values(linspace(0, 1, 4, false)) == V{0, 0.25, 0.5, 0.75});
  CHECK(values(linspace(0, 10, 4, true, DType::I32)) == V{0, 3, 6, 10});
  CHECK(values(linspace(1, 0, 3, true, DType::F64)) == V{1, 0.5, 0});
  // The endpoint is exactly stop even where start + (num-1)*step rounds differently.
  Tensor l = linspace(0.1, 0.7, 7, true, DType::F64);
  CHECK(values(l).back() == 0.7);
  REQUIRE_THROWS_WITH(linspace(0, 1, -1), Contains("[linspace]") && Contains("num must be >= 0"));
  REQUIRE_THROWS_AS(linspace(0, 1, 3, true, DType::Bool), DTypeError);
}

TEST_CASE("eye puts ones on diagonal k for every dtype", "[creation]") {
  for (DType dt : kAll) {
    INFO(dtype_name(dt));
    Tensor e = eye(3, -1, 0, dt);
    CHECK(e.shape() == Shape{3, 3});
    CHECK(e.dtype() == dt);
    CHECK(values(e) == V{1, 0, 0, 0, 1, 0, 0, 0, 1});
    CHECK(values(eye(2, 3, 1, dt)) == V{0, 1, 0, 0, 0, 1});
    CHECK(values(eye(3, 2, -1, dt)) == V{0, 0, 1, 0, 0, 1});
    CHECK(values(eye(2, 4, 0, dt)) == V{1, 0, 0, 0, 0, 1, 0, 0});
    CHECK(values(eye(2, 2, 5, dt)) == V{0, 0, 0, 0});
    CHECK(values(eye(2, 2, -2, dt)) == V{0, 0, 0, 0});
    CHECK(eye(0, -1, 0, dt).shape() == Shape{0, 0});
    CHECK(eye(3, 0, 0, dt).numel() == 0);
  }
  CHECK(values(eye(2, 2, std::numeric_limits<int64_t>::min())) == V{0, 0, 0, 0});
  CHECK(values(eye(2, 2, std::numeric_limits<int64_t>::max())) == V{0, 0, 0, 0});
  REQUIRE_THROWS_WITH(eye(-1), Contains("[eye]") && Contains("n must be >= 0"));
}

TEST_CASE("from_buffer copies host data for every dtype", "[creation]") {
  std::vector<float> f = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, -8.5f};
  Tensor t = from_buffer(f.data(), f.size() * sizeof(float), Shape{2, 3}, DType::F32);
  f[0] = 100;  // a copy: later writes to the source do not show
  CHECK(values(t) == V{1.5, -2.0, 3.25, 0.0, 7.0, -8.5});
  double d[2] = {1e-300, -1e300};
  CHECK(values(from_buffer(d, sizeof d, Shape{2}, DType::F64)) == V{1e-300, -1e300});
  uint16_t h[3] = {0x3c00, 0xc000, 0x7bff};  // 1, -2, 65504
  CHECK(values(from_buffer(h, sizeof h, Shape{3}, DType::F16)) == V{1, -2, 65504});
  uint16_t b[2] = {0x3f80, 0x4049};  // 1, 3.140625
  CHECK(values(from_buffer(b, sizeof b, Shape{2}, DType::BF16)) == V{1, 3.140625});
  int32_t i[2] = {-7, 2147483647};
  CHECK(values(from_buffer(i, sizeof i, Shape{2, 1}, DType::I32)) == V{-7, 2147483647});
  int64_t l[1] = {-(int64_t{1} << 40)};
  CHECK(values(from_buffer(l, sizeof l, Shape{}, DType::I64)) == V{-1099511627776.0});
  uint8_t u[3] = {0, 128, 255};
  CHECK(values(from_buffer(u, sizeof u, Shape{3}, DType::U8)) == V{0, 128, 255});
  bool bo[2] = {true, false};
  CHECK(values(from_buffer(bo, sizeof bo, Shape{2}, DType::Bool)) == V{1, 0});
  CHECK(from_buffer(nullptr, 0, Shape{0, 4}, DType::F32).numel() == 0);

  REQUIRE_THROWS_WITH(from_buffer(f.data(), 20, Shape{2, 3}, DType::F32),
                      Contains("[from_buffer]") && Contains("20 bytes") && Contains("2x3") && Contains("24"));
  REQUIRE_THROWS_WITH(from_buffer(nullptr, 8, Shape{2}, DType::F32), Contains("NULL"));
  REQUIRE_THROWS_AS(from_buffer(f.data(), 24, Shape{-2, -3}, DType::F32), ShapeError);
}
