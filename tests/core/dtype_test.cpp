// Tests of dtype sizes and names, the promotion table and f16/bf16 conversions.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/dtype.h"
#include "core/half.h"

using namespace tfl;
using Catch::Contains;

namespace {
// In code order (the public TFL_DTYPE_* values).
constexpr DType kAll[] = {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64, DType::U8,
                          DType::Bool, DType::I8, DType::I16, DType::U16, DType::U32, DType::U64};
static_assert(sizeof(kAll) / sizeof(kAll[0]) == kNumDTypes, "every dtype is listed");
}

TEST_CASE("dtype sizes, names and kinds", "[dtype]") {
  CHECK(dtype_size(DType::F32) == 4);
  CHECK(dtype_size(DType::F64) == 8);
  CHECK(dtype_size(DType::F16) == 2);
  CHECK(dtype_size(DType::BF16) == 2);
  CHECK(dtype_size(DType::I32) == 4);
  CHECK(dtype_size(DType::I64) == 8);
  CHECK(dtype_size(DType::U8) == 1);
  CHECK(dtype_size(DType::Bool) == 1);
  CHECK(dtype_size(DType::I8) == 1);
  CHECK(dtype_size(DType::I16) == 2);
  CHECK(dtype_size(DType::U16) == 2);
  CHECK(dtype_size(DType::U32) == 4);
  CHECK(dtype_size(DType::U64) == 8);
  CHECK(sizeof(Half) == 2);
  CHECK(sizeof(BFloat16) == 2);

  CHECK(std::string(dtype_name(DType::F32)) == "float32");
  CHECK(std::string(dtype_name(DType::F64)) == "float64");
  CHECK(std::string(dtype_name(DType::F16)) == "float16");
  CHECK(std::string(dtype_name(DType::BF16)) == "bfloat16");
  CHECK(std::string(dtype_name(DType::I32)) == "int32");
  CHECK(std::string(dtype_name(DType::I64)) == "int64");
  CHECK(std::string(dtype_name(DType::U8)) == "uint8");
  CHECK(std::string(dtype_name(DType::Bool)) == "bool");
  CHECK(std::string(dtype_name(DType::I8)) == "int8");
  CHECK(std::string(dtype_name(DType::I16)) == "int16");
  CHECK(std::string(dtype_name(DType::U16)) == "uint16");
  CHECK(std::string(dtype_name(DType::U32)) == "uint32");
  CHECK(std::string(dtype_name(DType::U64)) == "uint64");
  CHECK(std::string(dtype_name(static_cast<DType>(42))) == "invalid");
  REQUIRE_THROWS_AS(dtype_size(static_cast<DType>(42)), DTypeError);

  // Codes are the public ABI values.
  CHECK(static_cast<int>(DType::F32) == 0);
  CHECK(static_cast<int>(DType::Bool) == 7);
  CHECK(static_cast<int>(DType::I8) == 8);
  CHECK(static_cast<int>(DType::I16) == 9);
  CHECK(static_cast<int>(DType::U16) == 10);
  CHECK(static_cast<int>(DType::U32) == 11);
  CHECK(static_cast<int>(DType::U64) == 12);
  CHECK(kNumDTypes == 13);
  for (int c = 0; c < kNumDTypes; ++c) CHECK(dtype_is_valid(c));
  CHECK_FALSE(dtype_is_valid(-1));
  CHECK_FALSE(dtype_is_valid(13));
  REQUIRE_THROWS_AS(dtype_size(static_cast<DType>(13)), DTypeError);

  for (DType d : kAll) {
    bool fl = d == DType::F32 || d == DType::F64 || d == DType::F16 || d == DType::BF16;
    bool in = d == DType::I32 || d == DType::I64 || d == DType::U8 || d == DType::I8 || d == DType::I16 ||
              d == DType::U16 || d == DType::U32 || d == DType::U64;
    CHECK(is_floating(d) == fl);
    CHECK(is_integral(d) == in);
  }
  CHECK(compute_dtype(DType::F16) == DType::F32);
  CHECK(compute_dtype(DType::BF16) == DType::F32);
  CHECK(compute_dtype(DType::I32) == DType::I32);
  CHECK(compute_dtype(DType::F64) == DType::F64);
}

