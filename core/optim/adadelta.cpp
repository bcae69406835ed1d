// Adadelta: hyperparameter checks and the call of the fused adadelta_step kernel.
#include "core/optim/adadelta.h"

#include "core/dispatch.h"
#include "core/error.h"
#include "core/optim/optim_checks.h"
#include "kernels/params_optim.h"

namespace tfl::optim {
namespace {
Options defaults(const AdadeltaOptions& o) {
  return {{"lr", o.lr}, {"rho", o.rho}, {"eps", o.eps}, {"weight_decay", o.weight_decay}};
}
}  // namespace

Adadelta::Adadelta(std::vector<Tensor> params, const AdadeltaOptions& o)
    : Adadelta(std::vector<ParamGroupSpec>{{std::move(params), {}}}, o) {}
Adadelta::Adadelta(std::vector<ParamGroupSpec> groups, const AdadeltaOptions& o)
    : Optimizer("Adadelta", std::move(groups), defaults(o)) {
  validate_groups();
}

void Adadelta::validate(const ParamGroup& g) const {
  if (!(g.get("rho") >= 0.0 && g.get("rho") <= 1.0))
    TFL_THROW(OptimizerError, name(), "rho must lie in [0, 1], got ", g.get("rho"));
  check_non_negative(g, name(), {"eps", "weight_decay"});
}

std::vector<std::string> Adadelta::buffer_names(const ParamGroup&) const { return {"square_avg", "acc_delta"}; }

void Adadelta::update(const ParamGroup& g, ParamState& st, const Tensor& p, const Tensor& grad) {
  static const int op = op_index("adadelta_step");
  AdadeltaStepParams hp{g.get("lr"), g.get("rho"), g.get("eps"), g.get("weight_decay")};
  run_kernel(op, p, grad, st, &hp);
}

}  // namespace tfl::optim
