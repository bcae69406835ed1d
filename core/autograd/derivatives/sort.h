// Recording of sort/topk backward passes (called by core/ops/sort.cpp).
#pragma once

#include "core/tensor.h"

namespace tfl::autograd {

// `op` is "sort" or "topk". Only the values are differentiable; the i64 indices are saved to route
// the gradient back to the positions the values came from.
void record_sort(const char* op, const Tensor& t, int64_t axis, const Tensor& values, const Tensor& indices);

}  // namespace tfl::autograd