TEST_CASE("promote_types follows the array API promotion table", "[dtype][promotion]") {
  // The Python array API standard's type promotion table (2023.12, "Type Promotion Rules"), written out
  // for our 13 dtypes: bool only with bool; integers of one kind by width; mixed signed/unsigned to the
  // smallest signed type holding both (i8+u8=i16, i16+u16=i32, i32+u32=i64, u8+i32=i32); u64 with any
  // signed integer undefined; f32+f64=f64; mixed kinds undefined. The standard has no f16/bf16 row: they
  // promote like narrower floats (to f32/f64) and are not mixed with each other. The integer block was
  // checked against numpy.result_type (NumPy 2.4), which agrees except u64 with signed (NumPy: f64).
  // X = undefined (DTypeError). Row/column order: code order (kAll).
  constexpr DType X = static_cast<DType>(-1);
  constexpr DType f4 = DType::F32, f8 = DType::F64, f2 = DType::F16, b2 = DType::BF16, i4 = DType::I32,
                  i8 = DType::I64, u1 = DType::U8, bo = DType::Bool, i1 = DType::I8, i2 = DType::I16,
                  u2 = DType::U16, u4 = DType::U32, u8 = DType::U64;
  const DType table[13][13] = {
      //          f32 f64 f16 bf16 i32 i64 u8 bool i8 i16 u16 u32 u64
      /* f32  */ {f4, f8, f4, f4, X, X, X, X, X, X, X, X, X},
      /* f64  */ {f8, f8, f8, f8, X, X, X, X, X, X, X, X, X},
      /* f16  */ {f4, f8, f2, X, X, X, X, X, X, X, X, X, X},
      /* bf16 */ {f4, f8, X, b2, X, X, X, X, X, X, X, X, X},
      /* i32  */ {X, X, X, X, i4, i8, i4, X, i4, i4, i4, i8, X},
      /* i64  */ {X, X, X, X, i8, i8, i8, X, i8, i8, i8, i8, X},
      /* u8   */ {X, X, X, X, i4, i8, u1, X, i2, i2, u2, u4, u8},
      /* bool */ {X, X, X, X, X, X, X, bo, X, X, X, X, X},
      /* i8   */ {X, X, X, X, i4, i8, i2, X, i1, i2, i4, i8, X},
      /* i16  */ {X, X, X, X, i4, i8, i2, X, i2, i2, i4, i8, X},
      /* u16  */ {X, X, X, X, i4, i8, u2, X, i4, i4, u2, u4, u8},
      /* u32  */ {X, X, X, X, i8, i8, u4, X, i8, i8, u4, u4, u8},
      /* u64  */ {X, X, X, X, X, X, u8, X, X, X, u8, u8, u8},
  };
  for (int r = 0; r < 13; ++r) {
    for (int c = 0; c < 13; ++c) {
      DType a = kAll[r], b = kAll[c];
      INFO(dtype_name(a) << " with " << dtype_name(b));
      if (table[r][c] == X) {
        REQUIRE_THROWS_AS(promote_types(a, b, "add"), DTypeError);
        REQUIRE_THROWS_WITH(promote_types(a, b, "add"),
                            Contains("[add]") && Contains(dtype_name(a)) && Contains(dtype_name(b)));
      } else {
        CHECK(promote_types(a, b, "add") == table[r][c]);
      }
      CHECK(table[r][c] == table[c][r]);  // the table is symmetric
    }
  }
}
TEST_CASE("float16 conversion from float rounds to nearest even", "[dtype][half]") {
  // Expected bit patterns computed with NumPy: np.float32(x).astype(np.float16).view(np.uint16).
  CHECK(float_to_half_bits(1.0f) == 0x3c00);
  CHECK(float_to_half_bits(-2.5f) == 0xc100);
  CHECK(float_to_half_bits(0.0f) == 0x0000);
  CHECK(float_to_half_bits(-0.0f) == 0x8000);
  CHECK(float_to_half_bits(65504.0f) == 0x7bff);            // largest finite
  CHECK(float_to_half_bits(65519.0f) == 0x7bff);            // below the rounding boundary
  CHECK(float_to_half_bits(65520.0f) == 0x7c00);            // rounds up to inf
  CHECK(float_to_half_bits(1e6f) == 0x7c00);                // overflow -> inf
  CHECK(float_to_half_bits(-1e6f) == 0xfc00);               // overflow -> -inf
  CHECK(float_to_half_bits(std::ldexp(1.0f, -14)) == 0x0400);  // smallest normal
  CHECK(float_to_half_bits(std::ldexp(1.0f, -24)) == 0x0001);  // smallest subnormal
  CHECK(float_to_half_bits(std::ldexp(1.0f, -25)) == 0x0000);  // half of it: tie to even (0)
  CHECK(float_to_half_bits(std::ldexp(3.0f, -25)) == 0x0002);  // 1.5 units: tie to even (2)
  CHECK(float_to_half_bits(std::ldexp(1.0001f, -25)) == 0x0001);  // just above the tie
  CHECK(float_to_half_bits(1.0f + std::ldexp(1.0f, -11)) == 0x3c00);  // tie between 0x3c00 and 0x3c01
  CHECK(float_to_half_bits(1.0f + std::ldexp(3.0f, -11)) == 0x3c02);  // tie between 0x3c01 and 0x3c02
  CHECK(float_to_half_bits(0.1f) == 0x2e66);
  CHECK(float_to_half_bits(1.0f / 3.0f) == 0x3555);
  CHECK(float_to_half_bits(std::numeric_limits<float>::infinity()) == 0x7c00);
  CHECK(float_to_half_bits(-std::numeric_limits<float>::infinity()) == 0xfc00);
  uint16_t nan = float_to_half_bits(std::numeric_limits<float>::quiet_NaN());
  CHECK((nan & 0x7c00) == 0x7c00);
  CHECK((nan & 0x03ff) != 0);
  uint16_t snan = float_to_half_bits(bits_float(0x7f800001u));  // payload below half's mantissa
  CHECK((snan & 0x7c00) == 0x7c00);
  CHECK((snan & 0x03ff) != 0);  // still NaN, not inf
}

