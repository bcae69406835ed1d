// CPU kernels of conv2d's backward: the input gradient (GEMM, then col2im: a transposed convolution)
// and the weight gradient (im2col, then GEMM against the output gradient).
#include <algorithm>
#include <vector>

#include "core/dispatch.h"
#include "core/thread_pool.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/im2col.h"
#include "kernels/params_nn.h"

namespace tfl::cpu {
namespace {

ConvGeometry geometry(const TensorArg& input, const TensorArg& weight, const TensorArg& output,
                      const Conv2dParams& prm) {
  ConvGeometry g;
  g.n = input.shape[0];
  g.c = input.shape[1];
  g.h = input.shape[2];
  g.w = input.shape[3];
  g.o = weight.shape[0];
  g.cg = weight.shape[1];
  g.kh = weight.shape[2];
  g.kw = weight.shape[3];
  g.oh = output.shape[2];
  g.ow = output.shape[3];
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
  return g;
}

// The adjoint of im2col for the channels [c0, c1) of one (sample, group): adds every column entry
// back onto the input position it was read from (padding taps are dropped). Channels own disjoint
// planes, so channel ranges can run in parallel.
template <class T>
void col2im_channels(const T* col, const ConvGeometry& g, int64_t c0, int64_t c1, T* in) {
  const int64_t kk = g.kh * g.kw;
  for (int64_t r = c0 * kk; r < c1 * kk; ++r) {
    const int64_t ci = r / kk, ki = (r % kk) / g.kw, kj = r % g.kw;
    T* plane = in + ci * g.h * g.w;
    const T* src = col + r * g.p;
    const int64_t offw = kj * g.dw - g.pw;
    int64_t lo, hi;
    valid_range(offw, g.sw, g.w, g.ow, &lo, &hi);
    for (int64_t y = 0; y < g.oh; ++y) {
      const int64_t ih = y * g.sh - g.ph + ki * g.dh;
      if (ih < 0 || ih >= g.h) continue;
      T* d = plane + ih * g.w + offw;
      const T* s = src + y * g.ow;
      if (g.sw == 1) {
        for (int64_t x = lo; x < hi; ++x) d[x] += s[x];
      } else {
        for (int64_t x = lo; x < hi; ++x) d[x * g.sw] += s[x];
      }
    }
  }
}

// Row-major C = op(A) op(B) + beta C on BLAS.
inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
                 int64_t ldb, float beta, float* c, int64_t ldc) {
  blas_sgemm(ta, tb, m, n, k, 1.0f, a, std::max<int64_t>(1, lda), b, std::max<int64_t>(1, ldb), beta, c,
             std::max<int64_t>(1, ldc));
}
inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const double* a, int64_t lda, const double* b,
                 int64_t ldb, double beta, double* c, int64_t ldc) {
  blas_dgemm(ta, tb, m, n, k, 1.0, a, std::max<int64_t>(1, lda), b, std::max<int64_t>(1, ldb), beta, c,
             std::max<int64_t>(1, ldc));
}

// True iff a (sample, group) product is too small for BLAS to pay off, so that the pairs themselves
// are spread over the pool with plain loops (the split of the forward kernel, Note [conv2d work split]).
bool use_small_path(const ConvGeometry& g, int64_t units) {
  const bool tiny = g.og * g.k * g.p < (int64_t{1} << 16);
  const bool narrow = g.og < 8 || g.k < 8;
  return tiny || (narrow && units >= num_threads());
}

