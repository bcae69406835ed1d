// C API: loss functions on tensors (core/nn/loss.h), each a differentiable composition of core ops.
#include <string>

#include "capi/capi_tensor_util.h"
#include "core/nn/loss.h"

using tfl::capi::from_handle;
using tfl::capi::to_handle;

namespace {

bool reduction_is_valid(tfl_reduction r) {
  return r == TFL_REDUCTION_NONE || r == TFL_REDUCTION_MEAN || r == TFL_REDUCTION_SUM || r == TFL_REDUCTION_BATCHMEAN;
}

tfl::nn::Reduction to_reduction(tfl_reduction r) {
  switch (r) {
    case TFL_REDUCTION_NONE: return tfl::nn::Reduction::kNone;
    case TFL_REDUCTION_MEAN: return tfl::nn::Reduction::kMean;
    case TFL_REDUCTION_SUM: return tfl::nn::Reduction::kSum;
    case TFL_REDUCTION_BATCHMEAN: break;
  }
  return tfl::nn::Reduction::kBatchMean;
}

tfl::Tensor optional_tensor(const tfl_tensor* h) { return h ? from_handle(h) : tfl::Tensor(); }

}  // namespace

// Checks a tfl_reduction argument.
#define TFL_CHECK_REDUCTION(r)                                                                        \
  TFL_CHECK_ARG(reduction_is_valid(r), #r,                                                          \
                "is not a valid tfl_reduction (got " + std::to_string(static_cast<int>(r)) + ")")

// The body of a regression loss: out, input and target checked, then *out = the expression.
#define TFL_LOSS_BODY(...)      \
  TFL_CAPI_BEGIN                \
  TFL_CHECK_OUT(out);           \
  TFL_CHECK_TENSOR(input);      \
  TFL_CHECK_TENSOR(target);     \
  TFL_CHECK_REDUCTION(reduction); \
  *out = to_handle(__VA_ARGS__);  \
  TFL_CAPI_END

/// Mean squared error, (input - target)^2 reduced (torch.nn.functional.mse_loss).
/// @param[out] out New tensor (0-d unless reduction is TFL_REDUCTION_NONE); release with tfl_tensor_release.
/// @param input Predictions (floating point).
/// @param target Targets of input's shape (floating point; no broadcasting).
/// @param reduction TFL_REDUCTION_NONE, _MEAN or _SUM.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad reduction; TFL_ERR_SHAPE when the
///         shapes differ; TFL_ERR_DTYPE for non-floating dtypes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_loss_mse(TFL_OUT tfl_tensor** out, const tfl_tensor* input,
                                                 const tfl_tensor* target, tfl_reduction reduction) {
  TFL_LOSS_BODY(tfl::nn::mse_loss(from_handle(input), from_handle(target), to_reduction(reduction)))
}

/// Mean absolute error, |input - target| reduced (torch.nn.functional.l1_loss).
/// @param[out] out New tensor (0-d unless reduction is TFL_REDUCTION_NONE); release with tfl_tensor_release.
/// @param input Predictions (floating point).
/// @param target Targets of input's shape (floating point; no broadcasting).
/// @param reduction TFL_REDUCTION_NONE, _MEAN or _SUM.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad reduction; TFL_ERR_SHAPE when the
///         shapes differ; TFL_ERR_DTYPE for non-floating dtypes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_loss_l1(TFL_OUT tfl_tensor** out, const tfl_tensor* input,
                                                const tfl_tensor* target, tfl_reduction reduction) {
  TFL_LOSS_BODY(tfl::nn::l1_loss(from_handle(input), from_handle(target), to_reduction(reduction)))
}

