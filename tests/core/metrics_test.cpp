// Tests of the classification metrics against scikit-learn 1.9.1 literal values (computed with python3,
// numpy.random.default_rng(7), pasted below) and against small cases counted by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "core/metrics.h"
#include "core/ops/creation.h"
#include "core/ops/shape.h"

using namespace tfl;
using Catch::Contains;
using Catch::Detail::Approx;

namespace {

Tensor f64(const std::vector<double>& v, const Shape& shape) {
  return from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64);
}
Tensor i64(const std::vector<int64_t>& v) {
  return from_buffer(v.data(), v.size() * sizeof(int64_t), {static_cast<int64_t>(v.size())}, DType::I64);
}

// 12 samples, 4 classes: logits = round(rng.normal(size=(12, 4)), 2), y = rng.integers(0, 4, 12).
const std::vector<double> kLogits = {
    0.0,   0.3,  -0.27, -0.89, -0.45, -0.99, 0.06,  1.34,  -0.49, -0.62, 0.49,  0.36,  0.11,  -0.93, -0.03, 0.7,
    -1.34, -0.46, -1.9, -1.29, -1.84, -0.24, -1.27, 0.27,  0.16,  -0.19, -2.52, -0.54, -0.05, 0.11,  -1.53, -0.48,
    -0.98, -0.81, 1.06, -0.81, -0.03, 0.88,  -0.58, -0.11, 0.11,  0.06,  -1.23, 0.08,  1.36,  -1.55, 0.86,  0.12};
const std::vector<int64_t> kY = {2, 3, 2, 1, 2, 2, 0, 0, 2, 1, 2, 1};
const std::vector<int64_t> kPred = {1, 3, 2, 3, 1, 3, 0, 1, 2, 1, 0, 0};  // logits.argmax(1)

}  // namespace

TEST_CASE("accuracy from labels and from scores (scikit-learn values)", "[metrics]") {
  Tensor logits = f64(kLogits, {12, 4});
  CHECK(metrics::accuracy(logits, i64(kY)) == Approx(0.4166666666666667));
  CHECK(metrics::accuracy(i64(kPred), i64(kY)) == Approx(0.4166666666666667));
  // Labels in a float tensor and a 2-d batch.
  CHECK(metrics::accuracy(f64({1, 2, 3, 4}, {2, 2}), f64({1, 0, 3, 0}, {2, 2})) == Approx(0.5));
  // A non-contiguous view of the scores: transpose of a [4, 12] tensor.
  std::vector<double> t(48);
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 4; ++j) t[static_cast<size_t>(j * 12 + i)] = kLogits[static_cast<size_t>(i * 4 + j)];
  CHECK(metrics::accuracy(transpose(f64(t, {4, 12}), 0, 1), i64(kY)) == Approx(0.4166666666666667));
}

TEST_CASE("top-k accuracy (scikit-learn values, ties as scikit-learn breaks them)", "[metrics]") {
  Tensor logits = f64(kLogits, {12, 4});
  CHECK(metrics::top_k_accuracy(logits, i64(kY), 1) == Approx(0.4166666666666667));
  CHECK(metrics::top_k_accuracy(logits, i64(kY), 2) == Approx(0.5));
  CHECK(metrics::top_k_accuracy(logits, i64(kY), 3) == Approx(0.6666666666666666));
  CHECK(metrics::top_k_accuracy(logits, i64(kY), 4) == Approx(1.0));
  // sklearn: top_k_accuracy_score([0, 1], [[.5, .5, .1], [.2, .2, .2]], k) = 0.0 (k=1), 1.0 (k=2).
  Tensor tie = f64({0.5, 0.5, 0.1, 0.2, 0.2, 0.2}, {2, 3});
  CHECK(metrics::top_k_accuracy(tie, i64({0, 1}), 1) == 0.0);
  CHECK(metrics::top_k_accuracy(tie, i64({0, 1}), 2) == 1.0);
  // One sample as a 1-d score vector.
  CHECK(metrics::top_k_accuracy(f64({0.1, 0.9, 0.5}, {3}), i64({2}), 2) == 1.0);
}

