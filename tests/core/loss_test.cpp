// Tests of the loss functions against naive loops written out here (PyTorch's documented formulas).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/autograd/variable.h"
#include "core/nn/loss.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/shape.h"
#include "gradcheck/gradcheck.h"

using namespace tfl;
using nn::Reduction;

namespace {

std::vector<double> rand_vec(size_t n, uint64_t seed, double lo = -2.0, double hi = 2.0) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(n);
  for (double& x : v) x = d(gen);
  return v;
}

Tensor make(const std::vector<double>& v, const Shape& shape, DType dt = DType::F64) {
  Tensor t = from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64);
  return dt == DType::F64 ? t : to_dtype(t, dt);
}

Tensor make_idx(const std::vector<int64_t>& v, const Shape& shape, DType dt = DType::I64) {
  Tensor t = from_buffer(v.data(), v.size() * sizeof(int64_t), shape, DType::I64);
  return dt == DType::I64 ? t : to_dtype(t, dt);
}

std::vector<double> vals(const Tensor& t) {
  Tensor c = contiguous(to_dtype(t, DType::F64));
  const double* p = c.data<double>();
  return std::vector<double>(p, p + c.numel());
}

double tol(DType dt) { return dt == DType::F64 ? 1e-12 : 1e-5; }

void check_close(const Tensor& got, const std::vector<double>& want, double rel) {
  auto g = vals(got);
  REQUIRE(g.size() == want.size());
  for (size_t i = 0; i < g.size(); ++i) CHECK(g[i] == Approx(want[i]).epsilon(rel).margin(rel));
}

// Applies a reduction to per-element losses, the way the test expects it.
std::vector<double> reduced(const std::vector<double>& l, Reduction r) {
  if (r == Reduction::kNone) return l;
  double s = 0;
  for (double x : l) s += x;
  return {r == Reduction::kSum ? s : s / static_cast<double>(l.size())};
}

template <class F>
void check_regression(Tensor (*loss)(const Tensor&, const Tensor&, Reduction), F ref) {
  for (DType dt : {DType::F32, DType::F64}) {
    auto a = rand_vec(12, 1), b = rand_vec(12, 2);
    Tensor x = make(a, {3, 4}, dt), y = make(b, {3, 4}, dt);
    std::vector<double> per(12);
    for (size_t i = 0; i < 12; ++i) per[i] = ref(static_cast<double>(vals(x)[i]), vals(y)[i]);
    for (Reduction r : {Reduction::kNone, Reduction::kMean, Reduction::kSum}) check_close(loss(x, y, r), reduced(per, r), tol(dt));
    // A transposed (non-contiguous) view of the input against the transposed target.
    Tensor xt = x.as_strided({4, 3}, {1, 4}, 0), yt = y.as_strided({4, 3}, {1, 4}, 0);
    std::vector<double> per_t(12);
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 3; ++j) per_t[static_cast<size_t>(i * 3 + j)] = per[static_cast<size_t>(j * 4 + i)];
    check_close(loss(xt, yt, Reduction::kNone), per_t, tol(dt));
  }
}

}  // namespace

TEST_CASE("regression losses match naive loops", "[loss]") {
  check_regression(nn::mse_loss, [](double a, double b) { return (a - b) * (a - b); });
  check_regression(nn::l1_loss, [](double a, double b) { return std::fabs(a - b); });
  check_regression([](const Tensor& x, const Tensor& y, Reduction r) { return nn::smooth_l1_loss(x, y, r, 0.7); },
                   [](double a, double b) {
                     double d = std::fabs(a - b);
                     return d < 0.7 ? 0.5 * d * d / 0.7 : d - 0.35;
                   });
  check_regression([](const Tensor& x, const Tensor& y, Reduction r) { return nn::huber_loss(x, y, r, 1.3); },
                   [](double a, double b) {
                     double d = std::fabs(a - b);
                     return d <= 1.3 ? 0.5 * d * d : 1.3 * (d - 0.65);
                   });
  // beta = 0 is l1.
  Tensor x = make({1.0, -2.0}, {2}), y = make({0.5, 0.0}, {2});
  check_close(nn::smooth_l1_loss(x, y, Reduction::kNone, 0.0), {0.5, 2.0}, 1e-15);
}

TEST_CASE("regression losses on 0-d and 0-size inputs", "[loss]") {
  check_close(nn::mse_loss(scalar_tensor(3.0, DType::F64), scalar_tensor(1.0, DType::F64)), {4.0}, 1e-15);
  Tensor e = zeros({0, 3}, DType::F32);
  CHECK(std::isnan(nn::mse_loss(e, e).item()));  // mean of nothing, like PyTorch
  CHECK(nn::l1_loss(e, e, Reduction::kSum).item() == 0.0);
  CHECK(nn::l1_loss(e, e, Reduction::kNone).shape() == Shape{0, 3});
}

