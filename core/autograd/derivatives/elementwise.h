// Recording of elementwise ops' backward passes (called by core/ops/elementwise.cpp).
#pragma once

#include "core/tensor.h"

namespace tfl::autograd {

void record_add(const Tensor& a, const Tensor& b, const Tensor& out);
void record_sub(const Tensor& a, const Tensor& b, const Tensor& out);
void record_mul(const Tensor& a, const Tensor& b, const Tensor& out);
void record_div(const Tensor& a, const Tensor& b, const Tensor& out);
void record_neg(const Tensor& a, const Tensor& out);
void record_exp(const Tensor& a, const Tensor& out);

}  // namespace tfl::autograd
