// Instance normalisation (InstanceNorm1d/2d): per-sample, per-channel statistics over the spatial axes.
#pragma once

#include <optional>

#include "core/nn/module.h"

namespace tfl::nn {

// Note [Instance norm statistics]
// Input (N, C, *spatial) (or unbatched (C, *spatial)). Each (n, c) slice is normalised with its own
// mean and biased variance over the spatial axes: y = (x - mean) / sqrt(var + eps), then per-channel
// weight (ones) and bias (zeros) when affine. PyTorch semantics throughout:
// - the input statistics are used in training, and in eval too unless track_running_stats;
// - with track_running_stats, training moves running_mean / running_var towards the batch average
//   of the per-instance mean / *unbiased* variance (times n / (n - 1), n = spatial size):
//   running = (1 - momentum) * running + momentum * batch; momentum nullopt means 0 (no update, as
//   F.instance_norm is called with momentum 0.0 then); eval mode normalises with the running ones;
//   num_batches_tracked is registered (for state dicts) but, as in PyTorch, never incremented;
// - computing input statistics needs more than one spatial element (ShapeError otherwise);
// - without affine and running statistics the channel count is not checked against num_features
//   (PyTorch only warns); with either it must match.
class InstanceNorm : public UnaryModule {
 public:
  int64_t num_features() const { return num_features_; }
  double eps() const { return eps_; }
  std::optional<double> momentum() const { return momentum_; }
  const Tensor& weight() const { return weight_; }  // undefined unless affine
  const Tensor& bias() const { return bias_; }
  const Tensor& running_mean() const { return running_mean_; }  // undefined unless track_running_stats
  const Tensor& running_var() const { return running_var_; }
  const Tensor& num_batches_tracked() const { return num_batches_tracked_; }  // i64, 0-d

 protected:
  // spatial_dims: 1 for InstanceNorm1d, 2 for InstanceNorm2d. Bad hyperparameters (num_features <= 0,
  // eps < 0, momentum outside [0, 1]) throw LayerConfigError; a non-floating dtype DTypeError.
  InstanceNorm(const char* type_name, int spatial_dims, int64_t num_features, double eps,
               std::optional<double> momentum, bool affine, bool track_running_stats, DType dtype);
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  int spatial_dims_;
  int64_t num_features_;
  double eps_;
  std::optional<double> momentum_;
  Tensor weight_, bias_, running_mean_, running_var_, num_batches_tracked_;
};

// Input (N, C, L) or (C, L).
class InstanceNorm1d : public InstanceNorm {
 public:
  explicit InstanceNorm1d(int64_t num_features, double eps = 1e-5, std::optional<double> momentum = 0.1,
                          bool affine = false, bool track_running_stats = false, DType dtype = DType::F32)
      : InstanceNorm("InstanceNorm1d", 1, num_features, eps, momentum, affine, track_running_stats, dtype) {}
};

// Input (N, C, H, W) or (C, H, W).
class InstanceNorm2d : public InstanceNorm {
 public:
  explicit InstanceNorm2d(int64_t num_features, double eps = 1e-5, std::optional<double> momentum = 0.1,
                          bool affine = false, bool track_running_stats = false, DType dtype = DType::F32)
      : InstanceNorm("InstanceNorm2d", 2, num_features, eps, momentum, affine, track_running_stats, dtype) {}
};

}  // namespace tfl::nn
