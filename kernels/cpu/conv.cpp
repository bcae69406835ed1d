// CPU 2-D convolution kernel: im2col per (sample, group), then GEMM. See Note [conv2d work split].
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/dispatch.h"
#include "core/thread_pool.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/im2col.h"
#include "kernels/params_nn.h"

namespace tfl::cpu {
namespace {

// True iff the input plane of a group already is its column matrix (1x1 kernel, stride 1, no padding).
bool is_pointwise(const ConvGeometry& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0;
}

// out (og, p) = weight (og, k) * col (k, p) with a plain loop: for the small products of depthwise and
// narrow convolutions, where a BLAS call costs more than the arithmetic.
template <class T>
void small_gemm(const T* wt, const T* col, T* out, int64_t og, int64_t k, int64_t p) {
  for (int64_t oc = 0; oc < og; ++oc) {
    T* o = out + oc * p;
    std::fill(o, o + p, T(0));
    for (int64_t r = 0; r < k; ++r) {
      const T wv = wt[oc * k + r];
      const T* c = col + r * p;
      for (int64_t x = 0; x < p; ++x) o[x] += wv * c[x];
    }
  }
}

inline void gemm_nn(int64_t m, int64_t n, int64_t k, const float* a, const float* b, float* c) {
  blas_sgemm(false, false, m, n, k, 1.0f, a, std::max<int64_t>(1, k), b, std::max<int64_t>(1, n), 0.0f, c,
             std::max<int64_t>(1, n));
}
inline void gemm_nn(int64_t m, int64_t n, int64_t k, const double* a, const double* b, double* c) {
  blas_dgemm(false, false, m, n, k, 1.0, a, std::max<int64_t>(1, k), b, std::max<int64_t>(1, n), 0.0, c,
             std::max<int64_t>(1, n));
}

template <class T>
void add_bias(T* out, const T* bias, int64_t og, int64_t p) {
  for (int64_t oc = 0; oc < og; ++oc) {
    const T bv = bias[oc];
    T* o = out + oc * p;
    for (int64_t x = 0; x < p; ++x) o[x] += bv;
  }
}

// Note [conv2d work split]
// Each (sample, group) pair is one product weight_g (og, k) x col (k, p). When that product is large,
// pairs run one after another: im2col is split across our pool, then OpenBLAS threads the GEMM itself
// (nesting the two pools would oversubscribe). When it is small (depthwise, few channels) BLAS gains
// nothing, and the pairs themselves are split across our pool, each with its own column buffer and a
// plain-loop GEMM.
template <class T>
void conv2d_kernel(const KernelArgs& args) {
  const auto& prm = *static_cast<const Conv2dParams*>(args.params);
  ConvGeometry g;
  g.n = args.in[0].shape[0];
  g.c = args.in[0].shape[1];
  g.h = args.in[0].shape[2];
  g.w = args.in[0].shape[3];
  g.o = args.in[1].shape[0];
  g.cg = args.in[1].shape[1];
  g.kh = args.in[1].shape[2];
  g.kw = args.in[1].shape[3];
  g.oh = args.out.shape[2];
  g.ow = args.out.shape[3];
  g.groups = prm.groups;
  g.og = g.o / g.groups;
  g.k = g.cg * g.kh * g.kw;
  g.p = g.oh * g.ow;
  g.sh = prm.stride[0];
  g.sw = prm.stride[1];
  g.ph = prm.padding[0];
  g.pw = prm.padding[1];
  g.dh = prm.dilation[0];
  g.dw = prm.dilation[1];
  const T* in = reinterpret_cast<const T*>(args.in[0].data);
  const T* wt = reinterpret_cast<const T*>(args.in[1].data);
  const T* bias = prm.has_bias ? reinterpret_cast<const T*>(args.in[2].data) : nullptr;
  T* out = reinterpret_cast<T*>(args.out.data);
  const bool pointwise = is_pointwise(g);
  const int64_t pairs = g.n * g.groups;

  auto in_of = [&](int64_t pair) { return in + ((pair / g.groups) * g.c + (pair % g.groups) * g.cg) * g.h * g.w; };
  auto out_of = [&](int64_t pair) { return out + ((pair / g.groups) * g.o + (pair % g.groups) * g.og) * g.p; };
  auto wt_of = [&](int64_t pair) { return wt + (pair % g.groups) * g.og * g.k; };
  auto bias_of = [&](int64_t pair) { return bias + (pair % g.groups) * g.og; };

  // Narrow products go to the plain loop only when there are enough pairs to occupy the pool;
  // otherwise a single narrow but large product is better off on (threaded) BLAS.
  const bool tiny = g.og * g.k * g.p < (int64_t{1} << 16);
  const bool narrow = g.og < 8 || g.k < 8;
  const bool small = tiny || (narrow && pairs >= num_threads());
  if (small) {
    const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, g.og * g.k * g.p));
    parallel_for(pairs, grain, [&](int64_t b, int64_t e) {
      std::vector<T> col(pointwise ? 0 : static_cast<size_t>(g.k * g.p));
      for (int64_t pr = b; pr < e; ++pr) {
        const T* cm = in_of(pr);
        if (!pointwise) {
          im2col_rows(cm, g, 0, g.k, col.data());
          cm = col.data();
        }
        small_gemm(wt_of(pr), cm, out_of(pr), g.og, g.k, g.p);
        if (bias) add_bias(out_of(pr), bias_of(pr), g.og, g.p);
      }
    });
    return;
  }
  std::vector<T> col(pointwise ? 0 : static_cast<size_t>(g.k * g.p));
  for (int64_t pr = 0; pr < pairs; ++pr) {
    const T* cm = in_of(pr);
    if (!pointwise) {
      const T* src = cm;
      const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, g.p));
      parallel_for(g.k, grain, [&](int64_t r0, int64_t r1) { im2col_rows(src, g, r0, r1, col.data()); });
      cm = col.data();
    }
    gemm_nn(g.og, g.p, g.k, wt_of(pr), cm, out_of(pr));
    if (bias) add_bias(out_of(pr), bias_of(pr), g.og, g.p);
  }
}

}  // namespace

TFL_REGISTER_KERNEL(conv2d, cpu, f32, conv2d_kernel<float>);
TFL_REGISTER_KERNEL(conv2d, cpu, f64, conv2d_kernel<double>);

}  // namespace tfl::cpu
