// Element types, their sizes and names, type promotion, and compile-time dispatch over them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "core/half.h"

namespace tfl {

// Values equal the public TFL_DTYPE_* codes; append only.
enum class DType : int32_t {
  F32 = 0, F64 = 1, F16 = 2, BF16 = 3, I32 = 4, I64 = 5, U8 = 6, Bool = 7,
  I8 = 8, I16 = 9, U16 = 10, U32 = 11, U64 = 12
};
constexpr int kNumDTypes = 13;

[[noreturn]] size_t dtype_size_invalid(DType dt);

// Bytes per element; DTypeError for a code outside the enum.
inline size_t dtype_size(DType dt) {
  constexpr size_t kSizes[kNumDTypes] = {4, 8, 2, 2, 4, 8, 1, 1, 1, 2, 2, 4, 8};
  auto i = static_cast<uint32_t>(dt);
  if (i < static_cast<uint32_t>(kNumDTypes)) return kSizes[i];
  return dtype_size_invalid(dt);
}
const char* dtype_name(DType dt);
bool is_floating(DType dt);
bool is_integral(DType dt);  // true iff an integer type (bool excluded)
// True iff dt is a valid enumerator (for values that arrive from the C ABI).
bool dtype_is_valid(int32_t code);

// Result type of a binary op on a and b, following the Python array API standard's promotion table.
// bf16 (absent from the standard) promotes like a float narrower than f32 but is not mixed with f16.
// Mixed signed/unsigned integers go to the smallest signed type holding both (u8+i8 -> i16,
// u16+i16 -> i32, u32+i32 -> i64); u64 with any signed integer has no such type.
// Combinations the table leaves undefined (bool with numbers, integers with floats, f16 with bf16,
// u64 with signed integers) throw DTypeError naming `op`.
DType promote_types(DType a, DType b, const char* op);

// The dtype arithmetic happens in: f16/bf16 compute in f32.
inline DType compute_dtype(DType dt) { return (dt == DType::F16 || dt == DType::BF16) ? DType::F32 : dt; }

// Default float type for results of float-only ops on integer inputs.
constexpr DType kDefaultFloat = DType::F32;

template <class T>
struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::F32; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::F64; };
template <> struct DTypeOf<Half> { static constexpr DType value = DType::F16; };
template <> struct DTypeOf<BFloat16> { static constexpr DType value = DType::BF16; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::I32; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::I64; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::U8; };
template <> struct DTypeOf<bool> { static constexpr DType value = DType::Bool; };
template <> struct DTypeOf<int8_t> { static constexpr DType value = DType::I8; };
template <> struct DTypeOf<int16_t> { static constexpr DType value = DType::I16; };
template <> struct DTypeOf<uint16_t> { static constexpr DType value = DType::U16; };
template <> struct DTypeOf<uint32_t> { static constexpr DType value = DType::U32; };
template <> struct DTypeOf<uint64_t> { static constexpr DType value = DType::U64; };

// Type used for arithmetic on stored T: float for Half/BFloat16, T otherwise.
template <class T> struct ComputeOf { using type = T; };
template <> struct ComputeOf<Half> { using type = float; };
template <> struct ComputeOf<BFloat16> { using type = float; };
template <class T> using compute_t = typename ComputeOf<T>::type;

template <class T> struct Tag { using type = T; };

// Calls f(Tag<T>{}) for the C++ type of dt; an unexpected dtype is a DTypeError naming `op`.
template <class F>
decltype(auto) dispatch_all_types(DType dt, const char* op, F&& f) {
  switch (dt) {
    case DType::F32: return f(Tag<float>{});
    case DType::F64: return f(Tag<double>{});
    case DType::F16: return f(Tag<Half>{});
    case DType::BF16: return f(Tag<BFloat16>{});
    case DType::I32: return f(Tag<int32_t>{});
    case DType::I64: return f(Tag<int64_t>{});
    case DType::U8: return f(Tag<uint8_t>{});
    case DType::Bool: return f(Tag<bool>{});
    case DType::I8: return f(Tag<int8_t>{});
    case DType::I16: return f(Tag<int16_t>{});
    case DType::U16: return f(Tag<uint16_t>{});
    case DType::U32: return f(Tag<uint32_t>{});
    case DType::U64: return f(Tag<uint64_t>{});
  }
  TFL_THROW(DTypeError, op, "unsupported dtype code ", static_cast<int>(dt));
}

}  // namespace tfl
