// Module: registration, recursive listings, modes, state dicts and hooks.
#include "core/nn/module.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/allocator.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/node.h"
#include "core/autograd/variable.h"
#include "core/error.h"
#include "core/nn/parameter.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"

namespace tfl::nn {

// What the graph nodes of backward hooks share with their module. `self` becomes null when the
// module is destroyed, after which recorded graphs still run but call no hook.
struct Module::HookState {
  Module* self = nullptr;
  std::vector<std::pair<int64_t, BackwardHook>> backward_hooks;
};

namespace {

// Note [Module backward hooks]
// The gradient w.r.t. a module's inputs is not the gradient any single op node sees: the last op of
// forward only knows its own inputs, and the producer of an input also receives gradients from other
// consumers. So, as PyTorch does, operator() routes the inputs and the output through identity nodes
// of its own: the output node records grad_output as it passes, and the input node, which receives
// exactly the gradients that flowed through this call of forward, runs the hooks with both and passes
// the (possibly replaced) gradients on. The nodes are plain autograd::Node subclasses (not recorded
// ops): they compute nothing, so there is no derivative formula to check.

// Per operator() call: what the output node saw, for the input node.
struct CallState {
  std::shared_ptr<Module::HookState> hooks;
  std::vector<Tensor> grad_output;
  std::vector<int> wrapped;  // positions of the inputs routed through the input node
  size_t n_inputs = 0;
};

}  // namespace

namespace {

std::vector<Tensor> run_backward_hooks(Module::HookState& hs, const std::vector<Tensor>& grad_input,
                                       const std::vector<Tensor>& grad_output) {
  std::vector<Tensor> gi = grad_input;
  if (!hs.self) return gi;
  auto hooks = hs.backward_hooks;  // a hook may remove hooks while running
  for (auto& [id, hook] : hooks) {
    std::vector<Tensor> r = hook(*hs.self, gi, grad_output);
    if (r.empty()) continue;
    if (r.size() != gi.size())
      TFL_THROW(InvalidArgumentError, hs.self->type_name(), "a backward hook returned ", r.size(),
                " gradients for a module with ", gi.size(), " inputs");
    for (size_t i = 0; i < r.size(); ++i) {
      if (!r[i].defined()) continue;
      if (gi[i].defined() && r[i].shape() != gi[i].shape())
        TFL_THROW(ShapeError, hs.self->type_name(), "a backward hook returned shape ", shape_str(r[i].shape()),
                  " for the gradient of input ", i, " of shape ", shape_str(gi[i].shape()));
      gi[i] = r[i];
    }
  }
  return gi;
}

class HookIdentityNode : public autograd::Node {
 public:
  HookIdentityNode(std::shared_ptr<CallState> st, bool is_output)
      : Node(is_output ? "ModuleBackwardHook(output)" : "ModuleBackwardHook(inputs)"),
        st_(std::move(st)),
        is_output_(is_output) {}

  std::vector<Tensor> apply(const std::vector<Tensor>& grads) override {
    if (is_output_) {
      st_->grad_output = grads;
      // No input takes part in the graph: the output gradient is all there will be.
      if (st_->wrapped.empty()) run_backward_hooks(*st_->hooks, std::vector<Tensor>(st_->n_inputs), grads);
      return grads;
    }
    std::vector<Tensor> full(st_->n_inputs);
    for (size_t k = 0; k < st_->wrapped.size(); ++k) full[static_cast<size_t>(st_->wrapped[k])] = grads[k];
    full = run_backward_hooks(*st_->hooks, full, st_->grad_output);
    std::vector<Tensor> out(grads.size());
    for (size_t k = 0; k < st_->wrapped.size(); ++k) out[k] = full[static_cast<size_t>(st_->wrapped[k])];
    return out;
  }

 private:
  std::shared_ptr<CallState> st_;
  bool is_output_;
};

// Routes `ins` through `node` (one next edge and one output per tensor) and returns the outputs.
std::vector<Tensor> route_through(const std::shared_ptr<autograd::Node>& node, const std::vector<Tensor>& ins) {
  uint64_t seq = 0;
  std::vector<Tensor> outs;
  for (const Tensor& in : ins) {
    autograd::Edge e = autograd::gradient_edge(in);
    seq = std::max(seq, e.node->sequence_nr());
    node->next_edges().push_back(e);
    node->outputs().push_back({in.shape(), in.dtype()});
  }
  node->set_sequence_nr(seq);
  for (uint32_t i = 0; i < ins.size(); ++i) {
    Tensor out = autograd::detach(ins[i]);
    auto meta = std::make_shared<AutogradMeta>();
    meta->grad_fn = node;
    meta->output_nr = i;
    meta->requires_grad = true;
    out.impl()->autograd_ = std::move(meta);
    outs.push_back(out);
  }
  return outs;
}

std::string join_keys(const std::vector<std::string>& keys) {
  std::string s;
  for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", '" : "'") + keys[i] + "'";
  return s;
}

}  // namespace

