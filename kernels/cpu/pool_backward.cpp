// CPU kernels of the average pools' backward: each output gradient spread evenly over its window.
#include <algorithm>
#include <vector>

#include "core/dispatch.h"
#include "core/thread_pool.h"
#include "kernels/cpu/register.h"
#include "kernels/params_nn.h"

namespace tfl::cpu {
namespace {

// in[0] = output gradient (planes, OH, OW); out = input gradient (planes, H, W); both contiguous.
struct GradDims {
  int64_t planes, h, w, oh, ow;
};

GradDims grad_dims(const KernelArgs& a) {
  return {a.out.shape[0], a.out.shape[1], a.out.shape[2], a.in[0].shape[1], a.in[0].shape[2]};
}

// Runs body(plane, acc) for every plane, split across the pool. Planes own disjoint outputs, so
// overlapping windows accumulate without races; `acc` is a compute-precision (H, W) buffer.
template <class C, class F>
void for_each_plane(const GradDims& d, int64_t work_per_plane, F body) {
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, work_per_plane));
  parallel_for(d.planes, grain, [&](int64_t b, int64_t e) {
    std::vector<C> acc(static_cast<size_t>(d.h * d.w));
    for (int64_t plane = b; plane < e; ++plane) {
      std::fill(acc.begin(), acc.end(), C(0));
      body(plane, acc.data());
    }
  });
}

template <class T>
void avg_pool_grad_kernel(const KernelArgs& args) {
  using C = compute_t<T>;
  const auto& p = *static_cast<const Pool2dParams*>(args.params);
  const GradDims d = grad_dims(args);
  const T* gout = reinterpret_cast<const T*>(args.in[0].data);
  T* gin = reinterpret_cast<T*>(args.out.data);
  for_each_plane<C>(d, d.oh * d.ow * p.kernel[0] * p.kernel[1] + d.h * d.w, [&](int64_t plane, C* acc) {
    const T* src = gout + plane * d.oh * d.ow;
    for (int64_t oy = 0; oy < d.oh; ++oy) {
      // The window and divisor of avg_pool_kernel (kernels/cpu/pool.cpp).
      int64_t y0 = oy * p.stride[0] - p.padding[0];
      int64_t y1 = std::min(y0 + p.kernel[0], d.h + p.padding[0]);
      const int64_t span_h = y1 - y0;
      y0 = std::max<int64_t>(y0, 0);
      y1 = std::min(y1, d.h);
      for (int64_t ox = 0; ox < d.ow; ++ox) {
        int64_t x0 = ox * p.stride[1] - p.padding[1];
        int64_t x1 = std::min(x0 + p.kernel[1], d.w + p.padding[1]);
        const int64_t span_w = x1 - x0;
        x0 = std::max<int64_t>(x0, 0);
        x1 = std::min(x1, d.w);
        const int64_t count = p.count_include_pad ? span_h * span_w : (y1 - y0) * (x1 - x0);
        const C v = static_cast<C>(src[oy * d.ow + ox]) / static_cast<C>(count);
        for (int64_t y = y0; y < y1; ++y)
          for (int64_t x = x0; x < x1; ++x) acc[y * d.w + x] += v;
      }
    }
    T* dst = gin + plane * d.h * d.w;
    for (int64_t i = 0; i < d.h * d.w; ++i) dst[i] = static_cast<T>(acc[i]);
  });
}

// Cell i covers [floor(i * n / out), ceil((i + 1) * n / out)), as in adaptive_avg_pool_kernel.
inline int64_t cell_start(int64_t i, int64_t n, int64_t out) { return (i * n) / out; }
inline int64_t cell_end(int64_t i, int64_t n, int64_t out) { return ((i + 1) * n + out - 1) / out; }

template <class T>
void adaptive_avg_pool_grad_kernel(const KernelArgs& args) {
  using C = compute_t<T>;
  const GradDims d = grad_dims(args);
  const T* gout = reinterpret_cast<const T*>(args.in[0].data);
  T* gin = reinterpret_cast<T*>(args.out.data);
  for_each_plane<C>(d, 2 * d.h * d.w + d.oh * d.ow, [&](int64_t plane, C* acc) {
    const T* src = gout + plane * d.oh * d.ow;
    for (int64_t oy = 0; oy < d.oh; ++oy) {
      const int64_t y0 = cell_start(oy, d.h, d.oh), y1 = cell_end(oy, d.h, d.oh);
      for (int64_t ox = 0; ox < d.ow; ++ox) {
        const int64_t x0 = cell_start(ox, d.w, d.ow), x1 = cell_end(ox, d.w, d.ow);
        const C v = static_cast<C>(src[oy * d.ow + ox]) / static_cast<C>((y1 - y0) * (x1 - x0));
        for (int64_t y = y0; y < y1; ++y)
          for (int64_t x = x0; x < x1; ++x) acc[y * d.w + x] += v;
      }
    }
    T* dst = gin + plane * d.h * d.w;
    for (int64_t i = 0; i < d.h * d.w; ++i) dst[i] = static_cast<T>(acc[i]);
  });
}

}  // namespace

TFL_REGISTER_CPU_FLOAT(avg_pool2d_grad, avg_pool_grad_kernel);
TFL_REGISTER_CPU_FLOAT(adaptive_avg_pool2d_grad, adaptive_avg_pool_grad_kernel);

}  // namespace tfl::cpu
