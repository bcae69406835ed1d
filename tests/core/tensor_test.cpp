// Tests of Tensor: construction, external memory, strides, views, item() and typed access.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <limits>

#include "core/tensor.h"

using namespace tfl;
using Catch::Contains;

namespace {

struct DeleterLog {
  int calls = 0;
  void* last = nullptr;
};

void count_deleter(void* data, void* user) {
  auto* log = static_cast<DeleterLog*>(user);
  ++log->calls;
  log->last = data;
}

}  // namespace

TEST_CASE("empty gives row-major strides and metadata", "[tensor]") {
  Tensor t = Tensor::empty(Shape{2, 3, 4}, DType::I32);
  CHECK(t.defined());
  CHECK(t.shape() == Shape{2, 3, 4});
  CHECK(t.strides() == Strides{12, 4, 1});
  CHECK(t.offset() == 0);
  CHECK(t.ndim() == 3);
  CHECK(t.numel() == 24);
  CHECK(t.itemsize() == 4);
  CHECK(t.dtype() == DType::I32);
  CHECK(t.device() == Device{});
  CHECK(t.is_contiguous());
  CHECK(t.storage()->nbytes() == 96);
  CHECK(t.size(0) == 2);
  CHECK(t.size(-1) == 4);
  REQUIRE_THROWS_AS(t.size(3), IndexError);
  REQUIRE_THROWS_AS(t.size(-4), IndexError);

  Tensor s = Tensor::empty(Shape{}, DType::F64);
  CHECK(s.ndim() == 0);
  CHECK(s.numel() == 1);
  CHECK(s.strides() == Strides{});
  Tensor z = Tensor::empty(Shape{0, 3}, DType::F32);
  CHECK(z.numel() == 0);
  CHECK(Tensor().defined() == false);

  REQUIRE_THROWS_WITH(Tensor::empty(Shape{2, -1}, DType::F32), Contains("[empty]") && Contains("2x-1"));
  REQUIRE_THROWS_WITH(Tensor::empty(Shape{int64_t{1} << 62, 4}, DType::F64), Contains("more than 2^63 elements"));
  REQUIRE_THROWS_AS(Tensor::empty(Shape{int64_t{1} << 62, 4}, DType::F64), ShapeError);
  REQUIRE_THROWS_AS(Tensor::empty(Shape{int64_t{1} << 60}, DType::F64), OutOfMemoryError);
  CHECK(Tensor::empty(Shape{int64_t{1} << 62, 4, 0}, DType::F64).numel() == 0);
  REQUIRE_THROWS_AS(Tensor::empty(Shape{2}, DType::F32, Device{DeviceType::CUDA, 0}), DeviceError);
}

TEST_CASE("from_external wraps memory and calls the deleter exactly once", "[tensor][external]") {
  float buf[6] = {1, 2, 3, 4, 5, 6};
  DeleterLog log;
  {
    Tensor t = Tensor::from_external(buf, Shape{2, 3}, Strides{}, DType::F32, count_deleter, &log);
    CHECK(t.data_ptr() == buf);
    CHECK(t.strides() == Strides{3, 1});
    CHECK(t.storage()->nbytes() == sizeof buf);
    Tensor view = t.as_strided(Shape{3}, Strides{1}, 3);
    CHECK(view.data<float>()[0] == 4.0f);
    t = Tensor();
    CHECK(log.calls == 0);  // the view still holds the memory
  }
  CHECK(log.calls == 1);
  CHECK(log.last == buf);

  // Custom strides: a transposed 3x2 view of the buffer covers all 6 elements.
  DeleterLog log2;
  {
    Tensor t = Tensor::from_external(buf, Shape{3, 2}, Strides{1, 3}, DType::F32, count_deleter, &log2);
    CHECK(t.storage()->nbytes() == 6 * sizeof(float));
    CHECK_FALSE(t.is_contiguous());
    CHECK(t.as_strided(Shape{}, Strides{}, 5).item() == 6.0);
  }
  CHECK(log2.calls == 1);

  // No deleter: nothing is called, nothing crashes.
  { Tensor t = Tensor::from_external(buf, Shape{6}, Strides{}, DType::F32, nullptr, nullptr); }

  // 0-size and NULL data is fine.
  DeleterLog log3;
  { Tensor t = Tensor::from_external(nullptr, Shape{0, 4}, Strides{}, DType::F32, count_deleter, &log3); }
  CHECK(log3.calls == 1);
}

