// MultiHeadAttention: heads are a reshape of the projections; attention itself is the functional op.
#include "core/nn/attention.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "core/autograd/grad_mode.h"
#include "core/ops/attention.h"
#include "core/ops/assemble.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/nn.h"
#include "core/ops/random.h"
#include "core/ops/shape.h"

namespace tfl::nn {

namespace {

const char* const kProjNames[4] = {"q_proj", "k_proj", "v_proj", "out_proj"};

// (B, L, E) -> (B, H, L, E / H).
Tensor split_heads(const Tensor& x, int64_t heads) {
  return transpose(reshape(x, {x.size(0), x.size(1), heads, x.size(2) / heads}), 1, 2);
}

// scaled_dot_product_attention's composition with dropout applied to the softmax weights (PyTorch's
// dropout_p): same scores, masking and causal rule, then weights * bernoulli(1 - p) / (1 - p).
Tensor attention_with_dropout(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, bool causal,
                              double p, Generator* gen) {
  const char* op = "MultiHeadAttention";
  const DType dt = q.dtype();
  const double inf = std::numeric_limits<double>::infinity();
  Tensor scores = mul(matmul(q, matrix_transpose(k)), scalar_tensor(1.0 / std::sqrt(static_cast<double>(q.size(-1))), dt));
  if (mask.defined()) {
    if (mask.dtype() != DType::Bool && !is_floating(mask.dtype()))
      TFL_THROW(DTypeError, op, "mask must be bool (true = attend) or floating-point, got ", dtype_name(mask.dtype()));
    if (broadcast_shapes(scores.shape(), mask.shape(), op) != scores.shape())
      TFL_THROW(ShapeError, op, "mask of shape ", shape_str(mask.shape()), " does not broadcast to the scores' shape ",
                shape_str(scores.shape()));
    if (mask.dtype() == DType::Bool) {
      autograd::NoGradGuard no_grad;
      scores = add(scores, where(mask, scalar_tensor(0.0, dt), scalar_tensor(-inf, dt)));
    } else {
      scores = add(scores, cast_if_needed(mask, dt));
    }
  }
  if (causal) {
    Tensor keep = tril(ones({q.size(-2), k.size(-2)}, DType::Bool));
    scores = add(scores, where(keep, scalar_tensor(0.0, dt), scalar_tensor(-inf, dt)));
  }
  Tensor weights = softmax(scores, -1);
  Tensor keep = p >= 1.0 ? zeros(weights.shape(), dt) : mul(bernoulli(weights.shape(), 1.0 - p, dt, gen), 1.0 / (1.0 - p));
  return matmul(mul(weights, keep), v);
}

}  // namespace

MultiHeadAttention::MultiHeadAttention(int64_t embed_dim, int64_t num_heads, bool bias, bool causal, DType dtype,
                                       Generator* gen, double dropout)
    : Module("MultiHeadAttention"), embed_dim_(embed_dim), num_heads_(num_heads), causal_(causal), dropout_(dropout) {
  const char* op = "MultiHeadAttention";
  if (!(dropout >= 0.0 && dropout <= 1.0))
    TFL_THROW(LayerConfigError, op, "dropout must be in [0, 1], got ", dropout);
  if (embed_dim < 1 || num_heads < 1 || embed_dim % num_heads != 0)
    TFL_THROW(LayerConfigError, op, "embed_dim must be a positive multiple of num_heads, got embed_dim ",
              embed_dim, " and num_heads ", num_heads);
  if (!is_floating(dtype)) TFL_THROW(DTypeError, op, "parameters need a floating dtype, got ", dtype_name(dtype));
  // The Linear children draw their default init from a scratch generator; the values that count are
  // then drawn from `gen` in the same order as before this layer became a Module (q, k, v, out
  // weights), so a seed keeps giving the same weights. Biases start at zero, as in PyTorch.
  Generator scratch;
  autograd::NoGradGuard no_grad;
  const double bound = 1.0 / std::sqrt(static_cast<double>(embed_dim));
  for (int i = 0; i < 4; ++i) {
    proj_[i] = register_module(kProjNames[i], std::make_shared<Linear>(embed_dim, embed_dim, bias, dtype, &scratch));
    copy_(proj_[i]->weight(), uniform({embed_dim, embed_dim}, -bound, bound, dtype, gen));
    if (bias) copy_(proj_[i]->bias(), zeros({embed_dim}, dtype));
  }
}

Tensor MultiHeadAttention::forward(const std::vector<Tensor>& inputs) {
  if (inputs.size() == 1) return forward(inputs[0], inputs[0], inputs[0]);
  if (inputs.size() == 3) return forward(inputs[0], inputs[1], inputs[2]);
  if (inputs.size() == 4) return forward(inputs[0], inputs[1], inputs[2], inputs[3]);
  TFL_THROW(InvalidArgumentError, "MultiHeadAttention",
            "expects 1 input (self-attention), 3 (query, key, value) or 4 (with a mask), got ", inputs.size());
}

Tensor MultiHeadAttention::operator()(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask) {
  std::vector<Tensor> inputs{query, key, value};
  if (mask.defined()) inputs.push_back(mask);
  return (*this)(inputs);
}

Tensor MultiHeadAttention::forward(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask) {
  const char* op = "MultiHeadAttention";
  check_defined(query, op, "query");
  check_defined(key, op, "key");
  check_defined(value, op, "value");
  for (const Tensor* t : {&query, &key, &value})
    if (t->ndim() != 3 || t->size(2) != embed_dim_)
      TFL_THROW(ShapeError, op, "expects query, key and value of shape (batch, len, ", embed_dim_, "), got ",
                shape_str(query.shape()), ", ", shape_str(key.shape()), " and ", shape_str(value.shape()));
  if (query.size(0) != key.size(0) || key.size(0) != value.size(0) || key.size(1) != value.size(1))
    TFL_THROW(ShapeError, op, "query, key and value must share the batch size, and key and value the length, got ",
              shape_str(query.shape()), ", ", shape_str(key.shape()), " and ", shape_str(value.shape()));
  // The projections run through operator(), so hooks registered on the children fire too.
  Tensor q = split_heads((*proj_[0])(query), num_heads_);
  Tensor k = split_heads((*proj_[1])(key), num_heads_);
  Tensor v = split_heads((*proj_[2])(value), num_heads_);
  // (B, H, Lq, E / H). Attention-weight dropout needs the weights, which the fused op keeps inside.
  Tensor heads = is_training() && dropout_ > 0.0 ? attention_with_dropout(q, k, v, mask, causal_, dropout_, dropout_gen_)
                                                 : scaled_dot_product_attention(q, k, v, mask, causal_);
  Tensor merged = reshape(transpose(heads, 1, 2), {query.size(0), query.size(1), embed_dim_});
  return (*proj_[3])(merged);
}

std::string MultiHeadAttention::extra_repr() const {
  std::string s = "embed_dim=" + std::to_string(embed_dim_) + ", num_heads=" + std::to_string(num_heads_) +
                  ", bias=" + (proj_[0]->bias().defined() ? "true" : "false") + ", causal=" + (causal_ ? "true" : "false");
  // Printed only when set, so layers built before attention dropout existed print as before.
  if (dropout_ > 0.0) {
    std::ostringstream os;
    os << ", dropout=" << dropout_;
    s += os.str();
  }
  return s;
}

}  // namespace tfl::nn
