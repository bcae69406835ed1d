// Contiguous f32 loops compiled once per ISA and chosen at run time. See Note [Runtime ISA dispatch].
#include "kernels/cpu/simd_f32.h"

#include <cmath>

#include "kernels/cpu/simd_isa.h"

namespace tfl::cpu {

Isa detect_isa() {
#if TFL_ISA_DISPATCH
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return Isa::kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::kAvx2;
#endif
  return Isa::kBaseline;
}

Isa isa() {
  static const Isa detected = detect_isa();
  return detected;
}

namespace {

using simd::as_float;
using simd::as_int;
using simd::exp_body;
using simd::select;

// tanh(x): an odd polynomial below 0.625 (Cephes tanhf), 1 - 2 / (exp(2|x|) + 1) above.
__attribute__((always_inline)) inline float tanh_body(float x) {
  float ax = x < 0.0f ? -x : x;
  float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  float small = p * z * x + x;
  float e = exp_body(2.0f * ax);
  float big = 1.0f - 2.0f / (e + 1.0f);
  big = select(x < 0.0f, -big, big);
  return select(ax < 0.625f, small, big);
}

// 1 / (1 + exp(-x)) without overflow: exp of -|x| only.
__attribute__((always_inline)) inline float sigmoid_body(float x) {
  float ax = x < 0.0f ? -x : x;
  float e = exp_body(-ax);
  float r = 1.0f / (1.0f + e);
  return select(x < 0.0f, e * r, r);
}

__attribute__((always_inline)) inline float gelu_tanh_body(float x) {
  const float k = 0.7978845608028654f;  // sqrt(2 / pi)
  float inner = k * (x + 0.044715f * x * x * x);
  return 0.5f * x * (1.0f + tanh_body(inner));
}

}  // namespace

float exp_approx(float x) { return exp_body(x); }
float tanh_approx(float x) { return tanh_body(x); }
float sigmoid_approx(float x) { return sigmoid_body(x); }

// Defines name_avx512 / name_avx2 / name_baseline with the same loop body and the public `name` that
// calls the one isa() selects. `expr` computes out[i] from a[i] (and b[i]).
#define TFL_ISA_UNARY(name, expr)                                                                   \
  namespace {                                                                                       \
  TFL_TARGET_AVX512 void name##_avx512(float* out, const float* a, int64_t n) {                     \
    for (int64_t i = 0; i < n; ++i) out[i] = expr;                                                  \
  }                                                                                                 \
  TFL_TARGET_AVX2 void name##_avx2(float* out, const float* a, int64_t n) {                         \
    for (int64_t i = 0; i < n; ++i) out[i] = expr;                                                  \
  }                                                                                                 \
  void name##_baseline(float* out, const float* a, int64_t n) {                                     \
    for (int64_t i = 0; i < n; ++i) out[i] = expr;                                                  \
  }                                                                                                 \
  }                                                                                                 \
  void name(float* out, const float* a, int64_t n) {                                                \
    switch (isa()) {                                                                                \
      case Isa::kAvx512: return name##_avx512(out, a, n);                                           \
      case Isa::kAvx2: return name##_avx2(out, a, n);                                               \
      case Isa::kBaseline: break;                                                                   \
    }                                                                                               \
    name##_baseline(out, a, n);                                                                     \
  }

#define TFL_ISA_BINARY(name, expr)                                                                  \
  namespace {                                                                                       \
  TFL_TARGET_AVX512 void name##_avx512(float* out, const float* a, const float* b, int64_t n) {     \
    for (int64_t i = 0; i < n; ++i) out[i] = expr;                                                  \
  }                                                                                                 \
  TFL_TARGET_AVX2 void name##_avx2(float* out, const float* a, const float* b, int64_t n) {         \
    for (int64_t i = 0; i < n; ++i) out[i] = expr;                                                  \
  }                                                                                                 \
  void name##_baseline(float* out, const float* a, const float* b, int64_t n) {                     \
    for (int64_t i = 0; i < n; ++i) out[i] = expr;                                                  \
  }                                                                                                 \
  }                                                                                                 \
  void name(float* out, const float* a, const float* b, int64_t n) {                                \
    switch (isa()) {                                                                                \
      case Isa::kAvx512: return name##_avx512(out, a, b, n);                                        \
      case Isa::kAvx2: return name##_avx2(out, a, b, n);                                            \
      case Isa::kBaseline: break;                                                                   \
    }                                                                                               \
    name##_baseline(out, a, b, n);                                                                  \
  }

TFL_ISA_BINARY(add_f32, a[i] + b[i])
TFL_ISA_BINARY(sub_f32, a[i] - b[i])
TFL_ISA_BINARY(mul_f32, a[i] * b[i])
TFL_ISA_BINARY(div_f32, a[i] / b[i])
TFL_ISA_UNARY(exp_f32, exp_body(a[i]))
TFL_ISA_UNARY(tanh_f32, tanh_body(a[i]))
TFL_ISA_UNARY(sigmoid_f32, sigmoid_body(a[i]))
TFL_ISA_UNARY(silu_f32, a[i] * sigmoid_body(a[i]))
TFL_ISA_UNARY(gelu_tanh_f32, gelu_tanh_body(a[i]))
// erfc has no branch-free polynomial here: the clones differ only in the surrounding code.
TFL_ISA_UNARY(gelu_erf_f32, 0.5f * a[i] * std::erfc(-a[i] * 0.70710678118654752f))

}  // namespace tfl::cpu
