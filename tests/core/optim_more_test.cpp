// Tests of AMSGrad (Adam/AdamW), AdaBelief, RAdam, NAdam and Adadelta against their published update rules
// written out here in double, plus convergence, checkpoint round trips and error paths.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "core/optim/adabelief.h"
#include "core/optim/adadelta.h"
#include "core/optim/adam.h"
#include "core/optim/nadam.h"
#include "core/optim/radam.h"
#include "optim_test_util.h"

using namespace tfl;
using namespace tfl::optim;
namespace ag = tfl::autograd;
using namespace tfl::optim_test;

namespace {

// A gradient sequence that is large first and then shrinks, so that Adam's v decreases and AMSGrad's
// running maximum differs from it.
Vec shrinking_grad(const Vec&, int t) {
  Vec g(kA.size());
  for (size_t i = 0; i < g.size(); ++i) g[i] = kA[i] * (i % 2 ? 1.0 : -1.0) * std::pow(0.3, t - 1);
  return g;
}

}  // namespace

TEST_CASE("AMSGrad variants of Adam and AdamW follow their rule while v shrinks", "[optim][optim_more]") {
  // Reddi et al. 2018 (AMSGrad), in PyTorch's form (torch.optim.Adam/AdamW docs, amsgrad=True):
  // vmax = max(vmax, v); p -= lr m / (1 - b1^t) / (sqrt(vmax / (1 - b2^t)) + eps).
  for (bool decoupled : {false, true})
    for (DType dt : {DType::F64, DType::F32}) {
      AdamOptions o;
      o.lr = 0.05;
      o.beta2 = 0.5;  // v follows the shrinking g^2 quickly
      o.eps = 1e-6;
      o.weight_decay = 0.1;
      o.amsgrad = true;
      Vec m(6), v(6), vmax(6);
      int vmax_wins = 0;
      run_rule(
          [&](std::vector<Tensor> ps) -> std::unique_ptr<Optimizer> {
            if (decoupled) return std::make_unique<AdamW>(ps, o);
            return std::make_unique<Adam>(ps, o);
          },
          [&](Vec& p, const Vec& g0, int t) {
            for (size_t i = 0; i < p.size(); ++i) {
              double g = g0[i];
              if (decoupled) p[i] *= 1 - o.lr * o.weight_decay;
              else g += o.weight_decay * p[i];
              m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
              v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
              if (vmax[i] > v[i]) ++vmax_wins;
              vmax[i] = std::max(vmax[i], v[i]);
              p[i] -= o.lr * m[i] / (1 - std::pow(o.beta1, t)) /
                      (std::sqrt(vmax[i] / (1 - std::pow(o.beta2, t))) + o.eps);
            }
          },
          dt, 8, shrinking_grad);
      CHECK(vmax_wins > 20);  // the maximum really was used
    }
}

TEST_CASE("AdaBelief follows its update rule", "[optim][optim_more]") {
  // Zhuang et al. 2020, "AdaBelief Optimizer", Algorithm 2 (and the authors' adabelief-pytorch, which adds
  // eps to s in place each step): m = b1 m + (1-b1) g; s = b2 s + (1-b2)(g-m)^2 + eps;
  // p -= lr / (1-b1^t) m / (sqrt(s / (1-b2^t)) + eps).
  std::vector<AdaBeliefOptions> cases(4);
  cases[0].lr = 0.05;
  cases[1].lr = 0.02; cases[1].beta1 = 0.8; cases[1].beta2 = 0.9; cases[1].weight_decay = 0.1; cases[1].eps = 1e-8;
  cases[2].lr = 0.05; cases[2].weight_decay = 0.2; cases[2].decoupled_weight_decay = false;
  cases[3].lr = 0.03; cases[3].amsgrad = true; cases[3].beta2 = 0.5; cases[3].eps = 1e-6;
  for (DType dt : {DType::F64, DType::F32})
    for (const auto& o : cases)
      for (bool shrink : {false, true}) {
        Vec m(6), s(6), smax(6);
        run_rule([&](std::vector<Tensor> ps) { return std::make_unique<AdaBelief>(ps, o); },
                 [&](Vec& p, const Vec& g0, int t) {
                   for (size_t i = 0; i < p.size(); ++i) {
                     double g = g0[i];
                     if (o.decoupled_weight_decay) p[i] *= 1 - o.lr * o.weight_decay;
                     else g += o.weight_decay * p[i];
                     m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
                     s[i] = o.beta2 * s[i] + (1 - o.beta2) * (g - m[i]) * (g - m[i]) + o.eps;
                     smax[i] = std::max(smax[i], s[i]);
                     const double sh = (o.amsgrad ? smax[i] : s[i]) / (1 - std::pow(o.beta2, t));
                     p[i] -= o.lr * (m[i] / (1 - std::pow(o.beta1, t))) / (std::sqrt(sh) + o.eps);
                   }
                 },
                 dt, 7, shrink ? shrinking_grad : [](const Vec& p, int) { return quad_grad(p); });
      }
}