TEST_CASE("confusion matrix (scikit-learn values and a hand count)", "[metrics]") {
  Tensor m = metrics::confusion_matrix(f64(kLogits, {12, 4}), i64(kY), 4);
  REQUIRE(m.dtype() == DType::I64);
  REQUIRE(m.shape() == Shape{4, 4});
  const std::vector<int64_t> expect = {1, 1, 0, 0, 1, 1, 0, 1, 1, 2, 2, 1, 0, 0, 0, 1};
  const int64_t* d = m.data<int64_t>();
  for (size_t i = 0; i < expect.size(); ++i) CHECK(d[i] == expect[i]);
  // Inferred class count: labels up to 2 -> 3 classes; rows are targets, columns predictions.
  Tensor h = metrics::confusion_matrix(i64({0, 2, 2, 1}), i64({0, 2, 1, 1}));
  REQUIRE(h.shape() == Shape{3, 3});
  const std::vector<int64_t> hand = {1, 0, 0, 0, 1, 1, 0, 0, 1};
  for (size_t i = 0; i < hand.size(); ++i) CHECK(h.data<int64_t>()[i] == hand[i]);
  // No samples: an all-zero matrix of the given size, or 0x0 when inferred.
  CHECK(metrics::confusion_matrix(i64({}), i64({}), 2).shape() == Shape{2, 2});
  CHECK(metrics::confusion_matrix(i64({}), i64({})).shape() == Shape{0, 0});
}

TEST_CASE("precision, recall, F1 per class and averaged (scikit-learn values)", "[metrics]") {
  Tensor logits = f64(kLogits, {12, 4});
  metrics::ClassScores s = metrics::precision_recall_f1(logits, i64(kY), 4, 0.0);
  const std::vector<double> p = {0.3333333333333333, 0.25, 1.0, 0.3333333333333333};
  const std::vector<double> r = {0.5, 0.3333333333333333, 0.3333333333333333, 1.0};
  const std::vector<double> f = {0.4, 0.2857142857142857, 0.5, 0.5};
  const std::vector<int64_t> sup = {2, 3, 6, 1};
  for (size_t i = 0; i < 4; ++i) {
    CHECK(s.precision[i] == Approx(p[i]));
    CHECK(s.recall[i] == Approx(r[i]));
    CHECK(s.f1[i] == Approx(f[i]));
    CHECK(s.support[i] == sup[i]);
  }
  auto macro = metrics::average_scores(logits, i64(kY), 4, metrics::Average::Macro, 0.0);
  CHECK(macro.precision == Approx(0.47916666666666663));
  CHECK(macro.recall == Approx(0.5416666666666666));
  CHECK(macro.f1 == Approx(0.42142857142857143));
  auto micro = metrics::average_scores(logits, i64(kY), 4, metrics::Average::Micro, 0.0);
  CHECK(micro.precision == Approx(0.4166666666666667));
  CHECK(micro.recall == Approx(0.4166666666666667));
  CHECK(micro.f1 == Approx(0.4166666666666667));
  auto weighted = metrics::average_scores(logits, i64(kY), 4, metrics::Average::Weighted, 0.0);
  CHECK(weighted.precision == Approx(0.6458333333333333));
  CHECK(weighted.recall == Approx(0.4166666666666667));
  CHECK(weighted.f1 == Approx(0.42976190476190473));
}

