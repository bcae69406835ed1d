// CPU kernels of the assembly ops that are not plain strided copies: tril/triu and repeat.
#include <algorithm>
#include <vector>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"
#include "kernels/params_assemble.h"

namespace tfl::cpu {
namespace {

// Rows per pool chunk so that a chunk moves about kParallelGrain elements.
inline int64_t row_grain(int64_t row_len) { return std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, row_len)); }

// out (contiguous, same shape as in) = in with the elements outside the triangle zeroed. in may have
// any strides; the last two axes are the matrix, the others a batch.
template <class T, bool kUpper>
void triangle_kernel(const KernelArgs& args) {
  const TensorArg& out = args.out;
  const TensorArg& in = args.in[0];
  const int nd = out.ndim;
  const int64_t rows = out.shape[nd - 2], cols = out.shape[nd - 1];
  const int64_t k = static_cast<const TriangleParams*>(args.params)->k;
  const int64_t rs = in.strides[nd - 2], cs = in.strides[nd - 1];
  int64_t batch = 1;
  for (int d = 0; d < nd - 2; ++d) batch *= out.shape[d];
  T* o = reinterpret_cast<T*>(out.data);
  const T* base = reinterpret_cast<const T*>(in.data);
  parallel_for(batch * rows, row_grain(cols), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t i = row % rows;
      int64_t off = 0;
      for (int64_t d = nd - 3, rem = row / rows; d >= 0; --d) {
        off += (rem % out.shape[d]) * in.strides[d];
        rem /= out.shape[d];
      }
      const T* src = base + off + i * rs;
      T* dst = o + row * cols;
      // Kept columns [lo, hi): j - i <= k for tril, j - i >= k for triu (k is clamped by the op).
      const int64_t lo = kUpper ? std::clamp<int64_t>(i + k, 0, cols) : 0;
      const int64_t hi = kUpper ? cols : std::clamp<int64_t>(i + k + 1, 0, cols);
      for (int64_t j = 0; j < lo; ++j) dst[j] = T{};
      if (cs == 1) {
        for (int64_t j = lo; j < hi; ++j) dst[j] = src[j];
      } else {
        for (int64_t j = lo; j < hi; ++j) dst[j] = src[j * cs];
      }
      for (int64_t j = hi; j < cols; ++j) dst[j] = T{};
    }
  });
}

template <class T>
void tril_kernel(const KernelArgs& args) { triangle_kernel<T, false>(args); }
template <class T>
void triu_kernel(const KernelArgs& args) { triangle_kernel<T, true>(args); }

// out [outer, total, inner] from in [outer, n, inner], both contiguous: input row i of the middle
// axis is written counts[i] times in a row. Work is split over input rows, each of which knows its
// output position from a prefix sum, so no division happens per element.
template <class T>
void repeat_kernel(const KernelArgs& args) {
  const auto& p = *static_cast<const RepeatParams*>(args.params);
  const int64_t outer = args.out.shape[0], inner = args.out.shape[2];
  std::vector<int64_t> first(static_cast<size_t>(p.n));  // output row of input row i's first copy
  for (int64_t i = 0, acc = 0; i < p.n; ++i) {
    first[static_cast<size_t>(i)] = acc;
    acc += p.counts[i];
  }
  // Locals rather than members read through references: stores to T* must not force reloads.
  T* const o = reinterpret_cast<T*>(args.out.data);
  const T* const in = reinterpret_cast<const T*>(args.in[0].data);
  const int64_t* const counts = p.counts;
  const int64_t* const firsts = first.data();
  const int64_t n = p.n, total = p.total;
  const int64_t per_row = std::max<int64_t>(1, total / std::max<int64_t>(1, n)) * inner;
  parallel_for(outer * n, row_grain(per_row), [=](int64_t begin, int64_t end) {
    int64_t b = begin / n, i = begin % n;
    for (int64_t r = begin; r < end;) {
      // The input rows [i, stop) of batch b.
      const int64_t stop = std::min(n, i + (end - r));
      const T* src = in + r * inner;
      T* const out_b = o + b * total * inner;
      if (inner == 1) {
        for (int64_t k = i; k < stop; ++k) {
          const T v = src[k - i];
          T* dst = out_b + firsts[k];
          for (int64_t c = 0, m = counts[k]; c < m; ++c) dst[c] = v;
        }
      } else {
        for (int64_t k = i; k < stop; ++k, src += inner) {
          T* dst = out_b + firsts[k] * inner;
          for (int64_t c = 0, m = counts[k]; c < m; ++c, dst += inner)
            for (int64_t x = 0; x < inner; ++x) dst[x] = src[x];
        }
      }
      r += stop - i;
      i = 0;
      ++b;
    }
  });
}

}  // namespace

TFL_REGISTER_CPU_ALL(tril, tril_kernel);
TFL_REGISTER_CPU_ALL(triu, triu_kernel);
TFL_REGISTER_CPU_ALL(repeat, repeat_kernel);

}  // namespace tfl::cpu
