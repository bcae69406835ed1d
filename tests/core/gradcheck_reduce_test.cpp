// Gradient cases of reductions and scans (checked against finite differences by
// gradcheck_coverage_test), plus hand-computed gradients at ties and zeros and second-order checks.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"
#include "gradcheck/gradcheck.h"
#include "gradcheck/second_order.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::literal;
using testing::random_input;
using Inputs = std::vector<Tensor>;

Inputs one(const Shape& s, uint64_t seed, double lo = -1.0, double hi = 1.0) { return {random_input(s, seed, lo, hi)}; }

// A stride-0 (broadcast) view of the input, so the reduction reads non-contiguous data.
Tensor bcast(const Tensor& x, const Shape& s) { return broadcast_to(x, s); }

TFL_GRAD_CASE(GradCase{"sum", "sum over axes {0, 2}", [] { return one({2, 3, 4}, 23); },
                       [](const Inputs& x) { return sum(x[0], {0, -1}); }});
TFL_GRAD_CASE(GradCase{"sum", "sum all, keepdims", [] { return one({3, 2}, 24); },
                       [](const Inputs& x) { return sum(x[0], {}, true); }});

TFL_GRAD_CASE(GradCase{"mean", "mean over axis 1", [] { return one({2, 3, 4}, 101); },
                       [](const Inputs& x) { return mean(x[0], {1}); }});
TFL_GRAD_CASE(GradCase{"mean", "mean all", [] { return one({3, 5}, 102); }, [](const Inputs& x) { return mean(x[0]); }});
TFL_GRAD_CASE(GradCase{"mean", "mean over {0, 2} keepdims of a broadcast view", [] { return one({3, 1}, 103); },
                       [](const Inputs& x) { return mean(bcast(x[0], {2, 3, 4}), {0, 2}, true); }});

TFL_GRAD_CASE(GradCase{"prod", "prod over axis 1", [] { return one({3, 4}, 111, 0.5, 1.5); },
                       [](const Inputs& x) { return prod(x[0], {1}); }});
TFL_GRAD_CASE(GradCase{"prod", "prod all keepdims, negative values", [] { return one({2, 3}, 112); },
                       [](const Inputs& x) { return prod(x[0], {}, true); }});
TFL_GRAD_CASE(GradCase{"prod", "prod with one zero in a row", [] { return Inputs{literal({0.5, 0.0, -2.0, 1.5, 0.7, 1.2}, {2, 3})}; },
                       [](const Inputs& x) { return prod(x[0], {1}); }});
TFL_GRAD_CASE(GradCase{"prod", "prod with two zeros in a column", [] { return Inputs{literal({0.0, 0.5, 0.0, 2.0, 0.3, 0.0}, {3, 2})}; },
                       [](const Inputs& x) { return prod(x[0], {0}); }});

TFL_GRAD_CASE(GradCase{"max", "max over axis 1", [] { return one({3, 4}, 121); }, [](const Inputs& x) { return max(x[0], {1}); }});
TFL_GRAD_CASE(GradCase{"max", "max over {0, 2} keepdims", [] { return one({2, 3, 4}, 122); },
                       [](const Inputs& x) { return max(x[0], {0, 2}, true); }});
// A two-way tie: central differences see half of each one-sided slope, matching the even split.
TFL_GRAD_CASE(GradCase{"max", "max with a two-way tie", [] { return Inputs{literal({0.3, 0.9, 0.9, -0.2, 0.1, 0.0}, {2, 3})}; },
                       [](const Inputs& x) { return max(x[0], {1}); }});
TFL_GRAD_CASE(GradCase{"min", "min all", [] { return one({4, 3}, 123); }, [](const Inputs& x) { return min(x[0]); }});
TFL_GRAD_CASE(GradCase{"min", "min with a two-way tie", [] { return Inputs{literal({-0.5, 0.4, -0.5, 0.2}, {4})}; },
                       [](const Inputs& x) { return min(x[0], {0}); }});

