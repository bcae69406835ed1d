// Shape ops that return views: reshape, transpose, squeeze, expand, slicing, basic indexing.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/tensor.h"

namespace tfl {

// Every function here returns a tensor over the input's Storage (so it shares the data and the
// version counter) unless its comment says it may copy. Negative axes count from the end.

// `shape` may hold one -1, inferred from the element count. A view when the input's strides allow
// it (see Note [Reshape as a view] in shape.cpp), otherwise a row-major copy.
Tensor reshape(const Tensor& t, const Shape& shape);
// Like reshape but never copies: a ShapeError when the strides do not allow a view.
Tensor view(const Tensor& t, const Shape& shape);

// Swaps two axes.
Tensor transpose(const Tensor& t, int64_t dim0, int64_t dim1);
// Reorders axes: result axis i is input axis dims[i]; dims must be a permutation of the axes.
Tensor permute(const Tensor& t, const std::vector<int64_t>& dims);
// Transposes the last two axes (batched matrix transpose, like PyTorch's Tensor.mT); needs ndim >= 2.
Tensor matrix_transpose(const Tensor& t);

// Drops every size-1 axis.
Tensor squeeze(const Tensor& t);
// Drops the given axes, each of which must have size 1 (an error otherwise, as in NumPy).
Tensor squeeze(const Tensor& t, const std::vector<int64_t>& axes);
// Inserts a size-1 axis so that it becomes axis `axis` of the result (axis in [-ndim-1, ndim]).
Tensor unsqueeze(const Tensor& t, int64_t axis);

// NumPy broadcast_to: `shape` has at least t's rank and every aligned input axis is 1 or equal.
// Broadcast axes get stride 0, so the result must not be written through.
Tensor broadcast_to(const Tensor& t, const Shape& shape);
// PyTorch expand: broadcast_to where -1 in a position aligned with an input axis keeps its size.
Tensor expand(const Tensor& t, const Shape& shape);

// t[start:stop:step] along one axis with Python semantics: omitted bounds (nullopt) default by the
// sign of step, negative bounds count from the end, out-of-range bounds clamp, step != 0.
Tensor slice(const Tensor& t, int64_t axis, std::optional<int64_t> start, std::optional<int64_t> stop,
             int64_t step = 1);

// One entry of a basic (NumPy) index: an integer (drops its axis; negative counts from the end;
// IndexError when out of bounds), a slice, a new axis (inserts size 1), or an ellipsis (stands for
// as many full slices as needed; at most one).
struct IndexSpec {
  enum class Kind : uint8_t { kInteger, kSlice, kNewAxis, kEllipsis };

  IndexSpec(int64_t i) : kind(Kind::kInteger), index(i) {}  // NOLINT: implicit, as in t[0]
  static IndexSpec slice(std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step = 1);
  static IndexSpec all() { return slice(std::nullopt, std::nullopt); }  // ":"
  static IndexSpec new_axis();                                          // None / np.newaxis
  static IndexSpec ellipsis();                                          // ...

  Kind kind;
  int64_t index = 0;                   // kInteger
  std::optional<int64_t> start, stop;  // kSlice
  int64_t step = 1;                    // kSlice

 private:
  explicit IndexSpec(Kind k) : kind(k) {}
};
// t[specs...]: always a view. Axes the specs do not reach are kept whole.
Tensor index(const Tensor& t, const std::vector<IndexSpec>& specs);

// Merges axes start_dim..end_dim (inclusive) into one; a 0-d input becomes shape {1}. May copy, like reshape.
Tensor flatten(const Tensor& t, int64_t start_dim = 0, int64_t end_dim = -1);
// flatten to 1-D (a view when possible, like NumPy ravel).
Tensor ravel(const Tensor& t);

}  // namespace tfl