TEST_CASE("from_external calls the deleter once when validation fails", "[tensor][external]") {
  float buf[4] = {};
  SECTION("NULL data for a non-empty shape") {
    DeleterLog log;
    REQUIRE_THROWS_WITH(Tensor::from_external(nullptr, Shape{2}, Strides{}, DType::F32, count_deleter, &log),
                        Contains("[from_external]") && Contains("NULL"));
    CHECK(log.calls == 1);
  }
  SECTION("stride count does not match the shape") {
    DeleterLog log;
    REQUIRE_THROWS_AS(Tensor::from_external(buf, Shape{2, 2}, Strides{1}, DType::F32, count_deleter, &log),
                      ShapeError);
    CHECK(log.calls == 1);
    CHECK(log.last == buf);
  }
  SECTION("negative dimension") {
    DeleterLog log;
    REQUIRE_THROWS_AS(Tensor::from_external(buf, Shape{-2}, Strides{1}, DType::F32, count_deleter, &log),
                      ShapeError);
    CHECK(log.calls == 1);
  }
  SECTION("negative dimension after a zero dimension") {
    DeleterLog log;
    REQUIRE_THROWS_AS(Tensor::from_external(buf, Shape{0, -2}, Strides{1, 1}, DType::F32, count_deleter, &log),
                      ShapeError);
    CHECK(log.calls == 1);
  }
  SECTION("negative strides") {
    DeleterLog log;
    REQUIRE_THROWS_WITH(Tensor::from_external(buf, Shape{4}, Strides{-1}, DType::F32, count_deleter, &log),
                        Contains("negative strides"));
    CHECK(log.calls == 1);
  }
  SECTION("extent overflows") {
    DeleterLog log;
    REQUIRE_THROWS_AS(Tensor::from_external(buf, Shape{4}, Strides{std::numeric_limits<int64_t>::max() / 2},
                                            DType::F32, count_deleter, &log),
                      InvalidArgumentError);
    CHECK(log.calls == 1);
  }
}

TEST_CASE("as_strided checks bounds and rank", "[tensor][view]") {
  Tensor t = Tensor::empty(Shape{10}, DType::F32);
  for (int i = 0; i < 10; ++i) t.data<float>()[i] = static_cast<float>(i);
  Tensor v = t.as_strided(Shape{3}, Strides{3}, 1);  // 1, 4, 7
  CHECK(v.offset() == 1);
  CHECK(v.data<float>()[0] == 1.0f);
  CHECK(v.as_strided(Shape{}, Strides{}, 7).item() == 7.0);
  Tensor r = t.as_strided(Shape{10}, Strides{-1}, 9);  // reversed, reaches element 0 exactly
  CHECK(r.data<float>()[0] == 9.0f);
  CHECK(t.as_strided(Shape{2, 5}, Strides{0, 2}, 0).numel() == 10);  // broadcast rows
  CHECK(t.as_strided(Shape{0, 5}, Strides{100, 100}, 50).numel() == 0);  // no elements: no bounds
  CHECK(v.storage() == t.storage());

  REQUIRE_THROWS_AS(t.as_strided(Shape{11}, Strides{1}, 0), IndexError);
  REQUIRE_THROWS_WITH(t.as_strided(Shape{4}, Strides{3}, 1),
                      Contains("[as_strided]") && Contains("outside a storage of 10 elements"));
  REQUIRE_THROWS_AS(t.as_strided(Shape{2}, Strides{-1}, 0), IndexError);  // reaches element -1
  REQUIRE_THROWS_AS(t.as_strided(Shape{}, Strides{}, 10), IndexError);
  REQUIRE_THROWS_AS(t.as_strided(Shape{}, Strides{}, -1), IndexError);
  REQUIRE_THROWS_AS(t.as_strided(Shape{3}, Strides{std::numeric_limits<int64_t>::max()}, 0), IndexError);
  REQUIRE_THROWS_AS(t.as_strided(Shape{std::numeric_limits<int64_t>::max()}, Strides{2}, 0), IndexError);
  REQUIRE_THROWS_WITH(t.as_strided(Shape{2, 2}, Strides{1}, 0), Contains("differ in rank"));
}