TFL_GRAD_CASE(GradCase{"var", "var over axis 1", [] { return one({3, 5}, 131); }, [](const Inputs& x) { return var(x[0], {1}); }});
TFL_GRAD_CASE(GradCase{"var", "var all with correction 1, keepdims", [] { return one({2, 3, 2}, 132); },
                       [](const Inputs& x) { return var(x[0], {}, 1.0, true); }});
TFL_GRAD_CASE(GradCase{"std", "std over axis 0 with correction 1", [] { return one({4, 3}, 133); },
                       [](const Inputs& x) { return std_dev(x[0], {0}, 1.0); }});
TFL_GRAD_CASE(GradCase{"std", "std over {1, 2}", [] { return one({2, 3, 3}, 134); },
                       [](const Inputs& x) { return std_dev(x[0], {1, 2}); }});

TFL_GRAD_CASE(GradCase{"logsumexp", "logsumexp over axis 1", [] { return one({3, 4}, 141, -3.0, 3.0); },
                       [](const Inputs& x) { return logsumexp(x[0], {1}); }});
TFL_GRAD_CASE(GradCase{"logsumexp", "logsumexp all keepdims of a broadcast view", [] { return one({1, 4}, 142); },
                       [](const Inputs& x) { return logsumexp(bcast(x[0], {3, 4}), {}, true); }});
TFL_GRAD_CASE(GradCase{"logsumexp", "second order: gradient of the recorded first derivative",
                       [] { return one({2, 4}, 143); },
                       [](const Inputs& x) {
                         return testing::recorded_gradient([](const Inputs& v) { return logsumexp(v[0], {1}); }, x);
                       }});

TFL_GRAD_CASE(GradCase{"cumsum", "cumsum along axis 1", [] { return one({3, 4}, 151); },
                       [](const Inputs& x) { return cumsum(x[0], 1); }});
TFL_GRAD_CASE(GradCase{"cumsum", "cumsum along axis 0 of a broadcast view", [] { return one({1, 3}, 152); },
                       [](const Inputs& x) { return cumsum(bcast(x[0], {4, 3}), 0); }});
TFL_GRAD_CASE(GradCase{"cumprod", "cumprod along axis -1, non-zero inputs", [] { return one({2, 5}, 161, 0.5, 1.5); },
                       [](const Inputs& x) { return cumprod(x[0], -1); }});
TFL_GRAD_CASE(GradCase{"cumprod", "cumprod along axis 0, negative inputs", [] { return one({4, 2}, 162, -1.5, -0.5); },
                       [](const Inputs& x) { return cumprod(x[0], 0); }});

std::vector<double> vals(const Tensor& t) {
  Tensor c = contiguous(t);  // gradients may be broadcast or reversed views
  const double* p = c.data<double>();
  return std::vector<double>(p, p + c.numel());
}

}  // namespace

TEST_CASE("max and min split the gradient evenly among tied extrema", "[autograd][reduce]") {
  Tensor x = literal({2.0, 5.0, 5.0, 5.0, 1.0, -3.0, 4.0, -3.0}, {2, 4});
  Tensor y = add(max(x, {1}), min(x, {1}));
  Tensor g = autograd::grad({sum(y)}, {x})[0];
  // Row 0: max 5 three times (1/3 each), min 2 once. Row 1: max 4 once, min -3 twice (1/2 each).
  std::vector<double> want{1.0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0.0, 0.5, 1.0, 0.5};
  std::vector<double> got = vals(g);
  for (size_t i = 0; i < want.size(); ++i) CHECK(got[i] == Approx(want[i]));
}