TEST_CASE("RAdam follows its update rule on both sides of the rectification threshold", "[optim][optim_more]") {
  // Liu et al. 2019, "On the Variance of the Adaptive Learning Rate and Beyond", Algorithm 2, as in
  // torch.optim.RAdam's docs: rho_inf = 2/(1-b2) - 1, rho_t = rho_inf - 2 t b2^t / (1 - b2^t); when
  // rho_t > 5 the step is lr mh r sqrt(1-b2^t)/(sqrt(v)+eps), else lr mh.
  std::vector<RAdamOptions> cases(3);
  cases[0].lr = 0.05;                                    // rho_t > 5 from t = 6
  cases[1].lr = 0.02; cases[1].beta2 = 0.9; cases[1].weight_decay = 0.1;
  cases[2].lr = 0.05; cases[2].beta1 = 0.8; cases[2].weight_decay = 0.3; cases[2].decoupled_weight_decay = true;
  for (DType dt : {DType::F64, DType::F32})
    for (const auto& o : cases) {
      Vec m(6), v(6);
      int rectified = 0, plain = 0;
      run_rule([&](std::vector<Tensor> ps) { return std::make_unique<RAdam>(ps, o); },
               [&](Vec& p, const Vec& g0, int t) {
                 const double rho_inf = 2 / (1 - o.beta2) - 1;
                 const double b2t = std::pow(o.beta2, t);
                 const double rho_t = rho_inf - 2 * t * b2t / (1 - b2t);
                 (rho_t > 5 ? rectified : plain)++;
                 for (size_t i = 0; i < p.size(); ++i) {
                   double g = g0[i];
                   if (o.decoupled_weight_decay) p[i] *= 1 - o.lr * o.weight_decay;
                   else g += o.weight_decay * p[i];
                   m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
                   v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
                   const double mh = m[i] / (1 - std::pow(o.beta1, t));
                   if (rho_t > 5) {
                     const double r = std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                                                ((rho_inf - 4) * (rho_inf - 2) * rho_t));
                     const double l = std::sqrt(1 - b2t) / (std::sqrt(v[i]) + o.eps);
                     p[i] -= o.lr * mh * l * r;
                   } else {
                     p[i] -= o.lr * mh;
                   }
                 }
               },
               dt, 10);
      CHECK(rectified > 0);
      CHECK(plain > 0);
    }
}

