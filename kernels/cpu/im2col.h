// im2col for 2-D convolution: the geometry of one convolution and the column matrix rows that both the
// forward kernel (kernels/cpu/conv.cpp) and the weight-gradient kernel (conv_backward.cpp) multiply.
#pragma once

#include <algorithm>
#include <cstdint>

namespace tfl::cpu {

struct ConvGeometry {
  int64_t n, c, h, w;        // input
  int64_t o, cg, kh, kw;     // weight
  int64_t oh, ow;            // output
  int64_t groups, og, k, p;  // per group: og output channels, k = cg*kh*kw, p = oh*ow
  int64_t sh, sw, ph, pw, dh, dw;
};

// The output positions ow whose input column ow * s + off lies in [0, w): [lo, hi).
inline void valid_range(int64_t off, int64_t s, int64_t w, int64_t ow, int64_t* lo, int64_t* hi) {
  *lo = off >= 0 ? 0 : std::min(ow, (-off + s - 1) / s);
  *hi = (w - off) <= 0 ? 0 : std::min(ow, (w - 1 - off) / s + 1);
  if (*hi < *lo) *hi = *lo;
}

// Rows [r0, r1) of the (k, p) column matrix of one (sample, group): row (ci, ki, kj) holds, for each
// output position, the input value its kernel tap (ki, kj) reads, or 0 in the padding.
template <class T>
void im2col_rows(const T* in, const ConvGeometry& g, int64_t r0, int64_t r1, T* col) {
  const int64_t kk = g.kh * g.kw;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t ci = r / kk, ki = (r % kk) / g.kw, kj = r % g.kw;
    const T* plane = in + ci * g.h * g.w;
    T* dst = col + r * g.p;
    const int64_t offw = kj * g.dw - g.pw;
    int64_t lo, hi;
    valid_range(offw, g.sw, g.w, g.ow, &lo, &hi);
    for (int64_t y = 0; y < g.oh; ++y) {
      T* d = dst + y * g.ow;
      const int64_t ih = y * g.sh - g.ph + ki * g.dh;
      if (ih < 0 || ih >= g.h) {
        std::fill(d, d + g.ow, T(0));
        continue;
      }
      const T* src = plane + ih * g.w + offw;
      std::fill(d, d + lo, T(0));
      if (g.sw == 1) {
        for (int64_t x = lo; x < hi; ++x) d[x] = src[x];
      } else {
        for (int64_t x = lo; x < hi; ++x) d[x] = src[x * g.sw];
      }
      std::fill(d + hi, d + g.ow, T(0));
    }
  }
}

}  // namespace tfl::cpu
