// Recurrent layers: the time loop of RNN / LSTM / GRU written with differentiable ops.
#include "core/nn/rnn.h"

#include <cmath>
#include <sstream>

#include "core/autograd/grad_mode.h"
#include "core/error.h"
#include "core/nn/init.h"
#include "core/ops/assemble.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/random.h"
#include "core/ops/shape.h"

namespace tfl::nn {

namespace {

int64_t gate_count(RNNMode mode) {
  switch (mode) {
    case RNNMode::kLstm:
      return 4;
    case RNNMode::kGru:
      return 3;
    default:
      return 1;
  }
}

// Drops axis 0 of a (1, ...) piece (a view: the piece of a contiguous split is contiguous).
Tensor drop_lead(const Tensor& t) { return squeeze(t, {0}); }

}  // namespace

RNNBase::RNNBase(const char* type_name, RNNMode mode, int64_t input_size, int64_t hidden_size,
                 const RNNOptions& options, DType dtype, Generator* gen)
    : Module(type_name), mode_(mode), input_size_(input_size), hidden_size_(hidden_size), options_(options),
      dtype_(dtype) {
  if (hidden_size <= 0)
    TFL_THROW(LayerConfigError, type_name, "hidden_size must be positive, got ", hidden_size);
  if (input_size < 0) TFL_THROW(LayerConfigError, type_name, "input_size must be >= 0, got ", input_size);
  if (options.num_layers <= 0)
    TFL_THROW(LayerConfigError, type_name, "num_layers must be positive, got ", options.num_layers);
  if (!(options.dropout >= 0.0 && options.dropout < 1.0))
    TFL_THROW(LayerConfigError, type_name, "dropout must be in [0, 1), got ", options.dropout);
  if (!is_floating(dtype))
    TFL_THROW(DTypeError, type_name, "parameters need a floating dtype, got ", dtype_name(dtype));
  const int64_t gh = gate_count(mode) * hidden_size, dirs = num_directions();
  const double bound = 1.0 / std::sqrt(static_cast<double>(hidden_size));
  for (int64_t layer = 0; layer < options.num_layers; ++layer) {
    const int64_t in = layer == 0 ? input_size : dirs * hidden_size;
    for (int64_t d = 0; d < dirs; ++d) {
      const std::string sfx = "_l" + std::to_string(layer) + (d == 1 ? "_reverse" : "");
      Cell cell;
      cell.w_ih = register_parameter("weight_ih" + sfx, empty({gh, in}, dtype));
      cell.w_hh = register_parameter("weight_hh" + sfx, empty({gh, hidden_size}, dtype));
      if (options.bias) {
        cell.b_ih = register_parameter("bias_ih" + sfx, empty({gh}, dtype));
        cell.b_hh = register_parameter("bias_hh" + sfx, empty({gh}, dtype));
      }
      cells_.push_back(cell);
    }
  }
  // torch's reset_parameters: every parameter, in listing order, U(-1/sqrt(H), 1/sqrt(H)).
  for (const Tensor& p : parameters(false)) init::uniform_(p, -bound, bound, gen);
}

Tensor RNNBase::forward(const std::vector<Tensor>& inputs) {
  const size_t most = mode_ == RNNMode::kLstm ? 3 : 2;
  if (inputs.empty() || inputs.size() > most)
    TFL_THROW(InvalidArgumentError, type_name(), "expects 1 to ", most, " inputs (input, h0",
              mode_ == RNNMode::kLstm ? ", c0" : "", "), got ", inputs.size());
  return forward_state(inputs[0], inputs.size() > 1 ? inputs[1] : Tensor(), inputs.size() > 2 ? inputs[2] : Tensor())
      .output;
}

Tensor RNNBase::run_direction(const Cell& cell, const Tensor& x, bool reverse, Tensor& h, Tensor& c) const {
  const int64_t len = x.size(0), batch = x.size(1), in = x.size(2);
  const int64_t gh = gate_count(mode_) * hidden_size_;
  const bool gru = mode_ == RNNMode::kGru;
  // The input projection of every time step in one matmul. RNN and LSTM add both biases here; GRU
  // keeps b_hh for the step, since its n gate multiplies (W_hn h + b_hn) by r.
  Tensor xp = matmul(reshape(x, {len * batch, in}), transpose(cell.w_ih, 0, 1));
  if (cell.b_ih.defined()) xp = add(xp, gru ? cell.b_ih : add(cell.b_ih, cell.b_hh));
  std::vector<Tensor> steps = split_sections(reshape(xp, {len, batch, gh}), len, 0);
  const Tensor w_hh_t = transpose(cell.w_hh, 0, 1);
  std::vector<Tensor> outs(static_cast<size_t>(len));
  for (int64_t s = 0; s < len; ++s) {
    const int64_t t = reverse ? len - 1 - s : s;
    const Tensor xt = drop_lead(steps[static_cast<size_t>(t)]);  // (N, G*H)
    Tensor hh = matmul(h, w_hh_t);
    switch (mode_) {
      case RNNMode::kRnnTanh:
        h = tanh(add(xt, hh));
        break;
      case RNNMode::kRnnRelu:
        h = relu(add(xt, hh));
        break;
      case RNNMode::kLstm: {
        std::vector<Tensor> g = split_sections(add(xt, hh), 4, 1);
        c = add(mul(sigmoid(g[1]), c), mul(sigmoid(g[0]), tanh(g[2])));
        h = mul(sigmoid(g[3]), tanh(c));
        break;
      }
      case RNNMode::kGru: {
        if (cell.b_hh.defined()) hh = add(hh, cell.b_hh);
        std::vector<Tensor> gx = split_sections(xt, 3, 1), gh3 = split_sections(hh, 3, 1);
        Tensor r = sigmoid(add(gx[0], gh3[0]));
        Tensor z = sigmoid(add(gx[1], gh3[1]));
        Tensor n = tanh(add(gx[2], mul(r, gh3[2])));
        h = add(n, mul(z, sub(h, n)));  // (1 - z) * n + z * h
        break;
      }
    }
    outs[static_cast<size_t>(t)] = h;
  }
  return stack(outs, 0);
}

RNNState RNNBase::forward_state(const Tensor& input, const Tensor& h0, const Tensor& c0) {
  const char* op = type_name().c_str();
  check_defined(input, op, "input");
  const bool lstm = mode_ == RNNMode::kLstm;
  if (c0.defined() && !lstm)
    TFL_THROW(InvalidArgumentError, op, "c0 is for LSTM only; ", type_name(), " has no cell state");
  if ((input.ndim() != 2 && input.ndim() != 3) || input.shape().back() != input_size_)
    TFL_THROW(ShapeError, op, "expects input of shape ",
              options_.batch_first ? "(batch, seq, " : "(seq, batch, ", input_size_, ") or (seq, ", input_size_,
              "), got ", shape_str(input.shape()));
  if (input.dtype() != dtype_)
    TFL_THROW(DTypeError, op, "input dtype ", dtype_name(input.dtype()), " does not match the parameters' ",
              dtype_name(dtype_));
  const bool batched = input.ndim() == 3;
  // Time-major (L, N, in) from here on.
  Tensor x = !batched ? unsqueeze(input, 1) : options_.batch_first ? transpose(input, 0, 1) : input;
  const int64_t len = x.size(0), batch = x.size(1), dirs = num_directions(), layers = options_.num_layers;
  if (len == 0) TFL_THROW(ShapeError, op, "expects a sequence length >= 1, got input ", shape_str(input.shape()));
  const Shape state_shape = batched ? Shape{dirs * layers, batch, hidden_size_} : Shape{dirs * layers, hidden_size_};
  // The per-(layer, direction) initial states: rows of the given state, or zeros.
  auto initial = [&](const Tensor& s, const char* name) {
    std::vector<Tensor> rows;
    if (!s.defined()) {
      for (int64_t i = 0; i < dirs * layers; ++i) rows.push_back(zeros({batch, hidden_size_}, dtype_));
      return rows;
    }
    if (s.shape() != state_shape)
      TFL_THROW(ShapeError, op, "expects ", name, " of shape ", shape_str(state_shape), " for input ",
                shape_str(input.shape()), ", got ", shape_str(s.shape()));
    if (s.dtype() != dtype_)
      TFL_THROW(DTypeError, op, name, " dtype ", dtype_name(s.dtype()), " does not match the parameters' ",
                dtype_name(dtype_));
    for (const Tensor& r : split_sections(batched ? s : unsqueeze(s, 1), dirs * layers, 0)) rows.push_back(drop_lead(r));
    return rows;
  };
  std::vector<Tensor> hs = initial(h0, "h0");
  std::vector<Tensor> cs = lstm ? initial(c0, "c0") : std::vector<Tensor>(static_cast<size_t>(dirs * layers));

  const double p = options_.dropout;
  for (int64_t layer = 0; layer < layers; ++layer) {
    std::vector<Tensor> outs;
    for (int64_t d = 0; d < dirs; ++d) {
      const size_t k = static_cast<size_t>(layer * dirs + d);
      outs.push_back(run_direction(cells_[k], x, d == 1, hs[k], cs[k]));
    }
    x = dirs == 1 ? outs[0] : concat(outs, 2);
    // Inverted dropout between layers (not after the last), as torch does, in training only.
    if (layer + 1 < layers && p > 0.0 && is_training())
      x = mul(x, mul(bernoulli(x.shape(), 1.0 - p, dtype_, gen_), 1.0 / (1.0 - p)));
  }
  RNNState st;
  st.h_n = stack(hs, 0);
  if (lstm) st.c_n = stack(cs, 0);
  if (!batched) {
    st.output = squeeze(x, {1});
    st.h_n = squeeze(st.h_n, {1});
    if (lstm) st.c_n = squeeze(st.c_n, {1});
  } else {
    st.output = options_.batch_first ? transpose(x, 0, 1) : x;
  }
  return st;
}

std::string RNNBase::extra_repr() const {
  std::ostringstream os;
  os << input_size_ << ", " << hidden_size_;
  if (mode_ == RNNMode::kRnnRelu) os << ", nonlinearity=relu";
  if (options_.num_layers != 1) os << ", num_layers=" << options_.num_layers;
  if (!options_.bias) os << ", bias=false";
  if (options_.batch_first) os << ", batch_first=true";
  if (options_.dropout != 0.0) os << ", dropout=" << options_.dropout;
  if (options_.bidirectional) os << ", bidirectional=true";
  return os.str();
}

RNN::RNN(int64_t input_size, int64_t hidden_size, const RNNOptions& options, bool relu, DType dtype, Generator* gen)
    : RNNBase("RNN", relu ? RNNMode::kRnnRelu : RNNMode::kRnnTanh, input_size, hidden_size, options, dtype, gen) {}

LSTM::LSTM(int64_t input_size, int64_t hidden_size, const RNNOptions& options, DType dtype, Generator* gen)
    : RNNBase("LSTM", RNNMode::kLstm, input_size, hidden_size, options, dtype, gen) {}

GRU::GRU(int64_t input_size, int64_t hidden_size, const RNNOptions& options, DType dtype, Generator* gen)
    : RNNBase("GRU", RNNMode::kGru, input_size, hidden_size, options, dtype, gen) {}

}  // namespace tfl::nn
