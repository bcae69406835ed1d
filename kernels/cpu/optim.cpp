// CPU kernels of the fused optimizer updates: one pass over parameter, gradient and state per step.
#include <cmath>
#include <cstdint>

#include "kernels/cpu/register.h"
#include "kernels/params_optim.h"
#include "core/thread_pool.h"

namespace tfl::cpu {
namespace {

// Each element costs a handful of flops and ~20 bytes of traffic: split well below the default grain.
constexpr int64_t kOptimGrain = 16384;

template <class T>
T* ptr(const TensorArg& a) {
  return reinterpret_cast<T*>(a.data);
}

int64_t length(const KernelArgs& a) { return a.out.ndim == 0 ? 1 : a.out.shape[0]; }

template <class T>
void sgd_step(const KernelArgs& a) {
  const auto& hp = *static_cast<const SgdStepParams*>(a.params);
  T* p = ptr<T>(a.out);
  const T* g = ptr<T>(a.in[0]);
  T* buf = hp.momentum != 0.0 ? ptr<T>(a.in[1]) : nullptr;
  const T lr = static_cast<T>(hp.lr), mom = static_cast<T>(hp.momentum), wd = static_cast<T>(hp.weight_decay);
  const T damp = static_cast<T>(1.0 - hp.dampening);
  const bool use_wd = hp.weight_decay != 0.0, nesterov = hp.nesterov, first = hp.first;
  parallel_for(length(a), kOptimGrain, [&](int64_t b, int64_t e) {
    if (!buf) {
      if (use_wd)
        for (int64_t i = b; i < e; ++i) p[i] -= lr * (g[i] + wd * p[i]);
      else
        for (int64_t i = b; i < e; ++i) p[i] -= lr * g[i];
      return;
    }
    for (int64_t i = b; i < e; ++i) {
      T d = use_wd ? g[i] + wd * p[i] : g[i];
      T m = first ? d : mom * buf[i] + damp * d;
      buf[i] = m;
      p[i] -= lr * (nesterov ? d + mom * m : m);
    }
  });
}

// One contiguous run of Adam; restrict pointers and a compile-time amsgrad flag let it vectorise.
template <class T, bool kAmsgrad>
void adam_run(T* __restrict p, const T* __restrict g, T* __restrict m, T* __restrict v, T* __restrict vmax,
              int64_t n, bool l2, bool decoupled, T wd, T decay, T b1c, T b2, T b2c, T step_size, T inv_bc2_sqrt,
              T eps) {
  const T wd_l2 = l2 ? wd : T(0), dec = decoupled ? decay : T(1);
  for (int64_t i = 0; i < n; ++i) {
    const T gi = g[i] + wd_l2 * p[i];
    const T mi = m[i] + b1c * (gi - m[i]);
    const T vi = b2 * v[i] + b2c * gi * gi;
    m[i] = mi;
    v[i] = vi;
    T vd = vi;
    if constexpr (kAmsgrad) {
      vd = vmax[i] > vi ? vmax[i] : vi;
      vmax[i] = vd;
    }
    p[i] = p[i] * dec - step_size * mi / (std::sqrt(vd) * inv_bc2_sqrt + eps);
  }
}

template <class T>
void adam_step(const KernelArgs& a) {
  const auto& hp = *static_cast<const AdamStepParams*>(a.params);
  T* p = ptr<T>(a.out);
  const T* g = ptr<T>(a.in[0]);
  T* m = ptr<T>(a.in[1]);
  T* v = ptr<T>(a.in[2]);
  T* vmax = hp.amsgrad ? ptr<T>(a.in[3]) : nullptr;
  const double bc1 = 1.0 - std::pow(hp.beta1, static_cast<double>(hp.step));
  const double bc2 = 1.0 - std::pow(hp.beta2, static_cast<double>(hp.step));
  const T step_size = static_cast<T>(hp.lr / bc1);
  const T inv_bc2_sqrt = static_cast<T>(1.0 / std::sqrt(bc2));
  const T b1c = static_cast<T>(1.0 - hp.beta1), b2 = static_cast<T>(hp.beta2), b2c = static_cast<T>(1.0 - hp.beta2);
  const T eps = static_cast<T>(hp.eps), wd = static_cast<T>(hp.weight_decay);
  const T decay = static_cast<T>(1.0 - hp.lr * hp.weight_decay);
  const bool l2 = !hp.decoupled && hp.weight_decay != 0.0, decoupled = hp.decoupled && hp.weight_decay != 0.0;
  const T* gb = g;
  parallel_for(length(a), kOptimGrain, [&](int64_t b, int64_t e) {
    if (vmax)
      adam_run<T, true>(p + b, gb + b, m + b, v + b, vmax + b, e - b, l2, decoupled, wd, decay, b1c, b2, b2c,
                        step_size, inv_bc2_sqrt, eps);
    else
      adam_run<T, false>(p + b, gb + b, m + b, v + b, nullptr, e - b, l2, decoupled, wd, decay, b1c, b2, b2c,
                         step_size, inv_bc2_sqrt, eps);
  });
}

template <class T>
void rmsprop_step(const KernelArgs& a) {
  const auto& hp = *static_cast<const RmspropStepParams*>(a.params);
  T* p = ptr<T>(a.out);
  const T* g = ptr<T>(a.in[0]);
  T* sq = ptr<T>(a.in[1]);
  T* buf = hp.momentum > 0.0 ? ptr<T>(a.in[2]) : nullptr;
  T* gavg = hp.centered ? ptr<T>(a.in[buf ? 3 : 2]) : nullptr;
  const T lr = static_cast<T>(hp.lr), alpha = static_cast<T>(hp.alpha), ac = static_cast<T>(1.0 - hp.alpha);
  const T eps = static_cast<T>(hp.eps), wd = static_cast<T>(hp.weight_decay), mom = static_cast<T>(hp.momentum);
  const bool use_wd = hp.weight_decay != 0.0;
  parallel_for(length(a), kOptimGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      T gi = use_wd ? g[i] + wd * p[i] : g[i];
      T s = alpha * sq[i] + ac * gi * gi;
      sq[i] = s;
      T var = s;
      if (gavg) {
        T ga = gavg[i] + ac * (gi - gavg[i]);
        gavg[i] = ga;
        var = s - ga * ga;
      }
      T upd = gi / (std::sqrt(var) + eps);
      if (buf) {
        upd = mom * buf[i] + upd;
        buf[i] = upd;
      }
      p[i] -= lr * upd;
    }
  });
}