TEST_CASE("item converts one-element tensors of every dtype", "[tensor]") {
  auto one = [](DType dt, const void* bytes) {
    Tensor t = Tensor::empty(Shape{1, 1}, dt);
    std::memcpy(t.data_ptr(), bytes, t.itemsize());
    return t.item();
  };
  float f = -1.5f;
  double d = 1e300;
  uint16_t h = 0x3e00;   // 1.5 in float16
  uint16_t b = 0xc0a0;   // -5.0 in bfloat16
  int32_t i = -123456;
  int64_t l = int64_t{1} << 53;
  uint8_t u = 255;
  bool bo = true;
  CHECK(one(DType::F32, &f) == -1.5);
  CHECK(one(DType::F64, &d) == 1e300);
  CHECK(one(DType::F16, &h) == 1.5);
  CHECK(one(DType::BF16, &b) == -5.0);
  CHECK(one(DType::I32, &i) == -123456.0);
  CHECK(one(DType::I64, &l) == 9007199254740992.0);
  CHECK(one(DType::U8, &u) == 255.0);
  CHECK(one(DType::Bool, &bo) == 1.0);

  Tensor t = Tensor::empty(Shape{5}, DType::I32);
  for (int k = 0; k < 5; ++k) t.data<int32_t>()[k] = k * 10;
  CHECK(t.as_strided(Shape{1}, Strides{-3}, 4).item() == 40.0);  // strides of a 1-element view are irrelevant
  CHECK(t.as_strided(Shape{}, Strides{}, 2).item() == 20.0);
  REQUIRE_THROWS_WITH(t.item(), Contains("[item]") && Contains("shape 5"));
  REQUIRE_THROWS_AS(Tensor::empty(Shape{0}, DType::F32).item(), ShapeError);
}

TEST_CASE("data<T>() checks the dtype", "[tensor]") {
  Tensor t = Tensor::empty(Shape{2}, DType::F32);
  CHECK(t.data<float>() == t.data_ptr());
  REQUIRE_THROWS_AS(t.data<int32_t>(), DTypeError);
  REQUIRE_THROWS_WITH(t.data<double>(), Contains("[data]") && Contains("float32") && Contains("float64"));
  REQUIRE_THROWS_AS(Tensor::empty(Shape{2}, DType::BF16).data<Half>(), DTypeError);
  CHECK(Tensor::empty(Shape{2}, DType::Bool).data<bool>() != nullptr);
  // data_ptr includes the offset in bytes.
  Tensor w = Tensor::empty(Shape{8}, DType::F64);
  CHECK(static_cast<char*>(w.as_strided(Shape{2}, Strides{1}, 3).data_ptr()) ==
        static_cast<char*>(w.data_ptr()) + 24);
}

TEST_CASE("versions are shared through the storage", "[tensor]") {
  Tensor t = Tensor::empty(Shape{4}, DType::F32);
  Tensor v = t.as_strided(Shape{2}, Strides{2}, 0);
  uint64_t v0 = t.version();
  v.bump_version();
  CHECK(t.version() == v0 + 1);
  CHECK(v.version() == v0 + 1);
  CHECK(v.is_same(v));
  CHECK_FALSE(v.is_same(t));
  Tensor copy = t;
  CHECK(copy.is_same(t));
}

TEST_CASE("check_defined names the op and argument", "[tensor]") {
  REQUIRE_THROWS_WITH(check_defined(Tensor(), "matmul", "b"), Contains("[matmul]") && Contains("'b'"));
  check_defined(Tensor::empty(Shape{}, DType::F32), "x", "y");
}
