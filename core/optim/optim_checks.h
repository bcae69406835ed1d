// Hyperparameter range checks shared by the Adam-family optimizers.
#pragma once

#include <initializer_list>

#include "core/error.h"
#include "core/optim/optimizer.h"

namespace tfl::optim {

// beta1 and beta2 must lie in [0, 1) (1 would make the bias corrections divide by zero).
inline void check_betas(const ParamGroup& g, const char* op) {
  for (const char* b : {"beta1", "beta2"})
    if (!(g.get(b) >= 0.0 && g.get(b) < 1.0)) TFL_THROW(OptimizerError, op, b, " must lie in [0, 1), got ", g.get(b));
}

// Each named hyperparameter must be >= 0 (NaN fails too).
inline void check_non_negative(const ParamGroup& g, const char* op, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (!(g.get(n) >= 0.0)) TFL_THROW(OptimizerError, op, n, " must be >= 0, got ", g.get(n));
}

}  // namespace tfl::optim
