// Adam and AdamW: hyperparameter checks and the call of the fused adam_step kernel.
#include "core/optim/adam.h"

#include "core/dispatch.h"
#include "core/error.h"
#include "kernels/params_optim.h"

namespace tfl::optim {
namespace {
Options defaults(const AdamOptions& o) {
  return {{"lr", o.lr},   {"beta1", o.beta1}, {"beta2", o.beta2}, {"eps", o.eps}, {"weight_decay", o.weight_decay},
          {"amsgrad", o.amsgrad ? 1.0 : 0.0}};
}
}  // namespace

Adam::Adam(std::vector<Tensor> params, const AdamOptions& o)
    : Adam("Adam", std::vector<ParamGroupSpec>{{std::move(params), {}}}, o, false) {}
Adam::Adam(std::vector<ParamGroupSpec> groups, const AdamOptions& o) : Adam("Adam", std::move(groups), o, false) {}
Adam::Adam(const char* name, std::vector<ParamGroupSpec> groups, const AdamOptions& o, bool decoupled)
    : Optimizer(name, std::move(groups), defaults(o)), decoupled_(decoupled) {
  validate_groups();
}

AdamW::AdamW(std::vector<Tensor> params, const AdamOptions& o)
    : Adam("AdamW", std::vector<ParamGroupSpec>{{std::move(params), {}}}, o, true) {}
AdamW::AdamW(std::vector<ParamGroupSpec> groups, const AdamOptions& o) : Adam("AdamW", std::move(groups), o, true) {}

void Adam::validate(const ParamGroup& g) const {
  for (const char* b : {"beta1", "beta2"})
    if (!(g.get(b) >= 0.0 && g.get(b) < 1.0))
      TFL_THROW(OptimizerError, name(), b, " must lie in [0, 1), got ", g.get(b));
  if (!(g.get("eps") >= 0.0)) TFL_THROW(OptimizerError, name(), "eps must be >= 0, got ", g.get("eps"));
  if (!(g.get("weight_decay") >= 0.0))
    TFL_THROW(OptimizerError, name(), "weight_decay must be >= 0, got ", g.get("weight_decay"));
}

std::vector<std::string> Adam::buffer_names(const ParamGroup& g) const {
  if (g.get("amsgrad") != 0.0) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"exp_avg", "exp_avg_sq"};
}

void Adam::update(const ParamGroup& g, ParamState& st, const Tensor& p, const Tensor& grad) {
  static const int op = op_index("adam_step");
  AdamStepParams hp{g.get("lr"), g.get("beta1"), g.get("beta2"), g.get("eps"), g.get("weight_decay"),
                    st.step, decoupled_, g.get("amsgrad") != 0.0};
  run_kernel(op, p, grad, st, &hp);
}

}  // namespace tfl::optim
