// Central-difference gradient checks in f64, independent of any backward formula.
#include "gradcheck/gradcheck.h"

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"

namespace tfl::testing {

std::vector<GradCase>& grad_cases() {
  static std::vector<GradCase> cases;
  return cases;
}

Tensor random_input(const Shape& shape, uint64_t seed, double lo, double hi, bool requires_grad) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  Tensor t = zeros(shape, DType::F64);
  double* p = t.data<double>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = dist(gen);
  if (requires_grad) autograd::set_requires_grad(t, true);
  return t;
}

namespace {
// Row-major values of any f64 tensor.
std::vector<double> values(const Tensor& t) {
  Tensor c = contiguous(to_dtype(t, DType::F64));
  const double* p = c.data<double>();
  return std::vector<double>(p, p + c.numel());
}

double weighted_sum(const Tensor& out, const std::vector<double>& w) {
  std::vector<double> v = values(out);
  double s = 0;
  for (size_t i = 0; i < v.size(); ++i) s += v[i] * w[i];
  return s;
}
}  // namespace

std::string check_gradients(const GradCase& c) {
  std::vector<Tensor> inputs = c.make_inputs();
  Tensor out = c.fn(inputs);
  std::mt19937_64 gen(1234);
  std::uniform_real_distribution<double> dist(0.5, 1.5);
  std::vector<double> w(static_cast<size_t>(out.numel()));
  for (double& x : w) x = dist(gen);
  Tensor w_t = from_buffer(w.data(), w.size() * sizeof(double), out.shape(), DType::F64);
  w_t = to_dtype(w_t, out.dtype());

  std::vector<Tensor> sources;
  for (const Tensor& in : inputs)
    if (in.defined() && autograd::requires_grad(in)) sources.push_back(in);
  std::vector<Tensor> analytic = autograd::grad({out}, sources, {w_t}, {}, true);

  std::ostringstream report;
  const double eps = 1e-6;
  autograd::NoGradGuard no_grad;
  for (size_t s = 0; s < sources.size(); ++s) {
    Tensor src = sources[s];
    if (!src.is_contiguous()) return "gradcheck inputs must be contiguous (views of them may be taken in fn)";
    std::vector<double> ana = values(analytic[s]);
    double* p = src.data<double>();
    for (int64_t i = 0; i < src.numel(); ++i) {
      double orig = p[i];
      p[i] = orig + eps;
      double up = weighted_sum(c.fn(inputs), w);
      p[i] = orig - eps;
      double down = weighted_sum(c.fn(inputs), w);
      p[i] = orig;
      double num = (up - down) / (2 * eps);
      double a = ana[static_cast<size_t>(i)];
      if (std::fabs(a - num) > c.atol + c.rtol * std::fabs(num) || std::isnan(a) != std::isnan(num)) {
        report << c.name << ": input " << s << " element " << i << ": autograd " << a << ", finite differences " << num;
        return report.str();
      }
    }
  }
  return "";
}

}  // namespace tfl::testing
