// Indexing ops: gather/take/index_select/take_along_axis, scatter_add/index_add, masked_select, one_hot.
// Index tensors are i32 or i64 (else DTypeError). Negative indices count from the end of the indexed
// dimension (Python-style); an index outside [-size, size) is an IndexError naming the op, the value
// and the valid range, raised before anything is written. Data operands may have any dtype and layout.
#pragma once

#include "core/tensor.h"

namespace tfl {

// PyTorch torch.gather: out[i][j][k] = t[index[i][j][k]][j][k] for axis 0, etc. index has t's rank and
// index.size(d) <= t.size(d) for every d != axis; the result has index's shape and t's dtype.
Tensor gather(const Tensor& t, int64_t axis, const Tensor& index);
// NumPy np.take without axis: indexes the flattened (row-major) t; the result has index's shape.
Tensor take(const Tensor& t, const Tensor& index);
// Rows of t along `axis` picked by a 1-D index (repeats allowed); t's shape with axis = index length.
Tensor index_select(const Tensor& t, int64_t axis, const Tensor& index);
// NumPy np.take_along_axis: like gather, but t and indices broadcast against each other on every
// axis other than `axis`; the result's size on `axis` is indices.size(axis).
Tensor take_along_axis(const Tensor& t, const Tensor& indices, int64_t axis);

// PyTorch scatter_add, out of place: a copy of t with out[..index[i]..] += src[i] along `axis` for
// every element i of index (duplicates accumulate). index, t and src have the same rank,
// index.size(d) <= src.size(d) for all d and <= t.size(d) for d != axis; src has t's dtype. f16/bf16
// accumulate in f32 and round once.
Tensor scatter_add(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src);
// In place on t (bumps its version); returns t. GradientError when t or src takes part in autograd.
const Tensor& scatter_add_(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src);
// PyTorch index_add, out of place: out[..., index[j], ...] += alpha * src[..., j, ...] along `axis`.
// index is 1-D; src has t's shape with axis = index length, and t's dtype. For integer (and bool)
// dtypes alpha must be integral (bool: alpha != 0 keeps src, and addition is logical or).
Tensor index_add(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src, double alpha = 1.0);
const Tensor& index_add_(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src,
                         double alpha = 1.0);

// Elements of t where mask (bool) is true, as a 1-D tensor in row-major order of the broadcast of
// t and mask (mask broadcastable to t is the usual case).
Tensor masked_select(const Tensor& t, const Tensor& mask);

// indices (i32/i64, any shape) -> indices.shape + [num_classes] with 1 at each index and 0 elsewhere.
// Class values must lie in [0, num_classes) (negative values are an IndexError, like PyTorch).
Tensor one_hot(const Tensor& indices, int64_t num_classes, DType dtype = DType::I64);

}  // namespace tfl
