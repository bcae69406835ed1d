// Parameter structs of the selective state-space scan (Mamba's S6), shared by the op and its kernels.
#pragma once

#include <cstdint>

namespace tfl {

// KernelArgs carries at most four inputs, and the scan has six (its backward seven inputs and six
// outputs), so every operand travels here instead, as a dense row-major array in the kernel dtype:
//   u, delta, y: (batch, len, dim)   A: (dim, state)   B, C: (batch, len, state)   D: (dim) or null.
struct SelectiveScanParams {
  int64_t batch, len, dim, state;
  const void* u;
  const void* delta;
  const void* A;
  const void* B;
  const void* C;
  const void* D;  // null when the op has no skip term
  void* y;
};

// The backward of the scan: gradients of every input from grad_y. The kernel overwrites every output
// (dD only when D is given); shapes as in SelectiveScanParams.
struct SelectiveScanBackwardParams {
  int64_t batch, len, dim, state;
  const void* grad_y;
  const void* u;
  const void* delta;
  const void* A;
  const void* B;
  const void* C;
  const void* D;  // null when the op has no skip term
  void* du;
  void* ddelta;
  void* dA;
  void* dB;
  void* dC;
  void* dD;  // null when D is null
};

}  // namespace tfl
