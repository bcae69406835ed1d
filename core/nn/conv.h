// Convolution layers: Conv1d and Conv2d (cross-correlation, zero padding, groups, dilation).
#pragma once

#include "core/nn/module.h"
#include "core/ops/nn.h"
#include "core/rng.h"

namespace tfl::nn {

// Input (N, C_in, L) or (C_in, L); weight (C_out, C_in / groups, K); bias (C_out). C_in and C_out
// must be divisible by groups. PyTorch's default initialisation from `gen`.
class Conv1d : public UnaryModule {
 public:
  Conv1d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride = 1, int64_t padding = 0,
         int64_t dilation = 1, int64_t groups = 1, bool bias = true, DType dtype = DType::F32,
         Generator* gen = nullptr);
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  int64_t in_, out_, kernel_, stride_, padding_, dilation_, groups_;
  Tensor weight_, bias_;
};

// Input (N, C_in, H, W) or (C_in, H, W); weight (C_out, C_in / groups, KH, KW); bias (C_out).
class Conv2d : public UnaryModule {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, Size2 kernel_size, Size2 stride = {1, 1},
         Size2 padding = {0, 0}, Size2 dilation = {1, 1}, int64_t groups = 1, bool bias = true,
         DType dtype = DType::F32, Generator* gen = nullptr);
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  int64_t in_, out_;
  Size2 kernel_, stride_, padding_, dilation_;
  int64_t groups_;
  Tensor weight_, bias_;
};

}  // namespace tfl::nn
