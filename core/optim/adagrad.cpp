// Adagrad: hyperparameter checks and the call of the fused adagrad_step kernel.
#include "core/optim/adagrad.h"

#include "core/dispatch.h"
#include "core/error.h"
#include "kernels/params_optim.h"

namespace tfl::optim {
namespace {
Options defaults(const AdagradOptions& o) {
  return {{"lr", o.lr}, {"lr_decay", o.lr_decay}, {"weight_decay", o.weight_decay},
          {"initial_accumulator_value", o.initial_accumulator_value}, {"eps", o.eps}};
}
}  // namespace

Adagrad::Adagrad(std::vector<Tensor> params, const AdagradOptions& o)
    : Adagrad(std::vector<ParamGroupSpec>{{std::move(params), {}}}, o) {}
Adagrad::Adagrad(std::vector<ParamGroupSpec> groups, const AdagradOptions& o)
    : Optimizer("Adagrad", std::move(groups), defaults(o)) {
  validate_groups();
}

void Adagrad::validate(const ParamGroup& g) const {
  for (const char* k : {"lr_decay", "weight_decay", "initial_accumulator_value", "eps"})
    if (!(g.get(k) >= 0.0)) TFL_THROW(OptimizerError, "Adagrad", k, " must be >= 0, got ", g.get(k));
}

std::vector<std::string> Adagrad::buffer_names(const ParamGroup&) const { return {"sum"}; }

double Adagrad::buffer_init(const ParamGroup& g, const std::string&) const {
  return g.get("initial_accumulator_value");
}

void Adagrad::update(const ParamGroup& g, ParamState& st, const Tensor& p, const Tensor& grad) {
  static const int op = op_index("adagrad_step");
  const double clr = g.get("lr") / (1.0 + static_cast<double>(st.step - 1) * g.get("lr_decay"));
  AdagradStepParams hp{clr, g.get("eps"), g.get("weight_decay")};
  run_kernel(op, p, grad, st, &hp);
}

}  // namespace tfl::optim
