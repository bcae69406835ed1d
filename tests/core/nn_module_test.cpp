// Tests of the Module base (registration, listings, modes, state dicts, hooks), Sequential and the
// initialisers.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/nn/activation.h"
#include "core/nn/init.h"
#include "core/nn/linear.h"
#include "core/nn/module.h"
#include "core/nn/sequential.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "core/rng.h"

using namespace tfl;
using namespace tfl::nn;
namespace ag = tfl::autograd;
using Catch::Contains;

namespace {

Tensor make(const std::vector<double>& v, const Shape& shape, DType dt = DType::F64) {
  return to_dtype(from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64), dt);
}

std::vector<double> values(const Tensor& t) {
  Tensor d = to_dtype(t, DType::F64);
  const double* p = d.data<double>();
  return std::vector<double>(p, p + d.numel());
}

std::vector<std::string> keys(const StateDict& d) {
  std::vector<std::string> k;
  for (const auto& [name, t] : d) k.push_back(name);
  return k;
}

// y = x * w + b elementwise (w, b of shape (n)): small enough to check gradients by hand, and built
// from ops (mul, add) whose backward is recorded.
class Affine : public UnaryModule {
 public:
  explicit Affine(std::vector<double> w, std::vector<double> b) : UnaryModule("Affine") {
    int64_t n = static_cast<int64_t>(w.size());
    w_ = register_parameter("w", make(w, {n}));
    b_ = register_parameter("b", make(b, {n}));
    stat_ = register_buffer("stat", zeros({n}, DType::F64));
  }
  Tensor w_, b_, stat_;

 protected:
  Tensor forward_one(const Tensor& x) override { return add(mul(x, w_), b_); }
};

// Two inputs: y = a * b.
class Product : public Module {
 public:
  Product() : Module("Product") {}
  using Module::forward;
  Tensor forward(const std::vector<Tensor>& in) override {
    check_input_count(in, 2);
    return mul(in[0], in[1]);
  }
};

class Net : public UnaryModule {
 public:
  Net() : UnaryModule("Net") {
    scale_ = register_parameter("scale", make({2.0}, {}));
    first_ = register_module("first", std::make_shared<Affine>(std::vector<double>{1, 2}, std::vector<double>{0, 0}));
    second_ = register_module("second", std::make_shared<Affine>(std::vector<double>{3, 4}, std::vector<double>{5, 6}));
  }
  Tensor scale_;
  std::shared_ptr<Affine> first_, second_;

 protected:
  Tensor forward_one(const Tensor& x) override { return mul((*second_)((*first_)(x)), scale_); }
};

}  // namespace

TEST_CASE("Module lists parameters, buffers and children with dotted names in order", "[nn][module]") {
  Net net;
  CHECK(keys(net.named_parameters()) ==
        std::vector<std::string>{"scale", "first.w", "first.b", "second.w", "second.b"});
  CHECK(keys(net.named_parameters(false)) == std::vector<std::string>{"scale"});
  CHECK(keys(net.named_buffers()) == std::vector<std::string>{"first.stat", "second.stat"});
  CHECK(net.named_buffers(false).empty());
  REQUIRE(net.named_children().size() == 2);
  CHECK(net.named_children()[1].first == "second");
  auto mods = net.named_modules();
  REQUIRE(mods.size() == 3);
  CHECK(mods[0].first == "");
  CHECK(mods[2].first == "second");
  CHECK(net.parameter_count() == 1 + 4 * 2);
  CHECK(net.parameter("second.w").is_same(net.second_->w_));
  CHECK(net.buffer("first.stat").is_same(net.first_->stat_));
  CHECK(net.child("first").get() == net.first_.get());
  for (const Tensor& p : net.parameters()) CHECK(ag::requires_grad(p));
  CHECK_FALSE(ag::requires_grad(net.first_->stat_));
  REQUIRE_THROWS_WITH(net.parameter("first.nope"), Contains("no parameter named 'nope'"));
  REQUIRE_THROWS_WITH(net.child("third"), Contains("no child module named 'third'"));
  REQUIRE_THROWS_WITH(net.buffer("stat"), Contains("no buffer named 'stat'"));
}

