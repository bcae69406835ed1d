// Adam and AdamW: adaptive moment estimation, with L2 (Adam) or decoupled (AdamW) weight decay.
#pragma once

#include "core/optim/optimizer.h"

namespace tfl::optim {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool amsgrad = false;
};

// PyTorch's rule at step t: (Adam) g += wd p | (AdamW) p *= 1 - lr wd; m = b1 m + (1 - b1) g;
// v = b2 v + (1 - b2) g^2; (amsgrad) vmax = max(vmax, v) used for v;
// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
// Hyperparameter names: lr, beta1, beta2, eps, weight_decay, amsgrad.
class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, const AdamOptions& options = {});
  Adam(std::vector<ParamGroupSpec> groups, const AdamOptions& options = {});

 protected:
  Adam(const char* name, std::vector<ParamGroupSpec> groups, const AdamOptions& options, bool decoupled);
  void validate(const ParamGroup& group) const override;
  std::vector<std::string> buffer_names(const ParamGroup& group) const override;
  void update(const ParamGroup& group, ParamState& state, const Tensor& p, const Tensor& g) override;

 private:
  bool decoupled_;
};

// Adam with decoupled weight decay (Loshchilov & Hutter); PyTorch's default weight_decay is 1e-2.
class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, const AdamOptions& options = with_decay());
  AdamW(std::vector<ParamGroupSpec> groups, const AdamOptions& options = with_decay());
  static AdamOptions with_decay() {
    AdamOptions o;
    o.weight_decay = 1e-2;
    return o;
  }
};

}  // namespace tfl::optim
