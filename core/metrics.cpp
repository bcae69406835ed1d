// Classification metrics computed on the host from labels. See Note [Metric inputs].
#include "core/metrics.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"

namespace tfl::metrics {
namespace {

// The values of t as f64 on the host, row-major. Metrics are not ops: they read a batch back once and
// count, so they use the public copy ops and plain loops rather than kernels.
std::vector<double> host_values(const Tensor& t) {
  Tensor h = t.device().type == DeviceType::CPU ? t : to_device(t, Device{});
  h = contiguous(cast_if_needed(h, DType::F64));
  const double* p = h.data<double>();
  return std::vector<double>(p, p + h.numel());
}

// Labels from a tensor that must hold integers.
std::vector<int64_t> labels_of(const Tensor& t, const char* op, const char* arg) {
  std::vector<int64_t> out;
  out.reserve(static_cast<size_t>(t.numel()));
  for (double v : host_values(t)) {
    if (!(std::floor(v) == v) || std::fabs(v) > 9.0e15)
      TFL_THROW(InvalidArgumentError, op, arg, " must hold integer class labels, found ", v);
    out.push_back(static_cast<int64_t>(v));
  }
  return out;
}

// Predicted labels: pred itself (same shape as target) or the argmax over its trailing class axis.
std::vector<int64_t> predicted_labels(const Tensor& pred, const Tensor& target, const char* op,
                                      int64_t* num_scores = nullptr) {
  check_defined(pred, op, "pred");
  check_defined(target, op, "target");
  if (pred.shape() == target.shape()) return labels_of(pred, op, "pred");
  bool scores = pred.ndim() == target.ndim() + 1;
  for (int d = 0; scores && d < target.ndim(); ++d) scores = pred.shape()[d] == target.shape()[d];
  if (!scores)
    TFL_THROW(ShapeError, op, "pred must be labels with target's shape ", shape_str(target.shape()),
              " or scores with one more trailing class axis, got ", shape_str(pred.shape()));
  const int64_t c = pred.shape()[pred.ndim() - 1];
  if (c == 0) TFL_THROW(ShapeError, op, "pred has an empty class axis: ", shape_str(pred.shape()));
  if (num_scores) *num_scores = c;
  const std::vector<double> v = host_values(pred);
  std::vector<int64_t> out(static_cast<size_t>(target.numel()));
  for (size_t i = 0; i < out.size(); ++i) {
    const double* row = v.data() + i * static_cast<size_t>(c);
    int64_t best = 0;
    for (int64_t j = 1; j < c; ++j)
      if (row[j] > row[best] || (std::isnan(row[j]) && !std::isnan(row[best]))) best = j;  // NaN wins, like numpy
    out[i] = best;
  }
  return out;
}

void check_nonempty(size_t n, const char* op) {
  if (n == 0) TFL_THROW(InvalidArgumentError, op, "no samples: the metric is undefined for an empty batch");
}

void check_range(const std::vector<int64_t>& labels, int64_t num_classes, const char* op, const char* arg) {
  for (int64_t l : labels)
    if (l < 0 || l >= num_classes)
      TFL_THROW(IndexError, op, arg, " holds label ", l, ", outside [0, ", num_classes, ")");
}

// One more than the largest label (see confusion_matrix); IndexError for a negative label.
int64_t infer_classes(const std::vector<int64_t>& p, const std::vector<int64_t>& t, const char* op) {
  int64_t n = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (p[i] < 0 || t[i] < 0) TFL_THROW(IndexError, op, "labels must be >= 0, found ", std::min(p[i], t[i]));
    n = std::max(n, std::max(p[i], t[i]) + 1);
  }
  return n;
}

struct Counts {
  std::vector<int64_t> tp, fp, fn, support;
};

Counts count(const Tensor& pred, const Tensor& target, int64_t num_classes, const char* op) {
  std::vector<int64_t> p = predicted_labels(pred, target, op);
  std::vector<int64_t> t = labels_of(target, op, "target");
  check_nonempty(t.size(), op);
  if (num_classes < 0) num_classes = infer_classes(p, t, op);
  if (num_classes < 1) TFL_THROW(InvalidArgumentError, op, "num_classes must be >= 1 (or -1 to infer it), got ", num_classes);
  check_range(p, num_classes, op, "pred");
  check_range(t, num_classes, op, "target");
  const size_t c = static_cast<size_t>(num_classes);
  Counts k{std::vector<int64_t>(c), std::vector<int64_t>(c), std::vector<int64_t>(c), std::vector<int64_t>(c)};
  for (size_t i = 0; i < t.size(); ++i) {
    const size_t ti = static_cast<size_t>(t[i]), pi = static_cast<size_t>(p[i]);
    k.support[ti] += 1;
    if (ti == pi) {
      k.tp[ti] += 1;
    } else {
      k.fp[pi] += 1;
      k.fn[ti] += 1;
    }
  }
  return k;
}

double ratio(int64_t num, int64_t den, double zero_division) {
  return den == 0 ? zero_division : static_cast<double>(num) / static_cast<double>(den);
}

// Weighted mean leaving NaN values out (scikit-learn's _nanaverage); zero_division when nothing is left.
double nan_average(const std::vector<double>& v, const std::vector<double>& w, double zero_division) {
  double sum = 0, wsum = 0;
  for (size_t i = 0; i < v.size(); ++i)
    if (!std::isnan(v[i])) {
      sum += w[i] * v[i];
      wsum += w[i];
    }
  return wsum == 0 ? zero_division : sum / wsum;
}

void check_zero_division(double z, const char* op) {
  if (!(std::isnan(z) || z == 0.0 || z == 1.0))
    TFL_THROW(InvalidArgumentError, op, "zero_division must be 0, 1 or NaN, got ", z);
}

}  // namespace

