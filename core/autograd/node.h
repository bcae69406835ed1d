// The recorded graph: nodes (one per op application), edges to the nodes of the inputs, saved tensors.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace tfl::autograd {

class Node;

// Where a gradient flows: input `input_nr` of `node` (the node that produced the tensor, or the
// AccumulateGrad node of a leaf). An empty node means the tensor needs no gradient.
struct Edge {
  std::shared_ptr<Node> node;
  uint32_t input_nr = 0;
  bool valid() const { return node != nullptr; }
};

// Reads or replaces a gradient: returns an undefined Tensor to keep it, a tensor to replace it.
using GradHook = std::function<Tensor(const Tensor& grad)>;

// Shape and dtype of one forward output, for zero-filling missing gradients and for DOT export.
struct OutputMeta {
  Shape shape;
  DType dtype = DType::F32;
};

class Node {
 public:
  explicit Node(std::string name) : name_(std::move(name)) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Gradients w.r.t. this node's inputs (one per next edge; undefined = no gradient), given the
  // gradients w.r.t. its outputs (one per output; missing ones are zero-filled by the engine).
  virtual std::vector<Tensor> apply(const std::vector<Tensor>& grad_outputs) = 0;
  // Drops saved tensors once the graph is no longer needed (retain_graph = false).
  virtual void release_saved() {}

  const std::string& name() const { return name_; }
  std::vector<Edge>& next_edges() { return next_edges_; }
  std::vector<OutputMeta>& outputs() { return outputs_; }
  // Hooks on the gradient of output `nr`, run before apply().
  std::vector<std::pair<int64_t, GradHook>>& pre_hooks(uint32_t nr);
  // Hooks run after apply() with (grad_inputs, grad_outputs); module backward hooks use them.
  using PostHook = std::function<void(const std::vector<Tensor>& grad_inputs, const std::vector<Tensor>& grad_outputs)>;
  std::vector<std::pair<int64_t, PostHook>>& post_hooks() { return post_hooks_; }
  uint64_t sequence_nr() const { return sequence_nr_; }
  void set_sequence_nr(uint64_t s) { sequence_nr_ = s; }

 private:
  std::string name_;
  std::vector<Edge> next_edges_;
  std::vector<OutputMeta> outputs_;
  std::vector<std::vector<std::pair<int64_t, GradHook>>> pre_hooks_;
  std::vector<std::pair<int64_t, PostHook>> post_hooks_;
  uint64_t sequence_nr_ = 0;
};

// A tensor kept for the backward pass, with the version it had when saved. See Note [Saved versions].
// Every live SavedTensor holding a tensor counts its bytes in saved_tensor_bytes(), which the memory
// profiler reports as memory kept alive by recorded (e.g. retained) graphs.
class SavedTensor {
 public:
  SavedTensor() = default;
  explicit SavedTensor(const Tensor& t);
  SavedTensor(const SavedTensor& o);
  SavedTensor(SavedTensor&& o) noexcept;
  SavedTensor& operator=(const SavedTensor& o);
  SavedTensor& operator=(SavedTensor&& o) noexcept;
  ~SavedTensor();
  // The tensor; GradientError naming `op` if it was modified in place after being saved or already freed.
  Tensor unpack(const std::string& op) const;
  void reset();
  // See Note [Saved outputs]: if the saved tensor is `out`, output `output_nr` of `node`, keep only its
  // data and a weak link to the node.
  void weaken_if_output(const Tensor& out, const std::shared_ptr<Node>& node, uint32_t output_nr);

 private:
  void untrack();
  Tensor tensor_;
  uint64_t version_ = 0;
  int64_t bytes_ = 0;  // numel * itemsize of tensor_, counted in saved_tensor_bytes()
  bool released_ = false;
  // Set for a saved output: tensor_ is then an alias without autograd meta.
  std::weak_ptr<Node> grad_fn_;
  uint32_t output_nr_ = 0;
  bool is_output_ = false;
};

// Bytes (numel * itemsize) and number of tensors held by live SavedTensor objects, process-wide. A
// tensor saved by two ops counts twice; views count their own elements, not their whole storage.
int64_t saved_tensor_bytes();
int64_t saved_tensor_count();

// The backward of one op application, as a function of the output gradients.
using BackwardFn = std::function<std::vector<Tensor>(const std::vector<Tensor>& grad_outputs,
                                                     const std::vector<SavedTensor>& saved)>;

class FunctionNode : public Node {
 public:
  FunctionNode(std::string name, BackwardFn fn, std::vector<SavedTensor> saved)
      : Node(std::move(name)), fn_(std::move(fn)), saved_(std::move(saved)) {}
  std::vector<Tensor> apply(const std::vector<Tensor>& grad_outputs) override;
  void release_saved() override;
  // Called by record() once the outputs exist (Note [Saved outputs]).
  void weaken_saved_outputs(const std::vector<Tensor>& outputs, const std::shared_ptr<Node>& self);

 private:
  BackwardFn fn_;
  std::vector<SavedTensor> saved_;
};

}  // namespace tfl::autograd
