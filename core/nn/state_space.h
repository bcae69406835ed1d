// StateSpaceModel: a general linear time-invariant state-space layer (A, B, C, optional D, initial state).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "core/nn/module.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace tfl::nn {

// The discrete-time linear system, for input u (batch, seq, in_features) and state x (batch, state_size):
//   y_t     = C x_t + D u_t                      (D only when feedthrough)
//   x_{t+1} = A x_t + B u_t                      t = 0 .. seq - 1
// y_t reads the state BEFORE the update by u_t (x_0 is the initial state, so y_0 = C x0 + D u_0), the
// usual control-theory convention; the final state returned is x_seq, after the last update (x0 itself
// when seq = 0). Output (batch, seq, out_features).
// Parameters (in this order): A (state, state), B (state, in), C (out, state), D (out, in) when
// feedthrough. Initialisation is deterministic given `gen` (default_generator() when null): B, C and D
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) like Linear; A is drawn U(-1, 1) and then scaled so that its
// infinity norm (largest absolute row sum) is 0.9, which bounds its spectral radius by 0.9 < 1, so the
// free response decays (the layer starts stable).
// Implementation: B u_t for every t is one matmul; the recurrence is a loop over t with one matmul
// (x A^T) per step; C x_t for every t is one matmul on the stacked states. All differentiable ops.
class StateSpaceModel : public Module {
 public:
  using Module::forward;
  // LayerConfigError unless state_size, in_features and out_features are all > 0; DTypeError for a
  // non-floating dtype.
  StateSpaceModel(int64_t state_size, int64_t in_features, int64_t out_features, bool feedthrough = true,
                  DType dtype = DType::F32, Generator* gen = nullptr);

  // inputs: {u} or {u, x0}; returns the output only (see forward_with_state for the final state).
  Tensor forward(const std::vector<Tensor>& inputs) override;
  // Output (batch, seq, out) and final state (batch, state). x0 undefined means zeros; otherwise
  // (batch, state_size) or (state_size) (shared by the batch), of the parameters' dtype.
  std::pair<Tensor, Tensor> forward_with_state(const Tensor& u, const Tensor& x0 = Tensor());

  int64_t state_size() const { return state_; }
  int64_t in_features() const { return in_; }
  int64_t out_features() const { return out_; }
  bool feedthrough() const { return D_.defined(); }
  const Tensor& A() const { return A_; }
  const Tensor& B() const { return B_; }
  const Tensor& C() const { return C_; }
  const Tensor& D() const { return D_; }  // undefined without feedthrough

 protected:
  std::string extra_repr() const override;

 private:
  int64_t state_, in_, out_;
  DType dtype_;
  Tensor A_, B_, C_, D_;
};

}  // namespace tfl::nn
