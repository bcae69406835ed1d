// CPU softmax and log_softmax kernels over the middle axis of an (outer, len, inner) row-major input.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/dispatch.h"
#include "core/thread_pool.h"
#include "kernels/cpu/register.h"
#include "kernels/cpu/simd_reduce.h"
#include "kernels/params_nn.h"

namespace tfl::cpu {
namespace {

// One contiguous row (inner == 1): max, then sum of exp(x - max), then the normalised values. When T
// is its own compute type the exponentials are stored in the output on the second pass and scaled on
// the third; for f16/bf16 they are recomputed so that no rounded intermediate enters the sum.
template <class T, bool kLog>
void softmax_row(const T* x, T* y, int64_t len) {
  using C = compute_t<T>;
  C mx = -std::numeric_limits<C>::infinity();
  for (int64_t i = 0; i < len; ++i) mx = std::max(mx, static_cast<C>(x[i]));
  C sum = 0;
  if constexpr (kLog) {
    for (int64_t i = 0; i < len; ++i) sum += std::exp(static_cast<C>(x[i]) - mx);
    // (x - max) - log(sum), not x - (max + log(sum)): the latter rounds log(sum) to the ulp of max.
    const C lse = std::log(sum);
    for (int64_t i = 0; i < len; ++i) y[i] = static_cast<T>((static_cast<C>(x[i]) - mx) - lse);
  } else if constexpr (std::is_same_v<T, C>) {
    for (int64_t i = 0; i < len; ++i) {
      y[i] = std::exp(x[i] - mx);
      sum += y[i];
    }
    const C inv = C(1) / sum;
    for (int64_t i = 0; i < len; ++i) y[i] *= inv;
  } else {
    for (int64_t i = 0; i < len; ++i) sum += std::exp(static_cast<C>(x[i]) - mx);
    const C inv = C(1) / sum;
    for (int64_t i = 0; i < len; ++i) y[i] = static_cast<T>(std::exp(static_cast<C>(x[i]) - mx) * inv);
  }
}

// f32 rows, vectorised per ISA (simd_reduce.h). softmax: one pass reads x, writes exp(x - running max)
// and sums it (softmax_stats_f32), a second rescales each block by its own factor: one exponential per
// element. log_softmax: one read pass for the statistics (max_expsum_f32), one pass for x - m - log(s).
// A long row is cut into fixed kRowChunk pieces whose statistics merge in chunk order, so the result
// does not depend on the thread count. Rows holding NaN or +inf, and rows of -inf only, take
// softmax_row's scalar path (NaN rows).
constexpr int64_t kRowChunk = int64_t{1} << 18;  // a multiple of kSoftmaxBlock
static_assert(kRowChunk % kSoftmaxBlock == 0, "chunks hold whole blocks");

// y[block b] *= exp(block_m[b] - m) / s for blocks [bb, be) of a row of len elements.
void rescale_blocks(float* y, int64_t len, const float* block_m, float m, double s, int64_t bb, int64_t be) {
  for (int64_t b = bb; b < be; ++b) {
    const float f = static_cast<float>(std::exp(static_cast<double>(block_m[b]) - static_cast<double>(m)) / s);
    float* yb = y + b * kSoftmaxBlock;
    const int64_t w = std::min(kSoftmaxBlock, len - b * kSoftmaxBlock);
    for (int64_t i = 0; i < w; ++i) yb[i] *= f;
  }
}

template <bool kLog>
void softmax_row_f32(const float* x, float* y, int64_t len) {
  float m = -std::numeric_limits<float>::infinity();
  double s = 0;
  if constexpr (kLog) {
    if (!max_expsum_f32(x, len, m, s) || s == 0) return softmax_row<float, kLog>(x, y, len);
    sub2_f32(y, x, m, static_cast<float>(std::log(s)), len);
  } else {
    const int64_t nb = (len + kSoftmaxBlock - 1) / kSoftmaxBlock;
    float local[64];
    std::vector<float> heap(nb > 64 ? static_cast<size_t>(nb) : 0);
    float* block_m = nb > 64 ? heap.data() : local;
    if (!softmax_stats_f32(x, y, len, m, s, block_m) || s == 0) return softmax_row<float, kLog>(x, y, len);
    rescale_blocks(y, len, block_m, m, s, 0, nb);
  }
}

// One long row split over the pool.
template <bool kLog>
void softmax_long_row_f32(const float* x, float* y, int64_t len) {
  const int64_t chunks = (len + kRowChunk - 1) / kRowChunk;
  const int64_t nb = (len + kSoftmaxBlock - 1) / kSoftmaxBlock;
  std::vector<float> cm(static_cast<size_t>(chunks), -std::numeric_limits<float>::infinity());
  std::vector<double> cs(static_cast<size_t>(chunks), 0.0);
  std::vector<uint8_t> ok(static_cast<size_t>(chunks), 1);
  std::vector<float> block_m(kLog ? 0 : static_cast<size_t>(nb));
  parallel_for(chunks, 1, [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c) {
      const int64_t o = c * kRowChunk, w = std::min(kRowChunk, len - o);
      if constexpr (kLog) ok[c] = max_expsum_f32(x + o, w, cm[c], cs[c]);
      else ok[c] = softmax_stats_f32(x + o, y + o, w, cm[c], cs[c], block_m.data() + o / kSoftmaxBlock);
    }
  });
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t c = 0; c < chunks; ++c) {
    if (!ok[c]) return softmax_row<float, kLog>(x, y, len);
    m = std::max(m, cm[c]);
  }
  double s = 0;
  for (int64_t c = 0; c < chunks; ++c)
    if (cs[c] > 0) s += cs[c] * std::exp(static_cast<double>(cm[c]) - static_cast<double>(m));
  if (s == 0) return softmax_row<float, kLog>(x, y, len);
  // The output pass is elementwise: split it like any elementwise loop.
  if constexpr (kLog) {
    const float c = static_cast<float>(std::log(s));
    parallel_for(len, int64_t{1} << 15, [&](int64_t b, int64_t e) { sub2_f32(y + b, x + b, m, c, e - b); });
  } else {
    parallel_for(nb, 32, [&](int64_t b, int64_t e) { rescale_blocks(y, len, block_m.data(), m, s, b, e); });
  }
}

