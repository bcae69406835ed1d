// The backward engine. See Note [Engine order].
#include "core/autograd/engine.h"

#include <map>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/dispatch.h"
#include "core/numerical_check.h"
#include "core/op_profiler.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"

namespace tfl::autograd {
namespace {

// Note [Engine order]
// A node may run only when every node that feeds it gradient has run, so we count, for each node
// reachable from the outputs, how many edges point to it, and run nodes whose count dropped to zero.
// Among ready nodes the most recently created runs first (sequence numbers grow in forward order),
// which keeps memory low for chains and matches PyTorch's order for hooks.

struct NodeCompare {
  bool operator()(const Node* a, const Node* b) const { return a->sequence_nr() < b->sequence_nr(); }
};

TensorArg arg_of(const Tensor& t) { return make_arg(t.data_ptr(), t.dtype(), t.shape(), t.strides()); }

// A backward function run with the numerical check mode on: its kernels name it in their messages, and
// gradients it returns with NaN/Inf (from gradients that had none) are a NumericalError naming it.
std::vector<Tensor> apply_checked(Node& node, std::vector<Tensor>& grads) {
  const std::string name = node.name();
  NumericalCheckContext context(name.c_str());
  std::vector<Tensor> input_grads = node.apply(grads);
  for (const Tensor& g : grads)
    if (g.defined() && !all_finite(arg_of(g), g.device().type)) return input_grads;
  const std::string what = "the backward of '" + name + "'";
  for (const Tensor& g : input_grads)
    if (g.defined()) check_finite(what.c_str(), arg_of(g), g.device().type);
  return input_grads;
}

Tensor accumulate(const Tensor& acc, const Tensor& g) {
  if (!acc.defined()) return g;
  if (!g.defined()) return acc;
  return add(acc, g);
}

Tensor run_pre_hooks(Node* node, uint32_t nr, Tensor g) {
  for (auto& [id, hook] : node->pre_hooks(nr)) {
    Tensor replaced = hook(g);
    if (replaced.defined()) {
      if (replaced.shape() != g.shape())
        TFL_THROW(ShapeError, "hook", "a gradient hook returned shape ", shape_str(replaced.shape()),
                  " for a gradient of shape ", shape_str(g.shape()));
      g = replaced;
    }
  }
  return g;
}

// Runs the graph from `roots`. When `captures` is non-empty, gradients arriving at those edges are
// stored there (and leaves reached only through them are not accumulated).
void execute(const std::vector<Edge>& roots, const std::vector<Tensor>& root_grads, const BackwardOptions& opt,
             std::vector<std::pair<Edge, Tensor>>* captures) {
  std::unordered_map<Node*, int> dependencies;
  std::unordered_map<Node*, std::shared_ptr<Node>> keep_alive;
  {
    std::vector<Node*> stack;
    for (const Edge& e : roots)
      if (e.valid() && keep_alive.emplace(e.node.get(), e.node).second) stack.push_back(e.node.get());
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      for (const Edge& e : n->next_edges()) {
        if (!e.valid()) continue;
        ++dependencies[e.node.get()];
        if (keep_alive.emplace(e.node.get(), e.node).second) stack.push_back(e.node.get());
      }
    }
  }
  std::unordered_map<Node*, std::vector<Tensor>> pending;  // incoming gradients per node input
  auto add_grad = [&](const Edge& e, const Tensor& g) {
    auto& slots = pending[e.node.get()];
    if (slots.size() <= e.input_nr) slots.resize(e.node->outputs().size() > e.input_nr ? e.node->outputs().size() : e.input_nr + 1);
    slots[e.input_nr] = accumulate(slots[e.input_nr], g);
  };
  for (size_t i = 0; i < roots.size(); ++i)
    if (roots[i].valid()) add_grad(roots[i], root_grads[i]);

  std::priority_queue<Node*, std::vector<Node*>, NodeCompare> ready;
  for (auto& [n, _] : keep_alive)
    if (dependencies[n] == 0) ready.push(n);

