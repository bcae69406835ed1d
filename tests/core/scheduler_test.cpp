// Tests of the learning-rate schedulers against their closed-form formulas (PyTorch's definitions).
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "core/ops/creation.h"
#include "core/optim/adam.h"
#include "core/optim/scheduler.h"
#include "core/optim/sgd.h"

using namespace tfl;
using namespace tfl::optim;

namespace {
const double kPi = 3.14159265358979323846;

// Two groups with different base rates, so that every scheduler is checked per group.
std::unique_ptr<SGD> make_sgd(double lr0 = 0.1, double lr1 = 0.5, double momentum = 0.9) {
  static std::vector<Tensor> ps{zeros({2}), zeros({3})};
  SGDOptions o;
  o.lr = lr0;
  o.momentum = momentum;
  return std::make_unique<SGD>(std::vector<ParamGroupSpec>{{{ps[0]}, {}}, {{ps[1]}, {{"lr", lr1}}}}, o);
}

template <class F>
void check_schedule(Optimizer& opt, LRScheduler& s, int steps, F want) {
  for (int e = 0; e <= steps; ++e) {
    INFO("epoch " << e);
    CHECK(s.last_epoch() == e);
    CHECK(opt.param_groups()[0].get("lr") == Approx(want(e, 0.1)).epsilon(1e-12).margin(1e-15));
    CHECK(opt.param_groups()[1].get("lr") == Approx(want(e, 0.5)).epsilon(1e-12).margin(1e-15));
    s.step();
  }
}
}  // namespace

TEST_CASE("StepLR and ExponentialLR follow their closed forms", "[optim][scheduler]") {
  auto opt = make_sgd();
  StepLR s(*opt, 7, 0.5);
  check_schedule(*opt, s, 60, [](int e, double b) { return b * std::pow(0.5, e / 7); });
  auto opt2 = make_sgd();
  ExponentialLR x(*opt2, 0.95);
  check_schedule(*opt2, x, 100, [](int e, double b) { return b * std::pow(0.95, e); });
  REQUIRE_THROWS_AS(StepLR(*opt, 0), OptimizerError);
}

TEST_CASE("CosineAnnealingLR follows its closed form", "[optim][scheduler]") {
  auto opt = make_sgd();
  CosineAnnealingLR s(*opt, 25, 0.01);
  check_schedule(*opt, s, 80, [](int e, double b) { return 0.01 + (b - 0.01) * (1 + std::cos(kPi * e / 25)) / 2; });
  // At t_max the rate is eta_min exactly (up to rounding): a hand-checked point.
  auto opt2 = make_sgd();
  CosineAnnealingLR s2(*opt2, 4);
  for (int i = 0; i < 2; ++i) s2.step();
  CHECK(opt2->lr() == Approx(0.05));  // half way: 0.1 * (1 + cos(pi / 2)) / 2
  REQUIRE_THROWS_AS(CosineAnnealingLR(*opt, 0), OptimizerError);
}

TEST_CASE("LinearWarmup alone and wrapping a cosine schedule", "[optim][scheduler]") {
  auto opt = make_sgd();
  LinearWarmup w(*opt, 10, 0.1);
  check_schedule(*opt, w, 30, [](int e, double b) { return e < 10 ? b * (0.1 + 0.9 * e / 10.0) : b; });
  auto opt2 = make_sgd();
  LinearWarmup w2(*opt2, 5, 0.0, std::make_unique<CosineAnnealingLR>(*opt2, 20));
  check_schedule(*opt2, w2, 40, [](int e, double b) {
    return e < 5 ? b * e / 5.0 : b * (1 + std::cos(kPi * (e - 5) / 20)) / 2;
  });
  REQUIRE_THROWS_AS(LinearWarmup(*opt, 5, 2.0), OptimizerError);
}

