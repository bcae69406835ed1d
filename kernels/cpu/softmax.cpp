// CPU softmax and log_softmax kernels over the middle axis of an (outer, len, inner) row-major input.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/dispatch.h"
#include "core/thread_pool.h"
#include "kernels/cpu/register.h"
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