Module::Module(std::string type_name) : type_name_(std::move(type_name)), hook_state_(std::make_shared<HookState>()) {
  hook_state_->self = this;
}

Module::~Module() { hook_state_->self = nullptr; }

void Module::check_new_name(const std::string& name, const char* what) const {
  if (name.empty() || name.find('.') != std::string::npos)
    TFL_THROW(InvalidArgumentError, type_name_, what, " name '", name, "' must be non-empty and contain no '.'");
  auto taken = [&](const auto& list) {
    return std::any_of(list.begin(), list.end(), [&](const auto& p) { return p.first == name; });
  };
  if (taken(params_) || taken(buffers_) || taken(children_))
    TFL_THROW(InvalidArgumentError, type_name_, "the name '", name, "' is already registered");
}

Tensor Module::register_parameter(const std::string& name, const Tensor& t, bool requires_grad) {
  check_new_name(name, "parameter");
  if (t.defined()) {
    if (!is_floating(t.dtype()))
      TFL_THROW(DTypeError, type_name_, "parameter '", name, "' must be a floating tensor, got ", dtype_name(t.dtype()));
    if (!autograd::is_leaf(t))
      TFL_THROW(InvalidArgumentError, type_name_, "parameter '", name,
                "' must be a leaf tensor (computed by no op); register detach(t)");
    Parameter::mark(t, requires_grad);  // is_parameter(t) is true from now on, for every handle to t
  }
  params_.emplace_back(name, t);
  return t;
}

Tensor Module::register_buffer(const std::string& name, const Tensor& t) {
  check_new_name(name, "buffer");
  buffers_.emplace_back(name, t);
  return t;
}

std::shared_ptr<Module> Module::register_module(const std::string& name, std::shared_ptr<Module> child) {
  check_new_name(name, "module");
  if (!child) TFL_THROW(InvalidArgumentError, type_name_, "child module '", name, "' is null");
  if (child.get() == this) TFL_THROW(InvalidArgumentError, type_name_, "a module cannot be its own child");
  children_.emplace_back(name, child);
  child->name_in_parent_ = name;
  return child;
}

void Module::collect(const std::string& prefix, bool params, bool recurse, StateDict& out) const {
  for (const auto& [name, t] : params ? params_ : buffers_)
    if (t.defined()) out.emplace_back(prefix + name, t);
  if (!recurse) return;
  for (const auto& [name, c] : children_) c->collect(prefix + name + ".", params, true, out);
}

namespace {
// Keeps the first entry of each distinct tensor.
StateDict unique_tensors(StateDict all) {
  std::unordered_set<const TensorImpl*> seen;
  StateDict out;
  for (auto& [name, t] : all)
    if (seen.insert(t.impl()).second) out.emplace_back(std::move(name), std::move(t));
  return out;
}
std::vector<Tensor> tensors_of(const StateDict& d) {
  std::vector<Tensor> v;
  for (const auto& [name, t] : d) v.push_back(t);
  return v;
}
}  // namespace

StateDict Module::named_parameters(bool recurse) const {
  StateDict all;
  collect("", true, recurse, all);
  return unique_tensors(std::move(all));
}

std::vector<Tensor> Module::parameters(bool recurse) const { return tensors_of(named_parameters(recurse)); }

StateDict Module::named_buffers(bool recurse) const {
  StateDict all;
  collect("", false, recurse, all);
  return unique_tensors(std::move(all));
}

std::vector<Tensor> Module::buffers(bool recurse) const { return tensors_of(named_buffers(recurse)); }

std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::named_children() const { return children_; }

std::vector<std::pair<std::string, Module*>> Module::named_modules() {
  std::vector<std::pair<std::string, Module*>> out{{"", this}};
  for (auto& [name, c] : children_)
    for (auto& [sub, m] : c->named_modules()) out.emplace_back(sub.empty() ? name : name + "." + sub, m);
  return out;
}

namespace {
template <class List>
auto find_named(const List& list, const std::string& name) -> decltype(list.begin()) {
  return std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == name; });
}
}  // namespace

std::shared_ptr<Module> Module::child(const std::string& name) const {
  size_t dot = name.find('.');
  auto it = find_named(children_, name.substr(0, dot));
  if (it == children_.end()) TFL_THROW(InvalidArgumentError, type_name_, "no child module named '", name, "'");
  return dot == std::string::npos ? it->second : it->second->child(name.substr(dot + 1));
}