TEST_CASE("Module registration rejects bad names, duplicates and non-float parameters", "[nn][module]") {
  Affine m({1}, {2});
  REQUIRE_THROWS_AS(m.register_parameter("w", zeros({1}, DType::F64)), InvalidArgumentError);
  REQUIRE_THROWS_WITH(m.register_buffer("stat", zeros({1})), Contains("'stat' is already registered"));
  REQUIRE_THROWS_WITH(m.register_parameter("a.b", zeros({1})), Contains("contain no '.'"));
  REQUIRE_THROWS_WITH(m.register_parameter("", zeros({1})), Contains("non-empty"));
  REQUIRE_THROWS_AS(m.register_parameter("i", zeros({1}, DType::I64)), DTypeError);
  Tensor leaf = zeros({1}, DType::F64);
  ag::set_requires_grad(leaf, true);
  REQUIRE_THROWS_WITH(m.register_parameter("computed", mul(leaf, leaf)), Contains("leaf"));
  REQUIRE_THROWS_WITH(m.register_module("null", nullptr), Contains("is null"));
  // Undefined parameters (a layer without bias) hold the name but are never listed.
  m.register_parameter("none", Tensor());
  CHECK(keys(m.named_parameters()) == std::vector<std::string>{"w", "b"});
  REQUIRE_THROWS_AS(m.register_buffer("none", zeros({1})), InvalidArgumentError);
}

TEST_CASE("a parameter shared by two modules is listed and counted once", "[nn][module]") {
  Sequential seq;
  auto a = std::make_shared<Affine>(std::vector<double>{1, 2, 3}, std::vector<double>{0, 0, 0});
  seq.push_back(a).push_back(a);
  CHECK(keys(seq.named_parameters()) == std::vector<std::string>{"0.w", "0.b"});
  CHECK(seq.parameter_count() == 6);
  // The state dict keeps every name, like PyTorch.
  CHECK(keys(seq.state_dict()) == std::vector<std::string>{"0.w", "0.b", "0.stat", "1.w", "1.b", "1.stat"});
}

TEST_CASE("train and eval set the mode recursively", "[nn][module]") {
  Net net;
  CHECK(net.is_training());
  net.eval();
  CHECK_FALSE(net.is_training());
  CHECK_FALSE(net.first_->is_training());
  CHECK_FALSE(net.second_->is_training());
  net.second_->train();
  CHECK(net.second_->is_training());
  CHECK_FALSE(net.is_training());
  net.train();
  CHECK(net.first_->is_training());
}

TEST_CASE("state_dict lists parameters then buffers per module, as detached views", "[nn][module]") {
  Net net;
  StateDict sd = net.state_dict();
  CHECK(keys(sd) == std::vector<std::string>{"scale", "first.w", "first.b", "first.stat", "second.w", "second.b",
                                             "second.stat"});
  CHECK_FALSE(ag::requires_grad(sd[1].second));
  CHECK(sd[1].second.data_ptr() == net.first_->w_.data_ptr());
  CHECK(values(sd[4].second) == std::vector<double>{3, 4});
}

TEST_CASE("load_state_dict round-trips into another module and keeps its tensors", "[nn][module]") {
  Linear a(3, 2, true, DType::F64), b(3, 2, true, DType::F64);
  REQUIRE(values(a.weight()) != values(b.weight()));
  Tensor b_weight = b.weight();
  StateDict saved;
  for (const auto& [k, t] : a.state_dict()) saved.emplace_back(k, clone(t));
  LoadResult r = b.load_state_dict(saved);
  CHECK(r.missing_keys.empty());
  CHECK(r.unexpected_keys.empty());
  CHECK(values(b.weight()) == values(a.weight()));
  CHECK(values(b.bias()) == values(a.bias()));
  CHECK(b.weight().is_same(b_weight));            // copied into, not replaced
  CHECK(ag::is_leaf(b.weight()));                 // nothing recorded
  CHECK(ag::requires_grad(b.weight()));
}

