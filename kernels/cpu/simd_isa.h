// Runtime ISA dispatch for the hot CPU loops (see Note [Runtime ISA dispatch]) and the branch-free
// float math (exp) that the per-ISA loop bodies inline.
#pragma once

#include <cstdint>
#include <cstring>

namespace tfl::cpu {

// Note [Runtime ISA dispatch]
// The library is built without -march flags so it runs on any x86-64. Each hot loop (simd_f32.cpp, simd_reduce.cpp) is
// compiled three times (AVX-512, AVX2+FMA, baseline SSE2) with GCC's target attribute (ISA flags only, so the always_inline
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

// The best ISA of this CPU, detected once (defined in simd_f32.cpp).
Isa isa();

namespace simd {

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

}  // namespace simd
}  // namespace tfl::cpu
