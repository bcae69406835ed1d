// Loss functions (functional, PyTorch semantics), composed of differentiable core ops.
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace tfl::nn {

// How per-element losses are combined. kBatchMean (sum / batch size) is only meaningful for kl_div,
// where it gives the mathematically correct KL divergence; other losses reject it.
enum class Reduction { kNone, kMean, kSum, kBatchMean };

// The regression losses take input and target of the same shape (ShapeError otherwise, no silent
// broadcasting) and floating dtypes (DTypeError otherwise); the result has the promoted dtype.
// Mean over zero elements is NaN, like PyTorch.

// (input - target)^2
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::kMean);
// |input - target|
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::kMean);
// 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (d = input - target); beta = 0 is l1_loss.
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::kMean,
                      double beta = 1.0);
// 0.5 d^2 where |d| <= delta, delta (|d| - 0.5 delta) elsewhere; delta > 0.
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::kMean,
                  double delta = 1.0);

struct CrossEntropyOptions {
  Reduction reduction = Reduction::kMean;
  int64_t ignore_index = -100;  // class-index targets equal to this contribute nothing (nor to the mean)
  double label_smoothing = 0.0;  // in [0, 1]: the target mixes (1 - s) * one-hot with s / C uniform
  Tensor weight;                 // optional 1-D per-class weights of size C
};

// Cross-entropy from unnormalised logits. logits is (C), (N, C) or (N, C, d1, ...): the class axis is
// 0 for 1-D input and 1 otherwise. target is either class indices (i32/i64, logits' shape without the
// class axis; values in [0, C) or ignore_index, else IndexError naming the value) or class
// probabilities (floating, logits' shape). With class indices and kMean the sum is divided by the
// total weight of the non-ignored targets; with probabilities by the number of samples.
Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyOptions& options = {});
// Negative log-likelihood of log-probabilities `input` at class indices `target` (shapes and
// reduction as cross_entropy with class indices; label_smoothing must be 0).
Tensor nll_loss(const Tensor& input, const Tensor& target, const CrossEntropyOptions& options = {});

// -[pos_weight t log s(x) + (1 - t) log(1 - s(x))] * weight, computed from logits x as
// (1 - t) x + (1 + (pos_weight - 1) t) softplus(-x), which never overflows. input and target have the
// same shape; weight broadcasts to it; pos_weight broadcasts along the last (class) axis.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        Reduction reduction = Reduction::kMean, const Tensor& weight = Tensor(),
                                        const Tensor& pos_weight = Tensor());

// KL(target || exp(input)) pointwise: target (log target - input), 0 where target is 0; with
// log_target the target is given as log-probabilities: exp(target) (target - input).
// kBatchMean divides the sum by input.size(0) (PyTorch's recommended reduction).
Tensor kl_div(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::kMean,
              bool log_target = false);

}  // namespace tfl::nn
