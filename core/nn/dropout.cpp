// Dropout as a product with a scaled Bernoulli mask, so the gradient comes from mul.
#include "core/nn/dropout.h"

#include <sstream>

#include "core/error.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/random.h"

namespace tfl::nn {

Dropout::Dropout(double p, Generator* gen) : UnaryModule("Dropout"), p_(p), gen_(gen) {
  if (!(p >= 0.0 && p <= 1.0)) TFL_THROW(LayerConfigError, "Dropout", "p must be in [0, 1], got ", p);
}

Tensor Dropout::forward_one(const Tensor& x) {
  if (!is_floating(x.dtype()))
    TFL_THROW(DTypeError, "Dropout", "expects a floating input, got ", dtype_name(x.dtype()));
  if (!is_training() || p_ == 0.0) return x;
  if (p_ == 1.0) return mul(x, scalar_tensor(0.0, x.dtype()));
  Tensor mask = bernoulli(x.shape(), 1.0 - p_, x.dtype(), gen_);
  return mul(x, mul(mask, 1.0 / (1.0 - p_)));
}

std::string Dropout::extra_repr() const {
  std::ostringstream os;
  os << "p=" << p_;
  return os.str();
}

}  // namespace tfl::nn
