// A named, ordered collection of tensors: what modules and optimizers save and load.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace tfl {

// Order is meaningful (a module's parameters in registration order); names are unique.
using StateDict = std::vector<std::pair<std::string, Tensor>>;

}  // namespace tfl
