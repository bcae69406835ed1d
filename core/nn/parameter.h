// Parameter: a tensor that is trainable and registered by its module; is_parameter answers for any tensor.
#pragma once

#include "core/tensor.h"

namespace tfl::nn {

// Note [Parameter marking]
// A Parameter is a plain Tensor handle (no extra data, so it slices to Tensor freely) whose TensorImpl is
// recorded as a parameter. The mark lives in a side table of weak references, not in TensorImpl or
// AutogradMeta: no layout changes, and the mark goes away with the tensor (a later tensor at the same
// address is not marked: its weak reference is expired). The mark is per TensorImpl: views, detached
// aliases and state_dict() entries of a parameter are not parameters themselves, as in PyTorch.
class Parameter : public Tensor {
 public:
  Parameter() = default;
  // A new leaf sharing data's elements (a detached alias, no copy), marked as a parameter, that requires
  // grad when requires_grad (DTypeError then for a non-floating data). Undefined data gives an undefined
  // Parameter.
  explicit Parameter(const Tensor& data, bool requires_grad = true);

  // Marks t itself (the same TensorImpl, so every handle to it sees the mark) as a parameter and sets
  // its requires_grad; InvalidArgumentError when t is not a leaf. Used by Module::register_parameter.
  static Parameter mark(const Tensor& t, bool requires_grad = true);

 private:
  struct Marked {};
  Parameter(Marked, const Tensor& t) : Tensor(t) {}
};

// Whether t was made by Parameter / Parameter::mark (e.g. registered by a module). False for undefined t.
bool is_parameter(const Tensor& t);

}  // namespace tfl::nn