// in[0] = output gradient (N, O, OH, OW), in[1] = weight (O, C/groups, KH, KW); out = input gradient
// (N, C, H, W), all contiguous. Per (sample, group): col (k, p) = weight_g^T (k, og) x gout_g (og, p),
// then col2im.
template <class T>
void conv2d_input_grad_kernel(const KernelArgs& args) {
  const auto& prm = *static_cast<const Conv2dParams*>(args.params);
  const ConvGeometry g = geometry(args.out, args.in[1], args.in[0], prm);
  const T* gout = reinterpret_cast<const T*>(args.in[0].data);
  const T* wt = reinterpret_cast<const T*>(args.in[1].data);
  T* gin = reinterpret_cast<T*>(args.out.data);
  std::fill(gin, gin + g.n * g.c * g.h * g.w, T(0));
  const int64_t pairs = g.n * g.groups;
  auto gin_of = [&](int64_t pr) { return gin + ((pr / g.groups) * g.c + (pr % g.groups) * g.cg) * g.h * g.w; };
  auto gout_of = [&](int64_t pr) { return gout + ((pr / g.groups) * g.o + (pr % g.groups) * g.og) * g.p; };
  auto wt_of = [&](int64_t pr) { return wt + (pr % g.groups) * g.og * g.k; };

  if (use_small_path(g, pairs)) {
    const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, g.og * g.k * g.p));
    parallel_for(pairs, grain, [&](int64_t b, int64_t e) {
      std::vector<T> col(static_cast<size_t>(g.k * g.p));
      for (int64_t pr = b; pr < e; ++pr) {
        const T* w = wt_of(pr);
        const T* go = gout_of(pr);
        std::fill(col.begin(), col.end(), T(0));
        for (int64_t oc = 0; oc < g.og; ++oc) {
          const T* grow = go + oc * g.p;
          for (int64_t r = 0; r < g.k; ++r) {
            const T wv = w[oc * g.k + r];
            T* c = col.data() + r * g.p;
            for (int64_t x = 0; x < g.p; ++x) c[x] += wv * grow[x];
          }
        }
        col2im_channels(col.data(), g, 0, g.cg, gin_of(pr));
      }
    });
    return;
  }
  std::vector<T> col(static_cast<size_t>(g.k * g.p));
  for (int64_t pr = 0; pr < pairs; ++pr) {
    gemm(true, false, g.k, g.p, g.og, wt_of(pr), g.k, gout_of(pr), g.p, T(0), col.data(), g.p);
    T* dst = gin_of(pr);
    const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, g.kh * g.kw * g.p));
    parallel_for(g.cg, grain, [&](int64_t c0, int64_t c1) { col2im_channels(col.data(), g, c0, c1, dst); });
  }
}

// in[0] = input (N, C, H, W), in[1] = output gradient (N, O, OH, OW); out = weight gradient
// (O, C/groups, KH, KW), all contiguous. Per group: sum over samples of gout_g (og, p) x col^T (p, k).
template <class T>
void conv2d_weight_grad_kernel(const KernelArgs& args) {
  const auto& prm = *static_cast<const Conv2dParams*>(args.params);
  const ConvGeometry g = geometry(args.in[0], args.out, args.in[1], prm);
  const T* in = reinterpret_cast<const T*>(args.in[0].data);
  const T* gout = reinterpret_cast<const T*>(args.in[1].data);
  T* gw = reinterpret_cast<T*>(args.out.data);
  std::fill(gw, gw + g.o * g.k, T(0));
  auto in_of = [&](int64_t s, int64_t grp) { return in + (s * g.c + grp * g.cg) * g.h * g.w; };
  auto gout_of = [&](int64_t s, int64_t grp) { return gout + (s * g.o + grp * g.og) * g.p; };

  if (use_small_path(g, g.groups)) {
    // Groups write disjoint blocks of the weight gradient; each loops over the samples itself.
    const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, g.n * g.og * g.k * g.p));
    parallel_for(g.groups, grain, [&](int64_t b, int64_t e) {
      std::vector<T> col(static_cast<size_t>(g.k * g.p));
      for (int64_t grp = b; grp < e; ++grp) {
        T* dst = gw + grp * g.og * g.k;
        for (int64_t s = 0; s < g.n; ++s) {
          im2col_rows(in_of(s, grp), g, 0, g.k, col.data());
          const T* go = gout_of(s, grp);
          for (int64_t oc = 0; oc < g.og; ++oc) {
            const T* grow = go + oc * g.p;
            for (int64_t r = 0; r < g.k; ++r) {
              const T* c = col.data() + r * g.p;
              T acc = 0;
              for (int64_t x = 0; x < g.p; ++x) acc += grow[x] * c[x];
              dst[oc * g.k + r] += acc;
            }
          }
        }
      }
    });
    return;
  }
  std::vector<T> col(static_cast<size_t>(g.k * g.p));
  for (int64_t grp = 0; grp < g.groups; ++grp) {
    for (int64_t s = 0; s < g.n; ++s) {
      const T* src = in_of(s, grp);
      const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, g.p));
      parallel_for(g.k, grain, [&](int64_t r0, int64_t r1) { im2col_rows(src, g, r0, r1, col.data()); });
      gemm(false, true, g.og, g.k, g.p, gout_of(s, grp), g.p, col.data(), g.p, T(1), gw + grp * g.og * g.k, g.k);
    }
  }
}

}  // namespace

TFL_REGISTER_KERNEL(conv2d_input_grad, cpu, f32, conv2d_input_grad_kernel<float>);
TFL_REGISTER_KERNEL(conv2d_input_grad, cpu, f64, conv2d_input_grad_kernel<double>);
TFL_REGISTER_KERNEL(conv2d_weight_grad, cpu, f32, conv2d_weight_grad_kernel<float>);
TFL_REGISTER_KERNEL(conv2d_weight_grad, cpu, f64, conv2d_weight_grad_kernel<double>);

}  // namespace tfl::cpu
