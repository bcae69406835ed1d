// Dropout: zeroes elements with probability p in training, scaling the rest by 1 / (1 - p).
#pragma once

#include "core/nn/module.h"
#include "core/rng.h"

namespace tfl::nn {

// Identity in eval mode (and for p = 0). In training each element is kept with probability 1 - p
// (mask drawn from `gen`, or default_generator() when null) and scaled by 1 / (1 - p) (inverted
// dropout), so the expected output equals the input. p = 1 multiplies by zero. Floating inputs only.
class Dropout : public UnaryModule {
 public:
  explicit Dropout(double p = 0.5, Generator* gen = nullptr);
  double p() const { return p_; }
  void set_generator(Generator* gen) { gen_ = gen; }

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  double p_;
  Generator* gen_;
};

}  // namespace tfl::nn
