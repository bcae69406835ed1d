// Transformer encoder/decoder layers composed of existing modules (MultiHeadAttention, Linear,
// LayerNorm, Dropout) and differentiable ops, so autograd comes from them. Internally everything runs
// batch first (N, L, E); inputs in (L, N, E) layout are transposed on entry and exit.
#include "core/nn/transformer.h"

#include <limits>
#include <sstream>

#include "core/autograd/grad_mode.h"
#include "core/error.h"
#include "core/ops/assemble.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/shape.h"

namespace tfl::nn {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void check_config(const char* op, const TransformerConfig& c) {
  if (c.d_model < 1 || c.nhead < 1 || c.d_model % c.nhead != 0)
    TFL_THROW(LayerConfigError, op, "d_model must be a positive multiple of nhead, got d_model ", c.d_model,
              " and nhead ", c.nhead);
  if (c.dim_feedforward <= 0)
    TFL_THROW(LayerConfigError, op, "dim_feedforward must be positive, got ", c.dim_feedforward);
  if (!(c.dropout >= 0.0 && c.dropout < 1.0))
    TFL_THROW(LayerConfigError, op, "dropout must be in [0, 1), got ", c.dropout);
  if (!(c.layer_norm_eps >= 0.0))
    TFL_THROW(LayerConfigError, op, "layer_norm_eps must be >= 0, got ", c.layer_norm_eps);
  if (c.activation != TransformerActivation::ReLU && c.activation != TransformerActivation::GELU)
    TFL_THROW(LayerConfigError, op, "activation must be relu or gelu, got code ", static_cast<int>(c.activation));
  if (!is_floating(c.dtype)) TFL_THROW(DTypeError, op, "parameters need a floating dtype, got ", dtype_name(c.dtype));
}

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string config_repr(const TransformerConfig& c) {
  return "d_model=" + std::to_string(c.d_model) + ", nhead=" + std::to_string(c.nhead) +
         ", dim_feedforward=" + std::to_string(c.dim_feedforward) + ", dropout=" + fmt(c.dropout) +
         ", activation=" + (c.activation == TransformerActivation::GELU ? "gelu" : "relu") +
         ", layer_norm_eps=" + fmt(c.layer_norm_eps) + ", batch_first=" + (c.batch_first ? "true" : "false") +
         ", norm_first=" + (c.norm_first ? "true" : "false");
}

// Checks a (L, N, E) / (N, L, E) / unbatched (L, E) sequence of width d_model.
void check_sequence(const char* op, const char* name, const Tensor& x, int64_t d_model, bool batch_first) {
  check_defined(x, op, name);
  if ((x.ndim() != 2 && x.ndim() != 3) || x.size(-1) != d_model)
    TFL_THROW(ShapeError, op, "expects ", name, " of shape ", batch_first ? "(batch, len, " : "(len, batch, ", d_model,
              ") or unbatched (len, ", d_model, "), got ", shape_str(x.shape()));
  if (!is_floating(x.dtype())) TFL_THROW(DTypeError, op, "expects a floating ", name, ", got ", dtype_name(x.dtype()));
}

// x as (N, L, E).
Tensor to_batch_first(const Tensor& x, bool batch_first) {
  if (x.ndim() == 2) return unsqueeze(x, 0);
  return batch_first ? x : transpose(x, 0, 1);
}

// The inverse of to_batch_first for an output shaped like `like`.
Tensor from_batch_first(const Tensor& y, const Tensor& like, bool batch_first) {
  if (like.ndim() == 2) return squeeze(y, {0});
  return batch_first ? y : transpose(y, 0, 1);
}

void check_mask_dtype(const char* op, const char* name, const Tensor& m) {
  if (m.dtype() != DType::Bool && !is_floating(m.dtype()))
    TFL_THROW(DTypeError, op, name, " must be bool (true = masked out) or floating (added to the scores), got ",
              dtype_name(m.dtype()));
}

// A bool mask (true = masked out) as 0 / -inf, a float one cast to dt.
Tensor additive(const Tensor& m, DType dt) {
  if (m.dtype() != DType::Bool) return cast_if_needed(m, dt);
  autograd::NoGradGuard no_grad;
  return where(m, scalar_tensor(-kInf, dt), scalar_tensor(0.0, dt));
}

// One additive mask broadcasting to (n, h, l, s) from an attention mask, a key padding mask and the
// causal flag (see Note [Transformer masks]); undefined when there is nothing to mask.
Tensor merge_masks(const char* op, const char* attn_name, const Tensor& attn_mask, const char* kpm_name,
                   const Tensor& key_padding_mask, bool is_causal, bool unbatched, int64_t n, int64_t h, int64_t l,
                   int64_t s, DType dt) {
  Tensor m;
  auto accumulate = [&m](const Tensor& t) { m = m.defined() ? add(m, t) : t; };
  if (attn_mask.defined()) {
    check_mask_dtype(op, attn_name, attn_mask);
    if (attn_mask.ndim() == 2 && attn_mask.size(0) == l && attn_mask.size(1) == s) {
      accumulate(reshape(additive(attn_mask, dt), {1, 1, l, s}));
    } else if (attn_mask.ndim() == 3 && attn_mask.size(0) == n * h && attn_mask.size(1) == l &&
               attn_mask.size(2) == s) {
      accumulate(reshape(additive(attn_mask, dt), {n, h, l, s}));
    } else {
      TFL_THROW(ShapeError, op, "expects ", attn_name, " of shape ", shape_str(Shape{l, s}), " or ",
                shape_str(Shape{n * h, l, s}), " (batch * nhead, target length, source length), got ",
                shape_str(attn_mask.shape()));
    }
  }
  if (key_padding_mask.defined()) {
    check_mask_dtype(op, kpm_name, key_padding_mask);
    Shape want = unbatched ? Shape{s} : Shape{n, s};
    if (key_padding_mask.shape() != want)
      TFL_THROW(ShapeError, op, "expects ", kpm_name, " of shape ", shape_str(want), ", got ",
                shape_str(key_padding_mask.shape()));
    accumulate(reshape(additive(key_padding_mask, dt), {n, 1, 1, s}));
  }
  if (is_causal) {
    autograd::NoGradGuard no_grad;
    Tensor keep = tril(ones({l, s}, DType::Bool));
    accumulate(reshape(where(keep, scalar_tensor(0.0, dt), scalar_tensor(-kInf, dt)), {1, 1, l, s}));
  }
  return m;
}

// A 0-d bool flag among the vector inputs (undefined = false).
bool flag_input(const char* op, const std::vector<Tensor>& inputs, size_t i, const char* name) {
  if (i >= inputs.size() || !inputs[i].defined()) return false;
  const Tensor& t = inputs[i];
  if (t.dtype() != DType::Bool || t.ndim() != 0)
    TFL_THROW(InvalidArgumentError, op, name, " must be a 0-d bool tensor, got ", dtype_name(t.dtype()), " ",
              shape_str(t.shape()));
  return t.item() != 0.0;
}

Tensor input_at(const std::vector<Tensor>& inputs, size_t i) { return i < inputs.size() ? inputs[i] : Tensor(); }

Tensor activate(const Tensor& x, TransformerActivation a) {
  return a == TransformerActivation::GELU ? gelu(x, false) : relu(x);
}

}  // namespace

