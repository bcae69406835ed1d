// CPU kernels of the simple reductions: sum, mean, prod, max, min, all, any.
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/cpu/reduce_loops.h"
#include "kernels/cpu/register.h"
#include "kernels/cpu/simd_reduce.h"

namespace tfl::cpu {
namespace {

template <class T>
constexpr bool kIsFloat = std::is_floating_point_v<compute_t<T>>;

// Accumulator of sums and products: double for floats (exact enough for any f32 input), uint64 for
// integers and bool (wrap-around is defined on unsigned types; the bits are read back as int64).
template <class T>
using WideAcc = std::conditional_t<kIsFloat<T>, double, uint64_t>;

// Integer sums and products are int64, except uint64's, which stay uint64 (no int64 holds them).
template <class T>
using IntOut = std::conditional_t<std::is_same_v<T, uint64_t>, uint64_t, int64_t>;

template <class T>
inline WideAcc<T> widen(T x) {
  if constexpr (kIsFloat<T>) return static_cast<double>(static_cast<compute_t<T>>(x));
  else return static_cast<uint64_t>(static_cast<int64_t>(x));
}

// Pairwise summation of a contiguous f16/bf16 run in the compute type: error grows as O(log n), not
// O(n). Blocks of up to 256 use 16 independent lanes so the compiler vectorises them. (f32 and f64 runs
// go to the per-ISA sum_f32/sum_f64 of simd_reduce.h instead.)
template <class C, class T>
C pairwise_sum(const T* p, int64_t n) {
  if (n <= 256) {
    C lanes[16] = {};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
      for (int j = 0; j < 16; ++j) lanes[j] += static_cast<C>(p[i + j]);
    C tail = 0;
    for (; i < n; ++i) tail += static_cast<C>(p[i]);
    for (int w = 8; w > 0; w /= 2)
      for (int j = 0; j < w; ++j) lanes[j] += lanes[j + w];
    return lanes[0] + tail;
  }
  const int64_t half = (n / 2) & ~int64_t{15};
  return pairwise_sum<C>(p, half) + pairwise_sum<C>(p + half, n - half);
}

// Integer sums need no pairing: lanes of uint64 (wrapping, no UB).
template <class T>
uint64_t int_sum(const T* p, int64_t n) {
  uint64_t lanes[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) lanes[j] += static_cast<uint64_t>(static_cast<int64_t>(p[i + j]));
  uint64_t s = 0;
  for (; i < n; ++i) s += static_cast<uint64_t>(static_cast<int64_t>(p[i]));
  for (int j = 0; j < 8; ++j) s += lanes[j];
  return s;
}

// sum (kMean = false) and mean (kMean = true).
template <class T, bool kMean>
struct SumReducer {
  // The mean of uint64 accumulates in double, as NumPy's does: two values of 2^63 already wrap a uint64 sum.
  static constexpr bool kDoubleAcc = kIsFloat<T> || (kMean && std::is_same_v<T, uint64_t>);
  using In = T;
  using Acc = std::conditional_t<kDoubleAcc, double, uint64_t>;
  using Out = std::conditional_t<kMean, std::conditional_t<kIsFloat<T>, T, float>,
                                 std::conditional_t<kIsFloat<T>, T, IntOut<T>>>;
  static Acc lift(T x) {
    if constexpr (kDoubleAcc && !kIsFloat<T>) return static_cast<double>(x);
    else return widen(x);
  }
  Acc init() const { return Acc(0); }
  void push(Acc& a, T x, int64_t) const { a += lift(x); }
  void run(Acc& a, const T* p, int64_t n, int64_t s, int64_t idx0) const {
    if (s != 1) return run_by_push(*this, a, p, n, s, idx0);
    if constexpr (std::is_same_v<T, float>) a += sum_f32(p, n);
    else if constexpr (std::is_same_v<T, double>) a += sum_f64(p, n);
    else if constexpr (kIsFloat<T>) a += static_cast<double>(pairwise_sum<compute_t<T>>(p, n));
    else if constexpr (kDoubleAcc) a += pairwise_sum<double>(p, n);
    else a += int_sum(p, n);
  }
  void combine(Acc& a, const Acc& b) const { a += b; }
  Out finalize(const Acc& a, int64_t count) const {
    if constexpr (kMean) {
      double v = kDoubleAcc ? static_cast<double>(a) : static_cast<double>(static_cast<int64_t>(a));
      // 0 / 0 is NaN: the mean of nothing.
      return static_cast<Out>(static_cast<compute_t<Out>>(v / static_cast<double>(count)));
    } else if constexpr (kIsFloat<T>) {
      return static_cast<Out>(static_cast<compute_t<T>>(a));
    } else {
      return static_cast<IntOut<T>>(a);
    }
  }
};

template <class T>
struct ProdReducer {
  using In = T;
  using Acc = WideAcc<T>;
  using Out = std::conditional_t<kIsFloat<T>, T, IntOut<T>>;
  Acc init() const { return Acc(1); }
  void push(Acc& a, T x, int64_t) const { a *= widen(x); }
  void run(Acc& a, const T* p, int64_t n, int64_t s, int64_t idx0) const {
    if (s != 1) return run_by_push(*this, a, p, n, s, idx0);
    Acc lanes[8];
    for (auto& l : lanes) l = Acc(1);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
      for (int j = 0; j < 8; ++j) lanes[j] *= widen(p[i + j]);
    for (; i < n; ++i) a *= widen(p[i]);
    for (int j = 0; j < 8; ++j) a *= lanes[j];
  }
  void combine(Acc& a, const Acc& b) const { a *= b; }
  Out finalize(const Acc& a, int64_t) const {
    if constexpr (kIsFloat<T>) return static_cast<Out>(static_cast<compute_t<T>>(a));
    else return static_cast<IntOut<T>>(a);
  }
};

// max (kMax) and min; a NaN anywhere makes the result NaN, like NumPy.
template <class T, bool kMax>
struct ExtremumReducer {
  using In = T;
  using C = compute_t<T>;
  using Acc = C;
  using Out = T;
  static C pick(C x, C a) {
    // Bitwise | (not ||) keeps the select branch-free so the lane loops vectorise.
    if constexpr (kIsFloat<T>) return ((kMax ? x > a : x < a) | (x != x)) ? x : a;
    else return (kMax ? x > a : x < a) ? x : a;
  }
  Acc init() const {
    if constexpr (kIsFloat<T>) return kMax ? -std::numeric_limits<C>::infinity() : std::numeric_limits<C>::infinity();
    else return kMax ? std::numeric_limits<C>::lowest() : std::numeric_limits<C>::max();
  }
  void push(Acc& a, T x, int64_t) const { a = pick(static_cast<C>(x), a); }
  void run(Acc& a, const T* p, int64_t n, int64_t s, int64_t idx0) const {
    if (s != 1) return run_by_push(*this, a, p, n, s, idx0);
    C lanes[16];
    for (auto& l : lanes) l = a;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
      for (int j = 0; j < 16; ++j) lanes[j] = pick(static_cast<C>(p[i + j]), lanes[j]);
    for (; i < n; ++i) a = pick(static_cast<C>(p[i]), a);
    for (int j = 0; j < 16; ++j) a = pick(lanes[j], a);
  }
  void combine(Acc& a, const Acc& b) const { a = pick(b, a); }
  Out finalize(const Acc& a, int64_t) const { return static_cast<T>(a); }
};

// all (kAll) and any over any dtype: an element is true when it is non-zero (NaN counts as true).
template <class T, bool kAll>
struct LogicalReducer {
  using In = T;
  using Acc = uint8_t;  // not bool: std::vector<bool> has no data()
  using Out = bool;
  static bool truth(T x) { return static_cast<compute_t<T>>(x) != compute_t<T>(0); }
  Acc init() const { return kAll ? 1 : 0; }
  void push(Acc& a, T x, int64_t) const {
    if constexpr (kAll) a = static_cast<Acc>(a & static_cast<Acc>(truth(x)));
    else a = static_cast<Acc>(a | static_cast<Acc>(truth(x)));
  }
  void run(Acc& a, const T* p, int64_t n, int64_t s, int64_t) const {
    // Blocks of 1024 keep the inner loop branch-free and still stop early once the answer is known.
    for (int64_t b = 0; b < n && a == (kAll ? 1 : 0); b += 1024) {
      const int64_t e = std::min(n, b + 1024);
      Acc r = kAll ? 1 : 0;
      if (s == 1) {
        for (int64_t i = b; i < e; ++i) push(r, p[i], 0);
      } else {
        for (int64_t i = b; i < e; ++i) push(r, p[i * s], 0);
      }
      a = r;
    }
  }
  void combine(Acc& a, const Acc& b) const { a = kAll ? static_cast<Acc>(a & b) : static_cast<Acc>(a | b); }
  Out finalize(const Acc& a, int64_t) const { return a != 0; }
};

template <class T> void sum_kernel(const KernelArgs& a) { reduce_kernel(a, SumReducer<T, false>{}); }
template <class T> void mean_kernel(const KernelArgs& a) { reduce_kernel(a, SumReducer<T, true>{}); }
template <class T> void prod_kernel(const KernelArgs& a) { reduce_kernel(a, ProdReducer<T>{}); }
template <class T> void max_kernel(const KernelArgs& a) { reduce_kernel(a, ExtremumReducer<T, true>{}); }
template <class T> void min_kernel(const KernelArgs& a) { reduce_kernel(a, ExtremumReducer<T, false>{}); }
template <class T> void all_kernel(const KernelArgs& a) { reduce_kernel(a, LogicalReducer<T, true>{}); }
template <class T> void any_kernel(const KernelArgs& a) { reduce_kernel(a, LogicalReducer<T, false>{}); }

}  // namespace

TFL_REGISTER_CPU_ALL(sum, sum_kernel);
TFL_REGISTER_CPU_ALL(mean, mean_kernel);
TFL_REGISTER_CPU_ALL(prod, prod_kernel);
TFL_REGISTER_CPU_ALL(max, max_kernel);
TFL_REGISTER_CPU_ALL(min, min_kernel);
TFL_REGISTER_CPU_ALL(all, all_kernel);
TFL_REGISTER_CPU_ALL(any, any_kernel);

}  // namespace tfl::cpu
