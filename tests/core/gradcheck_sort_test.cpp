// Gradient cases of sort/topk: values are differentiable, indices are not.
#include <catch2/catch.hpp>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"
#include "core/ops/sort.h"
#include "gradcheck/gradcheck.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::random_input;
using Ins = std::vector<Tensor>;

TFL_GRAD_CASE(GradCase{"sort", "sort descending along axis 0 of a transposed view", [] { return Ins{random_input({3, 4}, 401)}; },
                       [](const Ins& x) { return sort(transpose(x[0], 0, 1), 0, true).values; }});
TFL_GRAD_CASE(GradCase{"sort", "sort 0-d", [] { return Ins{random_input({}, 402)}; },
                       [](const Ins& x) { return sort(x[0]).values; }});
TFL_GRAD_CASE(GradCase{"topk", "topk 2 smallest along the last axis", [] { return Ins{random_input({2, 5}, 403)}; },
                       [](const Ins& x) { return topk(x[0], 2, -1, false).values; }});
TFL_GRAD_CASE(GradCase{"topk", "topk 3 largest along axis 0 of a stepped view", [] { return Ins{random_input({8, 2}, 404)}; },
                       [](const Ins& x) { return topk(slice(x[0], 0, std::nullopt, std::nullopt, 2), 3, 0).values; }});
}  // namespace

TEST_CASE("sort/topk gradients go to the source positions; indices carry none", "[autograd][sort]") {
  std::vector<double> v{3, 1, 4, 1.5, 9};
  Tensor x = from_buffer(v.data(), v.size() * 8, {5}, DType::F64);
  autograd::set_requires_grad(x, true);
  SortResult r = topk(x, 2);  // 9 (position 4), 4 (position 2)
  CHECK(autograd::requires_grad(r.values));
  CHECK_FALSE(autograd::requires_grad(r.indices));
  CHECK_FALSE(autograd::requires_grad(argsort(x)));
  std::vector<double> w{10, 100};
  autograd::backward({r.values}, {from_buffer(w.data(), 16, {2}, DType::F64)});
  Tensor g = contiguous(autograd::grad(x));
  CHECK(std::vector<double>(g.data<double>(), g.data<double>() + 5) == std::vector<double>{0, 0, 100, 0, 10});
}