Tensor Module::parameter(const std::string& name) const {
  size_t dot = name.rfind('.');
  if (dot != std::string::npos) return child(name.substr(0, dot))->parameter(name.substr(dot + 1));
  auto it = find_named(params_, name);
  if (it == params_.end() || !it->second.defined())
    TFL_THROW(InvalidArgumentError, type_name_, "no parameter named '", name, "'");
  return it->second;
}

Tensor Module::buffer(const std::string& name) const {
  size_t dot = name.rfind('.');
  if (dot != std::string::npos) return child(name.substr(0, dot))->buffer(name.substr(dot + 1));
  auto it = find_named(buffers_, name);
  if (it == buffers_.end() || !it->second.defined())
    TFL_THROW(InvalidArgumentError, type_name_, "no buffer named '", name, "'");
  return it->second;
}

int64_t Module::parameter_count(bool trainable_only) const {
  int64_t n = 0;
  for (const auto& [name, t] : named_parameters())
    if (!trainable_only || autograd::requires_grad(t)) n += t.numel();
  return n;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, c] : children_) c->train(on);
}

void Module::zero_grad(bool set_to_none) {
  for (const Tensor& p : parameters()) {
    Tensor g = autograd::grad(p);
    if (!g.defined()) continue;
    if (set_to_none) {
      autograd::set_grad(p, Tensor());
    } else {
      autograd::set_grad(p, zeros_like(p));
    }
  }
}

StateDict Module::state_dict() const {
  // Per module: parameters, then buffers, then children (PyTorch's key order).
  StateDict out;
  std::function<void(const Module&, const std::string&)> walk = [&](const Module& m, const std::string& prefix) {
    m.collect(prefix, true, false, out);
    m.collect(prefix, false, false, out);
    for (const auto& [name, c] : m.children_) walk(*c, prefix + name + ".");
  };
  walk(*this, "");
  for (auto& [name, t] : out) t = autograd::detach(t);
  return out;
}

LoadResult Module::load_state_dict(const StateDict& dict, bool strict) {
  StateDict own;
  std::function<void(const Module&, const std::string&)> walk = [&](const Module& m, const std::string& prefix) {
    m.collect(prefix, true, false, own);
    m.collect(prefix, false, false, own);
    for (const auto& [name, c] : m.children_) walk(*c, prefix + name + ".");
  };
  walk(*this, "");
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < own.size(); ++i) index.emplace(own[i].first, i);

  LoadResult result;
  std::unordered_set<std::string> given;
  std::vector<std::pair<Tensor, Tensor>> copies;  // (destination, source)
  for (const auto& [key, src] : dict) {
    if (!given.insert(key).second)
      TFL_THROW(InvalidArgumentError, "load_state_dict", "the state dict has the key '", key, "' twice");
    auto it = index.find(key);
    if (it == index.end()) {
      result.unexpected_keys.push_back(key);
      continue;
    }
    const Tensor& dst = own[it->second].second;
    if (!src.defined())
      TFL_THROW(InvalidArgumentError, "load_state_dict", "'", key, "': the state dict holds an undefined tensor");
    if (src.shape() != dst.shape())
      TFL_THROW(CheckpointError, "load_state_dict", "'", key, "': the module has shape ", shape_str(dst.shape()),
                ", the state dict ", shape_str(src.shape()));
    if (src.dtype() != dst.dtype())
      TFL_THROW(CheckpointError, "load_state_dict", "'", key, "': the module has dtype ", dtype_name(dst.dtype()),
                ", the state dict ", dtype_name(src.dtype()));
    copies.emplace_back(dst, src);
  }
  for (const auto& [key, t] : own)
    if (!given.count(key)) result.missing_keys.push_back(key);
  if (strict && (!result.missing_keys.empty() || !result.unexpected_keys.empty())) {
    std::string msg;
    if (!result.missing_keys.empty()) msg += "missing keys: " + join_keys(result.missing_keys);
    if (!result.unexpected_keys.empty())
      msg += (msg.empty() ? "" : "; ") + std::string("unexpected keys: ") + join_keys(result.unexpected_keys);
    TFL_THROW(CheckpointError, "load_state_dict", type_name_, ": ", msg);
  }
  autograd::NoGradGuard no_grad;
  for (const auto& [dst, src] : copies) {
    // Loading a module's own state dict (views of the same elements) has nothing to copy.
    bool same_elements = dst.storage() == src.storage() && dst.offset() == src.offset() && dst.strides() == src.strides();
    if (!same_elements) copy_(dst, src);
  }
  return result;
}

