// SGD: hyperparameter checks and the call of the fused sgd_step kernel.
#include "core/optim/sgd.h"

#include "core/dispatch.h"
#include "core/error.h"
#include "kernels/params_optim.h"

namespace tfl::optim {
namespace {
Options defaults(const SGDOptions& o) {
  return {{"lr", o.lr}, {"momentum", o.momentum}, {"dampening", o.dampening},
          {"weight_decay", o.weight_decay}, {"nesterov", o.nesterov ? 1.0 : 0.0}};
}
}  // namespace

SGD::SGD(std::vector<Tensor> params, const SGDOptions& o) : SGD(std::vector<ParamGroupSpec>{{std::move(params), {}}}, o) {}

SGD::SGD(std::vector<ParamGroupSpec> groups, const SGDOptions& o) : Optimizer("SGD", std::move(groups), defaults(o)) {
  validate_groups();
}

void SGD::validate(const ParamGroup& g) const {
  if (!(g.get("momentum") >= 0.0)) TFL_THROW(OptimizerError, "SGD", "momentum must be >= 0, got ", g.get("momentum"));
  if (!(g.get("weight_decay") >= 0.0))
    TFL_THROW(OptimizerError, "SGD", "weight_decay must be >= 0, got ", g.get("weight_decay"));
  if (g.get("nesterov") != 0.0 && (g.get("momentum") <= 0.0 || g.get("dampening") != 0.0))
    TFL_THROW(OptimizerError, "SGD", "nesterov momentum needs momentum > 0 and dampening = 0");
}

std::vector<std::string> SGD::buffer_names(const ParamGroup& g) const {
  if (g.get("momentum") != 0.0) return {"momentum_buffer"};
  return {};
}

void SGD::update(const ParamGroup& g, ParamState& st, const Tensor& p, const Tensor& grad) {
  static const int op = op_index("sgd_step");
  SgdStepParams hp{g.get("lr"), g.get("momentum"), g.get("dampening"), g.get("weight_decay"),
                   g.get("nesterov") != 0.0, st.step == 1};
  run_kernel(op, p, grad, st, &hp);
}

}  // namespace tfl::optim
