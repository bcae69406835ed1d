// Helpers for second-order gradient tests: a recorded first derivative as a function of the inputs,
// so that the gradient checker compares its gradient with finite differences of it.
#pragma once

#include <functional>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/ops/creation.h"
#include "core/tensor.h"
#include "gradcheck/gradcheck.h"

namespace tfl::testing {

// d(sum(f(x) * w)) / d inputs[which], with w fixed weights in [0.5, 1.5), recorded (create_graph) so that it
// can be differentiated again. Grad mode is switched on because the checker evaluates fn under no-grad.
inline Tensor recorded_gradient(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                                const std::vector<Tensor>& inputs, size_t which = 0) {
  autograd::GradModeGuard on(true);
  Tensor y = f(inputs);
  Tensor w = random_input(y.shape(), 4242, 0.5, 1.5, false);
  autograd::BackwardOptions opt;
  opt.create_graph = true;
  opt.retain_graph = true;  // the second differentiation runs through the forward graph again
  return autograd::grad({y}, {inputs[which]}, {w}, opt, /*unused_as_zeros=*/true)[0];
}

// An f64 tensor of the given values, requiring grad.
inline Tensor literal(std::vector<double> v, const Shape& shape, bool requires_grad = true) {
  Tensor t = from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64);
  if (requires_grad) autograd::set_requires_grad(t, true);
  return t;
}

}  // namespace tfl::testing
