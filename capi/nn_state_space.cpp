// C API: the linear state-space layer (nn::StateSpaceModel): constructor and a forward that also returns
// the final state (tfl_module_forward returns the output only).
#include <memory>

#include "capi/capi_tensor_util.h"
#include "capi/handles_nn.h"
#include "core/nn/state_space.h"

using tfl::capi::from_handle;
using tfl::capi::module_of;
using tfl::capi::to_dtype;
using tfl::capi::to_handle;
namespace nn = tfl::nn;

/// A linear state-space layer: for input u (batch, seq, in_features), y_t = C x_t + D u_t and
/// x_{t+1} = A x_t + B u_t, where y_t reads the state before the update by u_t (y_0 = C x0 + D u_0).
/// Output (batch, seq, out_features). Parameters "A" (state_size, state_size), "B" (state_size,
/// in_features), "C" (out_features, state_size) and, with feedthrough, "D" (out_features, in_features).
/// B, C, D are drawn U(-1/sqrt(fan_in), 1/sqrt(fan_in)); A is drawn U(-1, 1) and scaled to infinity norm
/// 0.9, so its spectral radius is below 1. tfl_module_forward takes {u} or {u, x0} and returns y; use
/// tfl_nn_state_space_forward for the final state.
/// @param[out] out New module; release with tfl_module_release.
/// @param state_size State size (> 0).
/// @param in_features Input features (> 0).
/// @param out_features Output features (> 0).
/// @param feedthrough Whether the layer has the direct term D u_t.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code; TFL_ERR_LAYER_CONFIG
///         for a size <= 0; TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_state_space_create(TFL_OUT tfl_module** out, int64_t state_size,
                                                              int64_t in_features, int64_t out_features,
                                                              bool feedthrough, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(std::shared_ptr<nn::Module>(
      std::make_shared<nn::StateSpaceModel>(state_size, in_features, out_features, feedthrough, to_dtype(dtype))));
  TFL_CAPI_END
}

/// Runs a state-space layer and returns its output and final state (x_seq, after the last update; x0
/// itself for seq = 0). Differentiable in u, x0 and the parameters. The module's hooks do not run (use
/// tfl_module_forward for that).
/// @param[out] out_output New tensor (batch, seq, out_features); release with tfl_tensor_release.
/// @param[out] out_state New tensor (batch, state_size); release with tfl_tensor_release.
/// @param m A module made by tfl_nn_state_space_create.
/// @param u Input (batch, seq, in_features) of the parameters' dtype.
/// @param x0 Initial state (batch, state_size), or (state_size) shared by the batch; NULL for zeros.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a module of another type;
///         TFL_ERR_SHAPE / TFL_ERR_DTYPE for inputs of the wrong shape or dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_state_space_forward(TFL_OUT tfl_tensor** out_output,
                                                               TFL_OUT tfl_tensor** out_state, TFL_IN tfl_module* m,
                                                               const tfl_tensor* u, TFL_NULLABLE const tfl_tensor* x0) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out_output);
  TFL_CHECK_OUT(out_state);
  TFL_CHECK_MODULE(m);
  TFL_CHECK_TENSOR(u);
  auto* ssm = dynamic_cast<nn::StateSpaceModel*>(&module_of(m));
  TFL_CHECK_ARG(ssm != nullptr, "m", "must be a StateSpaceModel");
  auto [y, state] = ssm->forward_with_state(from_handle(u), x0 ? from_handle(x0) : tfl::Tensor());
  std::unique_ptr<tfl_tensor> yh(to_handle(std::move(y)));
  *out_state = to_handle(std::move(state));
  *out_output = yh.release();
  TFL_CAPI_END
}