double accuracy(const Tensor& pred, const Tensor& target) {
  const std::vector<int64_t> p = predicted_labels(pred, target, "accuracy");
  const std::vector<int64_t> t = labels_of(target, "accuracy", "target");
  check_nonempty(t.size(), "accuracy");
  int64_t hits = 0;
  for (size_t i = 0; i < t.size(); ++i) hits += p[i] == t[i];
  return static_cast<double>(hits) / static_cast<double>(t.size());
}

double top_k_accuracy(const Tensor& scores, const Tensor& target, int64_t k) {
  const char* op = "top_k_accuracy";
  check_defined(scores, op, "scores");
  check_defined(target, op, "target");
  if (scores.ndim() < 1 || scores.ndim() > 2)
    TFL_THROW(ShapeError, op, "scores must be [N, C] or [C], got ", shape_str(scores.shape()));
  const int64_t n = scores.ndim() == 2 ? scores.shape()[0] : 1;
  const int64_t c = scores.shape()[scores.ndim() - 1];
  if (target.numel() != n || target.ndim() > 1)
    TFL_THROW(ShapeError, op, "target must hold one label per row of scores ", shape_str(scores.shape()), ", got ",
              shape_str(target.shape()));
  if (k < 1 || k > c) TFL_THROW(InvalidArgumentError, op, "k must be in [1, ", c, "] (the number of classes), got ", k);
  const std::vector<int64_t> t = labels_of(target, op, "target");
  check_nonempty(t.size(), op);
  check_range(t, c, op, "target");
  const std::vector<double> v = host_values(scores);
  int64_t hits = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double* row = v.data() + i * c;
    const double s = row[t[static_cast<size_t>(i)]];
    int64_t ahead = 0;  // classes ranked before the target
    for (int64_t j = 0; j < c; ++j) ahead += row[j] > s || (row[j] == s && j > t[static_cast<size_t>(i)]);
    hits += ahead < k;
  }
  return static_cast<double>(hits) / static_cast<double>(n);
}

Tensor confusion_matrix(const Tensor& pred, const Tensor& target, int64_t num_classes) {
  const char* op = "confusion_matrix";
  std::vector<int64_t> p = predicted_labels(pred, target, op);
  std::vector<int64_t> t = labels_of(target, op, "target");
  if (num_classes < 0) num_classes = infer_classes(p, t, op);
  check_range(p, num_classes, op, "pred");
  check_range(t, num_classes, op, "target");
  Tensor m = zeros({num_classes, num_classes}, DType::I64);
  int64_t* d = m.data<int64_t>();
  for (size_t i = 0; i < t.size(); ++i) d[t[i] * num_classes + p[i]] += 1;
  return m;
}

ClassScores precision_recall_f1(const Tensor& pred, const Tensor& target, int64_t num_classes, double zero_division) {
  const char* op = "precision_recall_f1";
  check_zero_division(zero_division, op);
  const Counts k = count(pred, target, num_classes, op);
  ClassScores s;
  for (size_t i = 0; i < k.tp.size(); ++i) {
    s.precision.push_back(ratio(k.tp[i], k.tp[i] + k.fp[i], zero_division));
    s.recall.push_back(ratio(k.tp[i], k.tp[i] + k.fn[i], zero_division));
    s.f1.push_back(ratio(2 * k.tp[i], 2 * k.tp[i] + k.fp[i] + k.fn[i], zero_division));
  }
  s.support = k.support;
  return s;
}

AverageScores average_scores(const Tensor& pred, const Tensor& target, int64_t num_classes, Average average,
                             double zero_division) {
  const char* op = "precision_recall_f1";
  if (average == Average::Micro) {
    check_zero_division(zero_division, op);
    const Counts k = count(pred, target, num_classes, op);
    int64_t tp = 0, fp = 0, fn = 0;
    for (size_t i = 0; i < k.tp.size(); ++i) {
      tp += k.tp[i];
      fp += k.fp[i];
      fn += k.fn[i];
    }
    return {ratio(tp, tp + fp, zero_division), ratio(tp, tp + fn, zero_division),
            ratio(2 * tp, 2 * tp + fp + fn, zero_division)};
  }
  if (average != Average::Macro && average != Average::Weighted)
    TFL_THROW(InvalidArgumentError, op, "unknown average ", static_cast<int>(average));
  const ClassScores s = precision_recall_f1(pred, target, num_classes, zero_division);
  std::vector<double> w(s.support.size(), 1.0);
  if (average == Average::Weighted)
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<double>(s.support[i]);
  return {nan_average(s.precision, w, zero_division), nan_average(s.recall, w, zero_division),
          nan_average(s.f1, w, zero_division)};
}

}  // namespace tfl::metrics
