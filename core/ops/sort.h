// Sorting ops: sort, argsort, topk along one axis, returning values and i64 positions.
// NaN counts as larger than every number: last in ascending order, first in descending order and
// among the largest for topk (NumPy's ascending order, PyTorch's everywhere). Equal elements keep
// their input order, so every result is stable and deterministic (`stable` is accepted for API
// compatibility and always honoured). Any dtype; bool sorts false before true.
#pragma once

#include "core/tensor.h"

namespace tfl {

struct SortResult {
  Tensor values;   // t's dtype, contiguous
  Tensor indices;  // i64 positions along the axis, same shape as values
};

// A 0-d t is treated as one element (axis must be 0 or -1).
SortResult sort(const Tensor& t, int64_t axis = -1, bool descending = false, bool stable = false);
Tensor argsort(const Tensor& t, int64_t axis = -1, bool descending = false, bool stable = false);
// The k largest (or smallest) elements along axis; values and indices have t's shape with axis = k.
// sorted=false allows any order of the k results. k outside [0, size(axis)] is an InvalidArgumentError.
SortResult topk(const Tensor& t, int64_t k, int64_t axis = -1, bool largest = true, bool sorted = true);

}  // namespace tfl