TEST_CASE("prod gradient is the product of the other elements, also at zeros", "[autograd][reduce]") {
  Tensor x = literal({2.0, 0.0, 3.0, 0.0, 0.0, 3.0, 2.0, 4.0, 5.0}, {3, 3});
  Tensor g = autograd::grad({sum(prod(x, {1}))}, {x})[0];
  // Row 0 (one zero): only the zero gets 2 * 3. Row 1 (two zeros): all 0. Row 2: 20, 10, 8.
  std::vector<double> want{0.0, 6.0, 0.0, 0.0, 0.0, 0.0, 20.0, 10.0, 8.0};
  std::vector<double> got = vals(g);
  for (size_t i = 0; i < want.size(); ++i) CHECK(got[i] == Approx(want[i]));
}

TEST_CASE("var, std and mean gradients match closed forms", "[autograd][reduce]") {
  Tensor x = literal({1.0, 2.0, 4.0, 7.0}, {4});
  // mean 3.5; var (correction 1) = sum((x - 3.5)^2) / 3 = 21 / 3 = 7.
  Tensor gv = autograd::grad({var(x, {}, 1.0)}, {x})[0];
  Tensor gs = autograd::grad({std_dev(x, {}, 1.0)}, {x})[0];
  Tensor gm = autograd::grad({mean(x)}, {x})[0];
  const double xs[] = {1.0, 2.0, 4.0, 7.0};
  for (int i = 0; i < 4; ++i) {
    CHECK(vals(gv)[i] == Approx(2.0 * (xs[i] - 3.5) / 3.0));
    CHECK(vals(gs)[i] == Approx((xs[i] - 3.5) / (3.0 * std::sqrt(7.0))));
    CHECK(vals(gm)[i] == Approx(0.25));
  }
}

TEST_CASE("logsumexp second derivative is diag(p) - p p^T", "[autograd][reduce]") {
  Tensor x = literal({0.1, -0.4, 0.7}, {3});
  autograd::BackwardOptions opt;
  opt.create_graph = true;
  opt.retain_graph = true;  // the second differentiation runs through the forward graph again
  Tensor gx = autograd::grad({logsumexp(x)}, {x}, {}, opt)[0];
  Tensor v = literal({1.0, 2.0, -1.0}, {3}, false);
  Tensor hv = autograd::grad({sum(mul(gx, v))}, {x})[0];
  const double xs[] = {0.1, -0.4, 0.7}, vs[] = {1.0, 2.0, -1.0};
  double z = 0;
  for (double a : xs) z += std::exp(a);
  double p[3], pv = 0;
  for (int i = 0; i < 3; ++i) {
    p[i] = std::exp(xs[i]) / z;
    pv += p[i] * vs[i];
  }
  for (int i = 0; i < 3; ++i) CHECK(vals(hv)[i] == Approx(p[i] * vs[i] - p[i] * pv));
}

TEST_CASE("cumsum gradient is the reverse cumulative sum; f32 inputs keep f32 gradients", "[autograd][reduce]") {
  Tensor x = to_dtype(random_input({4}, 7, -1.0, 1.0, false), DType::F32);
  autograd::set_requires_grad(x, true);
  Tensor w = literal({1.0, 2.0, 3.0, 4.0}, {4}, false);
  Tensor g = autograd::grad({sum(mul(cumsum(x, 0), to_dtype(w, DType::F32)))}, {x})[0];
  REQUIRE(g.dtype() == DType::F32);
  Tensor gc = contiguous(g);
  const float* p = gc.data<float>();
  CHECK(p[0] == Approx(10.0));
  CHECK(p[1] == Approx(9.0));
  CHECK(p[2] == Approx(7.0));
  CHECK(p[3] == Approx(4.0));
}

TEST_CASE("argmax, argmin, all and any record nothing", "[autograd][reduce]") {
  Tensor x = literal({1.0, 3.0, 2.0}, {3});
  CHECK_FALSE(autograd::requires_grad(argmax(x)));
  CHECK_FALSE(autograd::requires_grad(argmin(x, 0)));
  CHECK_FALSE(autograd::requires_grad(all(x)));
  CHECK_FALSE(autograd::requires_grad(any(x)));
}