TEST_CASE("NAdam follows its update rule", "[optim][optim_more]") {
  // Dozat 2016, "Incorporating Nesterov Momentum into Adam", as in torch.optim.NAdam's docs:
  // mu_t = b1 (1 - 0.5 * 0.96^(t psi)); mh = mu_{t+1} m / (1 - prod_{i<=t+1} mu_i) + (1 - mu_t) g / (1 - prod_{i<=t} mu_i);
  // p -= lr mh / (sqrt(v / (1 - b2^t)) + eps).
  std::vector<NAdamOptions> cases(3);
  cases[0].lr = 0.05;
  cases[1].lr = 0.02; cases[1].beta1 = 0.8; cases[1].beta2 = 0.95; cases[1].momentum_decay = 0.1; cases[1].weight_decay = 0.1;
  cases[2].lr = 0.05; cases[2].weight_decay = 0.2; cases[2].decoupled_weight_decay = true;
  for (DType dt : {DType::F64, DType::F32})
    for (const auto& o : cases) {
      Vec m(6), v(6);
      double prod = 1;
      run_rule([&](std::vector<Tensor> ps) { return std::make_unique<NAdam>(ps, o); },
               [&](Vec& p, const Vec& g0, int t) {
                 const double mu = o.beta1 * (1 - 0.5 * std::pow(0.96, t * o.momentum_decay));
                 const double mu1 = o.beta1 * (1 - 0.5 * std::pow(0.96, (t + 1) * o.momentum_decay));
                 prod *= mu;
                 for (size_t i = 0; i < p.size(); ++i) {
                   double g = g0[i];
                   if (o.decoupled_weight_decay) p[i] *= 1 - o.lr * o.weight_decay;
                   else g += o.weight_decay * p[i];
                   m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
                   v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
                   const double mh = mu1 * m[i] / (1 - prod * mu1) + (1 - mu) * g / (1 - prod);
                   p[i] -= o.lr * mh / (std::sqrt(v[i] / (1 - std::pow(o.beta2, t))) + o.eps);
                 }
               },
               dt, 7);
    }
}

TEST_CASE("Adadelta follows its update rule", "[optim][optim_more]") {
  // Zeiler 2012, "ADADELTA", Algorithm 1, with torch.optim.Adadelta's lr and weight decay:
  // v = rho v + (1-rho) g^2; d = sqrt(u + eps) / sqrt(v + eps) g; u = rho u + (1-rho) d^2; p -= lr d.
  std::vector<AdadeltaOptions> cases(3);
  cases[0].lr = 1.0;
  cases[1].lr = 0.5; cases[1].rho = 0.5; cases[1].eps = 1e-3; cases[1].weight_decay = 0.1;
  cases[2].lr = 2.0; cases[2].rho = 0.95; cases[2].eps = 1e-4;
  for (DType dt : {DType::F64, DType::F32})
    for (const auto& o : cases) {
      Vec v(6), u(6);
      run_rule([&](std::vector<Tensor> ps) { return std::make_unique<Adadelta>(ps, o); },
               [&](Vec& p, const Vec& g0, int) {
                 for (size_t i = 0; i < p.size(); ++i) {
                   const double g = g0[i] + o.weight_decay * p[i];
                   v[i] = o.rho * v[i] + (1 - o.rho) * g * g;
                   const double d = std::sqrt(u[i] + o.eps) / std::sqrt(v[i] + o.eps) * g;
                   u[i] = o.rho * u[i] + (1 - o.rho) * d * d;
                   p[i] -= o.lr * d;
                 }
               },
               dt, 7);
    }
}

TEST_CASE("the new optimizers converge on a small least-squares problem", "[optim][optim_more]") {
  std::vector<std::pair<const char*, std::function<std::unique_ptr<Optimizer>(Tensor)>>> opts = {
      {"Adam amsgrad", [](Tensor x) { AdamOptions o; o.lr = 0.05; o.amsgrad = true; return std::make_unique<Adam>(std::vector<Tensor>{x}, o); }},
      {"AdamW amsgrad", [](Tensor x) { AdamOptions o; o.lr = 0.05; o.weight_decay = 0; o.amsgrad = true; return std::make_unique<AdamW>(std::vector<Tensor>{x}, o); }},
      {"AdaBelief", [](Tensor x) { AdaBeliefOptions o; o.lr = 0.05; return std::make_unique<AdaBelief>(std::vector<Tensor>{x}, o); }},
      {"RAdam", [](Tensor x) { RAdamOptions o; o.lr = 0.05; return std::make_unique<RAdam>(std::vector<Tensor>{x}, o); }},
      {"NAdam", [](Tensor x) { NAdamOptions o; o.lr = 0.01; return std::make_unique<NAdam>(std::vector<Tensor>{x}, o); }},
      {"Adadelta", [](Tensor x) { AdadeltaOptions o; o.lr = 1.0; o.rho = 0.9; return std::make_unique<Adadelta>(std::vector<Tensor>{x}, o); }},
  };
  for (auto& [name, build] : opts) {
    const double err = least_squares_error(build);
    INFO(name << " max error " << err);
    // Adadelta's steps start near sqrt(eps) and grow slowly: after 3000 steps it has only come from an
    // error of 2 to within a few hundredths.
    CHECK(err < (std::string(name) == "Adadelta" ? 5e-2 : 1e-4));
  }
}