void Module::check_input_count(const std::vector<Tensor>& inputs, size_t n) const {
  if (inputs.size() != n)
    TFL_THROW(InvalidArgumentError, type_name_, "expects ", n, " input", n == 1 ? "" : "s", ", got ", inputs.size());
  for (size_t i = 0; i < n; ++i)
    if (!inputs[i].defined()) TFL_THROW(InvalidArgumentError, type_name_, "input ", i, " is undefined");
}

Tensor Module::operator()(const std::vector<Tensor>& given) {
  std::vector<Tensor> inputs = given;
  auto pre = pre_hooks_;  // hooks may register or remove hooks
  for (auto& [id, hook] : pre) {
    std::vector<Tensor> r = hook(*this, inputs);
    if (!r.empty()) inputs = std::move(r);
  }
  std::shared_ptr<CallState> st;
  if (!hook_state_->backward_hooks.empty() && autograd::grad_enabled()) {
    st = std::make_shared<CallState>();
    st->hooks = hook_state_;
    st->n_inputs = inputs.size();
    std::vector<Tensor> to_wrap;
    for (size_t i = 0; i < inputs.size(); ++i)
      if (inputs[i].defined() && autograd::requires_grad(inputs[i])) {
        st->wrapped.push_back(static_cast<int>(i));
        to_wrap.push_back(inputs[i]);
      }
    if (!to_wrap.empty()) {
      std::vector<Tensor> routed = route_through(std::make_shared<HookIdentityNode>(st, false), to_wrap);
      for (size_t k = 0; k < routed.size(); ++k) inputs[static_cast<size_t>(st->wrapped[k])] = routed[k];
    }
  }
  Tensor out;
  {
    // Tags the forward's allocations with the module's path: the root by its type, children by the
    // names their parents gave them ("Sequential.0"), so the profiler tells two Linear layers apart.
    const std::string parent = MemoryModuleScope::current();
    MemoryModuleScope memory_scope(parent.empty() ? type_name_
                                                  : parent + "." + (name_in_parent_.empty() ? type_name_ : name_in_parent_));
    out = forward(inputs);
  }
  auto fwd = forward_hooks_;
  for (auto& [id, hook] : fwd) {
    Tensor r = hook(*this, inputs, out);
    if (r.defined()) out = r;
  }
  if (st && out.defined() && autograd::requires_grad(out))
    out = route_through(std::make_shared<HookIdentityNode>(st, true), {out})[0];
  return out;
}

int64_t Module::register_forward_pre_hook(ForwardPreHook hook) {
  if (!hook) TFL_THROW(InvalidArgumentError, type_name_, "the forward pre-hook is empty");
  int64_t id = autograd::next_hook_id();
  pre_hooks_.emplace_back(id, std::move(hook));
  return id;
}

int64_t Module::register_forward_hook(ForwardHook hook) {
  if (!hook) TFL_THROW(InvalidArgumentError, type_name_, "the forward hook is empty");
  int64_t id = autograd::next_hook_id();
  forward_hooks_.emplace_back(id, std::move(hook));
  return id;
}

int64_t Module::register_backward_hook(BackwardHook hook) {
  if (!hook) TFL_THROW(InvalidArgumentError, type_name_, "the backward hook is empty");
  int64_t id = autograd::next_hook_id();
  hook_state_->backward_hooks.emplace_back(id, std::move(hook));
  return id;
}

bool Module::remove_hook(int64_t handle) {
  auto erase = [handle](auto& list) {
    auto it = std::find_if(list.begin(), list.end(), [handle](const auto& p) { return p.first == handle; });
    if (it == list.end()) return false;
    list.erase(it);
    return true;
  };
  return erase(pre_hooks_) || erase(forward_hooks_) || erase(hook_state_->backward_hooks);
}

void Module::to_string_into(std::string& out, int indent) const {
  out += type_name_ + "(" + extra_repr();
  if (children_.empty()) {
    out += ")";
    return;
  }
  std::string pad(static_cast<size_t>(indent + 2), ' ');
  out += "\n";
  for (const auto& [name, c] : children_) {
    out += pad + "(" + name + "): ";
    c->to_string_into(out, indent + 2);
    out += "\n";
  }
  out += std::string(static_cast<size_t>(indent), ' ') + ")";
}

std::string Module::to_string() const {
  std::string s;
  to_string_into(s, 0);
  return s;
}

Tensor UnaryModule::forward(const std::vector<Tensor>& inputs) {
  check_input_count(inputs, 1);
  return forward_one(inputs[0]);
}

}  // namespace tfl::nn
