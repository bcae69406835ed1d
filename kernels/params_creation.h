// Parameters of the creation kernels that generate values (arange, linspace, eye).
#pragma once

#include <cstdint>

namespace tfl {

// out[i] = start + i * step, except that the last element is `last` when use_last (linspace's endpoint).
struct RangeParams {
  double start;
  double step;
  bool use_last;
  double last;
};

// out (zero-filled n x m) gets ones at (i, i + k).
struct EyeParams {
  int64_t k;
};

}  // namespace tfl
