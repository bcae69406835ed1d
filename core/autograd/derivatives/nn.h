// Recording of neural-network ops' backward passes (called by core/ops/nn.cpp and core/ops/nn_grad.cpp).
#pragma once

#include <cstdint>

#include "core/ops/nn_grad.h"
#include "core/tensor.h"

namespace tfl::autograd {

void record_softmax(const Tensor& x, int64_t axis, const Tensor& out);
void record_log_softmax(const Tensor& x, int64_t axis, const Tensor& out);
// input (N, C, H, W) or (C, H, W); bias may be undefined.
void record_conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Conv2dSpec& spec,
                   const Tensor& out);
// input (N, C, L) or (C, L); bias may be undefined.
void record_conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, int64_t stride, int64_t padding,
                   int64_t dilation, int64_t groups, const Tensor& out);
// `indices` are max_pool2d_with_indices' positions of the maxima within each input plane.
void record_max_pool2d(const Tensor& input, const Tensor& indices, const Tensor& out);
void record_avg_pool2d(const Tensor& input, Size2 kernel, Size2 stride, Size2 padding, bool count_include_pad,
                       const Tensor& out);
void record_adaptive_avg_pool2d(const Tensor& input, const Tensor& out);

// The backward ops are linear in each operand; their own backward closes over conv2d and the two
// conv gradient ops (and the pools), see Note [conv2d double backward].
void record_conv2d_input_grad(const Tensor& grad_out, const Tensor& weight, const Conv2dSpec& spec, const Tensor& out);
void record_conv2d_weight_grad(const Tensor& input, const Tensor& grad_out, const Conv2dSpec& spec, const Tensor& out);
void record_avg_pool2d_grad(const Tensor& grad_out, Size2 kernel, Size2 stride, Size2 padding, bool count_include_pad,
                            const Tensor& out);
void record_adaptive_avg_pool2d_grad(const Tensor& grad_out, const Tensor& out);

}  // namespace tfl::autograd
