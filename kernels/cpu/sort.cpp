// CPU kernels of sorting: sort (full rows) and topk (the first k of each ordered row).
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"
#include "kernels/params_indexing.h"

namespace tfl::cpu {
namespace {

template <class C>
inline bool is_nan(C v) {
  if constexpr (std::is_floating_point_v<C>) return std::isnan(v);
  else return false;
}

// Strict weak order on (value, position) pairs without NaN: by value, ties by position. The
// position tie-break makes plain std::sort stable and its results deterministic.
template <class C, bool kDescending>
struct Before {
  bool operator()(const std::pair<C, int64_t>& x, const std::pair<C, int64_t>& y) const {
    if (x.first != y.first) return kDescending ? y.first < x.first : x.first < y.first;
    return x.second < y.second;
  }
};

// Puts the first k elements of [first, last) in order (all of them when k >= the range length).
template <class It, class Cmp>
void order_prefix(It first, It last, int64_t k, bool sorted, Cmp cmp) {
  const int64_t len = last - first;
  if (k <= 0 || len <= 1) return;
  if (k >= len) std::sort(first, last, cmp);
  else if (sorted) std::partial_sort(first, first + k, last, cmp);
  else std::nth_element(first, first + k, last, cmp);
}

// Element offset of row `row` (a linear index over every dimension but `axis`) for one operand.
inline int64_t row_offset(int64_t row, int ndim, const int64_t* shape, const int64_t* strides, int axis) {
  int64_t off = 0;
  for (int d = ndim - 1; d >= 0; --d) {
    if (d == axis) continue;
    off += (row % shape[d]) * strides[d];
    row /= shape[d];
  }
  return off;
}

template <class T, bool kDescending>
void order_rows(const KernelArgs& args) {
  using C = compute_t<T>;
  const auto& p = *static_cast<const SortParams*>(args.params);
  const TensorArg& in = args.in[0];
  const TensorArg& vals = args.out;
  const TensorArg& idx = p.indices;
  const int axis = p.axis, nd = in.ndim;
  const int64_t n = in.shape[axis], k = p.k;
  int64_t rows = 1;
  for (int d = 0; d < nd; ++d)
    if (d != axis) rows *= in.shape[d];
  if (rows == 0 || k == 0) return;
  const int64_t sin = in.strides[axis], sv = vals.strides[axis], si = idx.strides[axis];
  // A row costs about n log n comparisons; give each chunk enough of them to pay for a task.
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / (n * 8 + 1));
  parallel_for(rows, grain, [&](int64_t b, int64_t e) {
    std::vector<std::pair<C, int64_t>> buf(static_cast<size_t>(n));
    const Before<C, kDescending> before;
    for (int64_t r = b; r < e; ++r) {
      const T* src = reinterpret_cast<const T*>(in.data) + row_offset(r, nd, in.shape, in.strides, axis);
      T* vo = reinterpret_cast<T*>(vals.data) + row_offset(r, nd, vals.shape, vals.strides, axis);
      int64_t* io = reinterpret_cast<int64_t*>(idx.data) + row_offset(r, nd, idx.shape, idx.strides, axis);
      // NaN is larger than every number: NaNs go to the end (ascending) or the front (descending), in
      // input order, and only the numbers are sorted, with a comparator free of NaN tests.
      int64_t nan_count = 0;
      if constexpr (std::is_floating_point_v<C>) {
        for (int64_t j = 0; j < n; ++j) nan_count += is_nan(static_cast<C>(src[j * sin])) ? 1 : 0;
      }
      int64_t num_at = kDescending ? nan_count : 0, nan_at = kDescending ? 0 : n - nan_count;
      for (int64_t j = 0; j < n; ++j) {
        const C v = static_cast<C>(src[j * sin]);
        buf[static_cast<size_t>(is_nan(v) ? nan_at++ : num_at++)] = {v, j};
      }
      auto nums = buf.begin() + (kDescending ? nan_count : 0);
      order_prefix(nums, nums + (n - nan_count), kDescending ? k - nan_count : k, p.sorted, before);
      for (int64_t j = 0; j < k; ++j) {
        const int64_t pos = buf[static_cast<size_t>(j)].second;
        vo[j * sv] = src[pos * sin];  // copy the stored value, bit for bit (keeps NaN payloads)
        io[j * si] = pos;
      }
    }
  });
}

template <class T>
void order_kernel(const KernelArgs& args) {
  if (static_cast<const SortParams*>(args.params)->descending) order_rows<T, true>(args);
  else order_rows<T, false>(args);
}

}  // namespace

TFL_REGISTER_CPU_ALL(sort, order_kernel);
TFL_REGISTER_CPU_ALL(topk, order_kernel);

}  // namespace tfl::cpu
