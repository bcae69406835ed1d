// CPU kernels of binary arithmetic: add, sub, mul, div.
#include <type_traits>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"

namespace tfl::cpu {
namespace {

template <class T>
void add_kernel(const KernelArgs& a) {
  binary_loop<T, T, T>(a, [](auto x, auto y) { return x + y; });
}
template <class T>
void sub_kernel(const KernelArgs& a) {
  binary_loop<T, T, T>(a, [](auto x, auto y) { return x - y; });
}
template <class T>
void mul_kernel(const KernelArgs& a) {
  binary_loop<T, T, T>(a, [](auto x, auto y) { return x * y; });
}
template <class T>
void div_kernel(const KernelArgs& a) {
  static_assert(!std::is_integral_v<compute_t<T>>, "div computes in floating point");
  binary_loop<T, T, T>(a, [](auto x, auto y) { return x / y; });
}

}  // namespace

TFL_REGISTER_CPU_NUMERIC(add, add_kernel);
TFL_REGISTER_CPU_NUMERIC(sub, sub_kernel);
TFL_REGISTER_CPU_NUMERIC(mul, mul_kernel);
TFL_REGISTER_CPU_FLOAT(div, div_kernel);

}  // namespace tfl::cpu