/// Smooth L1 loss: 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere, d = input - target
/// (torch.nn.functional.smooth_l1_loss); beta = 0 is the L1 loss.
/// @param[out] out New tensor (0-d unless reduction is TFL_REDUCTION_NONE); release with tfl_tensor_release.
/// @param input Predictions (floating point).
/// @param target Targets of input's shape (floating point; no broadcasting).
/// @param reduction TFL_REDUCTION_NONE, _MEAN or _SUM.
/// @param beta Where the quadratic part ends (>= 0; PyTorch's default is 1).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad reduction or a negative beta;
///         TFL_ERR_SHAPE when the shapes differ; TFL_ERR_DTYPE for non-floating dtypes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_loss_smooth_l1(TFL_OUT tfl_tensor** out, const tfl_tensor* input,
                                                       const tfl_tensor* target, tfl_reduction reduction, double beta) {
  TFL_LOSS_BODY(tfl::nn::smooth_l1_loss(from_handle(input), from_handle(target), to_reduction(reduction), beta))
}

/// Huber loss: 0.5 d^2 where |d| <= delta, delta (|d| - 0.5 delta) elsewhere, d = input - target
/// (torch.nn.functional.huber_loss).
/// @param[out] out New tensor (0-d unless reduction is TFL_REDUCTION_NONE); release with tfl_tensor_release.
/// @param input Predictions (floating point).
/// @param target Targets of input's shape (floating point; no broadcasting).
/// @param reduction TFL_REDUCTION_NONE, _MEAN or _SUM.
/// @param delta Where the quadratic part ends (> 0; PyTorch's default is 1).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad reduction or delta <= 0;
///         TFL_ERR_SHAPE when the shapes differ; TFL_ERR_DTYPE for non-floating dtypes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_loss_huber(TFL_OUT tfl_tensor** out, const tfl_tensor* input,
                                                   const tfl_tensor* target, tfl_reduction reduction, double delta) {
  TFL_LOSS_BODY(tfl::nn::huber_loss(from_handle(input), from_handle(target), to_reduction(reduction), delta))
}

/// Cross-entropy from unnormalised logits (torch.nn.functional.cross_entropy). logits is (C), (N, C) or
/// (N, C, d1, ...): the class axis is 0 for 1-D logits and 1 otherwise. target is either class indices
/// (i32/i64, logits' shape without the class axis, values in [0, C) or ignore_index) or class
/// probabilities (floating point, logits' shape). With class indices and TFL_REDUCTION_MEAN the sum is
/// divided by the total weight of the targets that are not ignored; with probabilities by the number
/// of samples.
/// @param[out] out New tensor (0-d, or the per-sample losses for TFL_REDUCTION_NONE); release with
///             tfl_tensor_release.
/// @param logits Unnormalised scores (floating point).
/// @param target Class indices or class probabilities.
/// @param reduction TFL_REDUCTION_NONE, _MEAN or _SUM.
/// @param ignore_index Class-index targets equal to this contribute nothing (PyTorch's default is -100).
/// @param label_smoothing In [0, 1]: the target becomes (1 - s) one-hot + s / C (0 for none).
/// @param weight Per-class weights (1-D of size C), or NULL for equal weights.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad reduction or label_smoothing;
///         TFL_ERR_SHAPE for mismatched shapes; TFL_ERR_DTYPE for bad dtypes; TFL_ERR_INDEX for a class
///         index outside [0, C) that is not ignore_index.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_loss_cross_entropy(TFL_OUT tfl_tensor** out, const tfl_tensor* logits,
                                                           const tfl_tensor* target, tfl_reduction reduction,
                                                           int64_t ignore_index, double label_smoothing,
                                                           TFL_NULLABLE const tfl_tensor* weight) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(logits);
  TFL_CHECK_TENSOR(target);
  TFL_CHECK_REDUCTION(reduction);
  tfl::nn::CrossEntropyOptions o;
  o.reduction = to_reduction(reduction);
  o.ignore_index = ignore_index;
  o.label_smoothing = label_smoothing;
  o.weight = optional_tensor(weight);
  *out = to_handle(tfl::nn::cross_entropy(from_handle(logits), from_handle(target), o));
  TFL_CAPI_END
}