Tensor generate_square_subsequent_mask(int64_t sz, DType dtype) {
  const char* op = "generate_square_subsequent_mask";
  if (sz < 0) TFL_THROW(InvalidArgumentError, op, "sz must be >= 0, got ", sz);
  if (!is_floating(dtype)) TFL_THROW(DTypeError, op, "expects a floating dtype, got ", dtype_name(dtype));
  autograd::NoGradGuard no_grad;
  return where(tril(ones({sz, sz}, DType::Bool)), scalar_tensor(0.0, dtype), scalar_tensor(-kInf, dtype));
}

// --- TransformerEncoderLayer ------------------------------------------------------------------------------

TransformerEncoderLayer::TransformerEncoderLayer(const TransformerConfig& c, Generator* gen)
    : Module("TransformerEncoderLayer"), config_(c) {
  check_config("TransformerEncoderLayer", c);
  self_attn_ = register_module(
      "self_attn", std::make_shared<MultiHeadAttention>(c.d_model, c.nhead, c.bias, false, c.dtype, gen, c.dropout));
  linear1_ = register_module("linear1", std::make_shared<Linear>(c.d_model, c.dim_feedforward, c.bias, c.dtype, gen));
  dropout_ = register_module("dropout", std::make_shared<Dropout>(c.dropout));
  linear2_ = register_module("linear2", std::make_shared<Linear>(c.dim_feedforward, c.d_model, c.bias, c.dtype, gen));
  norm1_ = register_module("norm1", std::make_shared<LayerNorm>(Shape{c.d_model}, c.layer_norm_eps, true, c.bias, c.dtype));
  norm2_ = register_module("norm2", std::make_shared<LayerNorm>(Shape{c.d_model}, c.layer_norm_eps, true, c.bias, c.dtype));
  dropout1_ = register_module("dropout1", std::make_shared<Dropout>(c.dropout));
  dropout2_ = register_module("dropout2", std::make_shared<Dropout>(c.dropout));
}

