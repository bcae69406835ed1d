// Lion: sign-of-momentum updates (Chen et al., "Symbolic Discovery of Optimization Algorithms").
#pragma once

#include "core/optim/optimizer.h"

namespace tfl::optim {

struct LionOptions {
  double lr = 1e-4;
  double beta1 = 0.9, beta2 = 0.99;
  double weight_decay = 0.0;  // decoupled, like AdamW
};

// p *= 1 - lr wd; p -= lr sign(b1 m + (1 - b1) g); m = b2 m + (1 - b2) g.
// Hyperparameter names: lr, beta1, beta2, weight_decay.
class Lion : public Optimizer {
 public:
  Lion(std::vector<Tensor> params, const LionOptions& options = {});
  Lion(std::vector<ParamGroupSpec> groups, const LionOptions& options = {});

 protected:
  void validate(const ParamGroup& group) const override;
  std::vector<std::string> buffer_names(const ParamGroup& group) const override;
  void update(const ParamGroup& group, ParamState& state, const Tensor& p, const Tensor& g) override;
};

}  // namespace tfl::optim
