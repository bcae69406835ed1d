#include <catch2/catch.hpp>

#include <set>

#include "core/autograd/differentiable.h"
#include "gradcheck/gradcheck.h"

using namespace tfl;

TEST_CASE("every differentiable op has a gradient case, and every case passes", "[autograd][gradcheck]") {
  std::set<std::string> covered;
  for (const auto& c : testing::grad_cases()) {
    INFO(c.name);
    CHECK(testing::check_gradients(c) == "");
    covered.insert(c.op);
  }
  for (const std::string& op : autograd::differentiable_ops()) {
    INFO("differentiable op without a gradient case: " << op);
    CHECK(covered.count(op) == 1);
  }
}
