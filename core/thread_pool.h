// The one intra-op thread pool.
#pragma once

#include <cstdint>
#include <utility>

namespace tfl {

// Number of threads ops may use (the caller included). Defaults to the number of cores.
int num_threads();
// Resizes the pool (n >= 1) and tells OpenBLAS to use the same count, so the two never oversubscribe.
void set_num_threads(int n);

namespace detail {
using RangeFn = void (*)(void* ctx, int64_t begin, int64_t end);
void parallel_for_impl(int64_t n, int64_t grain, RangeFn fn, void* ctx);
}  // namespace detail

// Runs f(begin, end) over [0, n) in chunks of at least `grain` elements, on the pool when n exceeds
// grain and more than one thread is configured, serially otherwise. Calls from inside a pool task run
// serially (no nested parallelism). Chunks are a pure function of n, grain and the thread count.
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  if (n <= grain) {
    f(int64_t{0}, n);
    return;
  }
  using Fn = std::remove_reference_t<F>;
  detail::parallel_for_impl(
      n, grain, [](void* ctx, int64_t b, int64_t e) { (*static_cast<Fn*>(ctx))(b, e); },
      const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace tfl
