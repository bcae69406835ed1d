// Gradient cases of reshape/broadcast views (reductions: gradcheck_reduce_test.cpp).
#include "core/ops/shape.h"
#include "gradcheck/gradcheck.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::random_input;

TFL_GRAD_CASE(GradCase{"reshape", "reshape 2x6 -> 3x4", [] { return std::vector<Tensor>{random_input({2, 6}, 21)}; },
                       [](const std::vector<Tensor>& x) { return reshape(x[0], {3, 4}); }});
TFL_GRAD_CASE(GradCase{"broadcast_to", "broadcast 3x1 -> 2x3x4", [] { return std::vector<Tensor>{random_input({3, 1}, 22)}; },
                       [](const std::vector<Tensor>& x) { return broadcast_to(x[0], {2, 3, 4}); }});
}  // namespace
