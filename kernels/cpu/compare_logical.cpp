// CPU kernels of comparisons, logical ops, where, and the isnan/isinf/isfinite tests.
#include <cmath>
#include <type_traits>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"

namespace tfl::cpu {
namespace {

template <class T>
void eq_kernel(const KernelArgs& a) {
  binary_loop<bool, T, T>(a, [](auto x, auto y) { return x == y; });
}
template <class T>
void ne_kernel(const KernelArgs& a) {
  binary_loop<bool, T, T>(a, [](auto x, auto y) { return x != y; });
}
template <class T>
void lt_kernel(const KernelArgs& a) {
  binary_loop<bool, T, T>(a, [](auto x, auto y) { return x < y; });
}
template <class T>
void le_kernel(const KernelArgs& a) {
  binary_loop<bool, T, T>(a, [](auto x, auto y) { return x <= y; });
}
template <class T>
void gt_kernel(const KernelArgs& a) {
  binary_loop<bool, T, T>(a, [](auto x, auto y) { return x > y; });
}
template <class T>
void ge_kernel(const KernelArgs& a) {
  binary_loop<bool, T, T>(a, [](auto x, auto y) { return x >= y; });
}

// Logical ops see bool operands (the op side casts); bytes are read as uint8 so that any nonzero
// byte counts as true without relying on bool's 0/1 representation.
void logical_and_kernel(const KernelArgs& a) {
  binary_loop<bool, uint8_t, uint8_t>(a, [](uint8_t x, uint8_t y) { return (x != 0) & (y != 0); });
}
void logical_or_kernel(const KernelArgs& a) {
  binary_loop<bool, uint8_t, uint8_t>(a, [](uint8_t x, uint8_t y) { return (x != 0) | (y != 0); });
}
void logical_xor_kernel(const KernelArgs& a) {
  binary_loop<bool, uint8_t, uint8_t>(a, [](uint8_t x, uint8_t y) { return (x != 0) != (y != 0); });
}
template <class T>
void logical_not_kernel(const KernelArgs& a) {
  if constexpr (std::is_same_v<T, bool>)
    unary_loop<bool, uint8_t>(a, [](uint8_t x) { return x == 0; });
  else
    unary_loop<bool, T>(a, [](auto x) { return x == decltype(x)(0); });  // NaN != 0: true, so not NaN is false
}

template <class T>
void isnan_kernel(const KernelArgs& a) {
  if constexpr (std::is_floating_point_v<compute_t<T>>) unary_loop<bool, T>(a, [](auto x) { return x != x; });
  else unary_loop<bool, T>(a, [](T) { return false; });
}
template <class T>
void isinf_kernel(const KernelArgs& a) {
  if constexpr (std::is_floating_point_v<compute_t<T>>) unary_loop<bool, T>(a, [](auto x) { return std::isinf(x); });
  else unary_loop<bool, T>(a, [](T) { return false; });
}
template <class T>
void isfinite_kernel(const KernelArgs& a) {
  if constexpr (std::is_floating_point_v<compute_t<T>>)
    unary_loop<bool, T>(a, [](auto x) { return std::isfinite(x); });
  else unary_loop<bool, T>(a, [](T) { return true; });
}

// out = cond ? x : y with cond (bool, read as bytes), x, y and out of storage type T.
template <class T>
void where_kernel(const KernelArgs& a) {
  using S = std::conditional_t<std::is_same_v<T, bool>, uint8_t, T>;
  const TensorArg* ops[4] = {&a.out, &a.in[0], &a.in[1], &a.in[2]};
  auto L = make_loop<4>(a.out.ndim, a.out.shape, ops);
  for_each(L, [](char* const* p, const int64_t* s, int64_t n) {
    if (s[0] == sizeof(S) && s[1] == 1 && s[2] == sizeof(S) && s[3] == sizeof(S)) {
      auto* o = reinterpret_cast<S*>(p[0]);
      auto* c = reinterpret_cast<const uint8_t*>(p[1]);
      auto* x = reinterpret_cast<const S*>(p[2]);
      auto* y = reinterpret_cast<const S*>(p[3]);
      for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? x[i] : y[i];
    } else {
      for (int64_t i = 0; i < n; ++i)
        at<S>(p[0], i * s[0]) = at<uint8_t>(p[1], i * s[1]) ? at<S>(p[2], i * s[2]) : at<S>(p[3], i * s[3]);
    }
  });
}

}  // namespace

TFL_REGISTER_CPU_ALL(eq, eq_kernel);
TFL_REGISTER_CPU_ALL(ne, ne_kernel);
TFL_REGISTER_CPU_ALL(lt, lt_kernel);
TFL_REGISTER_CPU_ALL(le, le_kernel);
TFL_REGISTER_CPU_ALL(gt, gt_kernel);
TFL_REGISTER_CPU_ALL(ge, ge_kernel);
TFL_REGISTER_KERNEL(logical_and, cpu, bool, logical_and_kernel);
TFL_REGISTER_KERNEL(logical_or, cpu, bool, logical_or_kernel);
TFL_REGISTER_KERNEL(logical_xor, cpu, bool, logical_xor_kernel);
TFL_REGISTER_CPU_ALL(logical_not, logical_not_kernel);
TFL_REGISTER_CPU_ALL(isnan, isnan_kernel);
TFL_REGISTER_CPU_ALL(isinf, isinf_kernel);
TFL_REGISTER_CPU_ALL(isfinite, isfinite_kernel);
TFL_REGISTER_CPU_ALL(where, where_kernel);

}  // namespace tfl::cpu
