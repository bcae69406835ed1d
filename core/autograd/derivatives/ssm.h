// Recording of the selective scan's backward pass (called by core/ops/ssm.cpp).
#pragma once

#include "core/tensor.h"

namespace tfl::autograd {

// D may be undefined (no skip term); it then gets no gradient.
void record_selective_scan(const Tensor& u, const Tensor& delta, const Tensor& A, const Tensor& B, const Tensor& C,
                           const Tensor& D, const Tensor& out);

}  // namespace tfl::autograd
