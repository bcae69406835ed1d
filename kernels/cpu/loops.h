// Strided N-operand iteration for CPU kernels: coalesce dims, split across the pool, call an inner
// loop per contiguous run. Every elementwise-shaped kernel is built on this.
#pragma once

#include <cstdint>

#include "core/dispatch.h"
#include "core/thread_pool.h"

namespace tfl::cpu {

// Elements per pool chunk below which splitting costs more than it saves.
constexpr int64_t kParallelGrain = 32768;

// Operands of one iteration, all of the same shape (inputs already broadcast with stride 0).
// Strides are in bytes. Operand 0 is conventionally the output.
template <int N>
struct Loop {
  int ndim = 0;
  int64_t shape[kMaxDims];
  int64_t strides[N][kMaxDims];
  char* base[N];
  int64_t numel = 1;
};

// Builds a loop over `shape` from operands whose element strides index that shape, then merges
// dimensions that are contiguous for every operand and drops size-1 dimensions, so that the inner
// runs are as long as possible.
template <int N>
Loop<N> make_loop(int ndim, const int64_t* shape, const TensorArg* const (&ops)[N]) {
  Loop<N> L;
  int out = 0;
  for (int d = 0; d < ndim; ++d) {
    if (shape[d] == 1) continue;
    L.shape[out] = shape[d];
    for (int k = 0; k < N; ++k)
      L.strides[k][out] = ops[k]->strides[d] * static_cast<int64_t>(dtype_size(ops[k]->dtype));
    ++out;
  }
  for (int k = 0; k < N; ++k) L.base[k] = ops[k]->data;
  // Merge dimension d into d-1 when stepping d-1 equals a full sweep of d for every operand.
  int merged = 0;
  for (int d = 0; d < out; ++d) {
    if (merged > 0) {
      bool can = true;
      for (int k = 0; k < N && can; ++k)
        can = L.strides[k][merged - 1] == L.strides[k][d] * L.shape[d];
      if (can) {
        L.shape[merged - 1] *= L.shape[d];
        for (int k = 0; k < N; ++k) L.strides[k][merged - 1] = L.strides[k][d];
        continue;
      }
    }
    L.shape[merged] = L.shape[d];
    for (int k = 0; k < N; ++k) L.strides[k][merged] = L.strides[k][d];
    ++merged;
  }
  L.ndim = merged;
  L.numel = 1;
  for (int d = 0; d < ndim; ++d) L.numel *= shape[d];
  return L;
}

// Calls inner(char* const ptrs[N], const int64_t strides[N], int64_t n) for each run of the linear
// element range [begin, end) along the innermost dimension.
template <int N, class Inner>
void loop_range(const Loop<N>& L, int64_t begin, int64_t end, Inner& inner) {
  int64_t inner_strides[N];
  if (L.ndim == 0) {  // a single element
    char* p[N];
    for (int k = 0; k < N; ++k) { p[k] = L.base[k]; inner_strides[k] = 0; }
    if (begin < end) inner(p, inner_strides, int64_t{1});
    return;
  }
  const int last = L.ndim - 1;
  for (int k = 0; k < N; ++k) inner_strides[k] = L.strides[k][last];
  int64_t idx[kMaxDims];
  int64_t rem = begin;
  for (int d = last; d >= 0; --d) {
    idx[d] = rem % L.shape[d];
    rem /= L.shape[d];
  }
  int64_t pos = begin;
  while (pos < end) {
    char* p[N];
    for (int k = 0; k < N; ++k) {
      int64_t off = 0;
      for (int d = 0; d <= last; ++d) off += idx[d] * L.strides[k][d];
      p[k] = L.base[k] + off;
    }
    int64_t n = L.shape[last] - idx[last];
    if (n > end - pos) n = end - pos;
    inner(p, inner_strides, n);
    pos += n;
    idx[last] += n;
    for (int d = last; d > 0 && idx[d] >= L.shape[d]; --d) {
      idx[d] = 0;
      ++idx[d - 1];
    }
  }
}

// Runs the loop over all elements, in parallel when large enough. `cost` scales the grain for
// expensive inner bodies (e.g. transcendental functions: pass a cost > 1 to split earlier).
template <int N, class Inner>
void for_each(const Loop<N>& L, Inner&& inner, int64_t cost = 1) {
  if (L.numel == 0) return;
  int64_t grain = kParallelGrain / (cost > 0 ? cost : 1);
  parallel_for(L.numel, grain, [&](int64_t b, int64_t e) { loop_range(L, b, e, inner); });
}

// Typed element access through a byte pointer.
template <class T>
inline T& at(char* p, int64_t byte_offset) {
  return *reinterpret_cast<T*>(p + byte_offset);
}

// out[i] = f(a[i]) over the out shape; `a` broadcast to it. TOut/TA are storage types; f sees and
// returns compute types (float for f16/bf16).
template <class TOut, class TA, class F>
void unary_loop(const KernelArgs& args, F f, int64_t cost = 1) {
  const TensorArg* ops[2] = {&args.out, &args.in[0]};
  auto L = make_loop<2>(args.out.ndim, args.out.shape, ops);
  for_each(L, [&](char* const* p, const int64_t* s, int64_t n) {
    if (s[0] == sizeof(TOut) && s[1] == sizeof(TA)) {
      auto* o = reinterpret_cast<TOut*>(p[0]);
      auto* a = reinterpret_cast<const TA*>(p[1]);
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<TOut>(f(static_cast<compute_t<TA>>(a[i])));
    } else {
      for (int64_t i = 0; i < n; ++i)
        at<TOut>(p[0], i * s[0]) = static_cast<TOut>(f(static_cast<compute_t<TA>>(at<TA>(p[1], i * s[1]))));
    }
  }, cost);
}

// out[i] = f(a[i], b[i]); contiguous and scalar-broadcast runs get loops the compiler vectorises.
template <class TOut, class TA, class TB, class F>
void binary_loop(const KernelArgs& args, F f, int64_t cost = 1) {
  const TensorArg* ops[3] = {&args.out, &args.in[0], &args.in[1]};
  auto L = make_loop<3>(args.out.ndim, args.out.shape, ops);
  using CA = compute_t<TA>;
  using CB = compute_t<TB>;
  for_each(L, [&](char* const* p, const int64_t* s, int64_t n) {
    auto* o = reinterpret_cast<TOut*>(p[0]);
    auto* a = reinterpret_cast<const TA*>(p[1]);
    auto* b = reinterpret_cast<const TB*>(p[2]);
    if (s[0] == sizeof(TOut) && s[1] == sizeof(TA) && s[2] == sizeof(TB)) {
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<TOut>(f(static_cast<CA>(a[i]), static_cast<CB>(b[i])));
    } else if (s[0] == sizeof(TOut) && s[1] == sizeof(TA) && s[2] == 0) {
      const CB bv = static_cast<CB>(b[0]);
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<TOut>(f(static_cast<CA>(a[i]), bv));
    } else if (s[0] == sizeof(TOut) && s[1] == 0 && s[2] == sizeof(TB)) {
      const CA av = static_cast<CA>(a[0]);
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<TOut>(f(av, static_cast<CB>(b[i])));
    } else {
      for (int64_t i = 0; i < n; ++i)
        at<TOut>(p[0], i * s[0]) = static_cast<TOut>(
            f(static_cast<CA>(at<TA>(p[1], i * s[1])), static_cast<CB>(at<TB>(p[2], i * s[2]))));
    }
  }, cost);
}

}  // namespace tfl::cpu
