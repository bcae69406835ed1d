// Recording of reductions' and scans' backward passes (called by core/ops/reduce.cpp).
#pragma once

#include <vector>

#include "core/tensor.h"

namespace tfl::autograd {

// g, the gradient of a reduction of a tensor of shape in_shape over `axes` (empty = all), broadcast
// back to in_shape (the reduced axes reinserted when !keepdims).
Tensor expand_reduced(const Tensor& g, const Shape& in_shape, const std::vector<int64_t>& axes, bool keepdims);

void record_sum(const Tensor& a, const std::vector<int64_t>& axes, bool keepdims, const Tensor& out);
void record_mean(const Tensor& a, const std::vector<int64_t>& axes, bool keepdims, const Tensor& out);
void record_prod(const Tensor& a, const std::vector<int64_t>& axes, bool keepdims, const Tensor& out);
// `name` is "max" or "min": the gradient is split evenly among the elements equal to the extremum.
void record_extremum(const char* name, const Tensor& a, const std::vector<int64_t>& axes, bool keepdims,
                     const Tensor& out);
void record_var(const Tensor& a, const std::vector<int64_t>& axes, double correction, bool keepdims,
                const Tensor& out);
void record_std(const Tensor& a, const std::vector<int64_t>& axes, double correction, bool keepdims,
                const Tensor& out);
void record_logsumexp(const Tensor& a, const std::vector<int64_t>& axes, bool keepdims, const Tensor& out);
void record_cumsum(const Tensor& a, int64_t axis, const Tensor& out);
void record_cumprod(const Tensor& a, int64_t axis, const Tensor& out);

}  // namespace tfl::autograd
