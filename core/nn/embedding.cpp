// Embedding lookup via index_select on the weight rows.
#include "core/nn/embedding.h"

#include <string>

#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/error.h"
#include "core/nn/init.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/indexing.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"

namespace tfl::nn {

Embedding::Embedding(int64_t num_embeddings, int64_t embedding_dim, std::optional<int64_t> padding_idx, DType dtype,
                     Generator* gen)
    : UnaryModule("Embedding"), num_(num_embeddings), dim_(embedding_dim) {
  if (num_embeddings < 0 || embedding_dim < 0)
    TFL_THROW(LayerConfigError, "Embedding", "num_embeddings and embedding_dim must be >= 0, got ",
              num_embeddings, " and ", embedding_dim);
  if (!is_floating(dtype))
    TFL_THROW(DTypeError, "Embedding", "parameters need a floating dtype, got ", dtype_name(dtype));
  if (padding_idx) {
    int64_t p = *padding_idx < 0 ? *padding_idx + num_embeddings : *padding_idx;
    if (p < 0 || p >= num_embeddings)
      TFL_THROW(LayerConfigError, "Embedding", "padding_idx ", *padding_idx, " is out of range for ", num_embeddings,
                " embeddings");
    padding_idx_ = p;
  }
  weight_ = register_parameter("weight", empty({num_embeddings, embedding_dim}, dtype));
  init::normal_(weight_, 0.0, 1.0, gen);
  if (padding_idx_) {
    autograd::NoGradGuard no_grad;
    fill_(index(weight_, {IndexSpec(*padding_idx_)}), 0.0);
  }
}

Tensor Embedding::forward_one(const Tensor& ids) {
  if (ids.dtype() != DType::I32 && ids.dtype() != DType::I64)
    TFL_THROW(DTypeError, "Embedding", "expects int32 or int64 ids, got ", dtype_name(ids.dtype()));
  if (ids.numel() > 0) {
    // index_select would accept negative ids (counting from the end); an embedding id never does.
    int64_t lo = static_cast<int64_t>(min(ids).item()), hi = static_cast<int64_t>(max(ids).item());
    if (lo < 0 || hi >= num_)
      TFL_THROW(IndexError, "Embedding", "id ", lo < 0 ? lo : hi, " is out of range [0, ", num_, ")");
  }
  Shape out_shape = ids.shape();
  out_shape.push_back(dim_);
  Tensor rows = reshape(index_select(weight_, 0, ravel(ids)), out_shape);
  if (padding_idx_ && autograd::needs_grad({weight_})) {
    // Same values, but rows looked up at padding_idx take the branch that carries no gradient.
    Tensor keep = unsqueeze(ne(ids, static_cast<double>(*padding_idx_)), -1);
    rows = where(keep, rows, autograd::detach(rows));
  }
  return rows;
}

std::string Embedding::extra_repr() const {
  std::string s = std::to_string(num_) + ", " + std::to_string(dim_);
  if (padding_idx_) s += ", padding_idx=" + std::to_string(*padding_idx_);
  return s;
}

}  // namespace tfl::nn
