// Backward formulas of view and shape ops.
#include "core/autograd/derivatives/shape.h"

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/shape.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(reshape);
TFL_DIFFERENTIABLE(broadcast_to);

void record_reshape(const Tensor& a, const Tensor& out) {
  Shape in_shape = a.shape();
  record("reshape", {a}, {out}, {}, [in_shape](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
    return std::vector<Tensor>{reshape(g[0], in_shape)};
  });
}

void record_broadcast_to(const Tensor& a, const Tensor& out) {
  Shape in_shape = a.shape();
  record("broadcast_to", {a}, {out}, {}, [in_shape](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
    return std::vector<Tensor>{sum_to(g[0], in_shape)};
  });
}

}  // namespace tfl::autograd
