// CPU kernels of the fused AdaBelief, RAdam, NAdam and Adadelta updates (one pass per step, like optim.cpp).
#include <cmath>
#include <cstdint>

#include "core/thread_pool.h"
#include "kernels/cpu/register.h"
#include "kernels/params_optim.h"

namespace tfl::cpu {
namespace {

// A handful of flops and ~20-30 bytes of traffic per element: split well below the default grain.
constexpr int64_t kOptimGrain = 16384;

template <class T>
T* ptr(const TensorArg& a) {
  return reinterpret_cast<T*>(a.data);
}

int64_t length(const KernelArgs& a) { return a.out.ndim == 0 ? 1 : a.out.shape[0]; }

// One contiguous run of AdaBelief; restrict pointers and a compile-time amsgrad flag let it vectorise.
template <class T, bool kAmsgrad>
void adabelief_run(T* __restrict p, const T* __restrict g, T* __restrict m, T* __restrict s, T* __restrict smax,
                   int64_t n, T wd_l2, T dec, T b1c, T b2, T b2c, T step_size, T inv_bc2_sqrt, T eps) {
  for (int64_t i = 0; i < n; ++i) {
    const T gi = g[i] + wd_l2 * p[i];
    const T mi = m[i] + b1c * (gi - m[i]);
    const T r = gi - mi;
    // The reference implementation adds eps to the stored variance every step (in place).
    const T si = b2 * s[i] + b2c * r * r + eps;
    m[i] = mi;
    s[i] = si;
    T sd = si;
    if constexpr (kAmsgrad) {
      sd = smax[i] > si ? smax[i] : si;
      smax[i] = sd;
    }
    p[i] = p[i] * dec - step_size * mi / (std::sqrt(sd) * inv_bc2_sqrt + eps);
  }
}

template <class T>
void adabelief_step(const KernelArgs& a) {
  const auto& hp = *static_cast<const AdaBeliefStepParams*>(a.params);
  T* p = ptr<T>(a.out);
  const T* g = ptr<T>(a.in[0]);
  T* m = ptr<T>(a.in[1]);
  T* s = ptr<T>(a.in[2]);
  T* smax = hp.amsgrad ? ptr<T>(a.in[3]) : nullptr;
  const double t = static_cast<double>(hp.step);
  const double bc1 = 1.0 - std::pow(hp.beta1, t), bc2 = 1.0 - std::pow(hp.beta2, t);
  const T step_size = static_cast<T>(hp.lr / bc1), inv_bc2_sqrt = static_cast<T>(1.0 / std::sqrt(bc2));
  const T b1c = static_cast<T>(1.0 - hp.beta1), b2 = static_cast<T>(hp.beta2), b2c = static_cast<T>(1.0 - hp.beta2);
  const T eps = static_cast<T>(hp.eps);
  const T wd_l2 = static_cast<T>(hp.decoupled ? 0.0 : hp.weight_decay);
  const T dec = static_cast<T>(hp.decoupled ? 1.0 - hp.lr * hp.weight_decay : 1.0);
  parallel_for(length(a), kOptimGrain, [&](int64_t b, int64_t e) {
    if (smax)
      adabelief_run<T, true>(p + b, g + b, m + b, s + b, smax + b, e - b, wd_l2, dec, b1c, b2, b2c, step_size,
                             inv_bc2_sqrt, eps);
    else
      adabelief_run<T, false>(p + b, g + b, m + b, s + b, nullptr, e - b, wd_l2, dec, b1c, b2, b2c, step_size,
                              inv_bc2_sqrt, eps);
  });
}

template <class T>
void radam_step(const KernelArgs& a) {
  const auto& hp = *static_cast<const RAdamStepParams*>(a.params);
  T* __restrict p = ptr<T>(a.out);
  const T* __restrict g = ptr<T>(a.in[0]);
  T* __restrict m = ptr<T>(a.in[1]);
  T* __restrict v = ptr<T>(a.in[2]);
  const double t = static_cast<double>(hp.step);
  const double b2t = std::pow(hp.beta2, t);
  const double bc1 = 1.0 - std::pow(hp.beta1, t), bc2 = 1.0 - b2t;
  // Length of the approximated simple moving average; the variance is tractable once it exceeds 5.
  const double rho_inf = 2.0 / (1.0 - hp.beta2) - 1.0;
  const double rho_t = rho_inf - 2.0 * t * b2t / bc2;
  const bool rectify = rho_t > 5.0;
  const double rect =
      rectify ? std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) : 0.0;
  // Rectified: p -= lr/bc1 * rect * sqrt(bc2) * m / (sqrt(v) + eps); otherwise SGD with momentum: p -= lr/bc1 m.
  const T step_size = static_cast<T>(rectify ? hp.lr / bc1 * rect * std::sqrt(bc2) : hp.lr / bc1);
  const T b1c = static_cast<T>(1.0 - hp.beta1), b2 = static_cast<T>(hp.beta2), b2c = static_cast<T>(1.0 - hp.beta2);
  const T eps = static_cast<T>(hp.eps);
  const T wd_l2 = static_cast<T>(hp.decoupled ? 0.0 : hp.weight_decay);
  const T dec = static_cast<T>(hp.decoupled ? 1.0 - hp.lr * hp.weight_decay : 1.0);
  parallel_for(length(a), kOptimGrain, [&](int64_t b, int64_t e) {
    if (rectify) {
      for (int64_t i = b; i < e; ++i) {
        const T gi = g[i] + wd_l2 * p[i];
        const T mi = m[i] + b1c * (gi - m[i]);
        const T vi = b2 * v[i] + b2c * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * dec - step_size * mi / (std::sqrt(vi) + eps);
      }
    } else {
      for (int64_t i = b; i < e; ++i) {
        const T gi = g[i] + wd_l2 * p[i];
        const T mi = m[i] + b1c * (gi - m[i]);
        m[i] = mi;
        v[i] = b2 * v[i] + b2c * gi * gi;
        p[i] = p[i] * dec - step_size * mi;
      }
    }
  });
}

template <class T>
void nadam_step(const KernelArgs& a) {
  const auto& hp = *static_cast<const NAdamStepParams*>(a.params);
  T* __restrict p = ptr<T>(a.out);
  const T* __restrict g = ptr<T>(a.in[0]);
  T* __restrict m = ptr<T>(a.in[1]);
  T* __restrict v = ptr<T>(a.in[2]);
  const double bc2 = 1.0 - std::pow(hp.beta2, static_cast<double>(hp.step));
  const T inv_bc2_sqrt = static_cast<T>(1.0 / std::sqrt(bc2));
  const T b1c = static_cast<T>(1.0 - hp.beta1), b2 = static_cast<T>(hp.beta2), b2c = static_cast<T>(1.0 - hp.beta2);
  const T eps = static_cast<T>(hp.eps), c_grad = static_cast<T>(hp.c_grad), c_avg = static_cast<T>(hp.c_avg);
  const T wd_l2 = static_cast<T>(hp.decoupled ? 0.0 : hp.weight_decay);
  const T dec = static_cast<T>(hp.decoupled ? 1.0 - hp.lr * hp.weight_decay : 1.0);
  parallel_for(length(a), kOptimGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const T gi = g[i] + wd_l2 * p[i];
      const T mi = m[i] + b1c * (gi - m[i]);
      const T vi = b2 * v[i] + b2c * gi * gi;
      m[i] = mi;
      v[i] = vi;
      const T d = std::sqrt(vi) * inv_bc2_sqrt + eps;
      p[i] = p[i] * dec - (c_grad * gi + c_avg * mi) / d;
    }
  });
}