Tensor TransformerEncoderLayer::forward(const std::vector<Tensor>& inputs) {
  const char* op = "TransformerEncoderLayer";
  if (inputs.empty() || inputs.size() > 4)
    TFL_THROW(InvalidArgumentError, op, "expects 1 to 4 inputs (src, src_mask, src_key_padding_mask, is_causal), got ",
              inputs.size());
  return forward(inputs[0], input_at(inputs, 1), input_at(inputs, 2), flag_input(op, inputs, 3, "is_causal"));
}

Tensor TransformerEncoderLayer::operator()(const Tensor& src, const Tensor& src_mask,
                                           const Tensor& src_key_padding_mask, bool is_causal) {
  return (*this)(std::vector<Tensor>{src, src_mask, src_key_padding_mask, scalar_tensor(is_causal ? 1.0 : 0.0, DType::Bool)});
}

Tensor TransformerEncoderLayer::forward(const Tensor& src, const Tensor& src_mask, const Tensor& src_key_padding_mask,
                                        bool is_causal) {
  const char* op = "TransformerEncoderLayer";
  const TransformerConfig& c = config_;
  check_sequence(op, "src", src, c.d_model, c.batch_first);
  Tensor x = to_batch_first(src, c.batch_first);
  const int64_t n = x.size(0), l = x.size(1);
  Tensor mask = merge_masks(op, "src_mask", src_mask, "src_key_padding_mask", src_key_padding_mask, is_causal,
                            src.ndim() == 2, n, c.nhead, l, l, x.dtype());
  auto sa = [&](const Tensor& t) { return (*dropout1_)((*self_attn_)(t, t, t, mask)); };
  auto ff = [&](const Tensor& t) {
    return (*dropout2_)((*linear2_)((*dropout_)(activate((*linear1_)(t), c.activation))));
  };
  if (c.norm_first) {
    x = add(x, sa((*norm1_)(x)));
    x = add(x, ff((*norm2_)(x)));
  } else {
    x = (*norm1_)(add(x, sa(x)));
    x = (*norm2_)(add(x, ff(x)));
  }
  return from_batch_first(x, src, c.batch_first);
}

std::string TransformerEncoderLayer::extra_repr() const { return config_repr(config_); }

// --- TransformerDecoderLayer ------------------------------------------------------------------------------

TransformerDecoderLayer::TransformerDecoderLayer(const TransformerConfig& c, Generator* gen)
    : Module("TransformerDecoderLayer"), config_(c) {
  check_config("TransformerDecoderLayer", c);
  self_attn_ = register_module(
      "self_attn", std::make_shared<MultiHeadAttention>(c.d_model, c.nhead, c.bias, false, c.dtype, gen, c.dropout));
  multihead_attn_ = register_module(
      "multihead_attn", std::make_shared<MultiHeadAttention>(c.d_model, c.nhead, c.bias, false, c.dtype, gen, c.dropout));
  linear1_ = register_module("linear1", std::make_shared<Linear>(c.d_model, c.dim_feedforward, c.bias, c.dtype, gen));
  dropout_ = register_module("dropout", std::make_shared<Dropout>(c.dropout));
  linear2_ = register_module("linear2", std::make_shared<Linear>(c.dim_feedforward, c.d_model, c.bias, c.dtype, gen));
  norm1_ = register_module("norm1", std::make_shared<LayerNorm>(Shape{c.d_model}, c.layer_norm_eps, true, c.bias, c.dtype));
  norm2_ = register_module("norm2", std::make_shared<LayerNorm>(Shape{c.d_model}, c.layer_norm_eps, true, c.bias, c.dtype));
  norm3_ = register_module("norm3", std::make_shared<LayerNorm>(Shape{c.d_model}, c.layer_norm_eps, true, c.bias, c.dtype));
  dropout1_ = register_module("dropout1", std::make_shared<Dropout>(c.dropout));
  dropout2_ = register_module("dropout2", std::make_shared<Dropout>(c.dropout));
  dropout3_ = register_module("dropout3", std::make_shared<Dropout>(c.dropout));
}

