// Graph nodes and saved tensors.
#include "core/autograd/node.h"

#include <atomic>

#include "core/autograd/variable.h"

namespace tfl::autograd {

// Note [Saved versions]
// Every in-place write bumps the version counter of the written storage (shared by all views). A
// saved tensor remembers the version it had when the forward op ran; if the counter moved by the time
// backward needs it, the values differ from the ones the gradient formula assumes, so we raise instead
// of returning a silently wrong gradient.
namespace {
std::atomic<int64_t> g_saved_bytes{0};
std::atomic<int64_t> g_saved_count{0};

int64_t tensor_bytes(const Tensor& t) {
  return t.defined() ? t.numel() * static_cast<int64_t>(t.itemsize()) : 0;
}
}  // namespace

int64_t saved_tensor_bytes() { return g_saved_bytes.load(std::memory_order_relaxed); }
int64_t saved_tensor_count() { return g_saved_count.load(std::memory_order_relaxed); }

SavedTensor::SavedTensor(const Tensor& t)
    : tensor_(t), version_(t.defined() ? t.version() : 0), bytes_(tensor_bytes(t)) {
  if (tensor_.defined()) {
    g_saved_bytes.fetch_add(bytes_, std::memory_order_relaxed);
    g_saved_count.fetch_add(1, std::memory_order_relaxed);
  }
}

SavedTensor::SavedTensor(const SavedTensor& o)
    : tensor_(o.tensor_), version_(o.version_), bytes_(o.bytes_), released_(o.released_), grad_fn_(o.grad_fn_),
      output_nr_(o.output_nr_), is_output_(o.is_output_) {
  if (tensor_.defined()) {
    g_saved_bytes.fetch_add(bytes_, std::memory_order_relaxed);
    g_saved_count.fetch_add(1, std::memory_order_relaxed);
  }
}

// A move transfers the count with the tensor: the source is left empty.
SavedTensor::SavedTensor(SavedTensor&& o) noexcept
    : tensor_(std::move(o.tensor_)), version_(o.version_), bytes_(o.bytes_), released_(o.released_),
      grad_fn_(std::move(o.grad_fn_)), output_nr_(o.output_nr_), is_output_(o.is_output_) {
  o.tensor_ = Tensor();
  o.bytes_ = 0;
}

SavedTensor& SavedTensor::operator=(const SavedTensor& o) {
  if (this != &o) *this = SavedTensor(o);
  return *this;
}

SavedTensor& SavedTensor::operator=(SavedTensor&& o) noexcept {
  if (this != &o) {
    untrack();
    tensor_ = std::move(o.tensor_);
    version_ = o.version_;
    bytes_ = o.bytes_;
    released_ = o.released_;
    grad_fn_ = std::move(o.grad_fn_);
    output_nr_ = o.output_nr_;
    is_output_ = o.is_output_;
    o.tensor_ = Tensor();
    o.bytes_ = 0;
  }
  return *this;
}

SavedTensor::~SavedTensor() { untrack(); }

void SavedTensor::untrack() {
  if (tensor_.defined()) {
    g_saved_bytes.fetch_sub(bytes_, std::memory_order_relaxed);
    g_saved_count.fetch_sub(1, std::memory_order_relaxed);
  }
  tensor_ = Tensor();
  bytes_ = 0;
}

void SavedTensor::reset() {
  untrack();
  released_ = true;
}

// Note [Saved outputs]
// An op that saves its own output (exp, tanh, softmax, ...) would make a cycle: output -> grad_fn ->
// saved output. If no backward pass ever runs (an evaluation forward with grad enabled), the cycle
// is never broken and the graph leaks. Like PyTorch's SavedVariable, the saved copy of an output is
// an alias of its data without autograd meta plus a weak link to the node; unpacking (which only
// happens while the node runs, so the node is alive) rebuilds a tensor whose grad_fn is the node, so
// create_graph still differentiates through it.
void SavedTensor::weaken_if_output(const Tensor& out, const std::shared_ptr<Node>& node, uint32_t output_nr) {
  if (is_output_ || !tensor_.defined() || !tensor_.is_same(out)) return;
  tensor_ = detach(out);  // the same data, without the autograd meta that points at the node
  grad_fn_ = node;
  output_nr_ = output_nr;
  is_output_ = true;
}

Tensor SavedTensor::unpack(const std::string& op) const {
  if (released_)
    TFL_THROW(GradientError, op,
              "the graph was already freed by an earlier backward; pass retain_graph=true to backward twice");
  if (tensor_.defined() && tensor_.version() != version_)
    TFL_THROW(GradientError, op, "a tensor saved for the gradient (shape ", shape_str(tensor_.shape()), ", ",
              dtype_name(tensor_.dtype()), ") was modified in place after it was saved (version ", tensor_.version(),
              ", saved at version ", version_, ")");
  if (is_output_) {
    if (std::shared_ptr<Node> node = grad_fn_.lock()) return attach_grad_fn(tensor_, std::move(node), output_nr_);
  }
  return tensor_;
}

std::vector<std::pair<int64_t, GradHook>>& Node::pre_hooks(uint32_t nr) {
  if (pre_hooks_.size() <= nr) pre_hooks_.resize(nr + 1);
  return pre_hooks_[nr];
}

std::vector<Tensor> FunctionNode::apply(const std::vector<Tensor>& grad_outputs) {
  return fn_(grad_outputs, saved_);
}

void FunctionNode::weaken_saved_outputs(const std::vector<Tensor>& outputs, const std::shared_ptr<Node>& self) {
  for (auto& s : saved_)
    for (uint32_t i = 0; i < outputs.size(); ++i) s.weaken_if_output(outputs[i], self, i);
}

void FunctionNode::release_saved() {
  for (auto& s : saved_) s.reset();
}

}  // namespace tfl::autograd
