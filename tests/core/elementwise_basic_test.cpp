#include <catch2/catch.hpp>

#include "core/ops/creation.h"
#include "core/ops/elementwise.h"

using namespace tfl;

TEST_CASE("add broadcasts a row over a matrix", "[elementwise]") {
  float av[6] = {1, 2, 3, 4, 5, 6};
  float bv[3] = {10, 20, 30};
  Tensor a = from_buffer(av, sizeof av, Shape{2, 3}, DType::F32);
  Tensor b = from_buffer(bv, sizeof bv, Shape{3}, DType::F32);
  Tensor c = add(a, b);
  REQUIRE(c.shape() == Shape{2, 3});
  for (int i = 0; i < 6; ++i) CHECK(c.data<float>()[i] == av[i] + bv[i % 3]);
}
