// Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d (no parameters).
#pragma once

#include "core/nn/module.h"
#include "core/ops/nn.h"

namespace tfl::nn {

// stride {0, 0} means stride = kernel_size (PyTorch's default).
class MaxPool2d : public UnaryModule {
 public:
  explicit MaxPool2d(Size2 kernel_size, Size2 stride = {0, 0}, Size2 padding = {0, 0}, Size2 dilation = {1, 1});

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  Size2 kernel_, stride_, padding_, dilation_;
};

class AvgPool2d : public UnaryModule {
 public:
  explicit AvgPool2d(Size2 kernel_size, Size2 stride = {0, 0}, Size2 padding = {0, 0},
                     bool count_include_pad = true);

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  Size2 kernel_, stride_, padding_;
  bool count_include_pad_;
};

class AdaptiveAvgPool2d : public UnaryModule {
 public:
  explicit AdaptiveAvgPool2d(Size2 output_size);

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  Size2 output_size_;
};

}  // namespace tfl::nn
