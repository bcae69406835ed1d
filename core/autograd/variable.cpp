// Autograd state of tensors, leaf accumulation, hooks and op recording.
#include "core/autograd/variable.h"

#include <atomic>
#include <mutex>
#include <unordered_map>

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_mode.h"
#include "core/ops/copy.h"
#include "core/ops/elementwise.h"

namespace tfl::autograd {
namespace {

AutogradMeta& meta(const Tensor& t) {
  auto& m = t.impl()->autograd_;
  if (!m) m = std::make_shared<AutogradMeta>();
  return *m;
}

const AutogradMeta* meta_if(const Tensor& t) { return t.defined() ? t.impl()->autograd_.get() : nullptr; }

std::atomic<uint64_t> g_sequence{0};

// Adds incoming gradients into a leaf's .grad (with tensor hooks run first by the engine).
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(std::weak_ptr<TensorImpl> leaf) : Node("AccumulateGrad"), leaf_(std::move(leaf)) {}
  std::vector<Tensor> apply(const std::vector<Tensor>& grads) override {
    auto impl = leaf_.lock();
    if (!impl || !grads[0].defined()) return {};
    Tensor leaf(impl);
    AutogradMeta& m = meta(leaf);
    // Under create_graph the new .grad keeps its graph; otherwise it is a plain tensor.
    Tensor g = grad_enabled() ? grads[0] : detach(grads[0]);
    if (!m.grad.defined()) {
      // Own the gradient: the incoming tensor may be shared with other branches.
      m.grad = grad_enabled() ? g : clone(g);
    } else {
      m.grad = add(m.grad, g);
    }
    return {};
  }

 private:
  std::weak_ptr<TensorImpl> leaf_;
};

// Where each hook id lives, so remove_hook can find it.
struct HookRegistry {
  std::mutex mu;
  std::unordered_map<int64_t, std::weak_ptr<Node>> owners;
};
HookRegistry& hooks() {
  static HookRegistry* r = new HookRegistry();
  return *r;
}
std::atomic<int64_t> g_hook_id{1};

}  // namespace

int64_t next_hook_id() { return g_hook_id.fetch_add(1); }

bool requires_grad(const Tensor& t) {
  const AutogradMeta* m = meta_if(t);
  return m && (m->requires_grad || m->grad_fn);
}

void set_requires_grad(const Tensor& t, bool value) {
  check_defined(t, "requires_grad", "t");
  if (value && !is_floating(t.dtype()))
    TFL_THROW(DTypeError, "requires_grad", "only floating tensors can require gradients, got ", dtype_name(t.dtype()));
  const AutogradMeta* m = meta_if(t);
  if (m && m->grad_fn)
    TFL_THROW(GradientError, "requires_grad",
              "can only be set on leaf tensors; use detach() to make a new leaf from a computed tensor");
  meta(t).requires_grad = value;
}

bool is_leaf(const Tensor& t) {
  const AutogradMeta* m = meta_if(t);
  return !m || !m->grad_fn;
}

Tensor grad(const Tensor& t) {
  const AutogradMeta* m = meta_if(t);
  return m ? m->grad : Tensor();
}

void set_grad(const Tensor& t, const Tensor& g) {
  check_defined(t, "set_grad", "t");
  if (g.defined() && g.shape() != t.shape())
    TFL_THROW(ShapeError, "set_grad", "gradient of shape ", shape_str(g.shape()), " for a tensor of shape ",
              shape_str(t.shape()));
  meta(t).grad = g;
}

void retain_grad(const Tensor& t) {
  check_defined(t, "retain_grad", "t");
  if (!requires_grad(t))
    TFL_THROW(GradientError, "retain_grad", "the tensor does not require grad");
  if (is_leaf(t)) return;  // leaves keep .grad anyway
  AutogradMeta& m = meta(t);
  if (m.retains_grad) return;
  m.retains_grad = true;
  std::weak_ptr<TensorImpl> weak = t.impl_ptr();
  m.grad_fn->pre_hooks(m.output_nr).emplace_back(next_hook_id(), [weak](const Tensor& g) {
    if (auto impl = weak.lock()) {
      Tensor self(impl);
      AutogradMeta& mm = meta(self);
      Tensor d = grad_enabled() ? g : detach(g);
      mm.grad = mm.grad.defined() ? add(mm.grad, d) : (grad_enabled() ? d : clone(d));
    }
    return Tensor();
  });
}

