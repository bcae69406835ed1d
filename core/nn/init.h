// Deterministic parameter initialisers (Xavier/Glorot, Kaiming/He, normal, uniform, constants),
// drawing from a tfl Philox Generator so that a seed gives identical weights.
#pragma once

#include <cstdint>
#include <utility>

#include "core/rng.h"
#include "core/tensor.h"

namespace tfl::nn::init {

// Every function writes t in place without recording autograd and returns t. `gen` null means
// default_generator(). Formulas follow torch.nn.init.

enum class Nonlinearity { kLinear, kConv, kSigmoid, kTanh, kRelu, kLeakyRelu, kSelu };
enum class FanMode { kFanIn, kFanOut };

// The recommended gain: 1 (linear, conv, sigmoid), 5/3 (tanh), sqrt(2) (relu),
// sqrt(2 / (1 + slope^2)) (leaky_relu, slope = param), 3/4 (selu).
double calculate_gain(Nonlinearity nonlinearity, double param = 0.01);
// (fan_in, fan_out) = (size(1), size(0)) times the product of the remaining (receptive field) sizes.
// InvalidArgumentError for fewer than 2 dimensions.
std::pair<int64_t, int64_t> fan_in_and_fan_out(const Tensor& t);

const Tensor& uniform_(const Tensor& t, double low = 0.0, double high = 1.0, Generator* gen = nullptr);
const Tensor& normal_(const Tensor& t, double mean = 0.0, double std = 1.0, Generator* gen = nullptr);
const Tensor& constant_(const Tensor& t, double value);
const Tensor& zeros_(const Tensor& t);
const Tensor& ones_(const Tensor& t);
// U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
const Tensor& xavier_uniform_(const Tensor& t, double gain = 1.0, Generator* gen = nullptr);
// N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
const Tensor& xavier_normal_(const Tensor& t, double gain = 1.0, Generator* gen = nullptr);
// U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a), fan by mode.
const Tensor& kaiming_uniform_(const Tensor& t, double a = 0.0, FanMode mode = FanMode::kFanIn,
                               Nonlinearity nonlinearity = Nonlinearity::kLeakyRelu, Generator* gen = nullptr);
// N(0, std^2) with std = gain / sqrt(fan).
const Tensor& kaiming_normal_(const Tensor& t, double a = 0.0, FanMode mode = FanMode::kFanIn,
                              Nonlinearity nonlinearity = Nonlinearity::kLeakyRelu, Generator* gen = nullptr);

// PyTorch's default initialisation of Linear and Conv layers: weight kaiming_uniform_ with
// a = sqrt(5) (i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in))), and bias (when defined)
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
void default_linear_init(const Tensor& weight, const Tensor& bias, Generator* gen = nullptr);

}  // namespace tfl::nn::init