namespace {
// PyTorch's OneCycleLR, written out: phase boundaries pct * T - 1 (and 2 pct T - 2) and T - 1.
double one_cycle(int e, double max_lr, int T, double pct, bool cos_anneal, bool three, double* mom = nullptr) {
  const double init = max_lr / 25, lo = init / 1e4;
  auto an = [&](double a, double b, double p) {
    return cos_anneal ? b + (a - b) / 2 * (std::cos(kPi * p) + 1) : (b - a) * p + a;
  };
  const double e1 = pct * T - 1, e2 = three ? 2 * pct * T - 2 : T - 1;
  if (e <= e1) {
    if (mom) *mom = an(0.95, 0.85, e / e1);
    return an(init, max_lr, e / e1);
  }
  if (!three || e <= e2) {
    if (mom) *mom = an(0.85, 0.95, (e - e1) / (e2 - e1));
    return an(max_lr, three ? init : lo, (e - e1) / (e2 - e1));
  }
  if (mom) *mom = 0.95;
  return an(init, lo, (e - e2) / (T - 1 - e2));
}
}  // namespace

TEST_CASE("OneCycleLR follows PyTorch's phases and cycles momentum", "[optim][scheduler]") {
  for (bool cos_anneal : {true, false})
    for (bool three : {false, true}) {
      auto opt = make_sgd();
      OneCycleOptions o;
      o.anneal = cos_anneal ? AnnealStrategy::kCos : AnnealStrategy::kLinear;
      o.three_phase = three;
      OneCycleLR s(*opt, 2.0, 100, o);
      for (int e = 0; e < 100; ++e) {
        INFO("epoch " << e << " cos " << cos_anneal << " three " << three);
        double mom;
        const double want = one_cycle(e, 2.0, 100, 0.3, cos_anneal, three, &mom);
        CHECK(opt->param_groups()[0].get("lr") == Approx(want).epsilon(1e-12));
        CHECK(opt->param_groups()[1].get("lr") == Approx(want).epsilon(1e-12));
        CHECK(opt->param_groups()[0].get("momentum") == Approx(mom).epsilon(1e-12));
        s.step();
      }
    }
  // Hand-checked points for max_lr 1, 10 steps: 1/25 at the start, the peak at step 2 (= 0.3 * 10 - 1),
  // 1/25/1e4 at the last step.
  auto opt = make_sgd();
  OneCycleLR s(*opt, 1.0, 10);
  CHECK(opt->lr() == Approx(0.04));
  s.step();
  s.step();
  CHECK(opt->lr() == Approx(1.0));
  for (int i = 2; i < 9; ++i) s.step();
  CHECK(opt->lr() == Approx(4e-6));
  s.step();  // step 10 == total_steps is still allowed, like PyTorch
  REQUIRE_THROWS_AS(s.step(), OptimizerError);
  // Adam's beta1 is cycled; an optimizer without momentum needs cycle_momentum off.
  Tensor p = zeros({2});
  Adam adam({p});
  OneCycleLR sa(adam, 0.01, 50);
  CHECK(adam.param_groups()[0].get("beta1") == Approx(0.95));
  auto plain = make_sgd(0.1, 0.5, 0.0);
  OneCycleOptions no_m;
  no_m.cycle_momentum = true;
  CHECK_NOTHROW(OneCycleLR(*plain, 1.0, 10, no_m));  // SGD has a momentum hyperparameter, even at 0
}

TEST_CASE("scheduler state_dict round trip", "[optim][scheduler]") {
  auto opt = make_sgd();
  CosineAnnealingLR s(*opt, 30);
  for (int i = 0; i < 7; ++i) s.step();
  StateDict sd = s.state_dict();
  auto opt2 = make_sgd(0.1, 0.5);
  CosineAnnealingLR s2(*opt2, 30);
  s2.load_state_dict(sd);
  CHECK(s2.last_epoch() == 7);
  CHECK(opt2->lr() == opt->lr());
  s.step();
  s2.step();
  CHECK(opt2->param_groups()[1].get("lr") == opt->param_groups()[1].get("lr"));
  REQUIRE_THROWS_AS(s2.load_state_dict({{"last_epoch", scalar_tensor(1, DType::I64)}}), SerializationError);
}
