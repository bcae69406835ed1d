// Lion: hyperparameter checks and the call of the fused lion_step kernel.
#include "core/optim/lion.h"

#include "core/dispatch.h"
#include "core/error.h"
#include "kernels/params_optim.h"

namespace tfl::optim {
namespace {
Options defaults(const LionOptions& o) {
  return {{"lr", o.lr}, {"beta1", o.beta1}, {"beta2", o.beta2}, {"weight_decay", o.weight_decay}};
}
}  // namespace

Lion::Lion(std::vector<Tensor> params, const LionOptions& o) : Lion(std::vector<ParamGroupSpec>{{std::move(params), {}}}, o) {}
Lion::Lion(std::vector<ParamGroupSpec> groups, const LionOptions& o) : Optimizer("Lion", std::move(groups), defaults(o)) {
  validate_groups();
}

void Lion::validate(const ParamGroup& g) const {
  for (const char* b : {"beta1", "beta2"})
    if (!(g.get(b) >= 0.0 && g.get(b) <= 1.0))
      TFL_THROW(OptimizerError, "Lion", b, " must lie in [0, 1], got ", g.get(b));
  if (!(g.get("weight_decay") >= 0.0))
    TFL_THROW(OptimizerError, "Lion", "weight_decay must be >= 0, got ", g.get("weight_decay"));
}

std::vector<std::string> Lion::buffer_names(const ParamGroup&) const { return {"exp_avg"}; }

void Lion::update(const ParamGroup& g, ParamState& st, const Tensor& p, const Tensor& grad) {
  static const int op = op_index("lion_step");
  LionStepParams hp{g.get("lr"), g.get("beta1"), g.get("beta2"), g.get("weight_decay")};
  run_kernel(op, p, grad, st, &hp);
}

}  // namespace tfl::optim