TEST_CASE("regression losses reject bad shapes, dtypes and options", "[loss]") {
  Tensor a = zeros({2, 3}), b = zeros({3, 2});
  REQUIRE_THROWS_AS(nn::mse_loss(a, b), ShapeError);
  REQUIRE_THROWS_WITH(nn::mse_loss(a, b), Catch::Contains("[mse_loss]") && Catch::Contains("2x3"));
  REQUIRE_THROWS_AS(nn::l1_loss(zeros({2}, DType::I32), zeros({2})), DTypeError);
  REQUIRE_THROWS_WITH(nn::l1_loss(zeros({2}), zeros({2}, DType::I64)), Catch::Contains("int64"));
  REQUIRE_THROWS_AS(nn::mse_loss(a, a, Reduction::kBatchMean), InvalidArgumentError);
  REQUIRE_THROWS_AS(nn::smooth_l1_loss(a, a, Reduction::kMean, -1.0), InvalidArgumentError);
  REQUIRE_THROWS_AS(nn::huber_loss(a, a, Reduction::kMean, 0.0), InvalidArgumentError);
  REQUIRE_THROWS_AS(nn::mse_loss(Tensor(), a), InvalidArgumentError);
}

namespace {
// Naive cross-entropy with class indices (PyTorch's definition, label smoothing included), for
// logits laid out (N, C, D) row-major; target (N, D).
std::vector<double> naive_ce(const std::vector<double>& x, const std::vector<int64_t>& t, int N, int C, int D,
                             const std::vector<double>& w, int64_t ignore, double eps, Reduction r) {
  std::vector<double> nll(static_cast<size_t>(N * D)), smooth(static_cast<size_t>(N * D));
  double wsum = 0, nvalid = 0;
  for (int n = 0; n < N; ++n)
    for (int d = 0; d < D; ++d) {
      auto at = [&](int c) { return x[static_cast<size_t>((n * C + c) * D + d)]; };
      double m = -1e300;
      for (int c = 0; c < C; ++c) m = std::max(m, at(c));
      double s = 0;
      for (int c = 0; c < C; ++c) s += std::exp(at(c) - m);
      const double lse = m + std::log(s);
      const size_t i = static_cast<size_t>(n * D + d);
      if (t[i] == ignore) continue;
      const double wy = w.empty() ? 1.0 : w[static_cast<size_t>(t[i])];
      nll[i] = -wy * (at(static_cast<int>(t[i])) - lse);
      for (int c = 0; c < C; ++c) smooth[i] -= (w.empty() ? 1.0 : w[static_cast<size_t>(c)]) * (at(c) - lse);
      wsum += wy;
      nvalid += 1;
    }
  std::vector<double> out;
  if (r == Reduction::kNone) {
    for (size_t i = 0; i < nll.size(); ++i) out.push_back((1 - eps) * nll[i] + eps / C * smooth[i]);
    return out;
  }
  double a = 0, b = 0;
  for (size_t i = 0; i < nll.size(); ++i) {
    a += nll[i];
    b += smooth[i];
  }
  if (r == Reduction::kMean) {
    a /= wsum;
    b /= w.empty() ? nvalid : wsum;
  }
  return {(1 - eps) * a + eps / C * b};
}
}  // namespace

TEST_CASE("cross_entropy with class indices matches the naive definition", "[loss]") {
  const int N = 4, C = 5;
  auto x = rand_vec(N * C, 7, -3, 3);
  std::vector<int64_t> t{2, 0, -100, 4};
  std::vector<double> w{0.5, 1.0, 2.0, 1.5, 0.25};
  for (DType dt : {DType::F32, DType::F64})
    for (DType it : {DType::I32, DType::I64})
      for (bool weighted : {false, true})
        for (double eps : {0.0, 0.2})
          for (Reduction r : {Reduction::kNone, Reduction::kMean, Reduction::kSum}) {
            nn::CrossEntropyOptions o;
            o.reduction = r;
            o.label_smoothing = eps;
            if (weighted) o.weight = make(w, {C}, dt);
            Tensor got = nn::cross_entropy(make(x, {N, C}, dt), make_idx(t, {N}, it), o);
            auto want = naive_ce(vals(make(x, {N, C}, dt)), t, N, C, 1, weighted ? w : std::vector<double>{}, -100, eps, r);
            INFO("weighted " << weighted << " eps " << eps);
            check_close(got, want, tol(dt));
          }
}