Tensor TransformerDecoderLayer::forward(const std::vector<Tensor>& inputs) {
  const char* op = "TransformerDecoderLayer";
  if (inputs.size() < 2 || inputs.size() > 8)
    TFL_THROW(InvalidArgumentError, op,
              "expects 2 to 8 inputs (tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, "
              "memory_key_padding_mask, tgt_is_causal, memory_is_causal), got ",
              inputs.size());
  return forward(inputs[0], inputs[1], input_at(inputs, 2), input_at(inputs, 3), input_at(inputs, 4),
                 input_at(inputs, 5), flag_input(op, inputs, 6, "tgt_is_causal"),
                 flag_input(op, inputs, 7, "memory_is_causal"));
}

Tensor TransformerDecoderLayer::operator()(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask,
                                           const Tensor& memory_mask, const Tensor& tgt_key_padding_mask,
                                           const Tensor& memory_key_padding_mask, bool tgt_is_causal,
                                           bool memory_is_causal) {
  return (*this)(std::vector<Tensor>{tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask,
                                     scalar_tensor(tgt_is_causal ? 1.0 : 0.0, DType::Bool),
                                     scalar_tensor(memory_is_causal ? 1.0 : 0.0, DType::Bool)});
}

Tensor TransformerDecoderLayer::forward(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask,
                                        const Tensor& memory_mask, const Tensor& tgt_key_padding_mask,
                                        const Tensor& memory_key_padding_mask, bool tgt_is_causal,
                                        bool memory_is_causal) {
  const char* op = "TransformerDecoderLayer";
  const TransformerConfig& c = config_;
  check_sequence(op, "tgt", tgt, c.d_model, c.batch_first);
  check_sequence(op, "memory", memory, c.d_model, c.batch_first);
  const int batch_axis = c.batch_first ? 0 : 1;
  if (tgt.ndim() != memory.ndim() || (tgt.ndim() == 3 && tgt.size(batch_axis) != memory.size(batch_axis)))
    TFL_THROW(ShapeError, op, "tgt and memory must both be batched with the same batch size (axis ", batch_axis,
              ") or both unbatched, got ", shape_str(tgt.shape()), " and ", shape_str(memory.shape()));
  Tensor x = to_batch_first(tgt, c.batch_first);
  Tensor mem = to_batch_first(memory, c.batch_first);
  const int64_t n = x.size(0), t = x.size(1), s = mem.size(1);
  const bool unbatched = tgt.ndim() == 2;
  Tensor self_mask = merge_masks(op, "tgt_mask", tgt_mask, "tgt_key_padding_mask", tgt_key_padding_mask,
                                 tgt_is_causal, unbatched, n, c.nhead, t, t, x.dtype());
  Tensor cross_mask = merge_masks(op, "memory_mask", memory_mask, "memory_key_padding_mask", memory_key_padding_mask,
                                  memory_is_causal, unbatched, n, c.nhead, t, s, x.dtype());
  auto sa = [&](const Tensor& v) { return (*dropout1_)((*self_attn_)(v, v, v, self_mask)); };
  auto mha = [&](const Tensor& v) { return (*dropout2_)((*multihead_attn_)(v, mem, mem, cross_mask)); };
  auto ff = [&](const Tensor& v) {
    return (*dropout3_)((*linear2_)((*dropout_)(activate((*linear1_)(v), c.activation))));
  };
  if (c.norm_first) {
    x = add(x, sa((*norm1_)(x)));
    x = add(x, mha((*norm2_)(x)));
    x = add(x, ff((*norm3_)(x)));
  } else {
    x = (*norm1_)(add(x, sa(x)));
    x = (*norm2_)(add(x, mha(x)));
    x = (*norm3_)(add(x, ff(x)));
  }
  return from_batch_first(x, tgt, c.batch_first);
}

std::string TransformerDecoderLayer::extra_repr() const { return config_repr(config_); }

}  // namespace tfl::nn
