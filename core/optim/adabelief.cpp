// AdaBelief: hyperparameter checks and the call of the fused adabelief_step kernel.
#include "core/optim/adabelief.h"

#include "core/dispatch.h"
#include "core/error.h"
#include "core/optim/optim_checks.h"
#include "kernels/params_optim.h"

namespace tfl::optim {
namespace {
Options defaults(const AdaBeliefOptions& o) {
  return {{"lr", o.lr},
          {"beta1", o.beta1},
          {"beta2", o.beta2},
          {"eps", o.eps},
          {"weight_decay", o.weight_decay},
          {"amsgrad", o.amsgrad ? 1.0 : 0.0},
          {"decoupled_weight_decay", o.decoupled_weight_decay ? 1.0 : 0.0}};
}
}  // namespace

AdaBelief::AdaBelief(std::vector<Tensor> params, const AdaBeliefOptions& o)
    : AdaBelief(std::vector<ParamGroupSpec>{{std::move(params), {}}}, o) {}
AdaBelief::AdaBelief(std::vector<ParamGroupSpec> groups, const AdaBeliefOptions& o)
    : Optimizer("AdaBelief", std::move(groups), defaults(o)) {
  validate_groups();
}

void AdaBelief::validate(const ParamGroup& g) const {
  check_betas(g, name());
  check_non_negative(g, name(), {"eps", "weight_decay"});
}

std::vector<std::string> AdaBelief::buffer_names(const ParamGroup& g) const {
  if (g.get("amsgrad") != 0.0) return {"exp_avg", "exp_avg_var", "max_exp_avg_var"};
  return {"exp_avg", "exp_avg_var"};
}

void AdaBelief::update(const ParamGroup& g, ParamState& st, const Tensor& p, const Tensor& grad) {
  static const int op = op_index("adabelief_step");
  AdaBeliefStepParams hp{g.get("lr"),           g.get("beta1"), g.get("beta2"),
                         g.get("eps"),          g.get("weight_decay"), st.step,
                         g.get("decoupled_weight_decay") != 0.0, g.get("amsgrad") != 0.0};
  run_kernel(op, p, grad, st, &hp);
}

}  // namespace tfl::optim