TEST_CASE("cross_entropy over (N, C, d) and 1-D inputs, custom ignore_index", "[loss]") {
  const int N = 2, C = 3, D = 4;
  auto x = rand_vec(N * C * D, 8, -3, 3);
  std::vector<int64_t> t{0, 1, 2, 1, 2, 7, 0, 0};
  nn::CrossEntropyOptions o;
  o.ignore_index = 7;
  for (Reduction r : {Reduction::kNone, Reduction::kMean}) {
    o.reduction = r;
    check_close(nn::cross_entropy(make(x, {N, C, D}), make_idx(t, {N, D}), o), naive_ce(x, t, N, C, D, {}, 7, 0.0, r), 1e-12);
  }
  // A single sample: logits (C), target 0-d.
  Tensor one = nn::cross_entropy(make({1.0, 2.0, 3.0}, {3}), make_idx({1}, {}), {});
  CHECK(one.ndim() == 0);
  CHECK(one.item() == Approx(-(2.0 - std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)))));
  // Logits far apart stay finite (log_softmax, not log(softmax)).
  Tensor big = nn::cross_entropy(make({1000.0, 0.0}, {1, 2}), make_idx({1}, {1}), {});
  CHECK(big.item() == Approx(1000.0));
  // Every target ignored: the mean is 0 / 0.
  CHECK(std::isnan(nn::cross_entropy(make({1.0, 2.0}, {1, 2}), make_idx({-100}, {1}), {}).item()));
}

TEST_CASE("cross_entropy with class probabilities matches the naive definition", "[loss]") {
  const int N = 3, C = 4;
  auto x = rand_vec(N * C, 9, -2, 2);
  auto p = rand_vec(N * C, 10, 0, 1);
  for (int n = 0; n < N; ++n) {  // normalise rows
    double s = 0;
    for (int c = 0; c < C; ++c) s += p[static_cast<size_t>(n * C + c)];
    for (int c = 0; c < C; ++c) p[static_cast<size_t>(n * C + c)] /= s;
  }
  std::vector<double> w{1.0, 2.0, 0.5, 1.5};
  for (bool weighted : {false, true})
    for (double eps : {0.0, 0.1})
      for (Reduction r : {Reduction::kNone, Reduction::kMean, Reduction::kSum}) {
        std::vector<double> per(N);
        for (int n = 0; n < N; ++n) {
          double m = -1e300, s = 0;
          for (int c = 0; c < C; ++c) m = std::max(m, x[static_cast<size_t>(n * C + c)]);
          for (int c = 0; c < C; ++c) s += std::exp(x[static_cast<size_t>(n * C + c)] - m);
          for (int c = 0; c < C; ++c) {
            const size_t i = static_cast<size_t>(n * C + c);
            const double tc = p[i] * (1 - eps) + eps / C;
            per[static_cast<size_t>(n)] -= (weighted ? w[static_cast<size_t>(c)] : 1.0) * tc * (x[i] - m - std::log(s));
          }
        }
        nn::CrossEntropyOptions o;
        o.reduction = r;
        o.label_smoothing = eps;
        if (weighted) o.weight = make(w, {C});
        check_close(nn::cross_entropy(make(x, {N, C}), make(p, {N, C}), o), reduced(per, r), 1e-12);
      }
}

TEST_CASE("nll_loss picks weighted negative log-probabilities", "[loss]") {
  Tensor lp = make({-0.1, -2.0, -3.0, -1.5, -0.4, -2.5}, {2, 3});
  nn::CrossEntropyOptions o;
  o.weight = make({1.0, 2.0, 3.0}, {3});
  // -(3 * -3.0) and -(2 * -0.4); mean divides by the weights 3 + 2.
  check_close(nn::nll_loss(lp, make_idx({2, 1}, {2}), o), {(9.0 + 0.8) / 5.0}, 1e-15);
  o.reduction = Reduction::kNone;
  check_close(nn::nll_loss(lp, make_idx({2, 1}, {2}, DType::I32), o), {9.0, 0.8}, 1e-15);
  o.label_smoothing = 0.1;
  REQUIRE_THROWS_AS(nn::nll_loss(lp, make_idx({2, 1}, {2}), o), InvalidArgumentError);
}

