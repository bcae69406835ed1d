// Tests of nn::Parameter and nn::is_parameter: marking, sharing, registration by modules, lifetime.
#include <catch2/catch.hpp>
#include <memory>
#include <vector>

#include "core/autograd/variable.h"
#include "core/nn/linear.h"
#include "core/nn/module.h"
#include "core/nn/parameter.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/shape.h"

using namespace tfl;

namespace {
class Holder : public nn::Module {
 public:
  Holder() : Module("Holder") {}
  Tensor forward(const std::vector<Tensor>& inputs) override { return inputs.at(0); }
};
}  // namespace

TEST_CASE("Parameter: a leaf alias that requires grad and is marked", "[parameter][nn]") {
  Tensor data = ones({2, 3});
  CHECK(!nn::is_parameter(data));
  nn::Parameter p(data);
  CHECK(nn::is_parameter(p));
  CHECK(autograd::requires_grad(p));
  CHECK(autograd::is_leaf(p));
  CHECK(p.storage() == data.storage());  // no copy
  CHECK(!nn::is_parameter(data));       // the source is not marked
  CHECK(!autograd::requires_grad(data));
  // The mark belongs to the tensor, not to views or detached aliases.
  CHECK(!nn::is_parameter(transpose(p, 0, 1)));
  CHECK(!nn::is_parameter(autograd::detach(p)));
  // Every handle to the same tensor sees it; slicing to Tensor keeps it.
  Tensor as_tensor = p;
  CHECK(nn::is_parameter(as_tensor));
  nn::Parameter frozen(data, false);
  CHECK(nn::is_parameter(frozen));
  CHECK(!autograd::requires_grad(frozen));
  CHECK(!nn::is_parameter(Tensor()));
  CHECK(!nn::Parameter(Tensor()).defined());
  // Integer data can be a frozen parameter but cannot require grad.
  REQUIRE_THROWS_AS(nn::Parameter(ones({2}, DType::I32)), DTypeError);
  CHECK(nn::is_parameter(nn::Parameter(ones({2}, DType::I32), false)));
  // Marking a computed tensor is refused.
  Tensor leaf = ones({2});
  autograd::set_requires_grad(leaf, true);
  REQUIRE_THROWS_WITH(nn::Parameter::mark(mul(leaf, 2.0)), Catch::Contains("[Parameter] a parameter must be a leaf"));
}

TEST_CASE("Module::register_parameter marks its tensors; layers' weights are parameters", "[parameter][nn]") {
  nn::Linear lin(3, 2);
  CHECK(nn::is_parameter(lin.weight()));
  CHECK(nn::is_parameter(lin.bias()));
  for (const auto& [name, t] : lin.state_dict()) CHECK(!nn::is_parameter(t));  // detached views
  Holder h;
  Tensor w = zeros({4});
  Tensor got = h.register_parameter("w", w, false);
  CHECK(nn::is_parameter(w));
  CHECK(got.impl() == w.impl());
  CHECK(!autograd::requires_grad(w));
  nn::Parameter p(ones({3}));
  h.register_parameter("p", p);
  CHECK(h.parameters().size() == 2);
  CHECK(nn::is_parameter(h.parameter("p")));
  Tensor buf = zeros({2});
  h.register_buffer("b", buf);
  CHECK(!nn::is_parameter(buf));
}

TEST_CASE("Parameter marks die with their tensors", "[parameter][nn]") {
  std::vector<const TensorImpl*> dead;
  for (int i = 0; i < 200; ++i) {
    nn::Parameter p(zeros({1}));
    dead.push_back(p.impl());
  }
  // New tensors, some at the addresses of dead parameters, are not parameters.
  std::vector<Tensor> fresh;
  for (int i = 0; i < 400; ++i) fresh.push_back(zeros({1}));
  for (const Tensor& t : fresh) CHECK(!nn::is_parameter(t));
}
