// CPU kernels of the selective state-space scan (Mamba's S6) and its hand-written backward.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "core/dispatch.h"
#include "core/thread_pool.h"
#include "kernels/cpu/simd_f32.h"
#include "kernels/params_ssm.h"

namespace tfl::cpu {
namespace {

// Note [Selective scan layout]
// For one (batch b, channel d) pair the scan is an independent recurrence over time with an
// N-vector state, so the kernels parallelise over (b, d) and run time sequentially. u, delta and y
// are read with stride `dim` along time; A's row, B_t and C_t are contiguous N-vectors, so the inner
// loops run over the state index n and vectorise. The decay factors exp(delta_t * A[d, n]) for all
// t are computed up front into one L*N buffer, so the exponentials run through one vectorised call.

// decay[t * N + n] = exp(delta[t * stride] * a[n]); `arg` is scratch of the same size. The exponent
// goes to a separate buffer because exp_f32 runs a scalar loop when its output aliases its input
// (the compiler's overlap check cannot prove the in-place case safe).
template <class T>
void fill_decay(const T* delta, int64_t stride, const T* a, int64_t len, int64_t n_state, T* arg, T* decay) {
  for (int64_t t = 0; t < len; ++t) {
    const T dt = delta[t * stride];
    T* row = arg + t * n_state;
    for (int64_t n = 0; n < n_state; ++n) row[n] = dt * a[n];
  }
  if constexpr (std::is_same_v<T, float>) {
    exp_f32(decay, arg, len * n_state);
  } else {
    for (int64_t i = 0; i < len * n_state; ++i) decay[i] = std::exp(arg[i]);
  }
}

// <x, y> with eight independent partial sums in a fixed order: the compiler keeps them in vector
// registers instead of one serial chain of adds, and the result depends on n alone.
template <class T>
inline T dot(const T* x, const T* y, int64_t n) {
  T acc[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += x[i + j] * y[i + j];
  T s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; i < n; ++i) s += x[i] * y[i];
  return s;
}

// One reverse-time step over the N states (see Note [Selective scan backward]); every pointer names
// a different buffer, which __restrict tells the compiler so that the loop vectorises.
template <class T>
inline void backward_step(int64_t ns, T g, T dtu, T dt, const T* __restrict et, const T* __restrict ct,
                          const T* __restrict ht, const T* __restrict prev, T* __restrict gh, T* __restrict gh_t,
                          T* __restrict w, T* __restrict gct, T* __restrict gbt, T* __restrict ga) {
  for (int64_t n = 0; n < ns; ++n) {
    const T ghn = gh[n] + g * ct[n];
    const T wn = ghn * et[n] * prev[n];  // gradient through the decay factor e_t
    gh_t[n] = ghn;
    w[n] = wn;
    gct[n] += g * ht[n];
    gbt[n] += ghn * dtu;
    ga[n] += wn * dt;
    gh[n] = ghn * et[n];
  }
}

// Pointers of one (b, d) pair into the dense operands.
template <class T>
struct Lane {
  const T* u;      // stride dim
  const T* delta;  // stride dim
  const T* a;      // N
  const T* B;      // len x N
  const T* C;      // len x N
  T skip;
};

template <class T>
Lane<T> lane(int64_t b, int64_t d, int64_t len, int64_t dim, int64_t n_state, const void* u, const void* delta,
             const void* A, const void* B, const void* C, const void* D) {
  const int64_t row = b * len * dim + d;
  return Lane<T>{static_cast<const T*>(u) + row, static_cast<const T*>(delta) + row,
                 static_cast<const T*>(A) + d * n_state, static_cast<const T*>(B) + b * len * n_state,
                 static_cast<const T*>(C) + b * len * n_state, D ? static_cast<const T*>(D)[d] : T(0)};
}

// Work per (b, d) pair is about len * state multiply-adds; aim for chunks of a few tens of thousands.
int64_t lane_grain(int64_t len, int64_t n_state) { return std::max<int64_t>(1, 32768 / std::max<int64_t>(1, len * (n_state + 1))); }

template <class T>
void selective_scan_kernel(const KernelArgs& args) {
  const auto& p = *static_cast<const SelectiveScanParams*>(args.params);
  const int64_t len = p.len, dim = p.dim, ns = p.state;
  T* y_all = static_cast<T*>(p.y);
  parallel_for(p.batch * dim, lane_grain(len, ns), [&](int64_t begin, int64_t end) {
    std::vector<T> decay(static_cast<size_t>(len * ns)), arg(decay.size());
    std::vector<T> h(static_cast<size_t>(ns));
    for (int64_t i = begin; i < end; ++i) {
      const int64_t b = i / dim, d = i % dim;
      const Lane<T> l = lane<T>(b, d, len, dim, ns, p.u, p.delta, p.A, p.B, p.C, p.D);
      T* y = y_all + b * len * dim + d;
      fill_decay(l.delta, dim, l.a, len, ns, arg.data(), decay.data());
      std::fill(h.begin(), h.end(), T(0));
      T* hp = h.data();
      for (int64_t t = 0; t < len; ++t) {
        const T ut = l.u[t * dim];
        const T dtu = l.delta[t * dim] * ut;
        const T* et = decay.data() + t * ns;
        const T* bt = l.B + t * ns;
        const T* ct = l.C + t * ns;
        for (int64_t n = 0; n < ns; ++n) hp[n] = et[n] * hp[n] + dtu * bt[n];
        y[t * dim] = dot(ct, hp, ns) + l.skip * ut;
      }
    }
  });
}

// Note [Selective scan backward]
// With e_t = exp(delta_t * A) and h_t = e_t * h_{t-1} + delta_t * u_t * B_t, y_t = <C_t, h_t> + D u_t,
// the gradient of the state runs backwards in time:
//   gh_t = g_t * C_t + e_{t+1} * gh_{t+1}                      (elementwise over n; gh_L = 0)
//   dC_t += g_t * h_t          dB_t += gh_t * delta_t * u_t     (summed over channels d)
//   dA   += gh_t * h_{t-1} * e_t * delta_t                      (summed over batch and time)
//   du_t  = g_t * D + delta_t * <gh_t, B_t>
//   ddelta_t = <gh_t * h_{t-1} * e_t, A> + u_t * <gh_t, B_t>
//   dD   += g_t * u_t                                            (summed over batch and time)
// The states h_t are recomputed here (not saved by the forward), which keeps the autograd graph at the
// size of the inputs. dB and dC are sums over channels, so lanes write per-(batch, channel block)
// partial sums that are added afterwards; the blocks are fixed (not per thread), so results do not
// depend on the thread count. Likewise dA and dD are written per batch and summed over it.

template <class T>
void selective_scan_backward_kernel(const KernelArgs& args) {
  const auto& p = *static_cast<const SelectiveScanBackwardParams*>(args.params);
  const int64_t batch = p.batch, len = p.len, dim = p.dim, ns = p.state;
  const int64_t blocks = std::min<int64_t>(dim, 16);
  const int64_t plane = len * ns;
  std::vector<T> part_bc(static_cast<size_t>(2 * batch * blocks * plane), T(0));  // [B or C][b][block][t][n]
  std::vector<T> part_a(static_cast<size_t>(batch * dim * ns));
  std::vector<T> part_d(static_cast<size_t>(batch * dim));
  T* part_b = part_bc.data();
  T* part_c = part_bc.data() + batch * blocks * plane;
  const T* gy_all = static_cast<const T*>(p.grad_y);
  T* du_all = static_cast<T*>(p.du);
  T* ddelta_all = static_cast<T*>(p.ddelta);

  parallel_for(batch * blocks, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> decay(static_cast<size_t>(plane)), hs(static_cast<size_t>(plane)), arg(static_cast<size_t>(plane));
    std::vector<T> gh(static_cast<size_t>(ns)), ga(static_cast<size_t>(ns)), zero(static_cast<size_t>(ns), T(0));
    std::vector<T> gh_t(static_cast<size_t>(ns)), w(static_cast<size_t>(ns));
    for (int64_t task = begin; task < end; ++task) {
      const int64_t b = task / blocks, blk = task % blocks;
      T* gb_blk = part_b + task * plane;
      T* gc_blk = part_c + task * plane;
      for (int64_t d = blk * dim / blocks; d < (blk + 1) * dim / blocks; ++d) {
        const Lane<T> l = lane<T>(b, d, len, dim, ns, p.u, p.delta, p.A, p.B, p.C, p.D);
        const int64_t row = b * len * dim + d;
        const T* gy = gy_all + row;
        T* du = du_all + row;
        T* ddelta = ddelta_all + row;
        fill_decay(l.delta, dim, l.a, len, ns, arg.data(), decay.data());
        for (int64_t t = 0; t < len; ++t) {
          const T dtu = l.delta[t * dim] * l.u[t * dim];
          const T* et = decay.data() + t * ns;
          const T* bt = l.B + t * ns;
          const T* prev = t > 0 ? hs.data() + (t - 1) * ns : zero.data();
          T* ht = hs.data() + t * ns;
          for (int64_t n = 0; n < ns; ++n) ht[n] = et[n] * prev[n] + dtu * bt[n];
        }
        std::fill(gh.begin(), gh.end(), T(0));
        std::fill(ga.begin(), ga.end(), T(0));
        T gd = 0;
        for (int64_t t = len - 1; t >= 0; --t) {
          const T g = gy[t * dim], ut = l.u[t * dim], dt = l.delta[t * dim];
          const T dtu = dt * ut;
          const T* et = decay.data() + t * ns;
          const T* bt = l.B + t * ns;
          const T* ct = l.C + t * ns;
          const T* ht = hs.data() + t * ns;
          const T* prev = t > 0 ? hs.data() + (t - 1) * ns : zero.data();
          backward_step(ns, g, dtu, dt, et, ct, ht, prev, gh.data(), gh_t.data(), w.data(), gc_blk + t * ns,
                        gb_blk + t * ns, ga.data());
          const T su = dot(gh_t.data(), bt, ns), sa = dot(w.data(), l.a, ns);
          du[t * dim] = g * l.skip + dt * su;
          ddelta[t * dim] = sa + ut * su;
          gd += g * ut;
        }
        std::copy(ga.begin(), ga.end(), part_a.begin() + (b * dim + d) * ns);
        part_d[static_cast<size_t>(b * dim + d)] = gd;
      }
    }
  });

