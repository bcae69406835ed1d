// Test helpers shared by the optimizer tests: tensors from doubles, the quadratic test problem, the
// step-by-step comparison with an update rule written out in the test, a least-squares convergence run,
// and deterministic gradients for checkpoint tests.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "core/optim/optimizer.h"

namespace tfl::optim_test {

using Vec = std::vector<double>;
using Build = std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>)>;
using Rule = std::function<void(Vec& p, const Vec& g, int t)>;

inline Tensor make(const Vec& v, const Shape& shape, DType dt = DType::F64) {
  Tensor t = from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64);
  if (dt != DType::F64) t = to_dtype(t, dt);
  return t;
}

inline Vec vals(const Tensor& t) {
  Tensor c = contiguous(to_dtype(t, DType::F64));
  const double* p = c.data<double>();
  return Vec(p, p + c.numel());
}

// The quadratic f(p) = sum a_i (p_i - c_i)^2 / 2, gradient a (p - c).
inline const Vec kA{1.0, 2.0, 0.5, 3.0, 1.5, 0.25};
inline const Vec kC{0.3, -0.7, 1.1, 0.0, -1.4, 2.0};
inline const Vec kP0{1.0, 0.5, -0.5, 2.0, 0.1, -1.0};

inline Vec quad_grad(const Vec& p) {
  Vec g(p.size());
  for (size_t i = 0; i < p.size(); ++i) g[i] = kA[i] * (p[i] - kC[i]);
  return g;
}

// Runs `steps` optimizer steps, the gradient set by hand each step (`grad_of(p, t)` of the current
// parameter; by default the quadratic's), and compares with `ref`, the rule applied in double. For
// f32 the reference restarts each step from the implementation's values (its state is kept in double
// by the rule).
inline void run_rule(const Build& build, const Rule& ref, DType dt, int steps,
                     const std::function<Vec(const Vec&, int)>& grad_of = [](const Vec& p, int) { return quad_grad(p); }) {
  Tensor p = make(kP0, {2, 3}, dt);
  autograd::set_requires_grad(p, true);
  auto opt = build({p});
  Vec want = vals(p);  // the reference starts from the rounded initial values
  for (int t = 1; t <= steps; ++t) {
    autograd::set_grad(p, make(grad_of(vals(p), t), {2, 3}, dt));
    const uint64_t v0 = p.version();
    opt->step();
    CHECK(p.version() > v0);
    ref(want, grad_of(want, t), t);
    Vec got = vals(p);
    const double rel = dt == DType::F64 ? 1e-12 : 2e-5;
    for (size_t i = 0; i < got.size(); ++i) {
      INFO(opt->name() << " " << dtype_name(dt) << " step " << t << " element " << i);
      CHECK(got[i] == Approx(want[i]).epsilon(rel).margin(rel));
    }
    if (dt != DType::F64) want = got;
  }
}

// Minimises sum((A x - b)^2), b = A x* for a fixed random 12x4 A, with 3000 steps of the optimizer
// `build` makes over x (gradients from autograd), and returns max |x - x*|.
inline double least_squares_error(const std::function<std::unique_ptr<optim::Optimizer>(Tensor)>& build) {
  const int m = 12, n = 4;
  std::mt19937_64 gen(5);
  std::normal_distribution<double> nd(0, 1);
  Vec A(m * n), xs{0.5, -1.0, 2.0, 0.25}, bv(m);
  for (double& v : A) v = nd(gen);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) bv[static_cast<size_t>(i)] += A[static_cast<size_t>(i * n + j)] * xs[static_cast<size_t>(j)];
  Tensor At = make(A, {m, n}), bt = make(bv, {m});
  Tensor x = zeros({1, n}, DType::F64);
  autograd::set_requires_grad(x, true);
  auto opt = build(x);
  for (int it = 0; it < 3000; ++it) {
    opt->zero_grad();
    Tensor r = sub(sum(mul(At, x), {1}), bt);
    autograd::backward({sum(mul(r, r))});
    opt->step();
  }
  Vec got = vals(x);
  double err = 0;
  for (int j = 0; j < n; ++j) err = std::max(err, std::fabs(got[static_cast<size_t>(j)] - xs[static_cast<size_t>(j)]));
  return err;
}

// Deterministic gradients for checkpoint tests: a function of the step and the parameter values.
inline void set_grads(const std::vector<Tensor>& ps, int t) {
  for (size_t k = 0; k < ps.size(); ++k) {
    Vec v = vals(ps[k]);
    for (size_t i = 0; i < v.size(); ++i) v[i] = std::sin(v[i] * 3.0 + t + static_cast<double>(k)) + 0.1 * v[i];
    autograd::set_grad(ps[k], make(v, ps[k].shape(), ps[k].dtype()));
  }
}

}  // namespace tfl::optim_test
