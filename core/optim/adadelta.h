// Adadelta: per-coordinate steps scaled by the ratio of running RMS of updates and of gradients (Zeiler 2012).
#pragma once

#include "core/optim/optimizer.h"

namespace tfl::optim {

struct AdadeltaOptions {
  double lr = 1.0;
  double rho = 0.9;
  double eps = 1e-6;
  double weight_decay = 0.0;
};

// PyTorch's rule (torch.optim.Adadelta docs): g += wd p; v = rho v + (1 - rho) g^2;
// d = sqrt(u + eps) / sqrt(v + eps) g; u = rho u + (1 - rho) d^2; p -= lr d.
// Hyperparameter names: lr, rho, eps, weight_decay.
class Adadelta : public Optimizer {
 public:
  Adadelta(std::vector<Tensor> params, const AdadeltaOptions& options = {});
  Adadelta(std::vector<ParamGroupSpec> groups, const AdadeltaOptions& options = {});

 protected:
  void validate(const ParamGroup& group) const override;
  std::vector<std::string> buffer_names(const ParamGroup& group) const override;
  void update(const ParamGroup& group, ParamState& state, const Tensor& p, const Tensor& g) override;
};

}  // namespace tfl::optim
