// CPU 2-D pooling kernels (max, average, adaptive average) over contiguous (planes, H, W) inputs.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/dispatch.h"
#include "core/thread_pool.h"
#include "kernels/cpu/register.h"
#include "kernels/params_nn.h"

namespace tfl::cpu {
namespace {

struct PlaneDims {
  int64_t planes, h, w, oh, ow;
};

PlaneDims plane_dims(const KernelArgs& a) {
  return {a.in[0].shape[0], a.in[0].shape[1], a.in[0].shape[2], a.out.shape[1], a.out.shape[2]};
}

// Runs body(plane, oy) for every output row, split across the pool; `window` is the work per output.
template <class F>
void for_each_output_row(const PlaneDims& d, int64_t window, F body) {
  const int64_t per_row = std::max<int64_t>(1, d.ow * window);
  parallel_for(d.planes * d.oh, std::max<int64_t>(1, 32768 / per_row), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) body(r / d.oh, r % d.oh);
  });
}

inline bool is_nan_value(float v) { return std::isnan(v); }
inline bool is_nan_value(double v) { return std::isnan(v); }
template <class I>
inline bool is_nan_value(I) {
  return false;
}

// PyTorch's rule: a later element replaces the maximum when greater or NaN, so NaN propagates and the
// first of equal maxima wins. Padding is never a candidate; the window always holds a real element
// because padding is at most half the kernel.
template <class T>
void max_pool_kernel(const KernelArgs& args) {
  using C = compute_t<T>;
  const auto& p = *static_cast<const Pool2dParams*>(args.params);
  const PlaneDims d = plane_dims(args);
  const T* in = reinterpret_cast<const T*>(args.in[0].data);
  T* out = reinterpret_cast<T*>(args.out.data);
  int64_t* indices = p.indices;
  const C lowest =
      std::numeric_limits<C>::has_infinity ? -std::numeric_limits<C>::infinity() : std::numeric_limits<C>::lowest();
  for_each_output_row(d, p.kernel[0] * p.kernel[1], [&](int64_t plane, int64_t oy) {
    const T* src = in + plane * d.h * d.w;
    int64_t y0 = oy * p.stride[0] - p.padding[0];
    int64_t y1 = std::min(y0 + (p.kernel[0] - 1) * p.dilation[0] + 1, d.h);
    while (y0 < 0) y0 += p.dilation[0];
    for (int64_t ox = 0; ox < d.ow; ++ox) {
      int64_t x0 = ox * p.stride[1] - p.padding[1];
      int64_t x1 = std::min(x0 + (p.kernel[1] - 1) * p.dilation[1] + 1, d.w);
      while (x0 < 0) x0 += p.dilation[1];
      C best = lowest;
      int64_t best_at = y0 * d.w + x0;
      for (int64_t y = y0; y < y1; y += p.dilation[0]) {
        for (int64_t x = x0; x < x1; x += p.dilation[1]) {
          const C v = static_cast<C>(src[y * d.w + x]);
          if (v > best || is_nan_value(v)) {
            best = v;
            best_at = y * d.w + x;
          }
        }
      }
      const int64_t o = (plane * d.oh + oy) * d.ow + ox;
      out[o] = static_cast<T>(best);
      if (indices) indices[o] = best_at;
    }
  });
}

// Sums in double for f64 and in float otherwise, like the input's compute type.
template <class T>
void avg_pool_kernel(const KernelArgs& args) {
  using C = compute_t<T>;
  const auto& p = *static_cast<const Pool2dParams*>(args.params);
  const PlaneDims d = plane_dims(args);
  const T* in = reinterpret_cast<const T*>(args.in[0].data);
  T* out = reinterpret_cast<T*>(args.out.data);
  for_each_output_row(d, p.kernel[0] * p.kernel[1], [&](int64_t plane, int64_t oy) {
    const T* src = in + plane * d.h * d.w;
    int64_t y0 = oy * p.stride[0] - p.padding[0];
    int64_t y1 = std::min(y0 + p.kernel[0], d.h + p.padding[0]);
    const int64_t span_h = y1 - y0;  // includes padding, excludes nothing beyond it
    y0 = std::max<int64_t>(y0, 0);
    y1 = std::min(y1, d.h);
    for (int64_t ox = 0; ox < d.ow; ++ox) {
      int64_t x0 = ox * p.stride[1] - p.padding[1];
      int64_t x1 = std::min(x0 + p.kernel[1], d.w + p.padding[1]);
      const int64_t span_w = x1 - x0;
      x0 = std::max<int64_t>(x0, 0);
      x1 = std::min(x1, d.w);
      C sum = 0;
      for (int64_t y = y0; y < y1; ++y)
        for (int64_t x = x0; x < x1; ++x) sum += static_cast<C>(src[y * d.w + x]);
      const int64_t count = p.count_include_pad ? span_h * span_w : (y1 - y0) * (x1 - x0);
      out[(plane * d.oh + oy) * d.ow + ox] = static_cast<T>(sum / static_cast<C>(count));
    }
  });
}

// Cell i covers [floor(i * n / out), ceil((i + 1) * n / out)), PyTorch's adaptive pooling windows.
inline int64_t cell_start(int64_t i, int64_t n, int64_t out) { return (i * n) / out; }
inline int64_t cell_end(int64_t i, int64_t n, int64_t out) { return ((i + 1) * n + out - 1) / out; }

template <class T>
void adaptive_avg_pool_kernel(const KernelArgs& args) {
  using C = compute_t<T>;
  const PlaneDims d = plane_dims(args);
  const T* in = reinterpret_cast<const T*>(args.in[0].data);
  T* out = reinterpret_cast<T*>(args.out.data);
  const int64_t window =
      std::max<int64_t>(1, (d.h / std::max<int64_t>(1, d.oh) + 1) * (d.w / std::max<int64_t>(1, d.ow) + 1));
  for_each_output_row(d, window, [&](int64_t plane, int64_t oy) {
    const T* src = in + plane * d.h * d.w;
    const int64_t y0 = cell_start(oy, d.h, d.oh), y1 = cell_end(oy, d.h, d.oh);
    for (int64_t ox = 0; ox < d.ow; ++ox) {
      const int64_t x0 = cell_start(ox, d.w, d.ow), x1 = cell_end(ox, d.w, d.ow);
      C sum = 0;
      for (int64_t y = y0; y < y1; ++y)
        for (int64_t x = x0; x < x1; ++x) sum += static_cast<C>(src[y * d.w + x]);
      out[(plane * d.oh + oy) * d.ow + ox] = static_cast<T>(sum / static_cast<C>((y1 - y0) * (x1 - x0)));
    }
  });
}

}  // namespace

TFL_REGISTER_CPU_NUMERIC(max_pool2d, max_pool_kernel);
TFL_REGISTER_CPU_FLOAT(avg_pool2d, avg_pool_kernel);
TFL_REGISTER_CPU_FLOAT(adaptive_avg_pool2d, adaptive_avg_pool_kernel);

}  // namespace tfl::cpu