TEST_CASE("cross_entropy and nll_loss reject bad targets", "[loss]") {
  Tensor x = zeros({2, 3});
  REQUIRE_THROWS_AS(nn::cross_entropy(x, make_idx({0, 3}, {2})), IndexError);
  REQUIRE_THROWS_WITH(nn::cross_entropy(x, make_idx({0, 3}, {2})), Catch::Contains("target value 3") && Catch::Contains("3 classes"));
  REQUIRE_THROWS_WITH(nn::nll_loss(x, make_idx({-1, 0}, {2})), Catch::Contains("target value -1"));
  REQUIRE_THROWS_AS(nn::cross_entropy(x, make_idx({0, 1, 2}, {3})), ShapeError);
  REQUIRE_THROWS_AS(nn::cross_entropy(x, zeros({2}, DType::U8)), DTypeError);
  REQUIRE_THROWS_WITH(nn::cross_entropy(x, zeros({2}, DType::U8)), Catch::Contains("i32 or i64"));
  REQUIRE_THROWS_AS(nn::cross_entropy(x, zeros({2, 4})), ShapeError);  // probabilities of the wrong shape
  REQUIRE_THROWS_AS(nn::cross_entropy(zeros({2, 3}, DType::I32), make_idx({0, 1}, {2})), DTypeError);
  REQUIRE_THROWS_AS(nn::cross_entropy(scalar_tensor(1.0), make_idx({0}, {})), ShapeError);
  nn::CrossEntropyOptions o;
  o.weight = zeros({4});
  REQUIRE_THROWS_AS(nn::cross_entropy(x, make_idx({0, 1}, {2}), o), ShapeError);
  o.weight = Tensor();
  o.label_smoothing = 1.5;
  REQUIRE_THROWS_AS(nn::cross_entropy(x, make_idx({0, 1}, {2}), o), InvalidArgumentError);
}

TEST_CASE("binary_cross_entropy_with_logits is stable and matches the definition", "[loss]") {
  auto x = rand_vec(6, 11, -4, 4), t = rand_vec(6, 12, 0, 1);
  std::vector<double> pw{0.5, 2.0, 3.0}, w{1.0, 0.5, 2.0};
  for (DType dt : {DType::F32, DType::F64})
    for (bool with_pw : {false, true})
      for (bool with_w : {false, true})
        for (Reduction r : {Reduction::kNone, Reduction::kMean, Reduction::kSum}) {
          std::vector<double> per(6);
          for (size_t i = 0; i < 6; ++i) {
            const double s = 1.0 / (1.0 + std::exp(-x[i]));
            const double pwi = with_pw ? pw[i % 3] : 1.0;
            per[i] = -(pwi * t[i] * std::log(s) + (1 - t[i]) * std::log(1 - s)) * (with_w ? w[i % 3] : 1.0);
          }
          Tensor got = nn::binary_cross_entropy_with_logits(make(x, {2, 3}, dt), make(t, {2, 3}, dt), r,
                                                            with_w ? make(w, {3}, dt) : Tensor(),
                                                            with_pw ? make(pw, {3}, dt) : Tensor());
          check_close(got, reduced(per, r), dt == DType::F64 ? 1e-10 : 1e-5);
        }
  // Saturated logits: the exact losses are ~0 and ~|x|, never inf or NaN.
  Tensor big = nn::binary_cross_entropy_with_logits(make({100.0, -100.0, 100.0, -100.0}, {4}, DType::F32),
                                                    make({1.0, 0.0, 0.0, 1.0}, {4}, DType::F32), Reduction::kNone);
  check_close(big, {0.0, 0.0, 100.0, 100.0}, 1e-6);
  REQUIRE_THROWS_AS(nn::binary_cross_entropy_with_logits(zeros({2}), zeros({3})), ShapeError);
  REQUIRE_THROWS_AS(nn::binary_cross_entropy_with_logits(zeros({2}), zeros({2}), Reduction::kMean, zeros({2, 2})), ShapeError);
  REQUIRE_THROWS_AS(nn::binary_cross_entropy_with_logits(zeros({2}), zeros({2}, DType::I64)), DTypeError);
}

