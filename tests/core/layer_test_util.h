// Helpers shared by the layer tests (norms, attention, transformer, recurrent, state-space, selective
// scan): f64 tensor builders, value extraction, tolerant comparison and the finite-difference check of a
// layer with its parameters.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/nn/module.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "gradcheck/gradcheck.h"

namespace tfl::layer_test {

inline Tensor make(const std::vector<double>& v, const Shape& shape, DType dt = DType::F64) {
  return to_dtype(from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64), dt);
}

inline std::vector<double> values(const Tensor& t) {
  Tensor d = contiguous(to_dtype(t, DType::F64));
  const double* p = d.data<double>();
  return std::vector<double>(p, p + d.numel());
}

inline std::vector<double> reals(int64_t n, uint32_t seed, double lo = -1.0, double hi = 1.0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<double> v(static_cast<size_t>(n));
  for (double& x : v) x = dist(rng);
  return v;
}

inline void check_close(const Tensor& got, const Shape& shape, const std::vector<double>& want, double tol) {
  REQUIRE(got.shape() == shape);
  std::vector<double> g = values(got);
  REQUIRE(g.size() == want.size());
  for (size_t i = 0; i < g.size(); ++i) {
    INFO("element " << i << ": got " << g[i] << ", want " << want[i]);
    CHECK(std::abs(g[i] - want[i]) <= tol * (1.0 + std::abs(want[i])));
  }
}

inline double max_abs_diff(const Tensor& a, const Tensor& b) {
  std::vector<double> x = values(a), y = values(b);
  REQUIRE(x.size() == y.size());
  double m = 0.0;
  for (size_t i = 0; i < x.size(); ++i) m = std::max(m, std::abs(x[i] - y[i]));
  return m;
}

// Finite-difference check of d(fn(inputs))/d(inputs requiring grad); the layer's parameters are passed
// among the inputs so that they are perturbed in place and checked too.
inline void check_layer_gradients(const std::string& name, std::function<std::vector<Tensor>()> make_inputs,
                                  std::function<Tensor(const std::vector<Tensor>&)> fn, double atol = 1e-6,
                                  double rtol = 1e-5) {
  testing::GradCase c{"nn", name, std::move(make_inputs), std::move(fn), atol, rtol};
  std::string report = testing::check_gradients(c);
  INFO(report);
  CHECK(report.empty());
}

// Parameters of m preceded by the given inputs, as gradcheck inputs.
inline std::vector<Tensor> with_params(const nn::Module& m, std::vector<Tensor> in) {
  for (const Tensor& p : m.parameters()) in.push_back(p);
  return in;
}

}  // namespace tfl::layer_test