std::shared_ptr<Node> grad_fn(const Tensor& t) {
  const AutogradMeta* m = meta_if(t);
  return m ? m->grad_fn : nullptr;
}

Tensor detach(const Tensor& t) {
  check_defined(t, "detach", "t");
  return Tensor(std::make_shared<TensorImpl>(t.storage(), t.shape(), t.strides(), t.offset(), t.dtype()));
}

Edge gradient_edge(const Tensor& t) {
  if (!requires_grad(t)) return Edge{};
  AutogradMeta& m = meta(t);
  if (m.grad_fn) return Edge{m.grad_fn, m.output_nr};
  if (!m.accumulator) {
    m.accumulator = std::make_shared<AccumulateGrad>(t.impl_ptr());
    m.accumulator->outputs().push_back({t.shape(), t.dtype()});
  }
  return Edge{m.accumulator, 0};
}

int64_t register_hook(const Tensor& t, GradHook hook) {
  check_defined(t, "register_hook", "t");
  if (!requires_grad(t))
    TFL_THROW(GradientError, "register_hook", "cannot register a hook on a tensor that does not require grad");
  Edge e = gradient_edge(t);
  int64_t id = next_hook_id();
  e.node->pre_hooks(e.input_nr).emplace_back(id, std::move(hook));
  std::lock_guard<std::mutex> lock(hooks().mu);
  hooks().owners[id] = e.node;
  return id;
}

bool remove_hook(int64_t handle) {
  std::shared_ptr<Node> node;
  {
    std::lock_guard<std::mutex> lock(hooks().mu);
    auto it = hooks().owners.find(handle);
    if (it == hooks().owners.end()) return false;
    node = it->second.lock();
    hooks().owners.erase(it);
  }
  if (!node) return false;
  for (uint32_t nr = 0; nr < node->outputs().size(); ++nr) {
    auto& list = node->pre_hooks(nr);
    for (auto it = list.begin(); it != list.end(); ++it)
      if (it->first == handle) {
        list.erase(it);
        return true;
      }
  }
  auto& post = node->post_hooks();
  for (auto it = post.begin(); it != post.end(); ++it)
    if (it->first == handle) {
      post.erase(it);
      return true;
    }
  return false;
}

void register_hook_owner(int64_t id, const std::shared_ptr<Node>& node) {
  std::lock_guard<std::mutex> lock(hooks().mu);
  hooks().owners[id] = node;
}

bool needs_grad(std::initializer_list<std::reference_wrapper<const Tensor>> inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs)
    if (requires_grad(t)) return true;
  return false;
}

bool needs_grad(const std::vector<Tensor>& inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs)
    if (requires_grad(t)) return true;
  return false;
}

void record(const char* name, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs,
            std::vector<SavedTensor> saved, BackwardFn fn) {
  // Every recorded op must be registered, so the gradient checker knows to test it.
  TFL_INTERNAL_ASSERT(is_registered_differentiable(name));
  auto node = std::make_shared<FunctionNode>(name, std::move(fn), std::move(saved));
  node->set_sequence_nr(g_sequence.fetch_add(1));
  for (const Tensor& in : inputs) node->next_edges().push_back(in.defined() ? gradient_edge(in) : Edge{});
  for (uint32_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    node->outputs().push_back({out.shape(), out.dtype()});
    AutogradMeta& m = meta(out);
    m.grad_fn = node;
    m.output_nr = i;
    m.requires_grad = true;
  }
  node->weaken_saved_outputs(outputs, node);
}

Tensor attach_grad_fn(const Tensor& data, std::shared_ptr<Node> grad_fn, uint32_t output_nr) {
  Tensor t = detach(data);
  AutogradMeta& m = meta(t);
  m.grad_fn = std::move(grad_fn);
  m.output_nr = output_nr;
  m.requires_grad = true;
  return t;
}

}  // namespace tfl::autograd
