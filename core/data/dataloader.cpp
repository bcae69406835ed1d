// Batches over an in-memory tensor dataset.
#include "core/data/dataloader.h"

#include <utility>

#include "core/error.h"
#include "core/ops/creation.h"
#include "core/ops/indexing.h"
#include "core/ops/shape.h"

namespace tfl::data {
namespace {

constexpr const char* kOp = "DataLoader";

// SplitMix64: a tiny generator with a fixed definition, so a seed gives the same permutation everywhere
// (std::uniform_int_distribution is implementation-defined).
uint64_t splitmix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [0, bound) by rejection (no modulo bias).
uint64_t below(uint64_t* state, uint64_t bound) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t r;
  do r = splitmix64(state);
  while (r >= limit);
  return r % bound;
}

}  // namespace

DataLoader::DataLoader(std::vector<Tensor> tensors, int64_t batch_size, bool shuffle, uint64_t seed, bool drop_last)
    : tensors_(std::move(tensors)), batch_size_(batch_size), shuffle_(shuffle), seed_(seed), drop_last_(drop_last) {
  if (tensors_.empty()) TFL_THROW(DataLoadingError, kOp, "needs at least one tensor");
  if (batch_size <= 0) TFL_THROW(DataLoadingError, kOp, "batch_size must be > 0, got ", batch_size);
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const Tensor& t = tensors_[i];
    if (!t.defined()) TFL_THROW(DataLoadingError, kOp, "tensor ", i, " is undefined");
    if (t.ndim() == 0) TFL_THROW(DataLoadingError, kOp, "tensor ", i, " is 0-d; samples are rows along dimension 0");
    if (i == 0) n_ = t.shape()[0];
    else if (t.shape()[0] != n_)
      TFL_THROW(DataLoadingError, kOp, "every tensor needs the same first dimension (one row per sample): tensor 0 has shape ",
                shape_str(tensors_[0].shape()), ", tensor ", i, " has shape ", shape_str(t.shape()));
  }
  start_epoch();
}

void DataLoader::start_epoch() {
  pos_ = 0;
  if (!shuffle_) return;
  order_.resize(static_cast<size_t>(n_));
  for (int64_t i = 0; i < n_; ++i) order_[static_cast<size_t>(i)] = i;
  // Fisher-Yates from a state that depends on (seed, epoch) only.
  uint64_t state = seed_ ^ (static_cast<uint64_t>(epoch_) * 0xD1B54A32D192ED03ull);
  for (int64_t i = n_ - 1; i > 0; --i) std::swap(order_[static_cast<size_t>(i)], order_[below(&state, static_cast<uint64_t>(i) + 1)]);
}

void DataLoader::reset() {
  ++epoch_;
  start_epoch();
}

int64_t DataLoader::num_batches() const {
  return drop_last_ ? n_ / batch_size_ : (n_ + batch_size_ - 1) / batch_size_;
}

bool DataLoader::has_next() const {
  const int64_t remaining = n_ - pos_;
  return remaining > 0 && !(drop_last_ && remaining < batch_size_);
}

bool DataLoader::next(std::vector<Tensor>* batch) {
  if (!has_next()) return false;
  const int64_t remaining = n_ - pos_;
  const int64_t count = remaining < batch_size_ ? remaining : batch_size_;
  batch->clear();
  if (shuffle_) {
    Tensor index = from_buffer(order_.data() + pos_, static_cast<size_t>(count) * sizeof(int64_t), {count}, DType::I64);
    for (const Tensor& t : tensors_) batch->push_back(index_select(t, 0, index));
  } else {
    for (const Tensor& t : tensors_) batch->push_back(slice(t, 0, pos_, pos_ + count));
  }
  pos_ += count;
  return true;
}

}  // namespace tfl::data
