// Scaled dot-product attention, composed of differentiable ops (matmul, softmax, masking).
#pragma once

#include <optional>

#include "core/tensor.h"

namespace tfl {

// softmax(q @ k^T * scale + mask) @ v over the last two axes (torch.nn.functional.
// scaled_dot_product_attention without dropout). q is (..., Lq, E), k is (..., Lk, E), v is
// (..., Lk, Ev); leading (batch, head) axes broadcast as in matmul. Returns (..., Lq, Ev).
// `mask`, when defined, broadcasts to (..., Lq, Lk): a bool mask keeps the positions where it is true
// (the others get -inf), a float mask is added to the scores. `causal` lets query i see keys j <= i
// only (aligned at the top-left corner, as in PyTorch). scale defaults to 1 / sqrt(E). A row whose
// keys are all masked out gives NaN, as in PyTorch. Float dtypes; operands promote.
// Differentiable in q, k, v and a float mask through the ops it is made of.
Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask = Tensor(),
                                    bool causal = false, std::optional<double> scale = std::nullopt);

}  // namespace tfl