namespace {
std::vector<Tensor> fresh_params() {
  std::vector<Tensor> ps{make({0.1, 0.2, -0.3, 0.4, 0.5, -0.6}, {2, 3}, DType::F32), make({1.0, -2.0}, {2}, DType::F32),
                         make({0.7}, {}, DType::F64), make({0.25, -0.5}, {2}, DType::BF16)};
  for (auto& p : ps) ag::set_requires_grad(p, true);
  return ps;
}

bool bit_equal(const Tensor& a, const Tensor& b) {
  return a.numel() == b.numel() &&
         std::memcmp(contiguous(a).data_ptr(), contiguous(b).data_ptr(), a.numel() * a.itemsize()) == 0;
}

using BuildRef = std::function<std::unique_ptr<Optimizer>(const std::vector<Tensor>&)>;
std::vector<std::pair<const char*, BuildRef>> builders() {
  return {
      {"AdamW amsgrad", [](const std::vector<Tensor>& p) { AdamOptions o = AdamW::with_decay(); o.amsgrad = true; return std::make_unique<AdamW>(p, o); }},
      {"AdaBelief", [](const std::vector<Tensor>& p) { AdaBeliefOptions o; o.amsgrad = true; o.weight_decay = 0.01; return std::make_unique<AdaBelief>(p, o); }},
      {"RAdam", [](const std::vector<Tensor>& p) { RAdamOptions o; o.beta2 = 0.9; o.weight_decay = 0.01; return std::make_unique<RAdam>(std::vector<ParamGroupSpec>{{{p[0], p[1]}, {}}, {{p[2], p[3]}, {{"lr", 0.01}}}}, o); }},
      {"NAdam", [](const std::vector<Tensor>& p) { NAdamOptions o; o.momentum_decay = 0.05; return std::make_unique<NAdam>(p, o); }},
      {"Adadelta", [](const std::vector<Tensor>& p) { AdadeltaOptions o; o.weight_decay = 0.01; return std::make_unique<Adadelta>(p, o); }},
  };
}
}  // namespace

TEST_CASE("state_dict round trip of the new optimizers resumes bit-identically", "[optim][optim_more]") {
  for (auto& [name, build] : builders()) {
    INFO(name);
    auto pa = fresh_params();
    auto a = build(pa);
    a->set_lr(0.02);
    for (int t = 0; t < 7; ++t) {  // 7 steps: RAdam (beta2 0.9) crosses its rectification threshold
      set_grads(pa, t);
      if (t == 1) ag::set_grad(pa[1], Tensor());  // one parameter misses a step
      a->step();
    }
    StateDict saved;
    for (auto& [k, t] : a->state_dict()) saved.emplace_back(k, clone(t));
    std::vector<Tensor> pb;
    for (auto& p : pa) {
      pb.push_back(ag::detach(clone(p)));
      ag::set_requires_grad(pb.back(), true);
    }
    for (int t = 7; t < 11; ++t) {
      set_grads(pa, t);
      a->step();
    }
    auto b = build(pb);
    b->load_state_dict(saved);
    CHECK(b->lr() == 0.02);
    for (int t = 7; t < 11; ++t) {
      set_grads(pb, t);
      b->step();
    }
    for (size_t k = 0; k < pa.size(); ++k) CHECK(bit_equal(pa[k], pb[k]));
    CHECK(b->state(1).step == a->state(1).step);
    CHECK(a->state(1).step == 10);
  }
}

