// Gradient cases of elementwise ops (checked by gradcheck_coverage_test against finite differences).
#include "core/ops/elementwise.h"
#include "gradcheck/gradcheck.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::random_input;

TFL_GRAD_CASE(GradCase{"add", "add broadcast 2x3 + 3", [] { return std::vector<Tensor>{random_input({2, 3}, 1), random_input({3}, 2)}; },
                       [](const std::vector<Tensor>& x) { return add(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"sub", "sub broadcast 4x1 - 1x5", [] { return std::vector<Tensor>{random_input({4, 1}, 3), random_input({1, 5}, 4)}; },
                       [](const std::vector<Tensor>& x) { return sub(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"mul", "mul broadcast 2x3x4 * 3x1", [] { return std::vector<Tensor>{random_input({2, 3, 4}, 5), random_input({3, 1}, 6)}; },
                       [](const std::vector<Tensor>& x) { return mul(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"div", "div 3x3 / (1.5 + u)", [] { return std::vector<Tensor>{random_input({3, 3}, 7), random_input({3, 3}, 8, 0.5, 2.0)}; },
                       [](const std::vector<Tensor>& x) { return div(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"neg", "neg 5", [] { return std::vector<Tensor>{random_input({5}, 9)}; },
                       [](const std::vector<Tensor>& x) { return neg(x[0]); }});
TFL_GRAD_CASE(GradCase{"exp", "exp 3x4", [] { return std::vector<Tensor>{random_input({3, 4}, 10)}; },
                       [](const std::vector<Tensor>& x) { return exp(x[0]); }});
}  // namespace
