// Embedding: a lookup table from integer ids to rows of a weight matrix.
#pragma once

#include <optional>

#include "core/nn/module.h"
#include "core/rng.h"

namespace tfl::nn {

// weight (num_embeddings, embedding_dim), initialised N(0, 1) from `gen`. Input: i32/i64 ids of any
// shape, each in [0, num_embeddings); output: ids.shape + (embedding_dim). With padding_idx
// (negative counts from the end) that row starts at zero and receives no gradient.
class Embedding : public UnaryModule {
 public:
  Embedding(int64_t num_embeddings, int64_t embedding_dim, std::optional<int64_t> padding_idx = std::nullopt,
            DType dtype = DType::F32, Generator* gen = nullptr);
  const Tensor& weight() const { return weight_; }
  std::optional<int64_t> padding_idx() const { return padding_idx_; }

 protected:
  Tensor forward_one(const Tensor& ids) override;
  std::string extra_repr() const override;

 private:
  int64_t num_, dim_;
  std::optional<int64_t> padding_idx_;
  Tensor weight_;
};

}  // namespace tfl::nn
