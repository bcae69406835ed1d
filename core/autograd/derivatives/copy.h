// Recording of dtype casts' and device copies' backward passes (called by core/ops/copy.cpp).
#pragma once

#include "core/tensor.h"

namespace tfl::autograd {

// to_dtype, and clone / contiguous / cast_if_needed through it: the gradient is cast back to the
// input's dtype. Only float-to-float casts record; an integer or bool result is not differentiable.
void record_to_dtype(const Tensor& t, const Tensor& out);
// to_device: the gradient goes back to the input's device.
void record_to_device(const Tensor& t, const Tensor& out);

}  // namespace tfl::autograd
