// SGD: stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.
#pragma once

#include "core/optim/optimizer.h"

namespace tfl::optim {

struct SGDOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;  // L2: added to the gradient as weight_decay * p
  bool nesterov = false;      // needs momentum > 0 and dampening = 0
};

// PyTorch's rule: d = g + wd p; b = d on the first step, else momentum b + (1 - dampening) d;
// p -= lr (nesterov ? d + momentum b : b) (just lr d without momentum).
// Hyperparameter names: lr, momentum, dampening, weight_decay, nesterov.
class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, const SGDOptions& options = {});
  SGD(std::vector<ParamGroupSpec> groups, const SGDOptions& options = {});

 protected:
  void validate(const ParamGroup& group) const override;
  std::vector<std::string> buffer_names(const ParamGroup& group) const override;
  void update(const ParamGroup& group, ParamState& state, const Tensor& p, const Tensor& g) override;
};

}  // namespace tfl::optim
