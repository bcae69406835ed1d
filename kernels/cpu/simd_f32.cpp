// Contiguous f32 loops compiled once per ISA and chosen at run time. See Note [Runtime ISA dispatch].
#include "kernels/cpu/simd_f32.h"

#include <cmath>
#include <cstring>

namespace tfl::cpu {

// Note [Runtime ISA dispatch]
// The library is built without -march flags so it runs on any x86-64. Each loop below is compiled three
// times (AVX-512, AVX2+FMA, baseline SSE2) with GCC's target attribute (ISA flags only, so the always_inline
// math helpers inline into every variant),
// and the public function calls the best one for the CPU, detected once with __builtin_cpu_supports.
// (GCC's target_clones would do this with an ifunc resolver at load time, but on our CI's virtual AMD
// CPUs that resolver picked the baseline clone although the CPU has AVX2: a check after start-up is
// reliable.) The bodies are plain loops the compiler vectorises for each ISA; the math (exp, tanh) is
// branch-free polynomial code so it vectorises too, which std::exp would not.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TFL_ISA_DISPATCH 1
#define TFL_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#define TFL_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define TFL_ISA_DISPATCH 0
#define TFL_TARGET_AVX512
#define TFL_TARGET_AVX2
#endif

enum class Isa { kBaseline, kAvx2, kAvx512 };

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

__attribute__((always_inline)) inline float as_float(int32_t i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}
__attribute__((always_inline)) inline int32_t as_int(float f) {
  int32_t i;
  std::memcpy(&i, &f, 4);
  return i;
}

// a if c else b, as bit operations: a plain ?: whose arms hold floating-point work is turned into a
// branch (the work may trap, so it is not executed speculatively), and branches stop vectorisation.
__attribute__((always_inline)) inline float select(bool c, float a, float b) {
  int32_t m = -static_cast<int32_t>(c);
  return as_float((as_int(a) & m) | (as_int(b) & ~m));
}

// exp(x) to about 1 ulp (Cephes expf polynomial): x = n ln2 + r with |r| <= ln2/2, 2^n applied in
// two halves so results near the overflow and denormal ends stay exact. Branch-free: inputs are
// clamped to [-104, 88.8], whose ends overflow to inf and underflow to 0 by themselves, and NaN
// passes through the clamps and the arithmetic.
__attribute__((always_inline)) inline float exp_body(float x) {
  const float hi = 88.8f, lo = -104.0f;
  // Clamping with ?: lets GCC thread the constant arm through the whole body and branch per element.
  float xc = select(x > hi, hi, x);
  xc = select(xc < lo, lo, xc);
  const float magic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer held in the low bits
  float t = xc * 1.44269504088896341f + magic;
  int32_t n = as_int(t) - as_int(magic);
  float fn = t - magic;
  float r = xc - fn * 0.693359375f;
  r = r - fn * -2.12194440e-4f;
  float z = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * z + r + 1.0f;
  int32_t n1 = n >> 1, n2 = n - n1;
  return y * as_float((n1 + 127) << 23) * as_float((n2 + 127) << 23);
}

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
