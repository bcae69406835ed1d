// Recording of view and shape ops' backward passes (called by core/ops/shape.cpp).
#pragma once

#include "core/tensor.h"

namespace tfl::autograd {

void record_reshape(const Tensor& a, const Tensor& out);
void record_broadcast_to(const Tensor& a, const Tensor& out);

}  // namespace tfl::autograd