TEST_CASE("float16 to float is exact", "[dtype][half]") {
  CHECK(half_bits_to_float(0x3c00) == 1.0f);
  CHECK(half_bits_to_float(0x7bff) == 65504.0f);
  CHECK(half_bits_to_float(0x0001) == std::ldexp(1.0f, -24));
  CHECK(half_bits_to_float(0x03ff) == std::ldexp(1023.0f, -24));  // largest subnormal
  CHECK(half_bits_to_float(0x0400) == std::ldexp(1.0f, -14));
  CHECK(half_bits_to_float(0x3555) == 0.333251953125f);
  CHECK(half_bits_to_float(0x2e66) == 0.0999755859375f);
  CHECK(half_bits_to_float(0xc100) == -2.5f);
  CHECK(std::signbit(half_bits_to_float(0x8000)));
  CHECK(half_bits_to_float(0x8000) == 0.0f);
  CHECK(std::signbit(half_bits_to_float(0x8001)));
  CHECK(half_bits_to_float(0x7c00) == std::numeric_limits<float>::infinity());
  CHECK(half_bits_to_float(0xfc00) == -std::numeric_limits<float>::infinity());
  CHECK(std::isnan(half_bits_to_float(0x7e00)));
  CHECK(std::isnan(half_bits_to_float(0x7c01)));
  // Every finite half survives a round trip through float.
  for (uint32_t b = 0; b < 0x10000u; ++b) {
    uint16_t h = static_cast<uint16_t>(b);
    if ((h & 0x7c00) == 0x7c00) continue;
    REQUIRE(float_to_half_bits(half_bits_to_float(h)) == h);
  }
  Half x(0.5f);
  CHECK(x.bits == 0x3800);
  CHECK(static_cast<float>(x) == 0.5f);
  CHECK(Half::from_bits(0x4000) == 2.0f);
}

