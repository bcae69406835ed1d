// Finite-difference gradient checking, and the registry of gradient cases that proves every
// differentiable op is covered (tests/core/gradcheck_coverage_test.cpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace tfl::testing {

// One gradient test: inputs (f64; those with requires_grad are checked) and the function under test.
struct GradCase {
  std::string op;    // the differentiable op name this case covers
  std::string name;  // a description, e.g. "add broadcast 2x3 + 3"
  std::function<std::vector<Tensor>()> make_inputs;
  std::function<Tensor(const std::vector<Tensor>&)> fn;
  double atol = 1e-6, rtol = 1e-5;
};

std::vector<GradCase>& grad_cases();

struct GradCaseRegistrar {
  explicit GradCaseRegistrar(GradCase c) { grad_cases().push_back(std::move(c)); }
};

// Random f64 tensor in [lo, hi) from a fixed seed (deterministic test inputs), optionally requiring grad.
Tensor random_input(const Shape& shape, uint64_t seed, double lo = -1.0, double hi = 1.0, bool requires_grad = true);

// Compares autograd's gradient of sum(fn(inputs) * w) (w random) with central differences for every
// input that requires grad. Returns "" when they agree, else a description of the worst mismatch.
std::string check_gradients(const GradCase& c);

}  // namespace tfl::testing

#define TFL_GRAD_CASE_CONCAT_INNER_(a, b) a##b
#define TFL_GRAD_CASE_CONCAT_(a, b) TFL_GRAD_CASE_CONCAT_INNER_(a, b)
// TFL_GRAD_CASE(GradCase{...}); at namespace scope in a tests/core/gradcheck_<family>_test.cpp.
#define TFL_GRAD_CASE(...) \
  static ::tfl::testing::GradCaseRegistrar TFL_GRAD_CASE_CONCAT_(tfl_grad_case_, __COUNTER__)(__VA_ARGS__)
