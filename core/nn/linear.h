// Linear (dense) layer: y = x W^T + b.
#pragma once

#include "core/nn/module.h"
#include "core/rng.h"

namespace tfl::nn {

// Input (*, in_features) -> (*, out_features). weight (out_features, in_features), bias
// (out_features), initialised like PyTorch (see init::default_linear_init) from `gen`
// (default_generator() when null).
class Linear : public UnaryModule {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true, DType dtype = DType::F32,
         Generator* gen = nullptr);
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }  // undefined without bias
  int64_t in_features() const { return in_; }
  int64_t out_features() const { return out_; }

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  int64_t in_, out_;
  Tensor weight_, bias_;
};

}  // namespace tfl::nn
