// Helpers shared by backward formulas.
#pragma once

#include "core/tensor.h"

namespace tfl::autograd {

// Sums a gradient of a broadcast result back to the shape of the operand that was broadcast:
// over leading dimensions the operand lacked and over dimensions where it had size 1.
Tensor sum_to(const Tensor& grad, const Shape& shape);

// The gradient converted to the dtype of the input it flows into (inputs of f16/bf16 ops, mixed
// promotion) when they differ.
Tensor grad_like(const Tensor& grad, DType dtype);

}  // namespace tfl::autograd
