// Recurrent layers: Elman RNN (tanh / relu), LSTM and GRU, multi-layer and bidirectional, with
// PyTorch's semantics and parameter layout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/nn/module.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace tfl::nn {

// The recurrence of one layer and direction.
enum class RNNMode {
  kRnnTanh,  // h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
  kRnnRelu,  // h' = relu(W_ih x + b_ih + W_hh h + b_hh)
  kLstm,     // gates i, f, g, o (in this order in the weights); c' = f*c + i*g, h' = o*tanh(c')
  kGru,      // gates r, z, n; n = tanh(W_in x + b_in + r*(W_hn h + b_hn)), h' = (1-z)*n + z*h
};

// The hyperparameters shared by the three layers (PyTorch's keyword arguments).
struct RNNOptions {
  int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;  // input and output (batch, seq, feature) instead of (seq, batch, feature)
  double dropout = 0.0;      // on the outputs of every layer but the last, in training mode only
  bool bidirectional = false;
};

// What a forward pass returns: output (L, N, D*H) (batch_first: (N, L, D*H); unbatched: (L, D*H)),
// and the final hidden state h_n (D*num_layers, N, H) (unbatched: (D*num_layers, H)), rows ordered
// layer-major (row layer*D + direction, direction 1 = reverse); c_n likewise for LSTM (undefined
// otherwise).
struct RNNState {
  Tensor output, h_n, c_n;
};

// Note [RNN layout]
// Parameters, in registration (= PyTorch listing) order, for each layer k and direction (suffix ""
// or "_reverse"): weight_ih_l{k}{sfx} (G*H, in_k), weight_hh_l{k}{sfx} (G*H, H), and with bias
// bias_ih_l{k}{sfx} (G*H), bias_hh_l{k}{sfx} (G*H); G = 1 (RNN), 4 (LSTM), 3 (GRU); in_0 =
// input_size, in_k = D*H for k > 0 (D = 2 when bidirectional). All start U(-1/sqrt(H), 1/sqrt(H)),
// drawn from `gen` (default_generator() when null) in that order, as torch's reset_parameters does.
// The forward pass composes differentiable ops (one matmul for the input projection of all time
// steps per layer and direction, then one matmul and a few elementwise ops per step), so autograd
// needs no RNN-specific backward.
class RNNBase : public Module {
 public:
  RNNBase(const char* type_name, RNNMode mode, int64_t input_size, int64_t hidden_size, const RNNOptions& options,
          DType dtype, Generator* gen);

  using Module::forward;
  using Module::operator();
  // Inputs: {input}, {input, h0} or (LSTM) {input, h0, c0}; returns the output only (the states
  // through forward_state). An undefined h0 / c0 means zeros.
  Tensor forward(const std::vector<Tensor>& inputs) override;
  // The full forward pass (no hooks run). input (L, N, input_size) (batch_first: (N, L, input_size))
  // or unbatched (L, input_size); h0 and (LSTM only) c0 of shape (D*num_layers, N, H) (unbatched:
  // (D*num_layers, H)) or undefined for zeros. The input and states must have the parameters' dtype.
  RNNState forward_state(const Tensor& input, const Tensor& h0 = Tensor(), const Tensor& c0 = Tensor());

  RNNMode mode() const { return mode_; }
  int64_t input_size() const { return input_size_; }
  int64_t hidden_size() const { return hidden_size_; }
  const RNNOptions& options() const { return options_; }
  int64_t num_directions() const { return options_.bidirectional ? 2 : 1; }
  // The generator of the inter-layer dropout masks (default_generator() when null).
  void set_generator(Generator* gen) { gen_ = gen; }

 protected:
  std::string extra_repr() const override;

 private:
  // The weights of one layer and direction (biases undefined without bias).
  struct Cell {
    Tensor w_ih, w_hh, b_ih, b_hh;
  };
  // Runs one layer in one direction over x (L, N, in) from h (N, H) (and c for LSTM); returns the
  // per-step outputs (L, N, H) and sets h (and c) to the final state.
  Tensor run_direction(const Cell& cell, const Tensor& x, bool reverse, Tensor& h, Tensor& c) const;

  RNNMode mode_;
  int64_t input_size_, hidden_size_;
  RNNOptions options_;
  DType dtype_;
  Generator* gen_ = nullptr;
  std::vector<Cell> cells_;  // layer-major: index layer * D + direction
};

// Elman RNN: torch.nn.RNN(input_size, hidden_size, num_layers, nonlinearity, bias, batch_first,
// dropout, bidirectional).
class RNN : public RNNBase {
 public:
  // `relu` selects the relu nonlinearity (default tanh).
  RNN(int64_t input_size, int64_t hidden_size, const RNNOptions& options = {}, bool relu = false,
      DType dtype = DType::F32, Generator* gen = nullptr);
};

// torch.nn.LSTM (without proj_size).
class LSTM : public RNNBase {
 public:
  LSTM(int64_t input_size, int64_t hidden_size, const RNNOptions& options = {}, DType dtype = DType::F32,
       Generator* gen = nullptr);
};

// torch.nn.GRU.
class GRU : public RNNBase {
 public:
  GRU(int64_t input_size, int64_t hidden_size, const RNNOptions& options = {}, DType dtype = DType::F32,
      Generator* gen = nullptr);
};

}  // namespace tfl::nn
