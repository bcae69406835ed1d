// StateSpaceModel: the recurrence x_{t+1} = A x_t + B u_t, y_t = C x_t + D u_t, composed of differentiable ops.
#include "core/nn/state_space.h"

#include <cmath>
#include <vector>

#include "core/autograd/grad_mode.h"
#include "core/error.h"
#include "core/ops/assemble.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/random.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"

namespace tfl::nn {

StateSpaceModel::StateSpaceModel(int64_t state_size, int64_t in_features, int64_t out_features, bool feedthrough,
                                 DType dtype, Generator* gen)
    : Module("StateSpaceModel"), state_(state_size), in_(in_features), out_(out_features), dtype_(dtype) {
  const char* op = "StateSpaceModel";
  if (state_size <= 0 || in_features <= 0 || out_features <= 0)
    TFL_THROW(LayerConfigError, op, "state_size, in_features and out_features must be > 0, got ", state_size, ", ",
              in_features, " and ", out_features);
  if (!is_floating(dtype)) TFL_THROW(DTypeError, op, "parameters need a floating dtype, got ", dtype_name(dtype));
  autograd::NoGradGuard no_grad;
  auto bounded = [&](const Shape& shape, int64_t fan_in) {
    const double b = 1.0 / std::sqrt(static_cast<double>(fan_in));
    return uniform(shape, -b, b, dtype, gen);
  };
  // A: U(-1, 1) scaled to infinity norm 0.9 (computed in f64 so that f16/bf16 round only once).
  Tensor a = uniform({state_size, state_size}, -1.0, 1.0, DType::F64, gen);
  const double norm = max(sum(abs(a), {1})).item();
  A_ = register_parameter("A", contiguous(to_dtype(mul(a, norm > 0 ? 0.9 / norm : 0.0), dtype)));
  B_ = register_parameter("B", bounded({state_size, in_features}, in_features));
  C_ = register_parameter("C", bounded({out_features, state_size}, state_size));
  D_ = register_parameter("D", feedthrough ? bounded({out_features, in_features}, in_features) : Tensor());
}

std::pair<Tensor, Tensor> StateSpaceModel::forward_with_state(const Tensor& u, const Tensor& x0) {
  const char* op = "StateSpaceModel";
  check_defined(u, op, "u");
  if (u.ndim() != 3 || u.size(2) != in_)
    TFL_THROW(ShapeError, op, "expects input of shape (batch, seq, ", in_, "), got ", shape_str(u.shape()));
  if (u.dtype() != dtype_)
    TFL_THROW(DTypeError, op, "input dtype ", dtype_name(u.dtype()), " does not match the parameters' ",
              dtype_name(dtype_));
  const int64_t batch = u.size(0), len = u.size(1);
  Tensor x;
  if (x0.defined()) {
    if (!(x0.ndim() == 2 && x0.size(0) == batch && x0.size(1) == state_) && !(x0.ndim() == 1 && x0.size(0) == state_))
      TFL_THROW(ShapeError, op, "initial state must have shape (", batch, ", ", state_, ") or (", state_, "), got ",
                shape_str(x0.shape()));
    if (x0.dtype() != dtype_)
      TFL_THROW(DTypeError, op, "initial state dtype ", dtype_name(x0.dtype()), " does not match the parameters' ",
                dtype_name(dtype_));
    x = x0.ndim() == 1 ? broadcast_to(x0, {batch, state_}) : x0;
  } else {
    x = zeros({batch, state_}, dtype_);
  }
  // The input drive B u_t for every t at once: (batch, seq, state).
  Tensor drive = matmul(u, transpose(B_, 0, 1));
  Tensor a_t = transpose(A_, 0, 1);
  std::vector<Tensor> states;  // x_0 .. x_{seq-1}, each (batch, state)
  states.reserve(static_cast<size_t>(len));
  for (int64_t t = 0; t < len; ++t) {
    states.push_back(x);
    x = add(matmul(x, a_t), squeeze(slice(drive, 1, t, t + 1), {1}));
  }
  Tensor xs = len > 0 ? stack(states, 1) : zeros({batch, 0, state_}, dtype_);
  Tensor y = matmul(xs, transpose(C_, 0, 1));
  if (D_.defined()) y = add(y, matmul(u, transpose(D_, 0, 1)));
  return {y, x};
}

Tensor StateSpaceModel::forward(const std::vector<Tensor>& inputs) {
  if (inputs.size() != 1 && inputs.size() != 2)
    TFL_THROW(InvalidArgumentError, type_name(), "expects 1 or 2 inputs (u, optional initial state), got ",
              inputs.size());
  return forward_with_state(inputs[0], inputs.size() == 2 ? inputs[1] : Tensor()).first;
}

std::string StateSpaceModel::extra_repr() const {
  return "state_size=" + std::to_string(state_) + ", in_features=" + std::to_string(in_) +
         ", out_features=" + std::to_string(out_) + ", feedthrough=" + (D_.defined() ? "true" : "false");
}

}  // namespace tfl::nn
