// MultiHeadAttention: heads are a reshape of the projections; attention itself is the functional op.
#include "core/nn/attention.h"

#include <cmath>

#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/ops/attention.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/random.h"
#include "core/ops/shape.h"

namespace tfl::nn {

namespace {

const char* const kProjNames[4] = {"q_proj", "k_proj", "v_proj", "out_proj"};

// x W^T (+ b).
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  Tensor y = matmul(x, transpose(w, 0, 1));
  return b.defined() ? add(y, b) : y;
}

// (B, L, E) -> (B, H, L, E / H).
Tensor split_heads(const Tensor& x, int64_t heads) {
  return transpose(reshape(x, {x.size(0), x.size(1), heads, x.size(2) / heads}), 1, 2);
}

}  // namespace

MultiHeadAttention::MultiHeadAttention(int64_t embed_dim, int64_t num_heads, bool bias, bool causal, DType dtype,
                                       Generator* gen)
    : embed_dim_(embed_dim), num_heads_(num_heads), causal_(causal) {
  const char* op = "MultiHeadAttention";
  if (embed_dim < 1 || num_heads < 1 || embed_dim % num_heads != 0)
    TFL_THROW(InvalidArgumentError, op, "embed_dim must be a positive multiple of num_heads, got embed_dim ",
              embed_dim, " and num_heads ", num_heads);
  if (!is_floating(dtype)) TFL_THROW(DTypeError, op, "parameters need a floating dtype, got ", dtype_name(dtype));
  autograd::NoGradGuard no_grad;
  const double bound = 1.0 / std::sqrt(static_cast<double>(embed_dim));
  for (int i = 0; i < 4; ++i) {
    weight_[i] = uniform({embed_dim, embed_dim}, -bound, bound, dtype, gen);
    autograd::set_requires_grad(weight_[i], true);
    params_.emplace_back(std::string(kProjNames[i]) + ".weight", weight_[i]);
    if (bias) {
      bias_[i] = zeros({embed_dim}, dtype);
      autograd::set_requires_grad(bias_[i], true);
      params_.emplace_back(std::string(kProjNames[i]) + ".bias", bias_[i]);
    }
  }
}

Tensor MultiHeadAttention::forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                   const Tensor& mask) const {
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
  Tensor q = split_heads(linear(query, weight_[0], bias_[0]), num_heads_);
  Tensor k = split_heads(linear(key, weight_[1], bias_[1]), num_heads_);
  Tensor v = split_heads(linear(value, weight_[2], bias_[2]), num_heads_);
  Tensor heads = scaled_dot_product_attention(q, k, v, mask, causal_);  // (B, H, Lq, E / H)
  Tensor merged = reshape(transpose(heads, 1, 2), {query.size(0), query.size(1), embed_dim_});
  return linear(merged, weight_[3], bias_[3]);
}

StateDict MultiHeadAttention::named_parameters() const { return params_; }

std::vector<Tensor> MultiHeadAttention::parameters() const {
  std::vector<Tensor> out;
  for (const auto& [name, t] : params_) out.push_back(t);
  return out;
}

}  // namespace tfl::nn
