// NAdam: hyperparameter checks, the momentum schedule (in double) and the call of the fused nadam_step kernel.
#include "core/optim/nadam.h"

#include <cmath>

#include "core/dispatch.h"
#include "core/error.h"
#include "core/optim/optim_checks.h"
#include "kernels/params_optim.h"

namespace tfl::optim {
namespace {
Options defaults(const NAdamOptions& o) {
  return {{"lr", o.lr},
          {"beta1", o.beta1},
          {"beta2", o.beta2},
          {"eps", o.eps},
          {"weight_decay", o.weight_decay},
          {"momentum_decay", o.momentum_decay},
          {"decoupled_weight_decay", o.decoupled_weight_decay ? 1.0 : 0.0}};
}
}  // namespace

NAdam::NAdam(std::vector<Tensor> params, const NAdamOptions& o)
    : NAdam(std::vector<ParamGroupSpec>{{std::move(params), {}}}, o) {}
NAdam::NAdam(std::vector<ParamGroupSpec> groups, const NAdamOptions& o)
    : Optimizer("NAdam", std::move(groups), defaults(o)) {
  validate_groups();
}

void NAdam::validate(const ParamGroup& g) const {
  check_betas(g, name());
  check_non_negative(g, name(), {"eps", "weight_decay", "momentum_decay"});
}

std::vector<std::string> NAdam::buffer_names(const ParamGroup&) const { return {"exp_avg", "exp_avg_sq"}; }

Options NAdam::scalar_state(const ParamGroup&) const { return {{"mu_product", 1.0}}; }

void NAdam::update(const ParamGroup& g, ParamState& st, const Tensor& p, const Tensor& grad) {
  static const int op = op_index("nadam_step");
  const double b1 = g.get("beta1"), psi = g.get("momentum_decay"), lr = g.get("lr");
  const double t = static_cast<double>(st.step);
  const double mu = b1 * (1.0 - 0.5 * std::pow(0.96, t * psi));
  const double mu_next = b1 * (1.0 - 0.5 * std::pow(0.96, (t + 1.0) * psi));
  TFL_INTERNAL_ASSERT(st.scalars.size() == 1);
  double& prod = st.scalars[0].second;
  prod *= mu;
  NAdamStepParams hp{lr,
                     b1,
                     g.get("beta2"),
                     g.get("eps"),
                     g.get("weight_decay"),
                     lr * (1.0 - mu) / (1.0 - prod),
                     lr * mu_next / (1.0 - prod * mu_next),
                     st.step,
                     g.get("decoupled_weight_decay") != 0.0};
  run_kernel(op, p, grad, st, &hp);
}

}  // namespace tfl::optim
