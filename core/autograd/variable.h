// Autograd state of a tensor (requires_grad, .grad, grad_fn, hooks) and the recording of ops.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <vector>

#include "core/autograd/node.h"
#include "core/tensor.h"

namespace tfl {

// Per-tensor autograd state; lives in TensorImpl::autograd_ (null = never took part in autograd).
struct AutogradMeta {
  bool requires_grad = false;
  Tensor grad;                          // accumulated gradient of a leaf (or a non-leaf with retain_grad)
  std::shared_ptr<autograd::Node> grad_fn;  // the node that produced this tensor; null for leaves
  uint32_t output_nr = 0;               // which output of grad_fn
  std::shared_ptr<autograd::Node> accumulator;  // AccumulateGrad of a leaf, created on first use
  bool retains_grad = false;
};

namespace autograd {

bool requires_grad(const Tensor& t);
// Makes t a leaf that accumulates gradients. Only floating tensors can; DTypeError otherwise.
// GradientError when t is not a leaf (its requires_grad follows its inputs).
void set_requires_grad(const Tensor& t, bool requires_grad);
bool is_leaf(const Tensor& t);
// The accumulated gradient (undefined if none yet).
Tensor grad(const Tensor& t);
void set_grad(const Tensor& t, const Tensor& g);
// Also keep .grad for a non-leaf tensor.
void retain_grad(const Tensor& t);
std::shared_ptr<Node> grad_fn(const Tensor& t);
// A new tensor sharing t's storage, cut from the graph (requires_grad false).
Tensor detach(const Tensor& t);

// The edge a gradient for t flows into (its grad_fn, or its leaf accumulator); invalid when t does
// not require grad.
Edge gradient_edge(const Tensor& t);

// Registers a hook on t's gradient; returns a handle for remove_hook.
int64_t register_hook(const Tensor& t, GradHook hook);
// Removes a tensor or module hook by handle; false when no such hook is registered.
bool remove_hook(int64_t handle);
int64_t next_hook_id();
// Lets remove_hook find a hook stored on `node` (for hooks registered outside register_hook).
void register_hook_owner(int64_t id, const std::shared_ptr<Node>& node);

// A new alias of `data` (which must have no autograd meta) recorded as output `output_nr` of `grad_fn`
// (how a saved output is unpacked; see Note [Saved outputs] in node.cpp).
Tensor attach_grad_fn(const Tensor& data, std::shared_ptr<Node> grad_fn, uint32_t output_nr);

// True iff grad mode is on and any input requires grad: the op must record its backward.
// Every op asks this, so the braced list holds references: copying the Tensors would cost two atomic
// reference-count updates per input on the hot path.
bool needs_grad(std::initializer_list<std::reference_wrapper<const Tensor>> inputs);
bool needs_grad(const std::vector<Tensor>& inputs);

// Records one op application: a node named `name` whose next edges are the inputs' gradient edges
// and whose outputs are `outputs` (each gets grad_fn = the node and requires_grad = true).
// `fn` computes input gradients from output gradients and the saved tensors.
void record(const char* name, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs,
            std::vector<SavedTensor> saved, BackwardFn fn);

}  // namespace autograd
}  // namespace tfl