TEST_CASE("kl_div matches the definition, zero targets included", "[loss]") {
  std::vector<double> lp{-1.2, -0.3, -2.0, -0.7}, t{0.2, 0.0, 0.5, 0.3};
  std::vector<double> per(4);
  for (size_t i = 0; i < 4; ++i) per[i] = t[i] > 0 ? t[i] * (std::log(t[i]) - lp[i]) : 0.0;
  for (Reduction r : {Reduction::kNone, Reduction::kMean, Reduction::kSum})
    check_close(nn::kl_div(make(lp, {2, 2}), make(t, {2, 2}), r), reduced(per, r), 1e-12);
  check_close(nn::kl_div(make(lp, {2, 2}), make(t, {2, 2}), Reduction::kBatchMean), {reduced(per, Reduction::kSum)[0] / 2}, 1e-12);
  // log_target: the same divergence from log-probabilities (t > 0 only).
  std::vector<double> lt{std::log(0.2), std::log(0.8)}, lp2{-0.5, -1.0};
  double want = 0.2 * (std::log(0.2) + 0.5) + 0.8 * (std::log(0.8) + 1.0);
  check_close(nn::kl_div(make(lp2, {2}), make(lt, {2}), Reduction::kSum, true), {want}, 1e-12);
  REQUIRE_THROWS_AS(nn::kl_div(zeros({2}), zeros({3})), ShapeError);
  REQUIRE_THROWS_AS(nn::kl_div(zeros({2}, DType::I32), zeros({2})), DTypeError);
}

namespace {
// Finite-difference check of d loss / d input; the loss must record a backward (a loss built of an op
// without one fails here).
void grad_check(const char* name, std::function<std::vector<Tensor>()> make_inputs,
                std::function<Tensor(const std::vector<Tensor>&)> fn) {
  testing::GradCase c{name, name, make_inputs, fn};
  INFO(name);
  REQUIRE(autograd::requires_grad(fn(make_inputs())));
  CHECK(testing::check_gradients(c) == "");
}
using testing::random_input;
using V = std::vector<Tensor>;
}  // namespace

TEST_CASE("loss gradients agree with finite differences", "[loss][grad]") {
  grad_check("mse_loss", [] { return V{random_input({3, 4}, 1), random_input({3, 4}, 2, -1, 1, false)}; },
             [](const V& x) { return nn::mse_loss(x[0], x[1]); });
  grad_check("l1_loss", [] { return V{random_input({3, 4}, 3), random_input({3, 4}, 4, -1, 1, false)}; },
             [](const V& x) { return nn::l1_loss(x[0], x[1], Reduction::kSum); });
  grad_check("smooth_l1_loss", [] { return V{random_input({10}, 5, -2, 2), random_input({10}, 6, -1, 1, false)}; },
             [](const V& x) { return nn::smooth_l1_loss(x[0], x[1], Reduction::kNone, 0.5); });
  grad_check("huber_loss", [] { return V{random_input({10}, 7, -2, 2), random_input({10}, 8, -1, 1, false)}; },
             [](const V& x) { return nn::huber_loss(x[0], x[1], Reduction::kMean, 0.8); });
  grad_check("cross_entropy indices", [] { return V{random_input({4, 5}, 9, -2, 2)}; }, [](const V& x) {
    nn::CrossEntropyOptions o;
    o.label_smoothing = 0.1;
    o.weight = make({1.0, 0.5, 2.0, 1.0, 1.5}, {5});
    return nn::cross_entropy(x[0], make_idx({1, -100, 4, 0}, {4}), o);
  });
  grad_check("cross_entropy (N, C, d) view", [] { return V{random_input({2, 4, 3}, 10, -2, 2)}; }, [](const V& x) {
    Tensor v = permute(x[0], {0, 2, 1});  // a non-contiguous view: classes on axis 1
    nn::CrossEntropyOptions o;
    o.reduction = Reduction::kNone;
    return nn::cross_entropy(v, make_idx({0, 1, 2, 1, 2, 1, 0, 2}, {2, 4}), o);
  });
  grad_check("cross_entropy probabilities", [] { return V{random_input({3, 4}, 11, -2, 2), random_input({3, 4}, 12, 0, 1, false)}; },
             [](const V& x) { return nn::cross_entropy(x[0], x[1]); });
  grad_check("nll_loss", [] { return V{random_input({3, 4}, 13, -3, 0)}; },
             [](const V& x) { return nn::nll_loss(x[0], make_idx({3, 0, 2}, {3})); });
  grad_check("binary_cross_entropy_with_logits", [] {
    return V{random_input({2, 3}, 14, -3, 3), random_input({2, 3}, 15, 0, 1, false), random_input({3}, 16, 0.5, 2, false)};
  }, [](const V& x) { return nn::binary_cross_entropy_with_logits(x[0], x[1], Reduction::kMean, Tensor(), x[2]); });
  grad_check("kl_div", [] { return V{random_input({2, 3}, 17, -2, 0), random_input({2, 3}, 18, 0.1, 1, false)}; },
             [](const V& x) { return nn::kl_div(x[0], x[1], Reduction::kBatchMean); });
}