// One (len, inner) slab with inner > 1: the reduction runs down the columns, and every pass sweeps
// contiguous rows of `inner` values so the loops vectorise across columns. mx and sum hold inner values.
template <class T, bool kLog>
void softmax_slab(const T* x, T* y, int64_t len, int64_t inner, compute_t<T>* mx, compute_t<T>* sum) {
  using C = compute_t<T>;
  std::fill(mx, mx + inner, -std::numeric_limits<C>::infinity());
  std::fill(sum, sum + inner, C(0));
  for (int64_t r = 0; r < len; ++r) {
    const T* row = x + r * inner;
    for (int64_t j = 0; j < inner; ++j) mx[j] = std::max(mx[j], static_cast<C>(row[j]));
  }
  for (int64_t r = 0; r < len; ++r) {
    const T* row = x + r * inner;
    for (int64_t j = 0; j < inner; ++j) sum[j] += std::exp(static_cast<C>(row[j]) - mx[j]);
  }
  if constexpr (kLog) {
    for (int64_t j = 0; j < inner; ++j) sum[j] = std::log(sum[j]);
    for (int64_t r = 0; r < len; ++r) {
      const T* row = x + r * inner;
      T* out = y + r * inner;
      for (int64_t j = 0; j < inner; ++j) out[j] = static_cast<T>((static_cast<C>(row[j]) - mx[j]) - sum[j]);
    }
  } else {
    for (int64_t j = 0; j < inner; ++j) sum[j] = C(1) / sum[j];
    for (int64_t r = 0; r < len; ++r) {
      const T* row = x + r * inner;
      T* out = y + r * inner;
      for (int64_t j = 0; j < inner; ++j) out[j] = static_cast<T>(std::exp(static_cast<C>(row[j]) - mx[j]) * sum[j]);
    }
  }
}

template <class T, bool kLog>
void softmax_kernel(const KernelArgs& args) {
  const auto& p = *static_cast<const SoftmaxParams*>(args.params);
  const T* x = reinterpret_cast<const T*>(args.in[0].data);
  T* y = reinterpret_cast<T*>(args.out.data);
  if (p.len == 0) return;
  const int64_t slab = p.len * p.inner;
  // exp costs ~10 plain operations: split once a chunk holds a few thousand elements.
  const int64_t grain = std::max<int64_t>(1, 4096 / slab);
  if constexpr (std::is_same_v<T, float>) {
    if (p.inner == 1) {
      // Chosen by length only (not by the thread count) so results do not depend on the pool size.
      if (p.len >= 2 * kRowChunk) {
        for (int64_t o = 0; o < p.outer; ++o) softmax_long_row_f32<kLog>(x + o * slab, y + o * slab, p.len);
      } else {
        parallel_for(p.outer, grain, [&](int64_t b, int64_t e) {
          for (int64_t o = b; o < e; ++o) softmax_row_f32<kLog>(x + o * slab, y + o * slab, p.len);
        });
      }
      return;
    }
  }
  if (p.inner == 1) {
    parallel_for(p.outer, grain, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) softmax_row<T, kLog>(x + o * slab, y + o * slab, p.len);
    });
  } else {
    parallel_for(p.outer, grain, [&](int64_t b, int64_t e) {
      std::vector<compute_t<T>> scratch(static_cast<size_t>(2 * p.inner));
      for (int64_t o = b; o < e; ++o)
        softmax_slab<T, kLog>(x + o * slab, y + o * slab, p.len, p.inner, scratch.data(), scratch.data() + p.inner);
    });
  }
}

template <class T>
void softmax_fwd(const KernelArgs& args) {
  softmax_kernel<T, false>(args);
}
template <class T>
void log_softmax_fwd(const KernelArgs& args) {
  softmax_kernel<T, true>(args);
}

}  // namespace

TFL_REGISTER_CPU_FLOAT(softmax, softmax_fwd);
TFL_REGISTER_CPU_FLOAT(log_softmax, log_softmax_fwd);

}  // namespace tfl::cpu
