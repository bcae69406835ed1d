// NAdam: Adam with Nesterov momentum and Dozat's momentum schedule.
#pragma once

#include "core/optim/optimizer.h"

namespace tfl::optim {

struct NAdamOptions {
  double lr = 2e-3;
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum_decay = 4e-3;  // psi of the schedule mu_t = b1 (1 - 0.5 * 0.96^(t psi))
  bool decoupled_weight_decay = false;
};

// PyTorch's rule (torch.optim.NAdam docs) at step t: (decoupled) p *= 1 - lr wd | (else) g += wd p;
// mu_t = b1 (1 - 0.5 * 0.96^(t psi)); mu_{t+1} likewise; P_t = mu_1 ... mu_t (kept per parameter as
// the scalar state "mu_product"); m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// p -= lr [(1 - mu_t) / (1 - P_t) g + mu_{t+1} / (1 - P_t mu_{t+1}) m] / (sqrt(v / (1 - b2^t)) + eps).
// Hyperparameter names: lr, beta1, beta2, eps, weight_decay, momentum_decay, decoupled_weight_decay.
class NAdam : public Optimizer {
 public:
  NAdam(std::vector<Tensor> params, const NAdamOptions& options = {});
  NAdam(std::vector<ParamGroupSpec> groups, const NAdamOptions& options = {});

 protected:
  void validate(const ParamGroup& group) const override;
  std::vector<std::string> buffer_names(const ParamGroup& group) const override;
  Options scalar_state(const ParamGroup& group) const override;
  void update(const ParamGroup& group, ParamState& state, const Tensor& p, const Tensor& g) override;
};

}  // namespace tfl::optim
