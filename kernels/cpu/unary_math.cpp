// CPU kernels of unary math: sign-type ops that keep integer dtypes, rounding, clip, and the
// float-valued transcendental functions.
#include <cmath>
#include <type_traits>

#include "kernels/cpu/convert.h"
#include "kernels/cpu/elementwise_math.h"
#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"
#include "kernels/cpu/simd_f32.h"
#include "kernels/params_elementwise.h"

namespace tfl::cpu {
namespace {

// Relative cost of a transcendental body against an add, to split parallel work earlier.
constexpr int64_t kMathCost = 8;

template <class T>
constexpr bool kFloatT = std::is_floating_point_v<compute_t<T>>;

template <class T>
void neg_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return wrap_neg(x); });
}
template <class T>
void abs_kernel(const KernelArgs& a) {
  if constexpr (kFloatT<T>) {
    unary_loop<T, T>(a, [](auto x) { return std::fabs(x); });
  } else if constexpr (std::is_signed_v<T>) {
    unary_loop<T, T>(a, [](T x) { return x < 0 ? wrap_neg(x) : x; });  // abs(MIN) wraps to MIN
  } else {
    unary_loop<T, T>(a, [](T x) { return x; });
  }
}
template <class T>
void sign_kernel(const KernelArgs& a) {
  using C = compute_t<T>;
  // NaN compares false both ways and so passes through; so do +-0.
  unary_loop<T, T>(a, [](C x) { return x > C(0) ? C(1) : (x < C(0) ? static_cast<C>(-1) : x); });
}
template <class T>
void square_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return wrap_mul(x, x); });
}

template <class T>
void floor_kernel(const KernelArgs& a) {
  if constexpr (kFloatT<T>) unary_loop<T, T>(a, [](auto x) { return std::floor(x); });
  else unary_loop<T, T>(a, [](T x) { return x; });
}
template <class T>
void ceil_kernel(const KernelArgs& a) {
  if constexpr (kFloatT<T>) unary_loop<T, T>(a, [](auto x) { return std::ceil(x); });
  else unary_loop<T, T>(a, [](T x) { return x; });
}
template <class T>
void round_kernel(const KernelArgs& a) {
  // nearbyint rounds in the default mode, round-half-to-even, like numpy.round.
  if constexpr (kFloatT<T>) unary_loop<T, T>(a, [](auto x) { return std::nearbyint(x); });
  else unary_loop<T, T>(a, [](T x) { return x; });
}

template <class T>
void clip_kernel(const KernelArgs& a) {
  using C = compute_t<T>;
  const auto& p = *static_cast<const ClipParams*>(a.params);
  // Integer bounds saturate into T's range; the op side has checked they are integral.
  const C lo = kFloatT<T> ? static_cast<C>(p.lo) : static_cast<C>(convert<T>(p.lo));
  const C hi = kFloatT<T> ? static_cast<C>(p.hi) : static_cast<C>(convert<T>(p.hi));
  const bool has_lo = p.has_lo, has_hi = p.has_hi;
  // max first, then min, as numpy.clip: lo > hi gives hi, and NaN fails both tests and stays.
  unary_loop<T, T>(a, [=](C x) {
    C y = (has_lo && x < lo) ? lo : x;
    return (has_hi && y > hi) ? hi : y;
  });
}

template <class T>
void exp_kernel(const KernelArgs& a) {
  if constexpr (std::is_same_v<T, float>) unary_f32_loop(a, exp_f32, exp_approx, kMathCost);
  else unary_loop<T, T>(a, [](auto x) { return std::exp(x); }, kMathCost);
}
template <class T>
void expm1_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return std::expm1(x); }, kMathCost);
}
template <class T>
void log_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return std::log(x); }, kMathCost);
}
template <class T>
void log1p_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return std::log1p(x); }, kMathCost);
}
template <class T>
void sqrt_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return std::sqrt(x); });
}
template <class T>
void rsqrt_kernel(const KernelArgs& a) {
  using C = compute_t<T>;
  unary_loop<T, T>(a, [](C x) { return C(1) / std::sqrt(x); });
}
template <class T>
void sin_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return std::sin(x); }, kMathCost);
}
template <class T>
void cos_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return std::cos(x); }, kMathCost);
}
template <class T>
void tan_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return std::tan(x); }, kMathCost);
}
template <class T>
void tanh_kernel(const KernelArgs& a) {
  if constexpr (std::is_same_v<T, float>) unary_f32_loop(a, tanh_f32, tanh_approx, kMathCost);
  else unary_loop<T, T>(a, [](auto x) { return std::tanh(x); }, kMathCost);
}

}  // namespace

TFL_REGISTER_CPU_NUMERIC(neg, neg_kernel);
TFL_REGISTER_CPU_NUMERIC(abs, abs_kernel);
TFL_REGISTER_CPU_NUMERIC(sign, sign_kernel);
TFL_REGISTER_CPU_NUMERIC(square, square_kernel);
TFL_REGISTER_CPU_NUMERIC(floor, floor_kernel);
TFL_REGISTER_CPU_NUMERIC(ceil, ceil_kernel);
TFL_REGISTER_CPU_NUMERIC(round, round_kernel);
TFL_REGISTER_CPU_NUMERIC(clip, clip_kernel);
TFL_REGISTER_CPU_FLOAT(exp, exp_kernel);
TFL_REGISTER_CPU_FLOAT(expm1, expm1_kernel);
TFL_REGISTER_CPU_FLOAT(log, log_kernel);
TFL_REGISTER_CPU_FLOAT(log1p, log1p_kernel);
TFL_REGISTER_CPU_FLOAT(sqrt, sqrt_kernel);
TFL_REGISTER_CPU_FLOAT(rsqrt, rsqrt_kernel);
TFL_REGISTER_CPU_FLOAT(sin, sin_kernel);
TFL_REGISTER_CPU_FLOAT(cos, cos_kernel);
TFL_REGISTER_CPU_FLOAT(tan, tan_kernel);
TFL_REGISTER_CPU_FLOAT(tanh, tanh_kernel);

}  // namespace tfl::cpu
