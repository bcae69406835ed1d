// Selective state-space scan (Mamba's S6): the recurrence at the heart of the Mamba block.
#pragma once

#include <vector>

#include "core/tensor.h"

namespace tfl {

// For every batch element b and channel d, with a state h in R^N starting at 0:
//   h_t = exp(delta_t * A[d]) * h_{t-1} + delta_t * B_t * u_t      (elementwise over the N states)
//   y_t = <C_t, h_t> + D[d] * u_t
// u and delta are (batch, len, dim), A is (dim, N), B and C are (batch, len, N), D is (dim) or
// undefined (no skip term). Returns y (batch, len, dim). Float dtypes; operands promote to one dtype
// (f16/bf16 are computed in f32 and rounded back). Differentiable in every input: the backward is the
// hand-written reverse-time recurrence of selective_scan_backward, which is not itself differentiable,
// so higher-order gradients (create_graph) through the scan raise NotImplementedError.
Tensor selective_scan(const Tensor& u, const Tensor& delta, const Tensor& A, const Tensor& B, const Tensor& C,
                      const Tensor& D = Tensor());

// Gradients {du, ddelta, dA, dB, dC, dD} of selective_scan for the output gradient grad_y (dD undefined
// when D is). Each has its input's shape and the promoted dtype. Records nothing (see selective_scan).
std::vector<Tensor> selective_scan_backward(const Tensor& grad_y, const Tensor& u, const Tensor& delta,
                                            const Tensor& A, const Tensor& B, const Tensor& C,
                                            const Tensor& D = Tensor());

}  // namespace tfl
