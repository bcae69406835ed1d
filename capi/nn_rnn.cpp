// C API: the recurrent layers (RNN, LSTM, GRU): constructors and the forward pass that also returns
// the final states.
// A layer's hyperparameters are plain scalars, in torch.nn.RNN's argument order. The weights are
// drawn from the global generator (tfl_random_seed makes them reproducible).
#include <memory>
#include <string>

#include "capi/capi_tensor_util.h"
#include "capi/handles_nn.h"
#include "core/nn/rnn.h"

using tfl::capi::from_handle;
using tfl::capi::module_of;
using tfl::capi::to_dtype;
using tfl::capi::to_handle;
namespace nn = tfl::nn;

namespace {

nn::RNNOptions rnn_options(int64_t num_layers, bool bias, bool batch_first, double dropout, bool bidirectional) {
  nn::RNNOptions o;
  o.num_layers = num_layers;
  o.bias = bias;
  o.batch_first = batch_first;
  o.dropout = dropout;
  o.bidirectional = bidirectional;
  return o;
}

}  // namespace

/// An Elman RNN layer (torch.nn.RNN): h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh) per layer and
/// direction. Input (L, N, input_size), or (N, L, input_size) with batch_first, or unbatched
/// (L, input_size); output (L, N, D * hidden_size) likewise, D = 2 when bidirectional. Run it with
/// tfl_nn_rnn_forward (output and final state) or tfl_module_forward (output only; inputs {input} or
/// {input, h0}). Parameters weight_ih_l{k}{_reverse} (hidden_size, in_k), weight_hh_l{k}{_reverse}
/// (hidden_size, hidden_size), bias_ih_l{k}{_reverse} and bias_hh_l{k}{_reverse} (hidden_size), for each
/// layer k and direction in that order, in_0 = input_size and in_k = D * hidden_size; all
/// U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as in PyTorch.
/// @param[out] out New module; release with tfl_module_release.
/// @param input_size Features per input step (>= 0).
/// @param hidden_size Features of the hidden state (>= 1).
/// @param num_layers Number of stacked layers (>= 1).
/// @param nonlinearity TFL_RNN_TANH or TFL_RNN_RELU.
/// @param bias Whether the layer has the bias_ih and bias_hh parameters.
/// @param batch_first Whether input and output are (N, L, features) instead of (L, N, features).
/// @param dropout Probability of dropout on the outputs of each layer but the last, in training mode
///        only, in [0, 1).
/// @param bidirectional Whether each layer also runs over the reversed sequence.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype or nonlinearity code;
///         TFL_ERR_LAYER_CONFIG for a hidden_size or num_layers below 1, a negative input_size or a
///         dropout outside [0, 1); TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_rnn_create(TFL_OUT tfl_module** out, int64_t input_size,
                                                      int64_t hidden_size, int64_t num_layers,
                                                      tfl_rnn_nonlinearity nonlinearity, bool bias, bool batch_first,
                                                      double dropout, bool bidirectional, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_ARG(nonlinearity == TFL_RNN_TANH || nonlinearity == TFL_RNN_RELU, "nonlinearity",
                "is not a valid tfl_rnn_nonlinearity (got " + std::to_string(static_cast<int>(nonlinearity)) + ")");
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(std::make_shared<nn::RNN>(input_size, hidden_size,
                                             rnn_options(num_layers, bias, batch_first, dropout, bidirectional),
                                             nonlinearity == TFL_RNN_RELU, to_dtype(dtype)));
  TFL_CAPI_END
}

/// An LSTM layer (torch.nn.LSTM without proj_size): gates i, f, g, o; c_t = f * c_(t-1) + i * g,
/// h_t = o * tanh(c_t). Shapes, options and parameter names as for tfl_nn_rnn_create, with 4 *
/// hidden_size rows per weight and bias (the gates in the order i, f, g, o). tfl_module_forward takes
/// {input}, {input, h0} or {input, h0, c0}.
/// @param[out] out New module; release with tfl_module_release.
/// @param input_size Features per input step (>= 0).
/// @param hidden_size Features of the hidden and cell states (>= 1).
/// @param num_layers Number of stacked layers (>= 1).
/// @param bias Whether the layer has the bias_ih and bias_hh parameters.
/// @param batch_first Whether input and output are (N, L, features) instead of (L, N, features).
/// @param dropout Probability of dropout on the outputs of each layer but the last, in training mode
///        only, in [0, 1).
/// @param bidirectional Whether each layer also runs over the reversed sequence.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code;
///         TFL_ERR_LAYER_CONFIG for a hidden_size or num_layers below 1, a negative input_size or a
///         dropout outside [0, 1); TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_lstm_create(TFL_OUT tfl_module** out, int64_t input_size,
                                                       int64_t hidden_size, int64_t num_layers, bool bias,
                                                       bool batch_first, double dropout, bool bidirectional,
                                                       tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(std::make_shared<nn::LSTM>(
      input_size, hidden_size, rnn_options(num_layers, bias, batch_first, dropout, bidirectional), to_dtype(dtype)));
  TFL_CAPI_END
}

