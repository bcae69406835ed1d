// RMSprop: gradients scaled by a running root-mean-square, optionally centered and with momentum.
#pragma once

#include "core/optim/optimizer.h"

namespace tfl::optim {

struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;  // smoothing of the squared-gradient average
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;  // divide by the estimated standard deviation instead of the RMS
};

// PyTorch's rule: g += wd p; s = alpha s + (1 - alpha) g^2; (centered) a = alpha a + (1 - alpha) g,
// r = sqrt(s - a^2) + eps, else r = sqrt(s) + eps; (momentum) b = momentum b + g / r, p -= lr b;
// else p -= lr g / r. Hyperparameter names: lr, alpha, eps, weight_decay, momentum, centered.
class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, const RMSpropOptions& options = {});
  RMSprop(std::vector<ParamGroupSpec> groups, const RMSpropOptions& options = {});

 protected:
  void validate(const ParamGroup& group) const override;
  std::vector<std::string> buffer_names(const ParamGroup& group) const override;
  void update(const ParamGroup& group, ParamState& state, const Tensor& p, const Tensor& g) override;
};

}  // namespace tfl::optim
