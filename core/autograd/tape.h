// TensorFlow-style GradientTape over the define-by-run graph.
#pragma once

#include <vector>

#include "core/tensor.h"

namespace tfl::autograd {

// Records while active: grad mode is on between construction and stop(). watch() makes a tensor that
// does not require grad (an input, or a value computed without grad) a source of gradients for the
// tape's lifetime. gradient() may be called after stop(); a non-persistent tape allows one call.
// Nested tapes give higher-order gradients: gradient() of an inner tape, while an outer one is still
// recording, is itself recorded.
class GradientTape {
 public:
  explicit GradientTape(bool persistent = false);
  ~GradientTape();
  GradientTape(const GradientTape&) = delete;
  GradientTape& operator=(const GradientTape&) = delete;

  void watch(const Tensor& t);
  // Ends recording; tapes stop in the reverse order of their creation.
  void stop();
  bool recording() const { return recording_; }
  bool persistent() const { return persistent_; }

  // d(target)/d(source) for each source; undefined (or zeros with unconnected_zeros) when unconnected.
  // output_gradient (optional) weights a non-scalar target.
  std::vector<Tensor> gradient(const Tensor& target, const std::vector<Tensor>& sources, bool unconnected_zeros = false,
                               const Tensor& output_gradient = Tensor());

 private:
  bool persistent_;
  bool recording_ = true;
  bool used_ = false;
  bool prev_grad_mode_;
  std::vector<Tensor> watched_;  // leaves whose requires_grad this tape turned on
};

}  // namespace tfl::autograd