TEST_CASE("bfloat16 conversion rounds to nearest even", "[dtype][bf16]") {
  // bf16 is the top half of a float: expected patterns follow from the float bits by hand.
  CHECK(float_to_bf16_bits(1.0f) == 0x3f80);                         // 0x3f800000
  CHECK(float_to_bf16_bits(-2.5f) == 0xc020);                        // 0xc0200000
  CHECK(float_to_bf16_bits(1.0f + std::ldexp(1.0f, -8)) == 0x3f80);  // 0x3f808000: tie, even
  CHECK(float_to_bf16_bits(1.0f + std::ldexp(3.0f, -8)) == 0x3f82);  // 0x3f818000: tie, to even
  CHECK(float_to_bf16_bits(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20)) == 0x3f81);  // above tie
  CHECK(float_to_bf16_bits(0.1f) == 0x3dcd);                         // 0x3dcccccd rounds up
  CHECK(float_to_bf16_bits(3.3895313892515355e38f) == 0x7f7f);       // largest finite bf16
  CHECK(float_to_bf16_bits(std::numeric_limits<float>::max()) == 0x7f80);  // overflow -> inf
  CHECK(float_to_bf16_bits(-std::numeric_limits<float>::max()) == 0xff80);
  CHECK(float_to_bf16_bits(std::numeric_limits<float>::infinity()) == 0x7f80);
  CHECK(float_to_bf16_bits(std::ldexp(1.0f, -133)) == 0x0001);       // float subnormal 0x00010000
  CHECK(float_to_bf16_bits(-0.0f) == 0x8000);
  uint16_t nan = float_to_bf16_bits(bits_float(0x7f800001u));  // NaN payload only in the low bits
  CHECK((nan & 0x7f80) == 0x7f80);
  CHECK((nan & 0x007f) != 0);  // stays NaN instead of truncating to inf
  CHECK(std::isnan(bf16_bits_to_float(float_to_bf16_bits(std::numeric_limits<float>::quiet_NaN()))));

  CHECK(bf16_bits_to_float(0x3f80) == 1.0f);
  CHECK(bf16_bits_to_float(0x7f7f) == 3.3895313892515355e38f);
  CHECK(bf16_bits_to_float(0x0001) == std::ldexp(1.0f, -133));
  CHECK(bf16_bits_to_float(0xff80) == -std::numeric_limits<float>::infinity());
  for (uint32_t b = 0; b < 0x10000u; ++b) {
    uint16_t h = static_cast<uint16_t>(b);
    if ((h & 0x7f80) == 0x7f80) continue;
    REQUIRE(float_to_bf16_bits(bf16_bits_to_float(h)) == h);
  }
  BFloat16 y(2.0f);
  CHECK(y.bits == 0x4000);
  CHECK(static_cast<float>(BFloat16::from_bits(0xbf80)) == -1.0f);
}

TEST_CASE("dispatch_all_types maps each dtype to its C++ type", "[dtype]") {
  for (DType d : kAll) {
    DType back = dispatch_all_types(d, "test", [](auto tag) {
      using T = typename decltype(tag)::type;
      return DTypeOf<T>::value;
    });
    CHECK(back == d);
    size_t size = dispatch_all_types(d, "test", [](auto tag) { return sizeof(typename decltype(tag)::type); });
    CHECK(size == dtype_size(d));
  }
  REQUIRE_THROWS_WITH(dispatch_all_types(static_cast<DType>(99), "myop", [](auto) { return 0; }),
                      Contains("[myop]") && Contains("99"));
}
