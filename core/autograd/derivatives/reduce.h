// Recording of reductions' backward passes (called by core/ops/reduce.cpp).
#pragma once

#include <vector>

#include "core/tensor.h"

namespace tfl::autograd {

void record_sum(const Tensor& a, const std::vector<int64_t>& axes, bool keepdims, const Tensor& out);

}  // namespace tfl::autograd
