// Activation modules: each forwards to its elementwise (or softmax) op.
#include "core/nn/activation.h"

#include <sstream>

#include "core/ops/elementwise.h"
#include "core/ops/nn.h"

namespace tfl::nn {

Tensor ReLU::forward_one(const Tensor& x) { return relu(x); }

Tensor LeakyReLU::forward_one(const Tensor& x) { return leaky_relu(x, slope_); }
std::string LeakyReLU::extra_repr() const {
  std::ostringstream os;
  os << "negative_slope=" << slope_;
  return os.str();
}

Tensor GELU::forward_one(const Tensor& x) { return gelu(x, approximate_); }
std::string GELU::extra_repr() const { return approximate_ ? "approximate='tanh'" : ""; }

Tensor SiLU::forward_one(const Tensor& x) { return silu(x); }
Tensor Tanh::forward_one(const Tensor& x) { return tanh(x); }
Tensor Sigmoid::forward_one(const Tensor& x) { return sigmoid(x); }

Tensor Softmax::forward_one(const Tensor& x) { return softmax(x, axis_); }
std::string Softmax::extra_repr() const { return "axis=" + std::to_string(axis_); }

}  // namespace tfl::nn
