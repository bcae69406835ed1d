// dtype sizes, names and the promotion table.
#include "core/dtype.h"

namespace tfl {

size_t dtype_size_invalid(DType dt) {
  TFL_THROW(DTypeError, "dtype", "unknown dtype code ", static_cast<int>(dt));
}

const char* dtype_name(DType dt) {
  switch (dt) {
    case DType::F32: return "float32";
    case DType::F64: return "float64";
    case DType::F16: return "float16";
    case DType::BF16: return "bfloat16";
    case DType::I32: return "int32";
    case DType::I64: return "int64";
    case DType::U8: return "uint8";
    case DType::Bool: return "bool";
    case DType::I8: return "int8";
    case DType::I16: return "int16";
    case DType::U16: return "uint16";
    case DType::U32: return "uint32";
    case DType::U64: return "uint64";
  }
  return "invalid";
}

bool is_floating(DType dt) {
  return dt == DType::F32 || dt == DType::F64 || dt == DType::F16 || dt == DType::BF16;
}
bool is_integral(DType dt) {
  switch (dt) {
    case DType::I8: case DType::I16: case DType::I32: case DType::I64:
    case DType::U8: case DType::U16: case DType::U32: case DType::U64: return true;
    default: return false;
  }
}
bool dtype_is_valid(int32_t code) { return code >= 0 && code < kNumDTypes; }

namespace {
bool is_unsigned_int(DType d) { return d == DType::U8 || d == DType::U16 || d == DType::U32 || d == DType::U64; }
// Bytes of an integer type: the width rank inside signed or unsigned.
int int_bytes(DType d) { return static_cast<int>(dtype_size(d)); }
DType signed_of_bytes(int bytes) {
  return bytes == 1 ? DType::I8 : bytes == 2 ? DType::I16 : bytes == 4 ? DType::I32 : DType::I64;
}
}  // namespace

DType promote_types(DType a, DType b, const char* op) {
  if (a == b) return a;
  auto undefined = [&]() -> DType {
    TFL_THROW(DTypeError, op, "no promotion rule for ", dtype_name(a), " and ", dtype_name(b),
              " (the array API standard leaves it undefined); cast one operand explicitly");
  };
  if (a == DType::Bool || b == DType::Bool) return undefined();
  if (is_integral(a) && is_integral(b)) {
    const bool ua = is_unsigned_int(a), ub = is_unsigned_int(b);
    if (ua == ub) return int_bytes(a) >= int_bytes(b) ? a : b;  // same kind: the wider
    // Mixed: the signed type, unless the unsigned one is at least as wide; then the next wider signed.
    const DType u = ua ? a : b, i = ua ? b : a;
    if (int_bytes(i) > int_bytes(u)) return i;
    if (u == DType::U64) return undefined();  // no signed type holds every uint64
    return signed_of_bytes(2 * int_bytes(u));
  }
  if (is_floating(a) && is_floating(b)) {
    if (a == DType::F64 || b == DType::F64) return DType::F64;
    if (a == DType::F32 || b == DType::F32) return DType::F32;
    return undefined();  // f16 with bf16: neither holds the other
  }
  return undefined();  // integer with float
}

}  // namespace tfl
