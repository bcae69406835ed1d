// C API: classification metrics (core/metrics.h): accuracy, top-k accuracy, confusion matrix,
// precision/recall/F1 per class and averaged. Not differentiable; results are plain numbers or new tensors.
#include <cmath>
#include <string>

#include "capi/capi_tensor_util.h"
#include "core/metrics.h"
#include "core/ops/creation.h"

using tfl::capi::from_handle;
using tfl::capi::to_handle;

#define TFL_CHECK_METRIC_AVERAGE(a)                                                                           \
  TFL_CHECK_ARG((a) == TFL_AVERAGE_MACRO || (a) == TFL_AVERAGE_MICRO || (a) == TFL_AVERAGE_WEIGHTED, #a,    \
                "is not a valid tfl_metric_average (got " + std::to_string(static_cast<int>(a)) + ")")
#define TFL_CHECK_ZERO_DIVISION(z) \
  TFL_CHECK_ARG(std::isnan(z) || (z) == 0.0 || (z) == 1.0, #z, "must be 0, 1 or NaN, got " + std::to_string(z))

/// Fraction of samples whose predicted label equals the target label. pred holds labels with target's
/// shape, or scores (logits or probabilities) with one more trailing class axis, reduced by argmax (first
/// maximum on ties). Labels may have any real dtype but must be integers.
/// @param[out] out Receives the accuracy in [0, 1].
/// @param pred Predicted labels or scores.
/// @param target Target labels.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, an empty batch or non-integer labels;
///         TFL_ERR_SHAPE if pred's shape fits neither form.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_metrics_accuracy(TFL_OUT double* out, const tfl_tensor* pred,
                                                         const tfl_tensor* target) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_TENSOR(pred);
  TFL_CHECK_TENSOR(target);
  *out = tfl::metrics::accuracy(from_handle(pred), from_handle(target));
  TFL_CAPI_END
}

/// Fraction of samples whose target is among the k highest scores of its row (scikit-learn's
/// top_k_accuracy_score; among equal scores the higher class index ranks first).
/// @param[out] out Receives the top-k accuracy in [0, 1].
/// @param scores Scores [N, C] (or [C] for one sample).
/// @param target Target labels [N] in [0, C).
/// @param k How many of the highest scores count, 1 <= k <= C.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, k outside [1, C], an empty batch or
///         non-integer labels; TFL_ERR_SHAPE for mismatched shapes; TFL_ERR_INDEX for a target outside [0, C).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_metrics_top_k_accuracy(TFL_OUT double* out, const tfl_tensor* scores,
                                                               const tfl_tensor* target, int64_t k) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_TENSOR(scores);
  TFL_CHECK_TENSOR(target);
  *out = tfl::metrics::top_k_accuracy(from_handle(scores), from_handle(target), k);
  TFL_CAPI_END
}

/// The confusion matrix: an i64 tensor [num_classes, num_classes] whose entry [t, p] counts the samples
/// with target t predicted as p (scikit-learn's layout). pred as for tfl_metrics_accuracy.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param pred Predicted labels or scores.
/// @param target Target labels.
/// @param num_classes Number of classes, or -1 for one more than the largest label seen.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or non-integer labels; TFL_ERR_SHAPE if
///         pred's shape fits neither form; TFL_ERR_INDEX for labels outside [0, num_classes).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_metrics_confusion_matrix(TFL_OUT tfl_tensor** out, const tfl_tensor* pred,
                                                                 const tfl_tensor* target, int64_t num_classes) {
  TFL_TENSOR_OP2(pred, target, tfl::metrics::confusion_matrix(from_handle(pred), from_handle(target), num_classes))
}

/// Per-class precision tp/(tp+fp), recall tp/(tp+fn), F1 2tp/(2tp+fp+fn) and support, as scikit-learn's
/// precision_recall_fscore_support(labels=range(num_classes), average=None): an f64 tensor [4, num_classes]
/// whose rows are precision, recall, F1 and support. A zero denominator gives zero_division.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param pred Predicted labels or scores (as for tfl_metrics_accuracy).
/// @param target Target labels.
/// @param num_classes Number of classes, or -1 for one more than the largest label seen.
/// @param zero_division The value of a ratio whose denominator is 0: 0, 1 or NaN.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, another zero_division, an empty batch or
///         non-integer labels; TFL_ERR_SHAPE if pred's shape fits neither form; TFL_ERR_INDEX for labels
///         outside [0, num_classes).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_metrics_precision_recall_f1(TFL_OUT tfl_tensor** out, const tfl_tensor* pred,
                                                                    const tfl_tensor* target, int64_t num_classes,
                                                                    double zero_division) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(pred);
  TFL_CHECK_TENSOR(target);
  TFL_CHECK_ZERO_DIVISION(zero_division);
  const tfl::metrics::ClassScores s =
      tfl::metrics::precision_recall_f1(from_handle(pred), from_handle(target), num_classes, zero_division);
  const int64_t c = static_cast<int64_t>(s.support.size());
  tfl::Tensor t = tfl::zeros({4, c}, tfl::DType::F64);
  double* d = t.data<double>();
  for (int64_t i = 0; i < c; ++i) {
    d[i] = s.precision[static_cast<size_t>(i)];
    d[c + i] = s.recall[static_cast<size_t>(i)];
    d[2 * c + i] = s.f1[static_cast<size_t>(i)];
    d[3 * c + i] = static_cast<double>(s.support[static_cast<size_t>(i)]);
  }
  *out = to_handle(t);
  TFL_CAPI_END
}

/// Precision, recall and F1 averaged over the classes (scikit-learn's average="macro" / "micro" /
/// "weighted"): NaN per-class values (zero_division NaN) are left out of macro and weighted averages.
/// @param[out] precision Receives the averaged precision.
/// @param[out] recall Receives the averaged recall.
/// @param[out] f1 Receives the averaged F1.
/// @param pred Predicted labels or scores (as for tfl_metrics_accuracy).
/// @param target Target labels.
/// @param num_classes Number of classes, or -1 for one more than the largest label seen.
/// @param average How the classes are combined.
/// @param zero_division The value of a ratio whose denominator is 0: 0, 1 or NaN.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, an invalid average, another zero_division, an
///         empty batch or non-integer labels; TFL_ERR_SHAPE if pred's shape fits neither form;
///         TFL_ERR_INDEX for labels outside [0, num_classes).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_metrics_precision_recall_f1_average(
    TFL_OUT double* precision, TFL_OUT double* recall, TFL_OUT double* f1, const tfl_tensor* pred,
    const tfl_tensor* target, int64_t num_classes, tfl_metric_average average, double zero_division) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(precision != nullptr, "precision", "must not be NULL");
  TFL_CHECK_ARG(recall != nullptr, "recall", "must not be NULL");
  TFL_CHECK_ARG(f1 != nullptr, "f1", "must not be NULL");
  TFL_CHECK_TENSOR(pred);
  TFL_CHECK_TENSOR(target);
  TFL_CHECK_METRIC_AVERAGE(average);
  TFL_CHECK_ZERO_DIVISION(zero_division);
  const tfl::metrics::AverageScores a =
      tfl::metrics::average_scores(from_handle(pred), from_handle(target), num_classes,
                                   static_cast<tfl::metrics::Average>(average), zero_division);
  *precision = a.precision;
  *recall = a.recall;
  *f1 = a.f1;
  TFL_CAPI_END
}
