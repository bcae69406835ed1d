// Backward ops of convolution and average pooling: the adjoints of conv2d (w.r.t. input and weight)
// and of avg_pool2d / adaptive_avg_pool2d. They are ops of their own (with kernels) so that their own
// backward can be recorded too (higher-order gradients).
#pragma once

#include <cstdint>

#include "core/ops/nn.h"
#include "core/tensor.h"

namespace tfl {

// The hyper-parameters of a 2-D convolution.
struct Conv2dSpec {
  Size2 stride{1, 1};
  Size2 padding{0, 0};
  Size2 dilation{1, 1};
  int64_t groups = 1;
};

// The gradient of conv2d w.r.t. its (N, C, H, W) input of shape input_shape, given grad_out
// (N, O, OH, OW) and weight (O, C / groups, KH, KW): a transposed convolution. Float dtypes.
Tensor conv2d_input_grad(const Tensor& grad_out, const Tensor& weight, const Shape& input_shape,
                         const Conv2dSpec& spec);
// The gradient of conv2d w.r.t. its weight of shape weight_shape (O, C / groups, KH, KW), given the
// input (N, C, H, W) and grad_out (N, O, OH, OW). Float dtypes.
Tensor conv2d_weight_grad(const Tensor& input, const Tensor& grad_out, const Shape& weight_shape,
                          const Conv2dSpec& spec);
// The gradient of avg_pool2d w.r.t. its (N, C, H, W) or (C, H, W) input of shape input_shape, given
// grad_out of the pool's output shape. Arguments as for avg_pool2d.
Tensor avg_pool2d_grad(const Tensor& grad_out, const Shape& input_shape, Size2 kernel, Size2 stride = {0, 0},
                       Size2 padding = {0, 0}, bool count_include_pad = true);
// The gradient of adaptive_avg_pool2d w.r.t. its input of shape input_shape; the output size is
// grad_out's last two dimensions.
Tensor adaptive_avg_pool2d_grad(const Tensor& grad_out, const Shape& input_shape);

}  // namespace tfl
