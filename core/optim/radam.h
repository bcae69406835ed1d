// RAdam: Adam with the variance of the adaptive learning rate rectified (Liu et al. 2019).
#pragma once

#include "core/optim/optimizer.h"

namespace tfl::optim {

struct RAdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;
};

// PyTorch's rule (torch.optim.RAdam docs) at step t: (decoupled) p *= 1 - lr wd | (else) g += wd p;
// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; mh = m / (1 - b1^t); rho_inf = 2 / (1 - b2) - 1;
// rho_t = rho_inf - 2 t b2^t / (1 - b2^t); if rho_t > 5:
// r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)),
// p -= lr mh r sqrt(1 - b2^t) / (sqrt(v) + eps); else p -= lr mh.
// Hyperparameter names: lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay.
class RAdam : public Optimizer {
 public:
  RAdam(std::vector<Tensor> params, const RAdamOptions& options = {});
  RAdam(std::vector<ParamGroupSpec> groups, const RAdamOptions& options = {});

 protected:
  void validate(const ParamGroup& group) const override;
  std::vector<std::string> buffer_names(const ParamGroup& group) const override;
  void update(const ParamGroup& group, ParamState& state, const Tensor& p, const Tensor& g) override;
};

}  // namespace tfl::optim