TEST_CASE("load_state_dict reports missing, unexpected, mis-shaped and mis-typed keys", "[nn][module]") {
  Linear m(3, 2, true, DType::F64);
  std::vector<double> before = values(m.weight());
  StateDict only_weight{{"weight", zeros({2, 3}, DType::F64)}};
  REQUIRE_THROWS_WITH(m.load_state_dict(only_weight), Contains("missing keys: 'bias'"));
  CHECK(values(m.weight()) == before);  // nothing written on error

  StateDict extra{{"weight", zeros({2, 3}, DType::F64)}, {"bias", zeros({2}, DType::F64)}, {"gamma", zeros({1})}};
  REQUIRE_THROWS_WITH(m.load_state_dict(extra), Contains("unexpected keys: 'gamma'"));
  CHECK(values(m.weight()) == before);

  StateDict both{{"weight", zeros({2, 3}, DType::F64)}, {"beta", zeros({1})}};
  REQUIRE_THROWS_WITH(m.load_state_dict(both), Contains("missing keys: 'bias'; unexpected keys: 'beta'"));
  LoadResult r = m.load_state_dict(both, false);
  CHECK(r.missing_keys == std::vector<std::string>{"bias"});
  CHECK(r.unexpected_keys == std::vector<std::string>{"beta"});
  CHECK(values(m.weight()) == std::vector<double>(6, 0.0));

  StateDict bad_shape{{"weight", zeros({3, 2}, DType::F64)}, {"bias", zeros({2}, DType::F64)}};
  REQUIRE_THROWS_AS(m.load_state_dict(bad_shape), CheckpointError);
  REQUIRE_THROWS_WITH(m.load_state_dict(bad_shape, false), Contains("'weight': the module has shape 2x3, the state dict 3x2"));
  StateDict bad_dtype{{"weight", zeros({2, 3}, DType::F32)}, {"bias", zeros({2}, DType::F64)}};
  REQUIRE_THROWS_AS(m.load_state_dict(bad_dtype), CheckpointError);
  REQUIRE_THROWS_WITH(m.load_state_dict(bad_dtype), Contains("float64"));
  StateDict dup{{"bias", zeros({2}, DType::F64)}, {"bias", zeros({2}, DType::F64)}};
  REQUIRE_THROWS_WITH(m.load_state_dict(dup, false), Contains("the key 'bias' twice"));
}

TEST_CASE("zero_grad clears or zeroes the gradients of every parameter", "[nn][module]") {
  Net net;
  Tensor y = sum(net(make({1, 1}, {2})));
  ag::backward({y});
  for (const Tensor& p : net.parameters()) REQUIRE(ag::grad(p).defined());
  net.zero_grad(false);
  for (const Tensor& p : net.parameters()) CHECK(values(ag::grad(p)) == std::vector<double>(p.numel(), 0.0));
  net.zero_grad();
  for (const Tensor& p : net.parameters()) CHECK_FALSE(ag::grad(p).defined());
}

TEST_CASE("forward pre-hooks and forward hooks see and may replace inputs and outputs", "[nn][module]") {
  Affine m({2, 3}, {1, 1});
  Tensor x = make({1, 2}, {2});
  std::vector<double> seen_in, seen_out, hook_in;
  int64_t pre = m.register_forward_pre_hook([&](Module& mod, const std::vector<Tensor>& in) {
    CHECK(&mod == &m);
    seen_in = values(in[0]);
    return std::vector<Tensor>{mul(in[0], 10.0)};
  });
  int64_t post = m.register_forward_hook([&](Module&, const std::vector<Tensor>& in, const Tensor& out) {
    hook_in = values(in[0]);
    seen_out = values(out);
    return add(out, 100.0);
  });
  CHECK(values(m(x)) == std::vector<double>{121, 161});
  CHECK(seen_in == std::vector<double>{1, 2});
  CHECK(seen_out == std::vector<double>{21, 61});
  CHECK(hook_in == std::vector<double>{10, 20});  // forward hooks see the replaced input
  // forward() itself runs no hooks.
  CHECK(values(m.forward(x)) == std::vector<double>{3, 7});
  CHECK(m.remove_hook(pre));
  CHECK_FALSE(m.remove_hook(pre));
  CHECK(values(m(x)) == std::vector<double>{103, 107});
  CHECK(m.remove_hook(post));
  CHECK(values(m(x)) == std::vector<double>{3, 7});
  // Hooks that keep values return empty / undefined.
  m.register_forward_pre_hook([](Module&, const std::vector<Tensor>&) { return std::vector<Tensor>{}; });
  m.register_forward_hook([](Module&, const std::vector<Tensor>&, const Tensor&) { return Tensor(); });
  CHECK(values(m(x)) == std::vector<double>{3, 7});
  REQUIRE_THROWS_WITH(m.register_forward_hook(ForwardHook()), Contains("empty"));
}

