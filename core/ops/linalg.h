// Linear algebra ops: matrix products with NumPy semantics.
#pragma once

#include "core/tensor.h"

namespace tfl {

// numpy.matmul: 1-D x 1-D is a dot product (0-d result); a 1-D left operand is a row vector and a 1-D
// right operand a column vector, their added dimension removed from the result; N-D operands are stacks
// of matrices over their last two dimensions, with the leading (batch) dimensions broadcast.
// Operands are promoted (promote_types); bool is a DTypeError, 0-d operands and mismatched inner
// dimensions are ShapeErrors. f32/f64 run on BLAS, f16/bf16 are computed in f32 and rounded back.
Tensor matmul(const Tensor& a, const Tensor& b);

// numpy.dot: a 0-d operand multiplies elementwise; 1-D and 2-D operands behave as matmul; otherwise
// the result sums over the last axis of a and the second-to-last axis of b, with shape
// a.shape[:-1] + b.shape[:-2] + b.shape[-1:] (no broadcasting).
Tensor dot(const Tensor& a, const Tensor& b);

// numpy.outer: both operands are flattened; result[i, j] = a[i] * b[j].
Tensor outer(const Tensor& a, const Tensor& b);

}  // namespace tfl
