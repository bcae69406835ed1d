// Tests of the user-facing utilities: is_broadcastable, tensor_nbytes, summarize / summary_json, and dtype
// introspection (dtype_is_signed, dtype_can_cast) against values worked out by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "core/dtype_info.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/tensor_info.h"

using namespace tfl;

namespace {
Tensor make(const std::vector<double>& v, const Shape& shape, DType dt = DType::F64) {
  Tensor t = from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64);
  return dt == DType::F64 ? t : to_dtype(t, dt);
}
}  // namespace

TEST_CASE("is_broadcastable follows NumPy's rules", "[tensor_info]") {
  CHECK(is_broadcastable({2, 3}, {3}));
  CHECK(is_broadcastable({2, 1, 4}, {3, 1}));
  CHECK(is_broadcastable({}, {5, 0}));
  CHECK(is_broadcastable({0}, {1}));
  CHECK_FALSE(is_broadcastable({2, 3}, {2}));
  CHECK_FALSE(is_broadcastable({0}, {2}));
  CHECK_FALSE(is_broadcastable({4, 2, 3}, {5, 1, 3}));
  // agrees with broadcast_shapes, which throws exactly when the shapes do not broadcast
  CHECK(broadcast_shapes({2, 1, 4}, {3, 1}, "t") == Shape{2, 3, 4});
  REQUIRE_THROWS_AS(broadcast_shapes({2, 3}, {2}, "t"), ShapeError);
}

TEST_CASE("tensor_nbytes counts a view's own elements", "[tensor_info]") {
  CHECK(tensor_nbytes(zeros({2, 3})) == 24);
  CHECK(tensor_nbytes(zeros({2, 3}, DType::F64)) == 48);
  CHECK(tensor_nbytes(zeros({5}, DType::BF16)) == 10);
  CHECK(tensor_nbytes(zeros({}, DType::Bool)) == 1);
  CHECK(tensor_nbytes(zeros({0, 4}, DType::I64)) == 0);
  Tensor base = zeros({10}, DType::I32);
  CHECK(tensor_nbytes(base.as_strided({3}, {3}, 0)) == 12);
  REQUIRE_THROWS_AS(tensor_nbytes(Tensor()), InvalidArgumentError);
}

TEST_CASE("summarize: statistics over the finite elements, NaN/Inf counted", "[tensor_info]") {
  // Values -1, 2, 4.5, 0.5 (+ NaN, +Inf, -Inf): mean 1.5, population variance
  // ((-2.5)^2 + 0.5^2 + 3^2 + (-1)^2) / 4 = 16.5 / 4, std = sqrt(4.125).
  const std::vector<double> v{-1, 2, NAN, 4.5, INFINITY, 0.5, -INFINITY, NAN};
  for (DType dt : {DType::F64, DType::F32, DType::F16, DType::BF16}) {
    INFO(dtype_name(dt));
    TensorSummary s = summarize(make(v, {2, 4}, dt));
    CHECK(s.shape == Shape{2, 4});
    CHECK(s.dtype == dt);
    CHECK(s.device.type == DeviceType::CPU);
    CHECK(s.numel == 8);
    CHECK(s.nbytes == 8 * static_cast<int64_t>(dtype_size(dt)));
    CHECK(s.min == -1.0);
    CHECK(s.max == 4.5);
    CHECK(s.mean == Approx(1.5));
    CHECK(s.std == Approx(std::sqrt(4.125)));
    CHECK(s.nan_count == 2);
    CHECK(s.inf_count == 2);
  }
  // integers and bool: no NaN/Inf; values 3, 0, 7 (mean 10/3)
  TensorSummary si = summarize(make({3, 0, 7}, {3}, DType::I64));
  CHECK(si.min == 0);
  CHECK(si.max == 7);
  CHECK(si.mean == Approx(10.0 / 3));
  CHECK(si.std == Approx(std::sqrt(((3 - 10.0 / 3) * (3 - 10.0 / 3) + 100.0 / 9 + (7 - 10.0 / 3) * (7 - 10.0 / 3)) / 3)));
  TensorSummary sb = summarize(make({1, 0, 1, 1}, {4}, DType::Bool));
  CHECK(sb.mean == 0.75);
  CHECK(sb.nbytes == 4);
  // a non-contiguous, negative-stride view: elements 4.5, 2 of [-1, 2, 3, 4.5] read backwards by 2
  Tensor base = make({-1, 2, 3, 4.5}, {4});
  TensorSummary sv = summarize(base.as_strided({2}, {-2}, 3));
  CHECK(sv.min == 2);
  CHECK(sv.max == 4.5);
  CHECK(sv.nbytes == 16);
  // 0-d
  TensorSummary s0 = summarize(scalar_tensor(-2.5, DType::F64));
  CHECK(s0.shape.size() == 0);
  CHECK(s0.min == -2.5);
  CHECK(s0.std == 0);
  // 0-size and all non-finite: statistics are NaN
  TensorSummary se = summarize(zeros({0, 3}));
  CHECK(se.numel == 0);
  CHECK(std::isnan(se.mean));
  CHECK(se.nan_count == 0);
  TensorSummary sn = summarize(make({NAN, INFINITY}, {2}, DType::F32));
  CHECK(std::isnan(sn.min));
  CHECK(std::isnan(sn.std));
  CHECK(sn.nan_count == 1);
  CHECK(sn.inf_count == 1);
  REQUIRE_THROWS_AS(summarize(Tensor()), InvalidArgumentError);
}

