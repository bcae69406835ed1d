// Backward formulas of reductions.
#include "core/autograd/derivatives/reduce.h"

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/shape.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(sum);

Tensor expand_reduced(const Tensor& g, const Shape& in_shape, const std::vector<int64_t>& axes, bool keepdims) {
  Shape keep = in_shape;
  if (axes.empty()) {
    for (int i = 0; i < keep.size(); ++i) keep[i] = 1;
  } else {
    for (int64_t ax : axes) keep[normalize_axis(ax, in_shape.size(), "sum")] = 1;
  }
  Tensor gk = keepdims ? g : reshape(g, keep);
  return broadcast_to(gk, in_shape);
}

void record_sum(const Tensor& a, const std::vector<int64_t>& axes, bool keepdims, const Tensor& out) {
  Shape in_shape = a.shape();
  DType dt = a.dtype();
  record("sum", {a}, {out}, {}, [in_shape, axes, keepdims, dt](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
    return std::vector<Tensor>{grad_like(expand_reduced(g[0], in_shape, axes, keepdims), dt)};
  });
}

}  // namespace tfl::autograd