/// Negative log-likelihood of log-probabilities at class indices (torch.nn.functional.nll_loss): shapes,
/// ignore_index, weight and reduction as tfl_loss_cross_entropy with class indices.
/// @param[out] out New tensor (0-d, or the per-sample losses for TFL_REDUCTION_NONE); release with
///             tfl_tensor_release.
/// @param input Log-probabilities (floating point), e.g. from tfl_tensor_log_softmax.
/// @param target Class indices (i32/i64).
/// @param reduction TFL_REDUCTION_NONE, _MEAN or _SUM.
/// @param ignore_index Targets equal to this contribute nothing (PyTorch's default is -100).
/// @param weight Per-class weights (1-D of size C), or NULL for equal weights.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad reduction; TFL_ERR_SHAPE for
///         mismatched shapes; TFL_ERR_DTYPE for bad dtypes; TFL_ERR_INDEX for a class index outside [0, C)
///         that is not ignore_index.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_loss_nll(TFL_OUT tfl_tensor** out, const tfl_tensor* input,
                                                 const tfl_tensor* target, tfl_reduction reduction,
                                                 int64_t ignore_index, TFL_NULLABLE const tfl_tensor* weight) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(input);
  TFL_CHECK_TENSOR(target);
  TFL_CHECK_REDUCTION(reduction);
  tfl::nn::CrossEntropyOptions o;
  o.reduction = to_reduction(reduction);
  o.ignore_index = ignore_index;
  o.weight = optional_tensor(weight);
  *out = to_handle(tfl::nn::nll_loss(from_handle(input), from_handle(target), o));
  TFL_CAPI_END
}

/// Binary cross-entropy from logits x (torch.nn.functional.binary_cross_entropy_with_logits):
/// -[pos_weight t log s(x) + (1 - t) log(1 - s(x))] * weight, computed without overflow.
/// @param[out] out New tensor (0-d unless reduction is TFL_REDUCTION_NONE); release with tfl_tensor_release.
/// @param input Logits (floating point).
/// @param target Targets in [0, 1] of input's shape.
/// @param reduction TFL_REDUCTION_NONE, _MEAN or _SUM.
/// @param weight Weights broadcasting to input's shape, or NULL for none.
/// @param pos_weight Weights of the positive term broadcasting along the last (class) axis, or NULL for none.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad reduction; TFL_ERR_SHAPE for
///         mismatched shapes; TFL_ERR_DTYPE for non-floating dtypes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_loss_binary_cross_entropy_with_logits(
    TFL_OUT tfl_tensor** out, const tfl_tensor* input, const tfl_tensor* target, tfl_reduction reduction,
    TFL_NULLABLE const tfl_tensor* weight, TFL_NULLABLE const tfl_tensor* pos_weight) {
  TFL_LOSS_BODY(tfl::nn::binary_cross_entropy_with_logits(from_handle(input), from_handle(target),
                                                          to_reduction(reduction), optional_tensor(weight),
                                                          optional_tensor(pos_weight)))
}

/// Kullback-Leibler divergence KL(target || exp(input)) pointwise (torch.nn.functional.kl_div):
/// target (log target - input), 0 where target is 0; with log_target, exp(target) (target - input).
/// @param[out] out New tensor (0-d unless reduction is TFL_REDUCTION_NONE); release with tfl_tensor_release.
/// @param input Log-probabilities (floating point).
/// @param target Probabilities (or log-probabilities with log_target) of input's shape.
/// @param reduction TFL_REDUCTION_NONE, _MEAN, _SUM or _BATCHMEAN (the sum divided by input's first
///        dimension: the mathematically correct KL divergence of a batch).
/// @param log_target Whether target holds log-probabilities.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad reduction; TFL_ERR_SHAPE when the
///         shapes differ; TFL_ERR_DTYPE for non-floating dtypes.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_loss_kl_div(TFL_OUT tfl_tensor** out, const tfl_tensor* input,
                                                    const tfl_tensor* target, tfl_reduction reduction,
                                                    bool log_target) {
  TFL_LOSS_BODY(tfl::nn::kl_div(from_handle(input), from_handle(target), to_reduction(reduction), log_target))
}