  // dB and dC: sum the channel blocks of each batch element.
  T* dB = static_cast<T*>(p.dB);
  T* dC = static_cast<T*>(p.dC);
  parallel_for(batch, std::max<int64_t>(1, 65536 / std::max<int64_t>(1, blocks * plane)), [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      T* ob = dB + b * plane;
      T* oc = dC + b * plane;
      const T* sb = part_b + b * blocks * plane;
      const T* sc = part_c + b * blocks * plane;
      std::copy(sb, sb + plane, ob);
      std::copy(sc, sc + plane, oc);
      for (int64_t k = 1; k < blocks; ++k)
        for (int64_t i = 0; i < plane; ++i) {
          ob[i] += sb[k * plane + i];
          oc[i] += sc[k * plane + i];
        }
    }
  });
  // dA and dD: sum over the batch (small: dim * state values).
  T* dA = static_cast<T*>(p.dA);
  T* dD = static_cast<T*>(p.dD);
  std::fill(dA, dA + dim * ns, T(0));
  if (dD) std::fill(dD, dD + dim, T(0));
  for (int64_t b = 0; b < batch; ++b) {
    const T* sa = part_a.data() + b * dim * ns;
    for (int64_t i = 0; i < dim * ns; ++i) dA[i] += sa[i];
    if (dD) {
      const T* sd = part_d.data() + b * dim;
      for (int64_t i = 0; i < dim; ++i) dD[i] += sd[i];
    }
  }
}

}  // namespace

TFL_REGISTER_KERNEL(selective_scan, cpu, f32, selective_scan_kernel<float>);
TFL_REGISTER_KERNEL(selective_scan, cpu, f64, selective_scan_kernel<double>);
TFL_REGISTER_KERNEL(selective_scan_backward, cpu, f32, selective_scan_backward_kernel<float>);
TFL_REGISTER_KERNEL(selective_scan_backward, cpu, f64, selective_scan_backward_kernel<double>);

}  // namespace tfl::cpu
