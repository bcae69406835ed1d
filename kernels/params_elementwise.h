// Parameter structs of the elementwise family (activations with hyper-parameters, clip bounds).
#pragma once

namespace tfl {

// leaky_relu: x for x > 0, slope * x otherwise.
struct LeakyReluParams {
  double slope;
};

// elu: x for x > 0, alpha * (exp(x) - 1) otherwise.
struct EluParams {
  double alpha;
};

// gelu: exact x * Phi(x) with erf, or the tanh approximation when approximate is set.
struct GeluParams {
  bool approximate;
};

// softplus: log1p(exp(beta * x)) / beta, and x itself where beta * x > threshold (PyTorch).
struct SoftplusParams {
  double beta;
  double threshold;
};

// clip: min(max(x, lo), hi); a bound that is absent does not apply.
struct ClipParams {
  double lo;
  double hi;
  bool has_lo;
  bool has_hi;
};

}  // namespace tfl
