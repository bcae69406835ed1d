// Gradient cases of device copies (run on the CPU; tests/cuda checks them across devices on a GPU).
#include "core/ops/copy.h"
#include "core/ops/elementwise.h"
#include "core/ops/shape.h"
#include "gradcheck/gradcheck.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::random_input;
using Inputs = std::vector<Tensor>;
using X = const std::vector<Tensor>&;

TFL_GRAD_CASE(GradCase{"to_device", "cpu -> cpu copy", [] { return Inputs{random_input({2, 3}, 401)}; },
                       [](X x) { return mul(to_device(x[0], Device{}), x[0]); }});
TFL_GRAD_CASE(GradCase{"to_device", "of a transposed view", [] { return Inputs{random_input({3, 2}, 402)}; },
                       [](X x) { return to_device(transpose(x[0], 0, 1), Device{}); }});
}  // namespace
