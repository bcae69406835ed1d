// AdaBelief: Adam whose step size adapts to the "belief" in the gradient, the EMA of (g - m)^2.
#pragma once

#include "core/optim/optimizer.h"

namespace tfl::optim {

struct AdaBeliefOptions {
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-16;  // the reference implementation's default
  double weight_decay = 0.0;
  bool amsgrad = false;
  bool decoupled_weight_decay = true;  // AdamW-style decay (the reference's weight_decouple)
};

// Zhuang et al. 2020, Algorithm 2, as in the authors' adabelief-pytorch (rectify off) at step t:
// (decoupled) p *= 1 - lr wd | (else) g += wd p; m = b1 m + (1 - b1) g; s = b2 s + (1 - b2) (g - m)^2 + eps;
// (amsgrad) smax = max(smax, s) used for s; p -= lr / (1 - b1^t) m / (sqrt(s) / sqrt(1 - b2^t) + eps).
// Hyperparameter names: lr, beta1, beta2, eps, weight_decay, amsgrad, decoupled_weight_decay.
class AdaBelief : public Optimizer {
 public:
  AdaBelief(std::vector<Tensor> params, const AdaBeliefOptions& options = {});
  AdaBelief(std::vector<ParamGroupSpec> groups, const AdaBeliefOptions& options = {});

 protected:
  void validate(const ParamGroup& group) const override;
  std::vector<std::string> buffer_names(const ParamGroup& group) const override;
  void update(const ParamGroup& group, ParamState& state, const Tensor& p, const Tensor& g) override;
};

}  // namespace tfl::optim
