// Batches over an in-memory tensor dataset: rows of several same-length tensors, optionally shuffled.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace tfl::data {

// Like torch.utils.data.DataLoader over a TensorDataset: sample i is row i of every tensor; each batch
// holds batch_size samples (the last one fewer unless drop_last drops it). Without shuffle the batches
// are views (slices) of the tensors in order; with shuffle each epoch visits a new permutation, drawn
// from `seed` and the epoch number only, so the same seed replays the same epochs on every platform.
class DataLoader {
 public:
  // DataLoadingError for no tensors, an undefined or 0-d tensor, first dimensions that differ, or
  // batch_size <= 0.
  DataLoader(std::vector<Tensor> tensors, int64_t batch_size, bool shuffle = false, uint64_t seed = 0,
             bool drop_last = false);

  // Writes the next batch (one tensor per dataset tensor) and returns true, or returns false at the end
  // of the epoch (and keeps doing so until reset()).
  bool next(std::vector<Tensor>* batch);
  // Whether next() would return a batch (without consuming it).
  bool has_next() const;
  // Starts the next epoch (a new permutation when shuffling).
  void reset();

  int64_t num_batches() const;  // batches per epoch (len(loader))
  int64_t num_samples() const { return n_; }
  size_t num_tensors() const { return tensors_.size(); }
  int64_t epoch() const { return epoch_; }

 private:
  void start_epoch();

  std::vector<Tensor> tensors_;
  int64_t n_ = 0;
  int64_t batch_size_;
  bool shuffle_;
  uint64_t seed_;
  bool drop_last_;
  int64_t epoch_ = 0;
  int64_t pos_ = 0;               // first sample of the next batch
  std::vector<int64_t> order_;    // this epoch's permutation (shuffle only)
};

}  // namespace tfl::data