template <class T>
void adadelta_step(const KernelArgs& a) {
  const auto& hp = *static_cast<const AdadeltaStepParams*>(a.params);
  T* __restrict p = ptr<T>(a.out);
  const T* __restrict g = ptr<T>(a.in[0]);
  T* __restrict s = ptr<T>(a.in[1]);
  T* __restrict u = ptr<T>(a.in[2]);
  const T lr = static_cast<T>(hp.lr), rho = static_cast<T>(hp.rho), rc = static_cast<T>(1.0 - hp.rho);
  const T eps = static_cast<T>(hp.eps), wd = static_cast<T>(hp.weight_decay);
  parallel_for(length(a), kOptimGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const T gi = g[i] + wd * p[i];
      const T si = rho * s[i] + rc * gi * gi;
      const T d = std::sqrt(u[i] + eps) / std::sqrt(si + eps) * gi;
      s[i] = si;
      u[i] = rho * u[i] + rc * d * d;
      p[i] -= lr * d;
    }
  });
}

}  // namespace

TFL_REGISTER_KERNEL(adabelief_step, cpu, f32, adabelief_step<float>);
TFL_REGISTER_KERNEL(adabelief_step, cpu, f64, adabelief_step<double>);
TFL_REGISTER_KERNEL(radam_step, cpu, f32, radam_step<float>);
TFL_REGISTER_KERNEL(radam_step, cpu, f64, radam_step<double>);
TFL_REGISTER_KERNEL(nadam_step, cpu, f32, nadam_step<float>);
TFL_REGISTER_KERNEL(nadam_step, cpu, f64, nadam_step<double>);
TFL_REGISTER_KERNEL(adadelta_step, cpu, f32, adadelta_step<float>);
TFL_REGISTER_KERNEL(adadelta_step, cpu, f64, adadelta_step<double>);

}  // namespace tfl::cpu
