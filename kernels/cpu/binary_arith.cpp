// CPU kernels of binary arithmetic: add, sub, mul, div, floor_divide, remainder, pow, maximum,
// minimum, atan2. f32 add/sub/mul/div route contiguous runs to the ISA-dispatched loops.
#include <cmath>
#include <type_traits>

#include "kernels/cpu/elementwise_math.h"
#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"
#include "kernels/cpu/simd_f32.h"

namespace tfl::cpu {
namespace {

template <class T>
constexpr bool kFloatT = std::is_floating_point_v<compute_t<T>>;

template <class T>
void add_kernel(const KernelArgs& a) {
  if constexpr (std::is_same_v<T, float>) binary_f32_loop(a, add_f32, [](float x, float y) { return x + y; });
  else binary_loop<T, T, T>(a, [](auto x, auto y) { return wrap_add(x, y); });
}
template <class T>
void sub_kernel(const KernelArgs& a) {
  if constexpr (std::is_same_v<T, float>) binary_f32_loop(a, sub_f32, [](float x, float y) { return x - y; });
  else binary_loop<T, T, T>(a, [](auto x, auto y) { return wrap_sub(x, y); });
}
template <class T>
void mul_kernel(const KernelArgs& a) {
  if constexpr (std::is_same_v<T, float>) binary_f32_loop(a, mul_f32, [](float x, float y) { return x * y; });
  else binary_loop<T, T, T>(a, [](auto x, auto y) { return wrap_mul(x, y); });
}
template <class T>
void div_kernel(const KernelArgs& a) {
  static_assert(kFloatT<T>, "div computes in floating point");
  if constexpr (std::is_same_v<T, float>) binary_f32_loop(a, div_f32, [](float x, float y) { return x / y; });
  else binary_loop<T, T, T>(a, [](auto x, auto y) { return x / y; });
}

template <class T>
void floor_divide_kernel(const KernelArgs& a) {
  using C = compute_t<T>;
  if constexpr (kFloatT<T>) {
    binary_loop<T, T, T>(a, [](C x, C y) {
      C q, r;
      float_divmod(x, y, &q, &r);
      return q;
    });
  } else {
    binary_loop<T, T, T>(a, [](C x, C y) { return int_floordiv(x, y); });
  }
}
template <class T>
void remainder_kernel(const KernelArgs& a) {
  using C = compute_t<T>;
  if constexpr (kFloatT<T>) {
    binary_loop<T, T, T>(a, [](C x, C y) {
      C q, r;
      float_divmod(x, y, &q, &r);
      return r;
    });
  } else {
    binary_loop<T, T, T>(a, [](C x, C y) { return int_mod(x, y); });
  }
}
template <class T>
void pow_kernel(const KernelArgs& a) {
  using C = compute_t<T>;
  if constexpr (kFloatT<T>) binary_loop<T, T, T>(a, [](C x, C y) { return std::pow(x, y); }, 8);
  else binary_loop<T, T, T>(a, [](C x, C y) { return int_pow(x, y); });
}
template <class T>
void maximum_kernel(const KernelArgs& a) {
  binary_loop<T, T, T>(a, [](auto x, auto y) { return nan_max(x, y); });
}
template <class T>
void minimum_kernel(const KernelArgs& a) {
  binary_loop<T, T, T>(a, [](auto x, auto y) { return nan_min(x, y); });
}
template <class T>
void atan2_kernel(const KernelArgs& a) {
  binary_loop<T, T, T>(a, [](auto x, auto y) { return std::atan2(x, y); }, 8);
}

}  // namespace

TFL_REGISTER_CPU_NUMERIC(add, add_kernel);
TFL_REGISTER_CPU_NUMERIC(sub, sub_kernel);
TFL_REGISTER_CPU_NUMERIC(mul, mul_kernel);
TFL_REGISTER_CPU_FLOAT(div, div_kernel);
TFL_REGISTER_CPU_NUMERIC(floor_divide, floor_divide_kernel);
TFL_REGISTER_CPU_NUMERIC(remainder, remainder_kernel);
TFL_REGISTER_CPU_NUMERIC(pow, pow_kernel);
TFL_REGISTER_CPU_NUMERIC(maximum, maximum_kernel);
TFL_REGISTER_CPU_NUMERIC(minimum, minimum_kernel);
TFL_REGISTER_CPU_FLOAT(atan2, atan2_kernel);

}  // namespace tfl::cpu
