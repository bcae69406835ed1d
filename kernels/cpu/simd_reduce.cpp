// Contiguous reduction loops compiled once per ISA and chosen at run time. See Note [Runtime ISA
// dispatch] in simd_isa.h; each *_body below is always_inline so it is compiled into every variant.
#include "kernels/cpu/simd_reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/cpu/simd_isa.h"

namespace tfl::cpu {
namespace {

using simd::exp_body;

#define TFL_INLINE __attribute__((always_inline)) inline

// f32: leaves of 512 are summed in 32 float lanes (four AVX2 or two AVX-512 accumulators: enough
// independent chains to hide the add latency), 16 additions per lane, and each leaf's lanes are added
// lane by lane into 32 double lanes (a few vector converts and adds per leaf, no horizontal step); the
// double lanes see n / 512 additions each, far below f32's rounding. f64: leaves of 256 in 16 lanes,
// added pairwise. Both keep the per-lane depth of the old pairwise sum's leaves (16).
constexpr int64_t kLeafF32 = 512;
constexpr int64_t kLeafF64 = 256;

TFL_INLINE double sum_f32_body(const float* p, int64_t n) {
  double d[32] = {};
  int64_t i = 0;
  for (; i + kLeafF32 <= n; i += kLeafF32) {
    float l[32] = {};
    for (int64_t k = 0; k < kLeafF32; k += 32)
      for (int j = 0; j < 32; ++j) l[j] += p[i + k + j];
    for (int j = 0; j < 32; ++j) d[j] += static_cast<double>(l[j]);
  }
  float l[32] = {};
  for (; i + 32 <= n; i += 32)
    for (int j = 0; j < 32; ++j) l[j] += p[i + j];
  for (int j = 0; j < 32; ++j) d[j] += static_cast<double>(l[j]);
  double tail = 0;
  for (; i < n; ++i) tail += static_cast<double>(p[i]);
  for (int w = 16; w > 0; w /= 2)
    for (int j = 0; j < w; ++j) d[j] += d[j + w];
  return d[0] + tail;
}

TFL_INLINE double leaf_sum(const double* p, int64_t n) {
  double l[16] = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j) l[j] += p[i + j];
  double tail = 0;
  for (; i < n; ++i) tail += p[i];
  for (int w = 8; w > 0; w /= 2)
    for (int j = 0; j < w; ++j) l[j] += l[j + w];
  return l[0] + tail;
}

// Pairwise sum over consecutive leaves without recursion (a recursive function cannot be inlined into
// each ISA variant): a binary counter of partial sums, where two partials of the same level merge, gives
// the same tree as halving the range.
template <int64_t kLeaf, class T>
TFL_INLINE double pairwise_leaves(const T* p, int64_t n) {
  double part[64];
  int level[64];
  int sp = 0;
  for (int64_t b = 0; b < n; b += kLeaf) {
    double v = leaf_sum(p + b, std::min(kLeaf, n - b));
    int l = 0;
    while (sp > 0 && level[sp - 1] == l) {
      v = part[--sp] + v;
      ++l;
    }
    part[sp] = v;
    level[sp++] = l;
  }
  double s = 0;
  while (sp > 0) s = part[--sp] + s;
  return s;
}

TFL_INLINE double sum_f64_body(const double* p, int64_t n) {
  return pairwise_leaves<kLeafF64>(p, n);
}

// Block length of the online statistics: a block (4 KiB) is still in L1 for its exponential pass.
constexpr int64_t kStatBlock = kSoftmaxBlock;

// kStore: also writes y = exp(x - m) with the running m of the moment, and that m per block in
// block_m, so softmax computes each exponential once and only rescales afterwards.
template <bool kStore>
TFL_INLINE bool stats_body(const float* x, float* y, int64_t n, float& m, double& s, float* block_m) {
  const float ninf = -std::numeric_limits<float>::infinity();
  for (int64_t b = 0; b < n; b += kStatBlock) {
    const int64_t w = std::min(kStatBlock, n - b);
    const float* xb = x + b;
    // The block maximum ignores NaN (x > a ? x : a is exactly maxps, so it vectorises; a NaN-aware
    // select does not); a NaN shows up instead as a NaN exponential sum below.
    float l[16];
    for (float& v : l) v = ninf;
    int64_t i = 0;
    for (; i + 16 <= w; i += 16)
      for (int j = 0; j < 16; ++j) l[j] = xb[i + j] > l[j] ? xb[i + j] : l[j];
    float bm = ninf;
    for (; i < w; ++i) bm = xb[i] > bm ? xb[i] : bm;
    for (float v : l) bm = v > bm ? v : bm;
    if (bm == std::numeric_limits<float>::infinity()) return false;
    if (bm == ninf) {  // -inf and NaN only (rare): look for the NaN here, no exponentials needed
      for (i = 0; i < w; ++i)
        if (xb[i] != xb[i]) return false;
    }
    if (bm > m) {
      s *= std::exp(static_cast<double>(m) - static_cast<double>(bm));  // m = -inf: s is 0 anyway
      m = bm;
    }
    if (m == ninf) {  // only -inf so far: every exponential is 0 (exp(-inf - -inf) would be NaN)
      if constexpr (kStore) {
        std::fill(y + b, y + b + w, 0.0f);
        block_m[b / kStatBlock] = ninf;
      }
      continue;
    }
    const float mm = m;
    float e[16] = {};
    double t = 0;
    if constexpr (kStore) {
      float* yb = y + b;
      block_m[b / kStatBlock] = mm;
      for (i = 0; i + 16 <= w; i += 16)
        for (int j = 0; j < 16; ++j) {
          const float v = exp_body(xb[i + j] - mm);
          yb[i + j] = v;
          e[j] += v;
        }
      for (; i < w; ++i) {
        yb[i] = exp_body(xb[i] - mm);
        t += static_cast<double>(yb[i]);
      }
    } else {
      for (i = 0; i + 16 <= w; i += 16)
        for (int j = 0; j < 16; ++j) e[j] += exp_body(xb[i + j] - mm);
      for (; i < w; ++i) t += static_cast<double>(exp_body(xb[i] - mm));
    }
    for (int w2 = 8; w2 > 0; w2 /= 2)
      for (int j = 0; j < w2; ++j) e[j] += e[j + w2];
    const double bs = static_cast<double>(e[0]) + t;
    if (bs != bs) return false;  // a NaN input (x - m and exp are finite or 0 otherwise)
    s += bs;
  }
  return true;
}

TFL_INLINE bool max_expsum_f32_body(const float* x, int64_t n, float& m, double& s) {
  return stats_body<false>(x, nullptr, n, m, s, nullptr);
}
TFL_INLINE bool softmax_stats_f32_body(const float* x, float* y, int64_t n, float& m, double& s, float* block_m) {
  return stats_body<true>(x, y, n, m, s, block_m);
}

TFL_INLINE void exp_scale_f32_body(float* out, const float* x, float m, float scale, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = exp_body(x[i] - m) * scale;
}

TFL_INLINE void sub2_f32_body(float* out, const float* x, float m, float c, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = (x[i] - m) - c;
}

}  // namespace

