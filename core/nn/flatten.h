// Flatten: merges axes start_dim..end_dim into one (by default all but the batch axis).
#pragma once

#include "core/nn/module.h"

namespace tfl::nn {

class Flatten : public UnaryModule {
 public:
  explicit Flatten(int64_t start_dim = 1, int64_t end_dim = -1)
      : UnaryModule("Flatten"), start_(start_dim), end_(end_dim) {}

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  int64_t start_, end_;
};

}  // namespace tfl::nn
