// Gradient clipping by global norm and by value, in place on the parameters' gradients.
#pragma once

#include <vector>

#include "core/tensor.h"

namespace tfl::optim {

// Scales every gradient by max_norm / (total + 1e-6) when that is below 1, where total is the
// norm_type-norm (2, or infinity for the largest |g|; any p >= 1 works) of all gradients taken
// together; returns total (computed in f64). Parameters without a gradient are ignored. A NaN or
// infinite total is a NumericalError when error_if_nonfinite, otherwise the gradients are
// scaled by the (NaN) factor, like PyTorch.
double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);
// Clamps every gradient element into [-clip_value, clip_value].
void clip_grad_value_(const std::vector<Tensor>& params, double clip_value);

}  // namespace tfl::optim