TEST_CASE("backward hooks receive grad_input and grad_output of the module", "[nn][module]") {
  // y = x * w + b; loss = sum(y * g) so grad_output = g and grad_input = g * w.
  Affine m({2, 3}, {1, 1});
  Tensor x = make({1, 2}, {2});
  ag::set_requires_grad(x, true);
  std::vector<double> gi, go;
  int calls = 0;
  int64_t h = m.register_backward_hook(
      [&](Module& mod, const std::vector<Tensor>& grad_input, const std::vector<Tensor>& grad_output) {
        CHECK(&mod == &m);
        ++calls;
        REQUIRE(grad_input.size() == 1);
        REQUIRE(grad_output.size() == 1);
        gi = values(grad_input[0]);
        go = values(grad_output[0]);
        return std::vector<Tensor>{};
      });
  Tensor g = make({5, 7}, {2});
  // An op after the module, so the module's output gradient is not the loss's.
  ag::backward({sum(mul(m(x), g))});
  CHECK(calls == 1);
  CHECK(go == std::vector<double>{5, 7});
  CHECK(gi == std::vector<double>{10, 21});
  CHECK(values(ag::grad(x)) == std::vector<double>{10, 21});
  CHECK(values(ag::grad(m.w_)) == std::vector<double>{5, 14});

  // A hook may replace grad_input.
  int64_t h2 = m.register_backward_hook([](Module&, const std::vector<Tensor>& grad_input, const std::vector<Tensor>&) {
    return std::vector<Tensor>{mul(grad_input[0], -1.0)};
  });
  ag::set_grad(x, Tensor());
  ag::backward({sum(mul(m(x), g))});
  CHECK(calls == 2);
  CHECK(values(ag::grad(x)) == std::vector<double>{-10, -21});

  // Removed hooks no longer run, also for graphs recorded before the removal.
  Tensor pending = sum(mul(m(x), g));
  CHECK(m.remove_hook(h));
  CHECK(m.remove_hook(h2));
  ag::set_grad(x, Tensor());
  ag::backward({pending});
  CHECK(calls == 2);
  CHECK(values(ag::grad(x)) == std::vector<double>{10, 21});
}

