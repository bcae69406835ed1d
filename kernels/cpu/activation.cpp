// CPU kernels of activation functions: relu, leaky_relu, elu, sigmoid, silu, gelu, softplus.
#include <cmath>
#include <type_traits>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"
#include "kernels/cpu/simd_f32.h"
#include "kernels/params_elementwise.h"

namespace tfl::cpu {
namespace {

constexpr int64_t kMathCost = 8;

template <class T>
void relu_kernel(const KernelArgs& a) {
  using C = compute_t<T>;
  // x > 0 ? x : 0 maps NaN to 0; NaN must stay NaN as in PyTorch, hence x < 0.
  unary_loop<T, T>(a, [](C x) { return x < C(0) ? C(0) : x; });
}
template <class T>
void leaky_relu_kernel(const KernelArgs& a) {
  using C = compute_t<T>;
  const C slope = static_cast<C>(static_cast<const LeakyReluParams*>(a.params)->slope);
  unary_loop<T, T>(a, [=](C x) { return x > C(0) ? x : x * slope; });
}
template <class T>
void elu_kernel(const KernelArgs& a) {
  using C = compute_t<T>;
  const C alpha = static_cast<C>(static_cast<const EluParams*>(a.params)->alpha);
  unary_loop<T, T>(a, [=](C x) { return x > C(0) ? x : alpha * std::expm1(x); }, kMathCost);
}

// Stable sigmoid: exp of -|x| only, so nothing overflows.
template <class C>
inline C sigmoid_ref(C x) {
  C e = std::exp(-std::fabs(x));
  C r = C(1) / (C(1) + e);
  return x < C(0) ? e * r : r;
}

template <class T>
void sigmoid_kernel(const KernelArgs& a) {
  if constexpr (std::is_same_v<T, float>) unary_f32_loop(a, sigmoid_f32, sigmoid_approx, kMathCost);
  else unary_loop<T, T>(a, [](auto x) { return sigmoid_ref(x); }, kMathCost);
}
template <class T>
void silu_kernel(const KernelArgs& a) {
  if constexpr (std::is_same_v<T, float>)
    unary_f32_loop(a, silu_f32, [](float x) { return x * sigmoid_approx(x); }, kMathCost);
  else unary_loop<T, T>(a, [](auto x) { return x * sigmoid_ref(x); }, kMathCost);
}

template <class C>
inline C gelu_tanh_ref(C x) {
  const C k = C(0.7978845608028654);  // sqrt(2 / pi)
  return C(0.5) * x * (C(1) + std::tanh(k * (x + C(0.044715) * x * x * x)));
}
// x * Phi(x) = x/2 * erfc(-x / sqrt 2): erfc keeps relative accuracy in the negative tail.
template <class C>
inline C gelu_erf_ref(C x) {
  return C(0.5) * x * std::erfc(-x * C(0.70710678118654752));
}

template <class T>
void gelu_kernel(const KernelArgs& a) {
  const bool approx = static_cast<const GeluParams*>(a.params)->approximate;
  if constexpr (std::is_same_v<T, float>) {
    if (approx)
      unary_f32_loop(a, gelu_tanh_f32, [](float x) {
        return 0.5f * x * (1.0f + tanh_approx(0.7978845608028654f * (x + 0.044715f * x * x * x)));
      }, kMathCost);
    else unary_f32_loop(a, gelu_erf_f32, [](float x) { return gelu_erf_ref(x); }, kMathCost);
  } else {
    if (approx) unary_loop<T, T>(a, [](auto x) { return gelu_tanh_ref(x); }, kMathCost);
    else unary_loop<T, T>(a, [](auto x) { return gelu_erf_ref(x); }, kMathCost);
  }
}

template <class T>
void softplus_kernel(const KernelArgs& a) {
  using C = compute_t<T>;
  const auto& p = *static_cast<const SoftplusParams*>(a.params);
  const C beta = static_cast<C>(p.beta), threshold = static_cast<C>(p.threshold);
  // log1p(exp(z)) = max(z, 0) + log1p(exp(-|z|)) never overflows, whatever the threshold.
  unary_loop<T, T>(a, [=](C x) {
    C z = beta * x;
    if (z > threshold) return x;
    return (std::fmax(z, C(0)) + std::log1p(std::exp(-std::fabs(z)))) / beta;
  }, kMathCost);
}

}  // namespace

TFL_REGISTER_CPU_NUMERIC(relu, relu_kernel);
TFL_REGISTER_CPU_FLOAT(leaky_relu, leaky_relu_kernel);
TFL_REGISTER_CPU_FLOAT(elu, elu_kernel);
TFL_REGISTER_CPU_FLOAT(sigmoid, sigmoid_kernel);
TFL_REGISTER_CPU_FLOAT(silu, silu_kernel);
TFL_REGISTER_CPU_FLOAT(gelu, gelu_kernel);
TFL_REGISTER_CPU_FLOAT(softplus, softplus_kernel);

}  // namespace tfl::cpu
