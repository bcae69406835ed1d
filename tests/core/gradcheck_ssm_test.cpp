// Gradient cases of the selective scan (checked by gradcheck_coverage_test against finite differences).
#include "core/ops/ssm.h"
#include "gradcheck/gradcheck.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::random_input;

// B=2, L=5, D=3, N=4: delta > 0 and A < 0 as in Mamba, so the state decays.
std::vector<Tensor> scan_inputs(bool skip) {
  std::vector<Tensor> in{random_input({2, 5, 3}, 101), random_input({2, 5, 3}, 102, 0.1, 1.0),
                         random_input({3, 4}, 103, -1.5, -0.1), random_input({2, 5, 4}, 104),
                         random_input({2, 5, 4}, 105)};
  if (skip) in.push_back(random_input({3}, 106));
  return in;
}

TFL_GRAD_CASE(GradCase{"selective_scan", "selective_scan B2 L5 D3 N4 with D",
                       [] { return scan_inputs(true); },
                       [](const std::vector<Tensor>& x) { return selective_scan(x[0], x[1], x[2], x[3], x[4], x[5]); }});
TFL_GRAD_CASE(GradCase{"selective_scan", "selective_scan B2 L5 D3 N4 without D",
                       [] { return scan_inputs(false); },
                       [](const std::vector<Tensor>& x) { return selective_scan(x[0], x[1], x[2], x[3], x[4]); }});
}  // namespace
