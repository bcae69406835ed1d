// Graph nodes and saved tensors.
#include "core/autograd/node.h"

namespace tfl::autograd {

// Note [Saved versions]
// Every in-place write bumps the version counter of the written storage (shared by all views). A
// saved tensor remembers the version it had when the forward op ran; if the counter moved by the time
// backward needs it, the values differ from the ones the gradient formula assumes, so we raise instead
// of returning a silently wrong gradient.
const Tensor& SavedTensor::unpack(const std::string& op) const {
  if (released_)
    TFL_THROW(InvalidArgumentError, op,
              "the graph was already freed by an earlier backward; pass retain_graph=true to backward twice");
  if (tensor_.defined() && tensor_.version() != version_)
    TFL_THROW(InvalidArgumentError, op, "a tensor saved for the gradient (shape ", shape_str(tensor_.shape()), ", ",
              dtype_name(tensor_.dtype()), ") was modified in place after it was saved (version ", tensor_.version(),
              ", saved at version ", version_, ")");
  return tensor_;
}

std::vector<std::pair<int64_t, GradHook>>& Node::pre_hooks(uint32_t nr) {
  if (pre_hooks_.size() <= nr) pre_hooks_.resize(nr + 1);
  return pre_hooks_[nr];
}

std::vector<Tensor> FunctionNode::apply(const std::vector<Tensor>& grad_outputs) {
  return fn_(grad_outputs, saved_);
}

void FunctionNode::release_saved() {
  for (auto& s : saved_) s.reset();
}

}  // namespace tfl::autograd
