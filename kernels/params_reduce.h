// Parameters of the reduction and scan kernels, shared by core/ops/reduce.cpp and the kernels.
#pragma once

#include <cstdint>

namespace tfl {

// Kernels of reductions see the input with its own shape and strides and the output with the
// keepdims shape (size 1 on every reduced axis), so both have the same rank.
struct ReduceParams {
  uint32_t axes_mask = 0;   // bit d set: axis d is reduced
  double correction = 0.0;  // var/std: divisor is N - correction
};

// Scans (cumsum, cumprod) write an output of the input's shape.
struct ScanParams {
  int axis = 0;  // already normalised; ignored for 0-d inputs
};

}  // namespace tfl
