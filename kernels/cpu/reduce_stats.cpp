// CPU kernels of the reductions with compound state: var, std, logsumexp, argmax, argmin.
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
// Result type of the float-only reductions: floats keep their dtype, the rest become f32.
template <class T>
using FloatOut = std::conditional_t<kIsFloat<T>, T, float>;

// Count, mean and sum of squared deviations, merged with Chan et al.'s pairwise update so partial
// results from runs and threads combine without the cancellation of the naive sum-of-squares formula.
struct Moments {
  double n = 0, mean = 0, m2 = 0;
};

template <class T, bool kStd>
struct VarReducer {
  using In = T;
  using Acc = Moments;
  using Out = FloatOut<T>;
  double correction = 0;
  static double value(T x) { return static_cast<double>(static_cast<compute_t<T>>(x)); }
  Acc init() const { return {}; }
  void push(Acc& a, T x, int64_t) const {  // Welford
    const double v = value(x);
    a.n += 1;
    const double d = v - a.mean;
    a.mean += d / a.n;
    a.m2 += d * (v - a.mean);
  }
  void run(Acc& a, const T* p, int64_t n, int64_t s, int64_t idx0) const {
    if (s != 1 || n < 16) return run_by_push(*this, a, p, n, s, idx0);
    // Two passes over the run (it is in cache): exact mean first, then squared deviations.
    double lanes[8] = {};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
      for (int j = 0; j < 8; ++j) lanes[j] += value(p[i + j]);
    double sum = 0;
    for (; i < n; ++i) sum += value(p[i]);
    for (int j = 0; j < 8; ++j) sum += lanes[j];
    Moments b;
    b.n = static_cast<double>(n);
    b.mean = sum / b.n;
    for (auto& l : lanes) l = 0;
    for (i = 0; i + 8 <= n; i += 8)
      for (int j = 0; j < 8; ++j) {
        const double d = value(p[i + j]) - b.mean;
        lanes[j] += d * d;
      }
    for (; i < n; ++i) {
      const double d = value(p[i]) - b.mean;
      b.m2 += d * d;
    }
    for (int j = 0; j < 8; ++j) b.m2 += lanes[j];
    combine(a, b);
  }
  void combine(Acc& a, const Acc& b) const {
    if (b.n == 0) return;
    if (a.n == 0) {
      a = b;
      return;
    }
    const double n = a.n + b.n;
    const double d = b.mean - a.mean;
    a.mean += d * (b.n / n);
    a.m2 += b.m2 + d * d * (a.n * b.n / n);
    a.n = n;
  }
  Out finalize(const Acc& a, int64_t) const {
    const double dof = a.n - correction;
    // No degrees of freedom left (including empty input): NaN, like the array API's var.
    double v = dof > 0 ? a.m2 / dof : std::numeric_limits<double>::quiet_NaN();
    if (kStd) v = std::sqrt(v);
    return static_cast<Out>(static_cast<compute_t<Out>>(v));
  }
};

