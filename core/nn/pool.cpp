// Pooling layers over the pooling ops (which validate windows and inputs).
#include "core/nn/pool.h"

#include <string>

#include "core/error.h"

namespace tfl::nn {
namespace {
std::string pair_str(Size2 s) { return "(" + std::to_string(s[0]) + ", " + std::to_string(s[1]) + ")"; }
Size2 default_stride(Size2 stride, Size2 kernel) { return stride[0] == 0 && stride[1] == 0 ? kernel : stride; }
void check_window(const char* op, Size2 kernel, Size2 stride, Size2 padding) {
  for (int i = 0; i < 2; ++i) {
    if (kernel[i] <= 0) TFL_THROW(LayerConfigError, op, "kernel_size must be positive, got ", pair_str(kernel));
    if (stride[i] < 0) TFL_THROW(LayerConfigError, op, "stride must be >= 0, got ", pair_str(stride));
    if (padding[i] < 0) TFL_THROW(LayerConfigError, op, "padding must be >= 0, got ", pair_str(padding));
  }
}
}  // namespace

MaxPool2d::MaxPool2d(Size2 kernel_size, Size2 stride, Size2 padding, Size2 dilation)
    : UnaryModule("MaxPool2d"),
      kernel_(kernel_size),
      stride_(default_stride(stride, kernel_size)),
      padding_(padding),
      dilation_(dilation) {
  check_window("MaxPool2d", kernel_size, stride, padding);
}

Tensor MaxPool2d::forward_one(const Tensor& x) { return max_pool2d(x, kernel_, stride_, padding_, dilation_); }

std::string MaxPool2d::extra_repr() const {
  return "kernel_size=" + pair_str(kernel_) + ", stride=" + pair_str(stride_) + ", padding=" + pair_str(padding_) +
         ", dilation=" + pair_str(dilation_);
}

AvgPool2d::AvgPool2d(Size2 kernel_size, Size2 stride, Size2 padding, bool count_include_pad)
    : UnaryModule("AvgPool2d"),
      kernel_(kernel_size),
      stride_(default_stride(stride, kernel_size)),
      padding_(padding),
      count_include_pad_(count_include_pad) {
  check_window("AvgPool2d", kernel_size, stride, padding);
}

Tensor AvgPool2d::forward_one(const Tensor& x) {
  return avg_pool2d(x, kernel_, stride_, padding_, count_include_pad_);
}

std::string AvgPool2d::extra_repr() const {
  return "kernel_size=" + pair_str(kernel_) + ", stride=" + pair_str(stride_) + ", padding=" + pair_str(padding_);
}

AdaptiveAvgPool2d::AdaptiveAvgPool2d(Size2 output_size) : UnaryModule("AdaptiveAvgPool2d"), output_size_(output_size) {
  if (output_size[0] <= 0 || output_size[1] <= 0)
    TFL_THROW(LayerConfigError, "AdaptiveAvgPool2d", "output_size must be positive, got ", pair_str(output_size));
}

Tensor AdaptiveAvgPool2d::forward_one(const Tensor& x) { return adaptive_avg_pool2d(x, output_size_); }

std::string AdaptiveAvgPool2d::extra_repr() const { return "output_size=" + pair_str(output_size_); }

}  // namespace tfl::nn
