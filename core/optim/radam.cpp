// RAdam: hyperparameter checks and the call of the fused radam_step kernel.
#include "core/optim/radam.h"

#include "core/dispatch.h"
#include "core/error.h"
#include "core/optim/optim_checks.h"
#include "kernels/params_optim.h"

namespace tfl::optim {
namespace {
Options defaults(const RAdamOptions& o) {
  return {{"lr", o.lr},   {"beta1", o.beta1}, {"beta2", o.beta2}, {"eps", o.eps}, {"weight_decay", o.weight_decay},
          {"decoupled_weight_decay", o.decoupled_weight_decay ? 1.0 : 0.0}};
}
}  // namespace

RAdam::RAdam(std::vector<Tensor> params, const RAdamOptions& o)
    : RAdam(std::vector<ParamGroupSpec>{{std::move(params), {}}}, o) {}
RAdam::RAdam(std::vector<ParamGroupSpec> groups, const RAdamOptions& o)
    : Optimizer("RAdam", std::move(groups), defaults(o)) {
  validate_groups();
}

void RAdam::validate(const ParamGroup& g) const {
  check_betas(g, name());
  check_non_negative(g, name(), {"eps", "weight_decay"});
}

std::vector<std::string> RAdam::buffer_names(const ParamGroup&) const { return {"exp_avg", "exp_avg_sq"}; }

void RAdam::update(const ParamGroup& g, ParamState& st, const Tensor& p, const Tensor& grad) {
  static const int op = op_index("radam_step");
  RAdamStepParams hp{g.get("lr"),           g.get("beta1"), g.get("beta2"),
                     g.get("eps"),          g.get("weight_decay"), st.step,
                     g.get("decoupled_weight_decay") != 0.0};
  run_kernel(op, p, grad, st, &hp);
}

}  // namespace tfl::optim
