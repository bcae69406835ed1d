// Normalisation layers: BatchNorm1d/2d (running statistics), LayerNorm, RMSNorm, GroupNorm.
#pragma once

#include <optional>

#include "core/nn/module.h"

namespace tfl::nn {

// Note [Batch norm statistics]
// In training (or without running statistics) the input is normalised with the batch mean and the
// biased batch variance over every axis but the channel axis 1. The running statistics then move
// towards the batch: running = (1 - momentum) * running + momentum * batch, using the *unbiased*
// variance (times n / (n - 1)) for running_var, as PyTorch does; momentum nullopt gives the cumulative
// average (momentum = 1 / num_batches_tracked). In eval the running statistics are used instead.
class BatchNorm : public UnaryModule {
 public:
  int64_t num_features() const { return num_features_; }
  const Tensor& weight() const { return weight_; }  // undefined unless affine
  const Tensor& bias() const { return bias_; }
  const Tensor& running_mean() const { return running_mean_; }  // undefined unless track_running_stats
  const Tensor& running_var() const { return running_var_; }
  const Tensor& num_batches_tracked() const { return num_batches_tracked_; }  // i64, 0-d

 protected:
  BatchNorm(const char* type_name, int min_ndim, int max_ndim, int64_t num_features, double eps,
            std::optional<double> momentum, bool affine, bool track_running_stats, DType dtype);
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  int min_ndim_, max_ndim_;
  int64_t num_features_;
  double eps_;
  std::optional<double> momentum_;
  Tensor weight_, bias_, running_mean_, running_var_, num_batches_tracked_;
};

// Input (N, C) or (N, C, L).
class BatchNorm1d : public BatchNorm {
 public:
  explicit BatchNorm1d(int64_t num_features, double eps = 1e-5, std::optional<double> momentum = 0.1,
                       bool affine = true, bool track_running_stats = true, DType dtype = DType::F32)
      : BatchNorm("BatchNorm1d", 2, 3, num_features, eps, momentum, affine, track_running_stats, dtype) {}
};

// Input (N, C, H, W).
class BatchNorm2d : public BatchNorm {
 public:
  explicit BatchNorm2d(int64_t num_features, double eps = 1e-5, std::optional<double> momentum = 0.1,
                       bool affine = true, bool track_running_stats = true, DType dtype = DType::F32)
      : BatchNorm("BatchNorm2d", 4, 4, num_features, eps, momentum, affine, track_running_stats, dtype) {}
};

// Normalises over the trailing axes given by normalized_shape (mean and biased variance), then
// applies weight (ones) and bias (zeros) of that shape when elementwise_affine.
class LayerNorm : public UnaryModule {
 public:
  explicit LayerNorm(Shape normalized_shape, double eps = 1e-5, bool elementwise_affine = true, bool bias = true,
                     DType dtype = DType::F32);
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  Shape shape_;
  double eps_;
  Tensor weight_, bias_;
};

// x / sqrt(mean(x^2) + eps) over the trailing axes given by normalized_shape, times weight (ones).
// eps nullopt uses the machine epsilon of the input's dtype (PyTorch's default).
class RMSNorm : public UnaryModule {
 public:
  explicit RMSNorm(Shape normalized_shape, std::optional<double> eps = std::nullopt, bool elementwise_affine = true,
                   DType dtype = DType::F32);
  const Tensor& weight() const { return weight_; }

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  Shape shape_;
  std::optional<double> eps_;
  Tensor weight_;
};

// Input (N, C, *): the channels are split into num_groups groups, each normalised over its channels
// and all spatial positions; then per-channel weight (ones) and bias (zeros) when affine.
class GroupNorm : public UnaryModule {
 public:
  GroupNorm(int64_t num_groups, int64_t num_channels, double eps = 1e-5, bool affine = true,
            DType dtype = DType::F32);
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  int64_t groups_, channels_;
  double eps_;
  Tensor weight_, bias_;
};

}  // namespace tfl::nn