template <class T>
void adagrad_step(const KernelArgs& a) {
  const auto& hp = *static_cast<const AdagradStepParams*>(a.params);
  T* p = ptr<T>(a.out);
  const T* g = ptr<T>(a.in[0]);
  T* acc = ptr<T>(a.in[1]);
  const T clr = static_cast<T>(hp.clr), eps = static_cast<T>(hp.eps), wd = static_cast<T>(hp.weight_decay);
  const bool use_wd = hp.weight_decay != 0.0;
  parallel_for(length(a), kOptimGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      T gi = use_wd ? g[i] + wd * p[i] : g[i];
      T s = acc[i] + gi * gi;
      acc[i] = s;
      p[i] -= clr * gi / (std::sqrt(s) + eps);
    }
  });
}

template <class T>
void lion_step(const KernelArgs& a) {
  const auto& hp = *static_cast<const LionStepParams*>(a.params);
  T* p = ptr<T>(a.out);
  const T* g = ptr<T>(a.in[0]);
  T* m = ptr<T>(a.in[1]);
  const T lr = static_cast<T>(hp.lr), b1 = static_cast<T>(hp.beta1), b1c = static_cast<T>(1.0 - hp.beta1);
  const T b2 = static_cast<T>(hp.beta2), b2c = static_cast<T>(1.0 - hp.beta2);
  const T decay = static_cast<T>(1.0 - hp.lr * hp.weight_decay);
  parallel_for(length(a), kOptimGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      T c = b1 * m[i] + b1c * g[i];
      T sgn = static_cast<T>((c > T(0)) - (c < T(0)));
      p[i] = p[i] * decay - lr * sgn;
      m[i] = b2 * m[i] + b2c * g[i];
    }
  });
}

}  // namespace

TFL_REGISTER_KERNEL(sgd_step, cpu, f32, sgd_step<float>);
TFL_REGISTER_KERNEL(sgd_step, cpu, f64, sgd_step<double>);
TFL_REGISTER_KERNEL(adam_step, cpu, f32, adam_step<float>);
TFL_REGISTER_KERNEL(adam_step, cpu, f64, adam_step<double>);
TFL_REGISTER_KERNEL(rmsprop_step, cpu, f32, rmsprop_step<float>);
TFL_REGISTER_KERNEL(rmsprop_step, cpu, f64, rmsprop_step<double>);
TFL_REGISTER_KERNEL(adagrad_step, cpu, f32, adagrad_step<float>);
TFL_REGISTER_KERNEL(adagrad_step, cpu, f64, adagrad_step<double>);
TFL_REGISTER_KERNEL(lion_step, cpu, f32, lion_step<float>);
TFL_REGISTER_KERNEL(lion_step, cpu, f64, lion_step<double>);

}  // namespace tfl::cpu
