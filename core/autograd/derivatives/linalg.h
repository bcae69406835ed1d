// Recording of matrix products' backward passes (called by core/ops/linalg.cpp).
#pragma once

#include "core/tensor.h"

namespace tfl::autograd {

// matmul, and dot where it has matmul's semantics (`name` is "matmul" or "dot").
void record_matmul(const char* name, const Tensor& a, const Tensor& b, const Tensor& out);
// dot with b of rank > 2: a contraction of a's last axis with b's second-to-last.
void record_dot_contraction(const Tensor& a, const Tensor& b, const Tensor& out);
void record_outer(const Tensor& a, const Tensor& b, const Tensor& out);

}  // namespace tfl::autograd
