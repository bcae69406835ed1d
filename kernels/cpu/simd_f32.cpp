// Contiguous f32 loops compiled once per ISA and chosen at run time. See Note [Runtime ISA dispatch].
#include "kernels/cpu/simd_f32.h"

#include <cmath>
#include <cstring>

namespace tfl::cpu {

// Note [Runtime ISA dispatch]
// The library is built without -march flags so it runs on any x86-64. GCC's target_clones emits
// each function below three times (AVX-512 Skylake-X level, AVX2+FMA Haswell level, baseline SSE2)
// plus an ifunc resolver that binds the best one for the CPU once, at load time; a call then costs
// one indirect jump. The bodies are plain loops: the compiler vectorises each clone for its ISA.
// The math (exp, tanh) is branch-free polynomial code so it vectorises too; std::exp would not.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TFL_ISA_CLONES __attribute__((target_clones("arch=skylake-avx512", "arch=haswell", "default")))
#else
#define TFL_ISA_CLONES
#endif

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

TFL_ISA_CLONES void add_f32(float* out, const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}
TFL_ISA_CLONES void sub_f32(float* out, const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] - b[i];
}
TFL_ISA_CLONES void mul_f32(float* out, const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}
TFL_ISA_CLONES void div_f32(float* out, const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] / b[i];
}
TFL_ISA_CLONES void exp_f32(float* out, const float* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = exp_body(a[i]);
}
TFL_ISA_CLONES void tanh_f32(float* out, const float* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = tanh_body(a[i]);
}
TFL_ISA_CLONES void sigmoid_f32(float* out, const float* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = sigmoid_body(a[i]);
}
TFL_ISA_CLONES void silu_f32(float* out, const float* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] * sigmoid_body(a[i]);
}
TFL_ISA_CLONES void gelu_tanh_f32(float* out, const float* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = gelu_tanh_body(a[i]);
}
// erfc has no branch-free polynomial here: the clones differ only in the surrounding code.
TFL_ISA_CLONES void gelu_erf_f32(float* out, const float* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = 0.5f * a[i] * std::erfc(-a[i] * 0.70710678118654752f);
}

}  // namespace tfl::cpu
