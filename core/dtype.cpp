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
  }
  return "invalid";
}

bool is_floating(DType dt) {
  return dt == DType::F32 || dt == DType::F64 || dt == DType::F16 || dt == DType::BF16;
}
bool is_integral(DType dt) { return dt == DType::I32 || dt == DType::I64 || dt == DType::U8; }
bool dtype_is_valid(int32_t code) { return code >= 0 && code < kNumDTypes; }

namespace {
// Width rank inside a kind, used to pick the wider type.
int int_rank(DType d) { return d == DType::U8 ? 0 : d == DType::I32 ? 1 : 2; }
}  // namespace

DType promote_types(DType a, DType b, const char* op) {
  if (a == b) return a;
  auto undefined = [&]() -> DType {
    TFL_THROW(DTypeError, op, "no promotion rule for ", dtype_name(a), " and ", dtype_name(b),
              " (the array API standard leaves it undefined); cast one operand explicitly");
  };
  if (a == DType::Bool || b == DType::Bool) return undefined();
  if (is_integral(a) && is_integral(b)) return int_rank(a) >= int_rank(b) ? a : b;
  if (is_floating(a) && is_floating(b)) {
    if (a == DType::F64 || b == DType::F64) return DType::F64;
    if (a == DType::F32 || b == DType::F32) return DType::F32;
    return undefined();  // f16 with bf16: neither holds the other
  }
  return undefined();  // integer with float
}

}  // namespace tfl