// Defines name_avx512 / name_avx2 / name_baseline around name_body and the public `name` that calls
// the one isa() selects. PARAMS is the parenthesised parameter list, ARGS the argument list.
#define TFL_ISA_FN(ret, name, PARAMS, ARGS)                   \
  namespace {                                                 \
  TFL_TARGET_AVX512 ret name##_avx512 PARAMS { return name##_body ARGS; } \
  TFL_TARGET_AVX2 ret name##_avx2 PARAMS { return name##_body ARGS; }     \
  ret name##_baseline PARAMS { return name##_body ARGS; }                 \
  }                                                           \
  ret name PARAMS {                                           \
    switch (isa()) {                                          \
      case Isa::kAvx512: return name##_avx512 ARGS;           \
      case Isa::kAvx2: return name##_avx2 ARGS;               \
      case Isa::kBaseline: break;                             \
    }                                                         \
    return name##_baseline ARGS;                              \
  }

TFL_ISA_FN(double, sum_f32, (const float* p, int64_t n), (p, n))
TFL_ISA_FN(double, sum_f64, (const double* p, int64_t n), (p, n))
TFL_ISA_FN(bool, max_expsum_f32, (const float* x, int64_t n, float& m, double& s), (x, n, m, s))
TFL_ISA_FN(bool, softmax_stats_f32, (const float* x, float* y, int64_t n, float& m, double& s, float* block_m),
           (x, y, n, m, s, block_m))
TFL_ISA_FN(void, exp_scale_f32, (float* out, const float* x, float m, float scale, int64_t n), (out, x, m, scale, n))
TFL_ISA_FN(void, sub2_f32, (float* out, const float* x, float m, float c, int64_t n), (out, x, m, c, n))

}  // namespace tfl::cpu
