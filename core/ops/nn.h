// Neural-network ops: softmax, convolution and pooling (PyTorch semantics and argument order).
#pragma once

#include <array>
#include <cstdint>
#include <utility>

#include "core/tensor.h"

namespace tfl {

// A (height, width) pair of sizes, strides, paddings or dilations.
using Size2 = std::array<int64_t, 2>;

// exp(x) / sum(exp(x)) along `axis` (negative counts from the end), computed as exp(x - max) so that
// large inputs do not overflow. Float dtypes only (f16/bf16 are computed in f32); a 0-d input is a
// single-element row.
Tensor softmax(const Tensor& x, int64_t axis = -1);
// log(softmax(x)) as (x - max) - log(sum(exp(x - max))), finite where softmax underflows to 0.
Tensor log_softmax(const Tensor& x, int64_t axis = -1);

// Cross-correlation of input (N, C, H, W) or (C, H, W) with weight (O, C / groups, KH, KW), plus
// bias (O) when defined. Output (N, O, OH, OW) with OH = (H + 2 * padding[0] - dilation[0] * (KH - 1)
// - 1) / stride[0] + 1 (likewise OW). groups == C == O/m is a depthwise convolution. Float dtypes.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(), Size2 stride = {1, 1},
              Size2 padding = {0, 0}, Size2 dilation = {1, 1}, int64_t groups = 1);
// conv2d over one spatial dimension: input (N, C, L) or (C, L), weight (O, C / groups, K).
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(), int64_t stride = 1,
              int64_t padding = 0, int64_t dilation = 1, int64_t groups = 1);

// Maximum over each window of input (N, C, H, W) or (C, H, W), padded with -infinity. stride {0, 0}
// means stride = kernel. padding may be at most half the kernel. NaN propagates. Numeric dtypes.
Tensor max_pool2d(const Tensor& input, Size2 kernel, Size2 stride = {0, 0}, Size2 padding = {0, 0},
                  Size2 dilation = {1, 1});
// Same, plus int64 indices of the maxima as positions h * W + w within each input plane.
std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, Size2 kernel, Size2 stride = {0, 0},
                                                  Size2 padding = {0, 0}, Size2 dilation = {1, 1});
// Mean over each window, zero-padded; the divisor counts the padding when count_include_pad.
// Float dtypes.
Tensor avg_pool2d(const Tensor& input, Size2 kernel, Size2 stride = {0, 0}, Size2 padding = {0, 0},
                  bool count_include_pad = true);
// Mean over the windows [floor(i * H / OH), ceil((i + 1) * H / OH)) (likewise for w) that tile the
// input into output_size cells. Float dtypes.
Tensor adaptive_avg_pool2d(const Tensor& input, Size2 output_size);

}  // namespace tfl
