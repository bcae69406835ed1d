// Parameter structs of the neural-network ops (softmax, convolution, pooling), shared by ops and kernels.
#pragma once

#include <cstdint>

namespace tfl {

// softmax / log_softmax over the middle axis of an (outer, len, inner) row-major view of the input.
struct SoftmaxParams {
  int64_t outer;
  int64_t len;
  int64_t inner;
};

// 2-D convolution of a contiguous (N, C, H, W) input with a contiguous (O, C/groups, KH, KW) weight
// into a contiguous (N, O, OH, OW) output. in[2] is the bias (O) when has_bias.
struct Conv2dParams {
  int64_t stride[2];
  int64_t padding[2];
  int64_t dilation[2];
  int64_t groups;
  bool has_bias;
};

// Windowed 2-D pooling of a contiguous (planes, H, W) input into a contiguous (planes, OH, OW) output.
struct Pool2dParams {
  int64_t kernel[2];
  int64_t stride[2];
  int64_t padding[2];
  int64_t dilation[2];     // max_pool2d only
  bool count_include_pad;  // avg_pool2d only
  // max_pool2d only, may be null: a second contiguous (planes, OH, OW) output receiving the position
  // h * W + w of each maximum within its plane (PyTorch's return_indices convention).
  int64_t* indices;
};

}  // namespace tfl