TEST_CASE("NAdam checkpoints its running mu product per parameter", "[optim][optim_more]") {
  auto ps = fresh_params();
  NAdamOptions o;
  o.momentum_decay = 0.1;
  NAdam a(ps, o);
  for (int t = 0; t < 3; ++t) {
    set_grads(ps, t);
    if (t == 0) ag::set_grad(ps[2], Tensor());
    a.step();
  }
  auto find = [](const StateDict& sd, const std::string& key) {
    for (const auto& [k, t] : sd)
      if (k == key) return t.item();
    FAIL("missing " << key);
    return 0.0;
  };
  auto mu = [&](int t) { return o.beta1 * (1 - 0.5 * std::pow(0.96, t * o.momentum_decay)); };
  StateDict sd = a.state_dict();
  CHECK(find(sd, "state.0.mu_product") == Approx(mu(1) * mu(2) * mu(3)).epsilon(1e-15));
  CHECK(find(sd, "state.2.mu_product") == Approx(mu(1) * mu(2)).epsilon(1e-15));  // two steps only
  StateDict missing;
  for (const auto& kv : sd)
    if (kv.first != "state.2.mu_product") missing.push_back(kv);
  NAdam b(fresh_params(), o);
  REQUIRE_THROWS_AS(b.load_state_dict(missing), OptimizerError);
  REQUIRE_THROWS_WITH(b.load_state_dict(missing), Catch::Contains("missing key 'state.2.mu_product'"));
  CHECK_FALSE(b.state(0).initialized());
  RAdam c(fresh_params());
  REQUIRE_THROWS_AS(c.load_state_dict(sd), OptimizerError);  // NAdam's hyperparameters
}

TEST_CASE("the new optimizers reject bad hyperparameters", "[optim][optim_more]") {
  Tensor p = zeros({2});
  AdaBeliefOptions ab;
  ab.beta1 = 1.0;
  REQUIRE_THROWS_AS(AdaBelief({p}, ab), OptimizerError);
  REQUIRE_THROWS_WITH(AdaBelief({p}, ab), Catch::Contains("[AdaBelief]") && Catch::Contains("beta1"));
  ab = {};
  ab.eps = -1;
  REQUIRE_THROWS_WITH(AdaBelief({p}, ab), Catch::Contains("eps must be >= 0"));
  RAdamOptions ra;
  ra.beta2 = -0.1;
  REQUIRE_THROWS_WITH(RAdam({p}, ra), Catch::Contains("beta2"));
  ra = {};
  ra.weight_decay = NAN;
  REQUIRE_THROWS_WITH(RAdam({p}, ra), Catch::Contains("weight_decay"));
  NAdamOptions na;
  na.momentum_decay = -1;
  REQUIRE_THROWS_WITH(NAdam({p}, na), Catch::Contains("momentum_decay"));
  na = {};
  na.lr = -0.5;
  REQUIRE_THROWS_WITH(NAdam({p}, na), Catch::Contains("lr must be >= 0"));
  AdadeltaOptions ad;
  ad.rho = 1.5;
  REQUIRE_THROWS_WITH(Adadelta({p}, ad), Catch::Contains("rho must lie in [0, 1]"));
  REQUIRE_THROWS_AS(Adadelta({zeros({2}, DType::I64)}), DTypeError);
  REQUIRE_THROWS_WITH(Adadelta(std::vector<ParamGroupSpec>{{{p}, {{"beta1", 0.5}}}}),
                      Catch::Contains("unknown hyperparameter 'beta1'"));
  REQUIRE_THROWS_WITH(NAdam({p, p}), Catch::Contains("more than once"));
  // A step without any gradient changes nothing and creates no state.
  Tensor q = zeros({3});
  ag::set_requires_grad(q, true);
  RAdam r({q});
  r.step();
  CHECK_FALSE(r.state(0).initialized());
  REQUIRE_THROWS_AS(r.state(1), IndexError);
}
