// Adagrad: per-coordinate learning rates from the accumulated squared gradients.
#pragma once

#include "core/optim/optimizer.h"

namespace tfl::optim {

struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0.0;
  double weight_decay = 0.0;
  double initial_accumulator_value = 0.0;
  double eps = 1e-10;
};

// PyTorch's rule at step t: g += wd p; clr = lr / (1 + (t - 1) lr_decay); s += g^2;
// p -= clr g / (sqrt(s) + eps). Hyperparameter names: lr, lr_decay, weight_decay,
// initial_accumulator_value, eps.
class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<Tensor> params, const AdagradOptions& options = {});
  Adagrad(std::vector<ParamGroupSpec> groups, const AdagradOptions& options = {});

 protected:
  void validate(const ParamGroup& group) const override;
  std::vector<std::string> buffer_names(const ParamGroup& group) const override;
  double buffer_init(const ParamGroup& group, const std::string& name) const override;
  void update(const ParamGroup& group, ParamState& state, const Tensor& p, const Tensor& g) override;
};

}  // namespace tfl::optim
