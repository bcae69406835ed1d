// Parameter initialisers: the torch.nn.init formulas over the Philox random ops.
#include "core/nn/init.h"

#include <cmath>

#include "core/autograd/grad_mode.h"
#include "core/error.h"
#include "core/ops/creation.h"
#include "core/ops/random.h"

namespace tfl::nn::init {
namespace {

void check_float(const Tensor& t, const char* op) {
  check_defined(t, op, "t");
  if (!is_floating(t.dtype()))
    TFL_THROW(DTypeError, op, "initialisers need a floating tensor, got ", dtype_name(t.dtype()));
}

int64_t fan(const Tensor& t, FanMode mode) {
  auto [in, out] = fan_in_and_fan_out(t);
  return mode == FanMode::kFanIn ? in : out;
}

// U(-bound, bound); a zero-size tensor (fan 0, bound inf) is left as it is, like PyTorch.
void symmetric_uniform(const Tensor& t, double bound, Generator* gen) {
  if (t.numel() == 0) return;
  autograd::NoGradGuard no_grad;
  if (bound == 0.0)
    fill_(t, 0.0);
  else
    tfl::uniform_(t, -bound, bound, gen);
}

void centred_normal(const Tensor& t, double std, Generator* gen) {
  if (t.numel() == 0) return;
  autograd::NoGradGuard no_grad;
  tfl::normal_(t, 0.0, std, gen);
}

}  // namespace

double calculate_gain(Nonlinearity nl, double param) {
  switch (nl) {
    case Nonlinearity::kLinear:
    case Nonlinearity::kConv:
    case Nonlinearity::kSigmoid:
      return 1.0;
    case Nonlinearity::kTanh:
      return 5.0 / 3.0;
    case Nonlinearity::kRelu:
      return std::sqrt(2.0);
    case Nonlinearity::kLeakyRelu:
      return std::sqrt(2.0 / (1.0 + param * param));
    case Nonlinearity::kSelu:
      return 3.0 / 4.0;
  }
  TFL_THROW(InvalidArgumentError, "calculate_gain", "unknown nonlinearity ", static_cast<int>(nl));
}

std::pair<int64_t, int64_t> fan_in_and_fan_out(const Tensor& t) {
  check_defined(t, "fan_in_and_fan_out", "t");
  if (t.ndim() < 2)
    TFL_THROW(InvalidArgumentError, "fan_in_and_fan_out", "needs a tensor with at least 2 dimensions, got shape ",
              shape_str(t.shape()));
  int64_t receptive = 1;
  for (int d = 2; d < t.ndim(); ++d) receptive *= t.shape()[d];
  return {t.shape()[1] * receptive, t.shape()[0] * receptive};
}

const Tensor& uniform_(const Tensor& t, double low, double high, Generator* gen) {
  check_float(t, "uniform_");
  if (t.numel() == 0) return t;
  autograd::NoGradGuard no_grad;
  if (low == high)
    fill_(t, low);
  else
    tfl::uniform_(t, low, high, gen);
  return t;
}

const Tensor& normal_(const Tensor& t, double mean, double std, Generator* gen) {
  check_float(t, "normal_");
  if (t.numel() == 0) return t;
  autograd::NoGradGuard no_grad;
  tfl::normal_(t, mean, std, gen);
  return t;
}

const Tensor& constant_(const Tensor& t, double value) {
  check_defined(t, "constant_", "t");
  autograd::NoGradGuard no_grad;
  fill_(t, value);
  return t;
}

const Tensor& zeros_(const Tensor& t) { return constant_(t, 0.0); }
const Tensor& ones_(const Tensor& t) { return constant_(t, 1.0); }

const Tensor& xavier_uniform_(const Tensor& t, double gain, Generator* gen) {
  check_float(t, "xavier_uniform_");
  auto [in, out] = fan_in_and_fan_out(t);
  symmetric_uniform(t, gain * std::sqrt(6.0 / static_cast<double>(in + out)), gen);
  return t;
}

const Tensor& xavier_normal_(const Tensor& t, double gain, Generator* gen) {
  check_float(t, "xavier_normal_");
  auto [in, out] = fan_in_and_fan_out(t);
  centred_normal(t, gain * std::sqrt(2.0 / static_cast<double>(in + out)), gen);
  return t;
}

const Tensor& kaiming_uniform_(const Tensor& t, double a, FanMode mode, Nonlinearity nl, Generator* gen) {
  check_float(t, "kaiming_uniform_");
  int64_t f = fan(t, mode);
  symmetric_uniform(t, calculate_gain(nl, a) * std::sqrt(3.0 / static_cast<double>(f)), gen);
  return t;
}

const Tensor& kaiming_normal_(const Tensor& t, double a, FanMode mode, Nonlinearity nl, Generator* gen) {
  check_float(t, "kaiming_normal_");
  int64_t f = fan(t, mode);
  centred_normal(t, calculate_gain(nl, a) / std::sqrt(static_cast<double>(f)), gen);
  return t;
}

void default_linear_init(const Tensor& weight, const Tensor& bias, Generator* gen) {
  kaiming_uniform_(weight, std::sqrt(5.0), FanMode::kFanIn, Nonlinearity::kLeakyRelu, gen);
  if (bias.defined()) {
    int64_t fan_in = fan_in_and_fan_out(weight).first;
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    symmetric_uniform(bias, bound, gen);
  }
}

}  // namespace tfl::nn::init
