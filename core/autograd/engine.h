// The backward pass: runs the recorded graph in reverse topological order.
#pragma once

#include <vector>

#include "core/tensor.h"

namespace tfl::autograd {

struct BackwardOptions {
  bool retain_graph = false;  // keep saved tensors so the graph can run again
  bool create_graph = false;  // record the backward itself, for higher-order gradients
};

// Accumulates d(sum of outputs * grad_outputs)/d(leaf) into every leaf's .grad. grad_outputs may be
// empty or hold undefined entries for scalar outputs (implicit 1). GradientError when an output does not
// require grad, when a non-scalar output has no output gradient, when the graph was already freed by an
// earlier backward without retain_graph, or when a saved tensor was modified in place.
void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs = {},
              BackwardOptions options = {});

// Returns d(outputs)/d(inputs) without touching any .grad. An input the outputs do not depend on gets
// an undefined tensor, or zeros when allow_unused_zeros.
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {}, BackwardOptions options = {},
                         bool unused_as_zeros = false);

}  // namespace tfl::autograd
