// Parameter structs of the indexing and sorting kernels (gather, scatter, masks, one_hot, sort, topk).
#pragma once

#include <cstdint>

#include "core/dispatch.h"

namespace tfl {

// "index_normalize": out (contiguous i64) = in[0] (i32/i64, any layout) with negative values wrapped
// by `size`. Every value is checked first; one outside the valid range throws IndexError naming `op`,
// the value and the range, and nothing has been written to any user-visible tensor by then.
struct IndexNormalizeParams {
  const char* op;       // op named in the error message (a string literal)
  int64_t size;         // length of the indexed dimension
  static constexpr int kFlat = -1;     // axis value: the flattened input (take)
  static constexpr int kClasses = -2;  // axis value: class values of one_hot
  int axis;             // indexed axis, quoted in the message, or kFlat / kClasses
  bool allow_negative;  // false: only [0, size) is valid (one_hot)
};

// "gather": out[i] = in[0][i + in[1][i] * src_axis_stride] over the out shape, where in[0] carries the
// source strides with the indexed axis' stride set to 0 and in[1] the normalized i64 indices (any
// strides, 0 where broadcast). gather, index_select, take and take_along_axis all lower to this.
struct GatherParams {
  int64_t src_axis_stride;  // in elements
};

// "scatter_add": over the iteration shape of in[0] (src) and in[1] (normalized i64 index),
// out[i with coordinate `axis` replaced by in[1][i]] += alpha * in[0][i]. out is a fresh contiguous
// accumulator in the compute dtype; its shape entry on `axis` is ignored (out_axis_stride is used).
// Duplicate indices accumulate; rows (coordinates other than `axis`) are independent and run in parallel.
struct ScatterParams {
  int axis;
  int64_t out_axis_stride;  // in elements
  double alpha;             // 1 for scatter_add; integral for integer dtypes
};

// "one_hot": out (contiguous, shape [n, num_classes] flattened) gets 1 at (i, in[0][i]) and 0 elsewhere.
struct OneHotParams {
  int64_t num_classes;
};

// "sort" and "topk": rows along `axis` of in[0] are ordered and the first k written to out (values,
// storage dtype of in[0]) and to `indices`, the SECOND OUTPUT (i64, positions along `axis`), which a
// kernel cannot receive through KernelArgs::out. Both outputs have in[0]'s shape with `axis` of size k.
// Order: ascending, or descending when `descending`; NaN counts as larger than every number (so it
// sorts last ascending, first descending, like PyTorch). Ties keep their input order (always stable).
struct SortParams {
  int axis;
  int64_t k;        // number of leading elements of each ordered row to write (= row length for sort)
  bool descending;  // sort: descending; topk: largest
  bool sorted;      // topk with sorted=false may leave the k results in any order
  TensorArg indices;
};

}  // namespace tfl