// logsumexp keeps a running maximum m and the sum s of exp(x - m), rescaling s when m grows, so no
// exp overflows. Equal values (including infinities) add exp(0) = 1 without forming inf - inf.
template <class T>
struct LogSumExpReducer {
  using In = T;
  using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
  struct Acc {
    C m = -std::numeric_limits<C>::infinity();
    C s = 0;
    uint8_t nan = 0;
  };
  using Out = FloatOut<T>;
  Acc init() const { return {}; }
  static void add(Acc& a, C m, C s) {
    if (m > a.m) {
      a.s = a.s * std::exp(a.m - m) + s;
      a.m = m;
    } else if (m == a.m) {
      a.s += s;
    } else {
      a.s += s * std::exp(m - a.m);
    }
  }
  void push(Acc& a, T x, int64_t) const {
    const C v = static_cast<C>(static_cast<compute_t<T>>(x));
    if (v != v) a.nan = 1;
    else add(a, v, C(1));
  }
  void run(Acc& a, const T* p, int64_t n, int64_t s, int64_t idx0) const {
    if (s != 1) return run_by_push(*this, a, p, n, s, idx0);
    if constexpr (std::is_same_v<T, float>) {
      // One pass over memory: block maximum, then the block's exponentials while it is in L1.
      float m = -std::numeric_limits<float>::infinity();
      double sum = 0;
      if (!max_expsum_f32(p, n, m, sum)) return run_by_push(*this, a, p, n, s, idx0);  // NaN or +inf
      if (m != -std::numeric_limits<float>::infinity()) add(a, m, static_cast<C>(sum));
      return;
    }
    // Two passes over the run: its maximum, then the sum of exp(x - max).
    C m = -std::numeric_limits<C>::infinity();
    bool nan = false;
    for (int64_t i = 0; i < n; ++i) {
      const C v = static_cast<C>(static_cast<compute_t<T>>(p[i]));
      nan |= v != v;
      m = v > m ? v : m;
    }
    if (nan || std::isinf(m)) return run_by_push(*this, a, p, n, s, idx0);  // rare: the careful path
    C sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += std::exp(static_cast<C>(static_cast<compute_t<T>>(p[i])) - m);
    add(a, m, sum);
  }
  void combine(Acc& a, const Acc& b) const {
    a.nan |= b.nan;
    if (b.s > 0) add(a, b.m, b.s);
  }
  Out finalize(const Acc& a, int64_t) const {
    C r;
    if (a.nan) r = std::numeric_limits<C>::quiet_NaN();
    else if (std::isinf(a.m)) r = a.m;  // all -inf (or empty): -inf; any +inf: +inf
    else r = a.m + std::log(a.s);
    return static_cast<Out>(static_cast<compute_t<Out>>(r));
  }
};

// argmax (kMax) and argmin: index of the first extremum; the first NaN wins, like NumPy.
template <class T, bool kMax>
struct ArgReducer {
  using In = T;
  using C = compute_t<T>;
  struct Acc {
    C v{};
    int64_t i = -1;
  };
  using Out = int64_t;
  static bool better(C x, C v) {
    if constexpr (kIsFloat<T>) return (kMax ? x > v : x < v) || (x != x && v == v);
    else return kMax ? x > v : x < v;
  }
  Acc init() const { return {}; }
  void push(Acc& a, T x, int64_t idx) const {
    const C v = static_cast<C>(x);
    if (a.i < 0 || better(v, a.v)) {
      a.v = v;
      a.i = idx;
    }
  }
  void run(Acc& a, const T* p, int64_t n, int64_t s, int64_t idx0) const { run_by_push(*this, a, p, n, s, idx0); }
  void combine(Acc& a, const Acc& b) const {
    if (b.i >= 0 && (a.i < 0 || better(b.v, a.v))) a = b;
  }
  Out finalize(const Acc& a, int64_t) const { return a.i; }
};

template <class T>
void var_kernel(const KernelArgs& a) {
  VarReducer<T, false> r;
  r.correction = static_cast<const ReduceParams*>(a.params)->correction;
  reduce_kernel(a, r);
}
template <class T>
void std_kernel(const KernelArgs& a) {
  VarReducer<T, true> r;
  r.correction = static_cast<const ReduceParams*>(a.params)->correction;
  reduce_kernel(a, r);
}
template <class T> void logsumexp_kernel(const KernelArgs& a) { reduce_kernel(a, LogSumExpReducer<T>{}); }
template <class T> void argmax_kernel(const KernelArgs& a) { reduce_kernel(a, ArgReducer<T, true>{}, true); }
template <class T> void argmin_kernel(const KernelArgs& a) { reduce_kernel(a, ArgReducer<T, false>{}, true); }

}  // namespace

TFL_REGISTER_CPU_ALL(var, var_kernel);
TFL_REGISTER_CPU_ALL(std, std_kernel);
TFL_REGISTER_CPU_ALL(logsumexp, logsumexp_kernel);
TFL_REGISTER_CPU_ALL(argmax, argmax_kernel);
TFL_REGISTER_CPU_ALL(argmin, argmin_kernel);

}  // namespace tfl::cpu
