// The CPU reduction engine: splits the input into kept and reduced dimensions, walks both in strided
// runs and drives a Reducer (init/push/run/combine/finalize) serially or over the thread pool.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "core/dispatch.h"
#include "core/thread_pool.h"
#include "kernels/params_reduce.h"

namespace tfl::cpu {

// Elements per pool chunk below which splitting costs more than it saves.
constexpr int64_t kReduceGrain = 32768;
// Kept outputs processed together by the row-accumulating ("vertical") strategy: wide enough that
// each row is read as one long stream (narrow tiles revisit every page once per tile: TLB misses).
constexpr int64_t kVerticalTile = 4096;

// Kept and reduced dimensions with strides in bytes; size-1 dimensions dropped, mergeable ones merged.
struct ReduceGeom {
  int nk = 0, nr = 0;
  int64_t k_shape[kMaxDims], k_in[kMaxDims], k_out[kMaxDims];
  int64_t r_shape[kMaxDims], r_in[kMaxDims];  // innermost (smallest stride unless keep_order) last
  const char* in = nullptr;
  char* out = nullptr;
  int64_t n_keep = 1, n_red = 1;
};

// Reads the reduced axes from ReduceParams. Without keep_order the reduced dims are permuted so the
// smallest stride is innermost and negative strides are flipped (order only changes rounding); with
// keep_order (arg reductions) the reduced index stays the row-major index of the logical dims.
inline ReduceGeom make_reduce_geom(const KernelArgs& a, uint32_t mask, bool keep_order) {
  ReduceGeom g;
  const TensorArg& in = a.in[0];
  const int64_t isz = static_cast<int64_t>(dtype_size(in.dtype));
  const int64_t osz = static_cast<int64_t>(dtype_size(a.out.dtype));
  g.in = in.data;
  g.out = a.out.data;
  int64_t rs[kMaxDims], rst[kMaxDims];
  int nr = 0;
  for (int d = 0; d < in.ndim; ++d) {
    const int64_t n = in.shape[d];
    if ((mask >> d) & 1u) {
      g.n_red *= n;
      if (n == 1) continue;
      int64_t st = in.strides[d] * isz;
      if (!keep_order && st < 0 && n > 1) {
        g.in += st * (n - 1);
        st = -st;
      }
      rs[nr] = n;
      rst[nr] = st;
      ++nr;
    } else {
      g.n_keep *= n;
      if (n == 1) continue;
      g.k_shape[g.nk] = n;
      g.k_in[g.nk] = in.strides[d] * isz;
      g.k_out[g.nk] = a.out.strides[d] * osz;
      ++g.nk;
    }
  }
  if (!keep_order) {  // stable insertion sort by stride, largest first
    for (int i = 1; i < nr; ++i)
      for (int j = i; j > 0 && rst[j - 1] < rst[j]; --j) {
        std::swap(rst[j - 1], rst[j]);
        std::swap(rs[j - 1], rs[j]);
      }
  }
  for (int d = 0; d < nr; ++d) {
    if (g.nr > 0 && g.r_in[g.nr - 1] == rst[d] * rs[d]) {
      g.r_shape[g.nr - 1] *= rs[d];
      g.r_in[g.nr - 1] = rst[d];
      continue;
    }
    g.r_shape[g.nr] = rs[d];
    g.r_in[g.nr] = rst[d];
    ++g.nr;
  }
  int merged = 0;
  for (int d = 0; d < g.nk; ++d) {
    if (merged > 0 && g.k_in[merged - 1] == g.k_in[d] * g.k_shape[d] &&
        g.k_out[merged - 1] == g.k_out[d] * g.k_shape[d]) {
      g.k_shape[merged - 1] *= g.k_shape[d];
      g.k_in[merged - 1] = g.k_in[d];
      g.k_out[merged - 1] = g.k_out[d];
      continue;
    }
    g.k_shape[merged] = g.k_shape[d];
    g.k_in[merged] = g.k_in[d];
    g.k_out[merged] = g.k_out[d];
    ++merged;
  }
  g.nk = merged;
  return g;
}

// Calls f(const char* p, int64_t n, int64_t stride_bytes, int64_t index) for each run of the reduced
// linear range [b, e) starting at `base`; index is the reduced linear index of the run's first element.
template <class F>
void for_reduced_runs(const ReduceGeom& g, const char* base, int64_t b, int64_t e, F&& f) {
  if (b >= e) return;
  if (g.nr == 0) {
    f(base, int64_t{1}, int64_t{0}, b);
    return;
  }
  const int last = g.nr - 1;
  int64_t idx[kMaxDims];
  int64_t rem = b;
  for (int d = last; d >= 0; --d) {
    idx[d] = rem % g.r_shape[d];
    rem /= g.r_shape[d];
  }
  for (int64_t pos = b; pos < e;) {
    int64_t off = 0;
    for (int d = 0; d <= last; ++d) off += idx[d] * g.r_in[d];
    int64_t n = std::min(g.r_shape[last] - idx[last], e - pos);
    f(base + off, n, g.r_in[last], pos);
    pos += n;
    idx[last] += n;
    for (int d = last; d > 0 && idx[d] >= g.r_shape[d]; --d) {
      idx[d] = 0;
      ++idx[d - 1];
    }
  }
}

// Calls f(const char* in, char* out, int64_t n, int64_t in_stride, int64_t out_stride, int64_t index)
// for each run of the kept linear range [b, e).
template <class F>
void for_kept_runs(const ReduceGeom& g, int64_t b, int64_t e, F&& f) {
  if (b >= e) return;
  if (g.nk == 0) {
    f(g.in, g.out, int64_t{1}, int64_t{0}, int64_t{0}, b);
    return;
  }
  const int last = g.nk - 1;
  int64_t idx[kMaxDims];
  int64_t rem = b;
  for (int d = last; d >= 0; --d) {
    idx[d] = rem % g.k_shape[d];
    rem /= g.k_shape[d];
  }
  for (int64_t pos = b; pos < e;) {
    int64_t ioff = 0, ooff = 0;
    for (int d = 0; d <= last; ++d) {
      ioff += idx[d] * g.k_in[d];
      ooff += idx[d] * g.k_out[d];
    }
    int64_t n = std::min(g.k_shape[last] - idx[last], e - pos);
    f(g.in + ioff, g.out + ooff, n, g.k_in[last], g.k_out[last], pos);
    pos += n;
    idx[last] += n;
    for (int d = last; d > 0 && idx[d] >= g.k_shape[d]; --d) {
      idx[d] = 0;
      ++idx[d - 1];
    }
  }
}

// Accumulates the reduced range [rb, re) of kept outputs [kb, ke) into acc[0 .. ke - kb).
// When the kept innermost dim is contiguous and the reduced one is not (e.g. a sum over axis 0 of a
// row-major matrix), whole rows are pushed into a tile of accumulators, a loop the compiler vectorises;
// otherwise each output reduces its own runs with Reducer::run.
template <class R>
void reduce_accumulate(const ReduceGeom& g, const R& r, int64_t kb, int64_t ke, int64_t rb, int64_t re,
                       typename R::Acc* acc) {
  using In = typename R::In;
  using Acc = typename R::Acc;
  constexpr int64_t isz = sizeof(In);
  const bool vertical = g.nk > 0 && g.nr > 0 && g.k_in[g.nk - 1] == isz && g.r_in[g.nr - 1] != isz;
  for_kept_runs(g, kb, ke, [&](const char* ip, char*, int64_t n, int64_t is, int64_t, int64_t lin) {
    Acc* ac = acc + (lin - kb);
    if (vertical && is == isz) {
      for (int64_t t0 = 0; t0 < n; t0 += kVerticalTile) {
        const int64_t w = std::min(kVerticalTile, n - t0);
        Acc* tile = ac + t0;
        for_reduced_runs(g, ip + t0 * isz, rb, re, [&](const char* rp, int64_t rn, int64_t rs, int64_t ridx) {
          for (int64_t u = 0; u < rn; ++u) {
            const In* row = reinterpret_cast<const In*>(rp + u * rs);
            const int64_t at = ridx + u;
            for (int64_t j = 0; j < w; ++j) r.push(tile[j], row[j], at);
          }
        });
      }
      return;
    }
    for (int64_t t = 0; t < n; ++t) {
      Acc& A = ac[t];
      for_reduced_runs(g, ip + t * is, rb, re, [&](const char* rp, int64_t rn, int64_t rs, int64_t ridx) {
        r.run(A, reinterpret_cast<const In*>(rp), rn, rs / isz, ridx);
      });
    }
  });
}

// A heap array of accumulator states (std::vector<bool> would not give a pointer for bool states).
template <class Acc>
class AccBuffer {
 public:
  AccBuffer(int64_t n, const Acc& init) : p_(new Acc[static_cast<size_t>(n)]) { std::fill(p_.get(), p_.get() + n, init); }
  Acc* data() { return p_.get(); }

