// RMSprop: hyperparameter checks and the call of the fused rmsprop_step kernel.
#include "core/optim/rmsprop.h"

#include "core/dispatch.h"
#include "core/error.h"
#include "kernels/params_optim.h"

namespace tfl::optim {
namespace {
Options defaults(const RMSpropOptions& o) {
  return {{"lr", o.lr},        {"alpha", o.alpha},      {"eps", o.eps}, {"weight_decay", o.weight_decay},
          {"momentum", o.momentum}, {"centered", o.centered ? 1.0 : 0.0}};
}
}  // namespace

RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions& o)
    : RMSprop(std::vector<ParamGroupSpec>{{std::move(params), {}}}, o) {}
RMSprop::RMSprop(std::vector<ParamGroupSpec> groups, const RMSpropOptions& o)
    : Optimizer("RMSprop", std::move(groups), defaults(o)) {
  validate_groups();
}

void RMSprop::validate(const ParamGroup& g) const {
  if (!(g.get("alpha") >= 0.0)) TFL_THROW(OptimizerError, "RMSprop", "alpha must be >= 0, got ", g.get("alpha"));
  if (!(g.get("eps") >= 0.0)) TFL_THROW(OptimizerError, "RMSprop", "eps must be >= 0, got ", g.get("eps"));
  if (!(g.get("momentum") >= 0.0))
    TFL_THROW(OptimizerError, "RMSprop", "momentum must be >= 0, got ", g.get("momentum"));
  if (!(g.get("weight_decay") >= 0.0))
    TFL_THROW(OptimizerError, "RMSprop", "weight_decay must be >= 0, got ", g.get("weight_decay"));
}

std::vector<std::string> RMSprop::buffer_names(const ParamGroup& g) const {
  std::vector<std::string> names{"square_avg"};
  if (g.get("momentum") > 0.0) names.emplace_back("momentum_buffer");
  if (g.get("centered") != 0.0) names.emplace_back("grad_avg");
  return names;
}

void RMSprop::update(const ParamGroup& g, ParamState& st, const Tensor& p, const Tensor& grad) {
  static const int op = op_index("rmsprop_step");
  RmspropStepParams hp{g.get("lr"), g.get("alpha"), g.get("eps"), g.get("weight_decay"), g.get("momentum"),
                       g.get("centered") != 0.0};
  run_kernel(op, p, grad, st, &hp);
}

}  // namespace tfl::optim
