// Flatten module over the flatten shape op (a view when the strides allow it).
#include "core/nn/flatten.h"

#include <string>

#include "core/ops/shape.h"

namespace tfl::nn {

Tensor Flatten::forward_one(const Tensor& x) { return flatten(x, start_, end_); }

std::string Flatten::extra_repr() const {
  return "start_dim=" + std::to_string(start_) + ", end_dim=" + std::to_string(end_);
}

}  // namespace tfl::nn