TEST_CASE("summary_json", "[tensor_info]") {
  TensorSummary s = summarize(make({1, 3}, {1, 2}, DType::F32));
  CHECK(summary_json(s) ==
        "{\"shape\": [1, 2], \"dtype\": \"float32\", \"device\": \"cpu\", \"numel\": 2, \"bytes\": 8, "
        "\"bytes_human\": \"8 bytes\", \"min\": 1, \"max\": 3, \"mean\": 2, \"std\": 1, \"nan_count\": 0, "
        "\"inf_count\": 0}");
  TensorSummary e = summarize(zeros({0}, DType::F64));
  CHECK(summary_json(e) ==
        "{\"shape\": [0], \"dtype\": \"float64\", \"device\": \"cpu\", \"numel\": 0, \"bytes\": 0, "
        "\"bytes_human\": \"0 bytes\", \"min\": null, \"max\": null, \"mean\": null, \"std\": null, "
        "\"nan_count\": 0, \"inf_count\": 0}");
  TensorSummary big = summarize(zeros({3, 512}, DType::F64));  // 12288 bytes = 12.00 KiB
  CHECK(summary_json(big).find("\"bytes_human\": \"12.00 KiB (12288 bytes)\"") != std::string::npos);
  CHECK(summary_json(summarize(scalar_tensor(1.0))).find("\"shape\": []") != std::string::npos);
}

TEST_CASE("dtype_is_signed", "[tensor_info][dtype]") {
  for (DType dt : {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64, DType::I8, DType::I16})
    CHECK(dtype_is_signed(dt));
  for (DType dt : {DType::U8, DType::U16, DType::U32, DType::U64, DType::Bool}) CHECK_FALSE(dtype_is_signed(dt));
  REQUIRE_THROWS_AS(dtype_is_signed(static_cast<DType>(99)), DTypeError);
}

TEST_CASE("dtype_can_cast is NumPy's safe casting", "[tensor_info][dtype]") {
  // The table numpy.can_cast(from, to, "safe") gives for these types (NumPy 2.4), except that i64 and
  // u64 -> f64 are not safe here (NumPy calls them safe, but f64's 53-bit significand rounds them);
  // bf16, absent from NumPy, by its 8-bit significand and f32's exponent range.
  const DType all[] = {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64, DType::U8,
                       DType::Bool, DType::I8, DType::I16, DType::U16, DType::U32, DType::U64};
  //                     to: f32 f64 f16 bf16 i32 i64 u8 bool i8 i16 u16 u32 u64
  const int table[13][13] = {{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},   // f32
                             {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},   // f64
                             {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},   // f16
                             {1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},   // bf16
                             {0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0},   // i32
                             {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0},   // i64
                             {1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1},   // u8
                             {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},   // bool
                             {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0},   // i8
                             {1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0},   // i16
                             {1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1},   // u16
                             {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1},   // u32
                             {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};  // u64
  for (int i = 0; i < 13; ++i)
    for (int j = 0; j < 13; ++j) {
      INFO(dtype_name(all[i]) << " -> " << dtype_name(all[j]));
      CHECK(dtype_can_cast(all[i], all[j]) == (table[i][j] != 0));
    }
  REQUIRE_THROWS_AS(dtype_can_cast(DType::F32, static_cast<DType>(42)), DTypeError);
}
