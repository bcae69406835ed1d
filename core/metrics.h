// Classification metrics: accuracy, top-k accuracy, precision/recall/F1, confusion matrix (not differentiable).
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace tfl::metrics {

// Note [Metric inputs]
// `pred` is either class labels with target's shape, or scores (logits or probabilities) with one more
// trailing axis of num_classes entries, reduced to labels by argmax over that axis (the first maximum on
// ties, like numpy). Labels may have any real dtype but must hold integers (a float label 1.5 is an
// InvalidArgumentError); target always holds labels. Values are read back to the host: metrics summarise
// a batch into a few numbers and record no autograd graph.

// Fraction of samples whose predicted label equals the target. ShapeError for mismatched shapes,
// InvalidArgumentError when there are no samples.
double accuracy(const Tensor& pred, const Tensor& target);

// Fraction of samples whose target is among the k highest scores of its row. scores: [N, C] (or [C] for
// one sample), target: [N] labels in [0, C). Ties are broken as scikit-learn's top_k_accuracy_score does
// (a stable ascending sort reversed: among equal scores the higher class index ranks first).
// InvalidArgumentError for k < 1 or k > C; IndexError for a target outside [0, C).
double top_k_accuracy(const Tensor& scores, const Tensor& target, int64_t k);

// counts[t][p] = number of samples with target t predicted as p (scikit-learn's layout), as an i64
// tensor [num_classes, num_classes]. num_classes < 0: one more than the largest label seen (0 samples:
// 0 classes). IndexError for labels outside [0, num_classes) (negative labels always).
Tensor confusion_matrix(const Tensor& pred, const Tensor& target, int64_t num_classes = -1);

enum class Average : int32_t { Macro = 0, Micro = 1, Weighted = 2 };

struct ClassScores {
  std::vector<double> precision, recall, f1;  // per class
  std::vector<int64_t> support;               // samples per target class
};

// Per-class precision tp / (tp + fp), recall tp / (tp + fn) and F1 2tp / (2tp + fp + fn), as
// scikit-learn's precision_recall_fscore_support(labels=range(num_classes)): a zero denominator gives
// zero_division (0, 1, or NaN). num_classes < 0 infers it as confusion_matrix does. InvalidArgumentError
// for an empty batch or another zero_division; IndexError for labels outside [0, num_classes).
ClassScores precision_recall_f1(const Tensor& pred, const Tensor& target, int64_t num_classes, double zero_division);

struct AverageScores {
  double precision, recall, f1;
};

// The average over classes: macro (unweighted mean), weighted (by support) or micro (from the summed
// counts). As scikit-learn: NaN per-class values (zero_division NaN) are left out of macro and
// weighted averages, and a weighted average with no support is zero_division.
AverageScores average_scores(const Tensor& pred, const Tensor& target, int64_t num_classes, Average average,
                             double zero_division);

}  // namespace tfl::metrics