 private:
  std::unique_ptr<Acc[]> p_;
};

// Runs reducer r over the kernel arguments. With few outputs and a long reduction the reduced range
// is split across the pool into partial states combined in a fixed order, so results do not depend
// on scheduling; otherwise the outputs are split.
template <class R>
void reduce_kernel(const KernelArgs& a, const R& r, bool keep_order = false) {
  using Acc = typename R::Acc;
  using Out = typename R::Out;
  const auto* params = static_cast<const ReduceParams*>(a.params);
  const ReduceGeom g = make_reduce_geom(a, params->axes_mask, keep_order);
  if (g.n_keep == 0) return;
  auto write = [&](int64_t kb, int64_t ke, const Acc* acc) {
    for_kept_runs(g, kb, ke, [&](const char*, char* op, int64_t n, int64_t, int64_t os, int64_t lin) {
      for (int64_t t = 0; t < n; ++t)
        *reinterpret_cast<Out*>(op + t * os) = r.finalize(acc[lin - kb + t], g.n_red);
    });
  };
  const int64_t threads = num_threads();
  if (threads > 1 && g.n_keep < 4 * threads && g.n_red >= 2 * kReduceGrain) {
    const int64_t chunks = std::min<int64_t>(threads, g.n_red / kReduceGrain);
    AccBuffer<Acc> part(chunks * g.n_keep, r.init());
    parallel_for(chunks, 1, [&](int64_t cb, int64_t ce) {
      for (int64_t c = cb; c < ce; ++c)
        reduce_accumulate(g, r, 0, g.n_keep, g.n_red * c / chunks, g.n_red * (c + 1) / chunks,
                          part.data() + c * g.n_keep);
    });
    for (int64_t c = 1; c < chunks; ++c)
      for (int64_t k = 0; k < g.n_keep; ++k) r.combine(part.data()[k], part.data()[c * g.n_keep + k]);
    write(0, g.n_keep, part.data());
    return;
  }
  const int64_t grain = std::max<int64_t>(1, kReduceGrain / std::max<int64_t>(1, g.n_red));
  parallel_for(g.n_keep, grain, [&](int64_t kb, int64_t ke) {
    AccBuffer<Acc> acc(ke - kb, r.init());
    if (g.n_red > 0) reduce_accumulate(g, r, kb, ke, 0, g.n_red, acc.data());
    write(kb, ke, acc.data());
  });
}

// Reduces a contiguous or strided run by push, the fallback for reducers without a faster path.
template <class R, class Acc, class In>
inline void run_by_push(const R& r, Acc& acc, const In* p, int64_t n, int64_t s, int64_t idx0) {
  for (int64_t i = 0; i < n; ++i) r.push(acc, p[i * s], idx0 + i);
}

}  // namespace tfl::cpu
