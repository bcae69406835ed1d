// CPU kernels of unary math.
#include <cmath>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"

namespace tfl::cpu {
namespace {

template <class T>
void neg_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return -x; });
}
template <class T>
void exp_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return std::exp(x); }, 8);
}
template <class T>
void relu_kernel(const KernelArgs& a) {
  unary_loop<T, T>(a, [](auto x) { return x > decltype(x)(0) ? x : decltype(x)(0); });
}

}  // namespace

TFL_REGISTER_CPU_NUMERIC(neg, neg_kernel);
TFL_REGISTER_CPU_FLOAT(exp, exp_kernel);
TFL_REGISTER_CPU_NUMERIC(relu, relu_kernel);

}  // namespace tfl::cpu
