// Recording of view and shape ops' backward passes (called by core/ops/shape.cpp).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "core/ops/shape.h"
#include "core/tensor.h"

namespace tfl::autograd {

void record_reshape(const Tensor& a, const Tensor& out);
void record_broadcast_to(const Tensor& a, const Tensor& out);
void record_transpose(const Tensor& a, int64_t dim0, int64_t dim1, const Tensor& out);
void record_permute(const Tensor& a, const std::vector<int64_t>& dims, const Tensor& out);
// squeeze (either overload): the gradient is g reshaped back to a's shape.
void record_squeeze(const Tensor& a, const Tensor& out);
void record_unsqueeze(const Tensor& a, int64_t axis, const Tensor& out);
void record_slice(const Tensor& a, int64_t axis, std::optional<int64_t> start, std::optional<int64_t> stop,
                  int64_t step, const Tensor& out);
void record_index(const Tensor& a, const std::vector<IndexSpec>& specs, const Tensor& out);

// The gradient of a view: zeros of `shape` (g's dtype) with g written into view_of(zeros). Recorded
// as op `name` (when g requires grad) with backward view_of(gg), so it is itself differentiable.
Tensor view_backward(const char* name, const Tensor& g, const Shape& shape,
                     const std::function<Tensor(const Tensor&)>& view_of);
// The gradients of slice and index: the op's own view scattered into zeros of the input shape.
Tensor slice_backward(const Tensor& g, const Shape& in_shape, int64_t axis, std::optional<int64_t> start,
                      std::optional<int64_t> stop, int64_t step);
Tensor index_backward(const Tensor& g, const Shape& in_shape, const std::vector<IndexSpec>& specs);

}  // namespace tfl::autograd
