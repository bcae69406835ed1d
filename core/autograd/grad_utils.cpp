// Backward helpers: reducing broadcast gradients, dtype matching.
#include "core/autograd/grad_utils.h"

#include "core/ops/copy.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"

namespace tfl::autograd {

Tensor sum_to(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  int lead = grad.ndim() - shape.size();
  AxisList axes;
  for (int i = 0; i < grad.ndim(); ++i)
    if (i < lead || (shape[i - lead] == 1 && grad.shape()[i] != 1)) axes.push_back(i);
  Tensor s = sum(grad, axes, /*keepdims=*/true);
  // Drop the leading axes (now of size 1) so the result has exactly `shape`.
  return reshape(s, shape);
}

Tensor grad_like(const Tensor& grad, DType dtype) { return grad.dtype() == dtype ? grad : to_dtype(grad, dtype); }

}  // namespace tfl::autograd