  GradModeGuard mode(opt.create_graph);
  while (!ready.empty()) {
    Node* node = ready.top();
    ready.pop();
    std::vector<Tensor> grads = std::move(pending[node]);
    pending.erase(node);
    grads.resize(node->outputs().size());
    bool any = false;
    for (uint32_t i = 0; i < grads.size(); ++i) {
      if (grads[i].defined()) {
        grads[i] = run_pre_hooks(node, i, grads[i]);
        any = true;
      }
    }
    if (captures) {
      for (auto& [edge, slot] : *captures)
        if (edge.node.get() == node && edge.input_nr < grads.size()) slot = accumulate(slot, grads[edge.input_nr]);
    }
    std::vector<Tensor> input_grads;
    // With captures (grad()), leaves' .grad is never touched.
    bool skip = !any || (captures && node->name() == "AccumulateGrad");
    if (!skip) {
      for (uint32_t i = 0; i < grads.size(); ++i)
        if (!grads[i].defined()) grads[i] = zeros(node->outputs()[i].shape, node->outputs()[i].dtype);
      {
        // The op profiler times each backward function as "<op>_backward" (Note [Op profiler]).
        OpProfileScope profile(op_profiler_active() ? op_profiler_backward_name(node->name()) : nullptr, true);
        if (numerical_check_enabled()) input_grads = apply_checked(*node, grads);
        else input_grads = node->apply(grads);
      }
      for (auto& [id, hook] : node->post_hooks()) hook(input_grads, grads);
      // As in PyTorch, create_graph implies retain_graph: the recorded backward still needs the graph.
      if (!opt.retain_graph && !opt.create_graph) node->release_saved();
    }
    const auto& edges = node->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      if (!e.valid()) continue;
      if (i < input_grads.size() && input_grads[i].defined()) {
        const OutputMeta& m = e.node->outputs()[e.input_nr];
        if (input_grads[i].shape() != m.shape)
          TFL_THROW(InternalError, node->name(), "backward produced a gradient of shape ",
                    shape_str(input_grads[i].shape()), " for an input of shape ", shape_str(m.shape));
        add_grad(e, input_grads[i]);
      }
      if (--dependencies[e.node.get()] == 0) ready.push(e.node.get());
    }
  }
}

std::vector<Tensor> root_gradients(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
                                   const char* op) {
  if (!grad_outputs.empty() && grad_outputs.size() != outputs.size())
    TFL_THROW(InvalidArgumentError, op, outputs.size(), " outputs but ", grad_outputs.size(), " output gradients");
  std::vector<Tensor> grads;
  for (size_t i = 0; i < outputs.size(); ++i) {
    check_defined(outputs[i], op, "outputs");
    if (!requires_grad(outputs[i]))
      TFL_THROW(GradientError, op, "output ", i, " does not require grad and has no grad_fn");
    Tensor g = i < grad_outputs.size() ? grad_outputs[i] : Tensor();
    if (!g.defined()) {
      if (outputs[i].numel() != 1)
        TFL_THROW(GradientError, op, "an implicit gradient needs a one-element output; output ", i, " has shape ",
                  shape_str(outputs[i].shape()), " (pass an explicit output gradient)");
      g = ones(outputs[i].shape(), outputs[i].dtype());
    } else if (g.shape() != outputs[i].shape()) {
      TFL_THROW(ShapeError, op, "output gradient of shape ", shape_str(g.shape()), " for output ", i, " of shape ",
                shape_str(outputs[i].shape()));
    }
    grads.push_back(g);
  }
  return grads;
}

}  // namespace

void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs, BackwardOptions options) {
  std::vector<Tensor> grads = root_gradients(outputs, grad_outputs, "backward");
  std::vector<Edge> roots;
  for (const Tensor& o : outputs) roots.push_back(gradient_edge(o));
  execute(roots, grads, options, nullptr);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, BackwardOptions options, bool unused_as_zeros) {
  std::vector<Tensor> grads = root_gradients(outputs, grad_outputs, "grad");
  std::vector<Edge> roots;
  for (const Tensor& o : outputs) roots.push_back(gradient_edge(o));
  std::vector<std::pair<Edge, Tensor>> captures;
  for (const Tensor& in : inputs) {
    check_defined(in, "grad", "inputs");
    captures.emplace_back(gradient_edge(in), Tensor());
  }
  execute(roots, grads, options, &captures);
  std::vector<Tensor> result;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Tensor g = captures[i].second;
    if (!g.defined() && unused_as_zeros) g = zeros_like(inputs[i]);
    result.push_back(g);
  }
  return result;
}

}  // namespace tfl::autograd