TEST_CASE("zero_division as scikit-learn handles it", "[metrics]") {
  // y_true = [0, 1, 1, 0], y_pred = [0, 0, 0, 0], labels = [0, 1, 2]: class 1 never predicted, class 2
  // absent from both. sklearn precision_recall_fscore_support values pasted per zero_division.
  Tensor y = i64({0, 1, 1, 0}), yp = i64({0, 0, 0, 0});
  auto z0 = metrics::precision_recall_f1(yp, y, 3, 0.0);
  CHECK(z0.precision == std::vector<double>{0.5, 0.0, 0.0});
  CHECK(z0.recall == std::vector<double>{1.0, 0.0, 0.0});
  CHECK(z0.f1[0] == Approx(0.6666666666666666));
  CHECK(z0.support == std::vector<int64_t>{2, 2, 0});
  auto z1 = metrics::precision_recall_f1(yp, y, 3, 1.0);
  CHECK(z1.precision == std::vector<double>{0.5, 1.0, 1.0});
  CHECK(z1.recall == std::vector<double>{1.0, 0.0, 1.0});
  CHECK(z1.f1[1] == 0.0);  // 2*0 / (0 + 0 + 2): the denominator is not 0
  CHECK(z1.f1[2] == 1.0);
  auto m1 = metrics::average_scores(yp, y, 3, metrics::Average::Macro, 1.0);
  CHECK(m1.precision == Approx(0.8333333333333334));
  CHECK(m1.recall == Approx(0.6666666666666666));
  CHECK(m1.f1 == Approx(0.5555555555555555));
  auto w1 = metrics::average_scores(yp, y, 3, metrics::Average::Weighted, 1.0);
  CHECK(w1.precision == Approx(0.75));
  CHECK(w1.recall == Approx(0.5));
  CHECK(w1.f1 == Approx(0.3333333333333333));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto zn = metrics::precision_recall_f1(yp, y, 3, nan);
  CHECK(std::isnan(zn.precision[1]));
  CHECK(std::isnan(zn.recall[2]));
  auto mn = metrics::average_scores(yp, y, 3, metrics::Average::Macro, nan);  // NaNs left out
  CHECK(mn.precision == Approx(0.5));
  CHECK(mn.recall == Approx(0.5));
  CHECK(mn.f1 == Approx(0.3333333333333333));
  auto wn = metrics::average_scores(yp, y, 3, metrics::Average::Weighted, nan);
  CHECK(wn.precision == Approx(0.5));
  CHECK(wn.recall == Approx(0.5));
  CHECK(wn.f1 == Approx(0.3333333333333333));
  auto un = metrics::average_scores(yp, y, 3, metrics::Average::Micro, nan);
  CHECK(un.precision == Approx(0.5));
}

TEST_CASE("metric errors", "[metrics]") {
  Tensor y = i64({0, 1, 2});
  REQUIRE_THROWS_AS(metrics::accuracy(i64({0, 1}), y), ShapeError);
  REQUIRE_THROWS_WITH(metrics::accuracy(i64({0, 1}), y), Contains("[accuracy]") && Contains("target's shape 3"));
  REQUIRE_THROWS_AS(metrics::accuracy(f64({0, 0, 0, 0, 0, 0}, {3, 2, 1}), y), ShapeError);
  REQUIRE_THROWS_AS(metrics::accuracy(i64({}), i64({})), InvalidArgumentError);
  REQUIRE_THROWS_WITH(metrics::accuracy(f64({0.5, 1, 2}, {3}), y), Contains("integer class labels"));
  REQUIRE_THROWS_AS(metrics::accuracy(Tensor(), y), InvalidArgumentError);
  Tensor scores = f64({0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, {2, 3});
  REQUIRE_THROWS_AS(metrics::top_k_accuracy(scores, i64({0, 1}), 4), InvalidArgumentError);
  REQUIRE_THROWS_WITH(metrics::top_k_accuracy(scores, i64({0, 1}), 4), Contains("k must be in [1, 3]"));
  REQUIRE_THROWS_AS(metrics::top_k_accuracy(scores, i64({0, 1}), 0), InvalidArgumentError);
  REQUIRE_THROWS_AS(metrics::top_k_accuracy(scores, i64({0, 3}), 1), IndexError);
  REQUIRE_THROWS_AS(metrics::top_k_accuracy(scores, i64({0}), 1), ShapeError);
  REQUIRE_THROWS_AS(metrics::confusion_matrix(i64({0, 5, 1}), y, 3), IndexError);
  REQUIRE_THROWS_WITH(metrics::confusion_matrix(i64({0, 5, 1}), y, 3), Contains("label 5, outside [0, 3)"));
  REQUIRE_THROWS_AS(metrics::confusion_matrix(i64({0, -1, 1}), y), IndexError);
  REQUIRE_THROWS_AS(metrics::precision_recall_f1(y, y, 2, 0.0), IndexError);
  REQUIRE_THROWS_AS(metrics::precision_recall_f1(y, y, 3, 0.5), InvalidArgumentError);
  REQUIRE_THROWS_AS(metrics::precision_recall_f1(i64({}), i64({}), 3, 0.0), InvalidArgumentError);
  REQUIRE_THROWS_AS(metrics::average_scores(y, y, 3, static_cast<metrics::Average>(7), 0.0), InvalidArgumentError);
  // Inferred class count.
  CHECK(metrics::precision_recall_f1(y, y, -1, 0.0).support.size() == 3);
}