TEST_CASE("backward hooks with inputs that need no gradient, several inputs, no-grad mode", "[nn][module]") {
  SECTION("input without grad: grad_input undefined, grad_output known") {
    Affine m({2, 3}, {1, 1});
    bool called = false;
    m.register_backward_hook([&](Module&, const std::vector<Tensor>& gi, const std::vector<Tensor>& go) {
      called = true;
      REQUIRE(gi.size() == 1);
      CHECK_FALSE(gi[0].defined());
      CHECK(values(go[0]) == std::vector<double>{1, 1});
      return std::vector<Tensor>{};
    });
    ag::backward({sum(m(make({1, 2}, {2})))});
    CHECK(called);
    CHECK(values(ag::grad(m.w_)) == std::vector<double>{1, 2});
  }
  SECTION("two inputs, one requiring grad") {
    Product p;
    Tensor a = make({2, 3}, {2}), b = make({4, 5}, {2});
    ag::set_requires_grad(b, true);
    std::vector<Tensor> got;
    p.register_backward_hook([&](Module&, const std::vector<Tensor>& gi, const std::vector<Tensor>&) {
      got = gi;
      return std::vector<Tensor>{};
    });
    ag::backward({sum(p({a, b}))});
    REQUIRE(got.size() == 2);
    CHECK_FALSE(got[0].defined());
    CHECK(values(got[1]) == std::vector<double>{2, 3});
    CHECK(values(ag::grad(b)) == std::vector<double>{2, 3});
    REQUIRE_THROWS_WITH(p(make({1}, {1})), Contains("expects 2 inputs, got 1"));
  }
  SECTION("no-grad mode attaches nothing") {
    Affine m({2}, {1});
    m.register_backward_hook([](Module&, const std::vector<Tensor>&, const std::vector<Tensor>&) {
      FAIL("must not run");
      return std::vector<Tensor>{};
    });
    ag::NoGradGuard guard;
    CHECK_FALSE(ag::requires_grad(m(make({1}, {1}))));
  }
  SECTION("a graph outliving its module runs without calling the hook") {
    Tensor x = make({1, 2}, {2});
    ag::set_requires_grad(x, true);
    Tensor loss;
    int calls = 0;
    {
      Affine m({2, 3}, {1, 1});
      m.register_backward_hook([&](Module&, const std::vector<Tensor>&, const std::vector<Tensor>&) {
        ++calls;
        return std::vector<Tensor>{};
      });
      loss = sum(m(x));
    }
    ag::backward({loss});
    CHECK(calls == 0);
    CHECK(values(ag::grad(x)) == std::vector<double>{2, 3});
  }
  SECTION("a hook returning the wrong number of gradients is an error") {
    Affine m({2}, {1});
    Tensor x = make({1}, {1});
    ag::set_requires_grad(x, true);
    m.register_backward_hook([](Module&, const std::vector<Tensor>&, const std::vector<Tensor>&) {
      return std::vector<Tensor>{Tensor(), Tensor()};
    });
    REQUIRE_THROWS_WITH(ag::backward({sum(m(x))}), Contains("returned 2 gradients for a module with 1 inputs"));
  }
}

TEST_CASE("Sequential chains children, names them by position and runs their hooks", "[nn][module]") {
  auto a = std::make_shared<Affine>(std::vector<double>{2, 2}, std::vector<double>{1, 1});
  auto b = std::make_shared<Affine>(std::vector<double>{3, 3}, std::vector<double>{0, -1});
  Sequential seq({a, std::make_shared<ReLU>(), b});
  CHECK(seq.size() == 3);
  CHECK(seq[-1].get() == b.get());
  REQUIRE_THROWS_AS(seq[3], IndexError);
  CHECK(keys(seq.named_parameters()) == std::vector<std::string>{"0.w", "0.b", "2.w", "2.b"});
  int fired = 0;
  b->register_forward_hook([&](Module&, const std::vector<Tensor>&, const Tensor&) {
    ++fired;
    return Tensor();
  });
  // x = (-1, 1): a -> (-1, 3), relu -> (0, 3), b -> (0, 8).
  CHECK(values(seq(make({-1, 1}, {2}))) == std::vector<double>{0, 8});
  CHECK(fired == 1);
  Sequential empty;
  CHECK(values(empty(make({4}, {1}))) == std::vector<double>{4});
  CHECK(seq.to_string() ==
        "Sequential(\n  (0): Affine()\n  (1): ReLU()\n  (2): Affine()\n)");
  CHECK(Linear(3, 4).to_string() == "Linear(in_features=3, out_features=4, bias=true)");
}

TEST_CASE("initialisers: gains and fans follow torch.nn.init", "[nn][init]") {
  using init::Nonlinearity;
  CHECK(init::calculate_gain(Nonlinearity::kLinear) == 1.0);
  CHECK(init::calculate_gain(Nonlinearity::kTanh) == Approx(5.0 / 3.0));
  CHECK(init::calculate_gain(Nonlinearity::kRelu) == Approx(std::sqrt(2.0)));
  CHECK(init::calculate_gain(Nonlinearity::kLeakyRelu, 0.2) == Approx(std::sqrt(2.0 / 1.04)));
  CHECK(init::calculate_gain(Nonlinearity::kSelu) == 0.75);
  CHECK(init::fan_in_and_fan_out(zeros({4, 3})) == std::make_pair<int64_t, int64_t>(3, 4));
  CHECK(init::fan_in_and_fan_out(zeros({8, 2, 3, 5})) == std::make_pair<int64_t, int64_t>(30, 120));
  REQUIRE_THROWS_WITH(init::fan_in_and_fan_out(zeros({4})), Contains("at least 2 dimensions"));
  REQUIRE_THROWS_AS(init::xavier_uniform_(zeros({4})), InvalidArgumentError);
  REQUIRE_THROWS_AS(init::normal_(zeros({4}, DType::I32)), DTypeError);
}

