// Gradient cases of reductions (view ops: gradcheck_shape_test.cpp).
#include "core/ops/reduce.h"
#include "core/ops/shape.h"
#include "gradcheck/gradcheck.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::random_input;

TFL_GRAD_CASE(GradCase{"sum", "sum over axes {0, 2}", [] { return std::vector<Tensor>{random_input({2, 3, 4}, 23)}; },
                       [](const std::vector<Tensor>& x) { return sum(x[0], {0, -1}); }});
TFL_GRAD_CASE(GradCase{"sum", "sum all, keepdims", [] { return std::vector<Tensor>{random_input({3, 2}, 24)}; },
                       [](const std::vector<Tensor>& x) { return sum(x[0], {}, true); }});
}  // namespace