/// A GRU layer (torch.nn.GRU): gates r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
/// h_t = (1 - z) * n + z * h_(t-1). Shapes, options and parameter names as for tfl_nn_rnn_create, with
/// 3 * hidden_size rows per weight and bias (the gates in the order r, z, n).
/// @param[out] out New module; release with tfl_module_release.
/// @param input_size Features per input step (>= 0).
/// @param hidden_size Features of the hidden state (>= 1).
/// @param num_layers Number of stacked layers (>= 1).
/// @param bias Whether the layer has the bias_ih and bias_hh parameters.
/// @param batch_first Whether input and output are (N, L, features) instead of (L, N, features).
/// @param dropout Probability of dropout on the outputs of each layer but the last, in training mode
///        only, in [0, 1).
/// @param bidirectional Whether each layer also runs over the reversed sequence.
/// @param dtype Floating dtype of the parameters.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or an invalid dtype code;
///         TFL_ERR_LAYER_CONFIG for a hidden_size or num_layers below 1, a negative input_size or a
///         dropout outside [0, 1); TFL_ERR_DTYPE for a non-floating dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_gru_create(TFL_OUT tfl_module** out, int64_t input_size,
                                                      int64_t hidden_size, int64_t num_layers, bool bias,
                                                      bool batch_first, double dropout, bool bidirectional,
                                                      tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(std::make_shared<nn::GRU>(
      input_size, hidden_size, rnn_options(num_layers, bias, batch_first, dropout, bidirectional), to_dtype(dtype)));
  TFL_CAPI_END
}

/// Runs a recurrent layer (made by tfl_nn_rnn_create, tfl_nn_lstm_create or tfl_nn_gru_create) and
/// returns its output and final states, like PyTorch's (output, h_n) / (output, (h_n, c_n)). The
/// module's hooks do not run (tfl_module_forward runs them, and returns the output only). Inter-layer
/// dropout acts in training mode only (see tfl_module_train).
/// @param[out] out_output New tensor (L, N, D * hidden_size) (batch_first: (N, L, D * hidden_size);
///             unbatched: (L, D * hidden_size)); release with tfl_tensor_release.
/// @param[out] out_h_n New tensor of the final hidden states (D * num_layers, N, hidden_size)
///             (unbatched: (D * num_layers, hidden_size)), rows layer-major (layer * D + direction);
///             release with tfl_tensor_release.
/// @param[out] out_c_n Receives the LSTM's final cell states (shaped like h_n; release with
///             tfl_tensor_release), NULL for RNN and GRU; may itself be NULL to discard them.
/// @param module The recurrent layer.
/// @param input Tensor (L, N, input_size) (batch_first: (N, L, input_size)) or (L, input_size), of the
///        parameters' dtype, with L >= 1.
/// @param h0 Initial hidden states shaped like h_n, or NULL for zeros.
/// @param c0 LSTM only: initial cell states shaped like h_n, or NULL for zeros.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a module that is not a recurrent layer
///         or a c0 for a layer other than LSTM; TFL_ERR_SHAPE for an input or state of the wrong shape;
///         TFL_ERR_DTYPE for an input or state whose dtype is not the parameters'. Nothing is written
///         to the outputs on failure.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_nn_rnn_forward(TFL_OUT tfl_tensor** out_output, TFL_OUT tfl_tensor** out_h_n,
                                                       TFL_OUT TFL_NULLABLE tfl_tensor** out_c_n,
                                                       TFL_IN tfl_module* module, const tfl_tensor* input,
                                                       TFL_NULLABLE const tfl_tensor* h0,
                                                       TFL_NULLABLE const tfl_tensor* c0) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out_output);
  TFL_CHECK_OUT(out_h_n);
  TFL_CHECK_MODULE(module);
  TFL_CHECK_TENSOR(input);
  auto* rnn = dynamic_cast<nn::RNNBase*>(&module_of(module));
  TFL_CHECK_ARG(rnn != nullptr, "module",
                "must be an RNN, LSTM or GRU, got " + module_of(module).type_name());
  nn::RNNState s = rnn->forward_state(from_handle(input), h0 ? from_handle(h0) : tfl::Tensor(),
                                      c0 ? from_handle(c0) : tfl::Tensor());
  // Every handle is made before any is written, so a failure leaves the outputs untouched.
  std::unique_ptr<tfl_tensor> output(to_handle(std::move(s.output)));
  std::unique_ptr<tfl_tensor> h_n(to_handle(std::move(s.h_n)));
  std::unique_ptr<tfl_tensor> c_n(out_c_n && s.c_n.defined() ? to_handle(std::move(s.c_n)) : nullptr);
  if (out_c_n) *out_c_n = c_n.release();
  *out_h_n = h_n.release();
  *out_output = output.release();
  TFL_CAPI_END
}