TEST_CASE("initialisers draw within their bounds with the stated spread", "[nn][init]") {
  Generator gen(7);
  // Uniform bounds: kaiming_uniform(a = 0, relu gain) on fan_in 50 has bound sqrt(2) * sqrt(3 / 50).
  Tensor w = zeros({400, 50}, DType::F64);
  init::kaiming_uniform_(w, 0.0, init::FanMode::kFanIn, init::Nonlinearity::kRelu, &gen);
  double bound = std::sqrt(2.0) * std::sqrt(3.0 / 50.0);
  CHECK(max(w).item() <= bound);
  CHECK(min(w).item() >= -bound);
  CHECK(max(w).item() > 0.95 * bound);  // 20000 draws reach close to the edges
  // Uniform(-b, b) has std b / sqrt(3); 20000 samples give the std to about 1 %.
  CHECK(std_dev(w).item() == Approx(bound / std::sqrt(3.0)).epsilon(0.03));

  init::xavier_normal_(w, 2.0, &gen);
  CHECK(mean(w).item() == Approx(0.0).margin(0.01));
  CHECK(std_dev(w).item() == Approx(2.0 * std::sqrt(2.0 / 450.0)).epsilon(0.03));
  init::xavier_uniform_(w, 1.0, &gen);
  CHECK(max(w).item() <= std::sqrt(6.0 / 450.0));
  init::kaiming_normal_(w, 0.0, init::FanMode::kFanOut, init::Nonlinearity::kRelu, &gen);
  CHECK(std_dev(w).item() == Approx(std::sqrt(2.0) / std::sqrt(400.0)).epsilon(0.03));
  init::uniform_(w, 2.0, 3.0, &gen);
  CHECK(min(w).item() >= 2.0);
  CHECK(max(w).item() < 3.0);
  init::normal_(w, 5.0, 0.5, &gen);
  CHECK(mean(w).item() == Approx(5.0).epsilon(0.01));
  init::zeros_(w);
  CHECK(max(abs(w)).item() == 0.0);
  init::ones_(w);
  CHECK(min(w).item() == 1.0);
  init::constant_(w, -2.5);
  CHECK(max(w).item() == -2.5);
  // Zero-size tensors are left alone.
  Tensor empty_w = zeros({0, 3});
  init::kaiming_uniform_(empty_w);
  init::xavier_normal_(empty_w);
}

TEST_CASE("Linear's default initialisation is PyTorch's and reproducible from a seed", "[nn][init]") {
  Generator g1(42), g2(42), g3(43);
  Linear a(16, 8, true, DType::F32, &g1), b(16, 8, true, DType::F32, &g2), c(16, 8, true, DType::F32, &g3);
  CHECK(values(a.weight()) == values(b.weight()));
  CHECK(values(a.bias()) == values(b.bias()));
  CHECK(values(a.weight()) != values(c.weight()));
  // kaiming_uniform(a = sqrt(5)) gives bound gain * sqrt(3 / fan_in) = sqrt(2 / 6) * sqrt(3 / 16) = 1 / 4.
  for (double v : values(a.weight())) CHECK(std::abs(v) <= 0.25);
  for (double v : values(a.bias())) CHECK(std::abs(v) <= 0.25);
  // The default generator, reseeded, gives the same weights again.
  manual_seed(11);
  Linear d(4, 3);
  manual_seed(11);
  Linear e(4, 3);
  CHECK(values(d.weight()) == values(e.weight()));
  // Initialisation records nothing: the parameters stay leaves.
  CHECK(ag::is_leaf(a.weight()));
  CHECK(a.parameter_count() == 16 * 8 + 8);
  CHECK(Linear(16, 8, false).parameter_count() == 128);
}
