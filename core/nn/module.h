// Module: the base of every layer: named parameters, buffers and children, train/eval mode,
// state dicts, and forward-pre / forward / backward hooks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/nn/state_dict.h"
#include "core/tensor.h"

namespace tfl::nn {

class Module;

// Runs before forward with the inputs; returns an empty vector to keep them, or replacement inputs.
using ForwardPreHook = std::function<std::vector<Tensor>(Module& module, const std::vector<Tensor>& inputs)>;
// Runs after forward; returns an undefined Tensor to keep the output, or a replacement output.
using ForwardHook =
    std::function<Tensor(Module& module, const std::vector<Tensor>& inputs, const Tensor& output)>;
// Runs when the backward pass has computed the gradients w.r.t. the module's inputs (grad_input,
// one per input; undefined for inputs that need no gradient) from the gradient w.r.t. its output
// (grad_output). Returns an empty vector to keep grad_input, or a replacement (one entry per input;
// an undefined entry keeps that gradient). When no input requires grad it runs as soon as the
// output gradient is known, with undefined grad_input entries.
using BackwardHook = std::function<std::vector<Tensor>(Module& module, const std::vector<Tensor>& grad_input,
                                                       const std::vector<Tensor>& grad_output)>;

// What load_state_dict found (with strict = false both lists may be non-empty).
struct LoadResult {
  std::vector<std::string> missing_keys;     // expected by the module, absent from the dict
  std::vector<std::string> unexpected_keys;  // in the dict, not in the module
};

// Note [Module ownership]
// A Module is an identity object (copy and move are deleted): hooks, the C ABI and optimizers refer to
// it by address. Children are held by shared_ptr so that a child can be shared and so that handles
// given out through the C ABI keep it alive. Parameters and buffers are Tensor handles: a layer keeps
// its own handle (weight_) to the very tensor registered here, so writes through either are seen by
// both (load_state_dict copies into the existing storage and never swaps tensors).
class Module {
 public:
  explicit Module(std::string type_name);
  virtual ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) = delete;
  Module& operator=(Module&&) = delete;

  // The layer's type name ("Linear"), used in error messages and printing.
  const std::string& type_name() const { return type_name_; }

  // The computation, on the inputs (most layers take exactly one).
  virtual Tensor forward(const std::vector<Tensor>& inputs) = 0;
  Tensor forward(const Tensor& x) { return forward(std::vector<Tensor>{x}); }
  // forward with hooks: forward-pre hooks, forward, forward hooks; backward hooks are attached to the
  // graph of this call. Use this (not forward) to run a module.
  Tensor operator()(const std::vector<Tensor>& inputs);
  Tensor operator()(const Tensor& x) { return (*this)(std::vector<Tensor>{x}); }

  // --- registration (names: non-empty, no '.', unique among parameters, buffers and children) ----
  // Registers t as a parameter (a floating leaf tensor, made to require grad and marked so that
  // nn::is_parameter(t) holds; see core/nn/parameter.h); returns it.
  // An undefined t registers the name with no tensor (e.g. Linear without bias): it is skipped by
  // every listing.
  Tensor register_parameter(const std::string& name, const Tensor& t, bool requires_grad = true);
  // Registers state that is saved and loaded but not trained (running statistics).
  Tensor register_buffer(const std::string& name, const Tensor& t);
  std::shared_ptr<Module> register_module(const std::string& name, std::shared_ptr<Module> child);
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> child) {
    register_module(name, std::shared_ptr<Module>(child));
    return child;
  }

  // --- listings, in registration order: own entries first, then each child's, depth first ------
  // Parameters with dotted names ("0.weight"); a tensor shared by several modules is listed once.
  StateDict named_parameters(bool recurse = true) const;
  std::vector<Tensor> parameters(bool recurse = true) const;
  StateDict named_buffers(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  // Direct children, in registration order.
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_children() const;
  // This module (name "") and every descendant with its dotted path.
  std::vector<std::pair<std::string, Module*>> named_modules();
  // The parameter / buffer / child with this dotted name; InvalidArgumentError when there is none.
  Tensor parameter(const std::string& name) const;
  Tensor buffer(const std::string& name) const;
  std::shared_ptr<Module> child(const std::string& name) const;
  // Number of scalar values in the (distinct) parameters.
  int64_t parameter_count(bool trainable_only = false) const;

  // --- mode ----------------------------------------------------------------------------------
  // Sets training mode on this module and every descendant.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // Clears the .grad of every parameter (set_to_none), or fills it with zeros.
  void zero_grad(bool set_to_none = true);

  // --- state ---------------------------------------------------------------------------------
  // Parameters and buffers with dotted names, in listing order. The tensors are detached views of
  // the module's storage (no copy, like PyTorch): clone them to keep a snapshot.
  StateDict state_dict() const;
  // Copies the dict's values into the module's tensors (without recording autograd). Every key is
  // checked before anything is written: a shape or dtype mismatch is a CheckpointError, a duplicate
  // key or undefined tensor an InvalidArgumentError, and, when strict, a missing or unexpected key a
  // CheckpointError listing them all. Returns the missing and unexpected keys.
  LoadResult load_state_dict(const StateDict& dict, bool strict = true);

  // --- hooks (each registration returns a handle, unique across all tensor and module hooks) ----
  int64_t register_forward_pre_hook(ForwardPreHook hook);
  int64_t register_forward_hook(ForwardHook hook);
  int64_t register_backward_hook(BackwardHook hook);
  // Removes a hook registered on this module; false when the handle is not one of them.
  bool remove_hook(int64_t handle);

  // One-line description: "Linear(in_features=3, out_features=4, bias=true)"; containers list
  // their children on the following lines.
  std::string to_string() const;

  // Internal: what the graph nodes of backward hooks share with the module (defined in module.cpp).
  struct HookState;

 protected:
  // The arguments shown inside the parentheses of to_string().
  virtual std::string extra_repr() const { return ""; }
  // Throws InvalidArgumentError unless exactly `n` inputs were given.
  void check_input_count(const std::vector<Tensor>& inputs, size_t n) const;

 private:
  void collect(const std::string& prefix, bool params, bool recurse, StateDict& out) const;
  void check_new_name(const std::string& name, const char* what) const;
  void to_string_into(std::string& out, int indent) const;

  std::string type_name_;
  // The name the latest parent registered this module under (its memory-profiler path segment).
  std::string name_in_parent_;
  bool training_ = true;
  std::vector<std::pair<std::string, Tensor>> params_;
  std::vector<std::pair<std::string, Tensor>> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  std::vector<std::pair<int64_t, ForwardPreHook>> pre_hooks_;
  std::vector<std::pair<int64_t, ForwardHook>> forward_hooks_;
  // Shared with the graph nodes of backward hooks (which must not outlive the module unnoticed).
  std::shared_ptr<HookState> hook_state_;
};

// A module with one input: derived classes implement forward_one.
class UnaryModule : public Module {
 public:
  using Module::forward;
  using Module::Module;
  Tensor forward(const std::vector<Tensor>& inputs) final;

 protected:
  virtual Tensor forward_one(const Tensor& x) = 0;
};

}  // namespace tfl::nn
