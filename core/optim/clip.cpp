// Gradient clipping: global norms and scaling composed of core ops, gradients updated in place.
#include "core/optim/clip.h"

#include <cmath>
#include <limits>

#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/error.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"

namespace tfl::optim {

double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type, bool error_if_nonfinite) {
  const char* op = "clip_grad_norm_";
  if (!(max_norm >= 0.0)) TFL_THROW(OptimizerError, op, "max_norm must be >= 0, got ", max_norm);
  const bool inf_norm = std::isinf(norm_type) && norm_type > 0;
  if (!inf_norm && !(norm_type >= 1.0))
    TFL_THROW(OptimizerError, op, "norm_type must be >= 1 or infinity, got ", norm_type);
  autograd::NoGradGuard no_grad;
  std::vector<Tensor> grads;
  for (const Tensor& p : params) {
    check_defined(p, op, "parameter");
    Tensor g = autograd::grad(p);
    if (g.defined()) grads.push_back(g);
  }
  if (grads.empty()) return 0.0;
  double total = 0.0;
  for (const Tensor& g : grads) {
    if (g.numel() == 0) continue;
    Tensor a = abs(to_dtype(g, DType::F64));
    if (inf_norm) {
      const double m = max(a).item();
      total = (std::isnan(m) || std::isnan(total)) ? std::numeric_limits<double>::quiet_NaN() : std::fmax(total, m);
    } else {
      total += sum(norm_type == 2.0 ? square(a) : pow(a, norm_type)).item();
    }
  }
  if (!inf_norm) total = norm_type == 2.0 ? std::sqrt(total) : std::pow(total, 1.0 / norm_type);
  if (!std::isfinite(total) && error_if_nonfinite)
    TFL_THROW(NumericalError, op, "the total norm of order ", norm_type, " of the gradients is ", total);
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1.0 || std::isnan(coef))
    for (const Tensor& g : grads) {
      Tensor gm = g;
      mul_out(gm, g, scalar_tensor(coef, g.dtype()));
    }
  return total;
}

void clip_grad_value_(const std::vector<Tensor>& params, double clip_value) {
  const char* op = "clip_grad_value_";
  if (!(clip_value >= 0.0)) TFL_THROW(OptimizerError, op, "clip_value must be >= 0, got ", clip_value);
  autograd::NoGradGuard no_grad;
  for (const Tensor& p : params) {
    check_defined(p, op, "parameter");
    Tensor g = autograd::grad(p);
    if (g.defined()) copy_(g, clip(g, -clip_value, clip_value));
  }
}

}  // namespace tfl::optim
