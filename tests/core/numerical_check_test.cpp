// The numerical check mode: NaN/Inf introduced by an op or a backward function is a NumericalError.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/error.h"
#include "core/numerical_check.h"
#include "core/ops/attention.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"
#include "core/optim/clip.h"

using namespace tfl;
namespace ag = tfl::autograd;
using Catch::Contains;

namespace {
// Turns the mode on for one test and off again whatever happens.
struct CheckOn {
  CheckOn() { set_numerical_check_enabled(true); }
  ~CheckOn() { set_numerical_check_enabled(false); }
};

Tensor vec(std::vector<double> v, DType dt = DType::F64) {
  Tensor t = from_buffer(v.data(), v.size() * sizeof(double), {static_cast<int64_t>(v.size())}, DType::F64);
  return dt == DType::F64 ? t : to_dtype(t, dt);
}
const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TEST_CASE("numerical check is off by default and NaN flows silently then", "[numerical]") {
  REQUIRE_FALSE(numerical_check_enabled());
  Tensor y = log(vec({-1.0, 1.0}));
  CHECK(std::isnan(y.data<double>()[0]));
}

TEST_CASE("numerical check names the op that produced NaN or Inf, in every floating dtype", "[numerical]") {
  CheckOn on;
  for (DType dt : {DType::F32, DType::F64, DType::F16, DType::BF16}) {
    INFO(dtype_name(dt));
    REQUIRE_THROWS_AS(log(vec({-1.0, 1.0}, dt)), NumericalError);
    REQUIRE_THROWS_WITH(log(vec({-1.0, 1.0}, dt)),
                        Contains("[numerical_check]") && Contains("'log'") && Contains("1 NaN") && Contains("shape 2"));
    REQUIRE_THROWS_WITH(div(vec({1.0, 2.0}, dt), vec({0.0, 1.0}, dt)), Contains("'div'") && Contains("1 +Inf"));
  }
  // NaN/Inf raised by std::range_error's family: catchable as the standard base, with the code.
  try {
    sqrt(vec({-4.0}));
    FAIL("expected a NumericalError");
  } catch (const std::range_error& e) {
    CHECK(dynamic_cast<const Error&>(e).code() == ErrorCode::kNumerical);
  }
  // Finite results, and non-contiguous / 0-d / empty inputs pass.
  CHECK(sum(exp(vec({0.0, 1.0}))).item() == Approx(1.0 + std::exp(1.0)));
  Tensor m = reshape(vec({1, 2, 3, 4, 5, 6}), {2, 3});
  CHECK(sqrt(transpose(m, 0, 1)).shape() == Shape{3, 2});
  CHECK(log(full({}, 2.0, DType::F32)).item() == Approx(std::log(2.0)));
  CHECK(log(zeros({0, 4}, DType::F32)).numel() == 0);
  // A matmul (BLAS) overflowing to Inf is caught at the same choke point.
  Tensor big = full({2, 2}, 1e200, DType::F64);
  REQUIRE_THROWS_WITH(matmul(big, big), Contains("'matmul'") && Contains("+Inf"));
}

TEST_CASE("numerical check reports only values an op introduced, not ones it was given", "[numerical]") {
  Tensor bad = vec({kNaN, 1.0, kInf});
  CheckOn on;
  // Creating constants and propagating existing NaN/Inf are not new: no error.
  Tensor minus_inf = full({2}, -kInf, DType::F32);
  CHECK(std::isnan(add(bad, 1.0).data<double>()[0]));
  CHECK(std::isinf(mul(bad, 2.0).data<double>()[2]));
  // Inf - Inf is a new NaN.
  REQUIRE_THROWS_WITH(sub(vec({kInf}), vec({kInf})), Contains("'sub'") && Contains("1 NaN"));
  // Masked attention adds -inf on purpose and still gives finite outputs.
  Tensor q = ones({1, 3, 4}, DType::F32);
  Tensor keep = from_buffer(std::vector<uint8_t>{1, 0, 0, 1, 1, 0, 1, 1, 1}.data(), 9, {3, 3}, DType::Bool);
  Tensor out = scaled_dot_product_attention(q, q, q, keep);
  CHECK(out.shape() == Shape{1, 3, 4});
}

TEST_CASE("numerical check in backward names the op whose gradient went bad", "[numerical]") {
  Tensor x = vec({0.0, 4.0});
  ag::set_requires_grad(x, true);
  Tensor y = sum(sqrt(x));  // finite forward; d sqrt(x)/dx = 1 / (2 sqrt(x)) is +Inf at 0
  {
    CheckOn on;
    REQUIRE_THROWS_AS(ag::backward({y}, {}, {true, false}), NumericalError);
    REQUIRE_THROWS_WITH(ag::backward({y}, {}, {true, false}),
                        Contains("in the backward of 'sqrt'") && Contains("+Inf"));
  }
  ag::backward({y});  // off again: the same backward gives the Inf silently
  CHECK(std::isinf(ag::grad(x).data<double>()[0]));
}

TEST_CASE("clip_grad_norm_ with error_if_nonfinite is a NumericalError", "[numerical]") {
  Tensor p = vec({1.0, 2.0});
  ag::set_requires_grad(p, true);
  ag::set_grad(p, vec({kNaN, 1.0}));
  REQUIRE_THROWS_AS(optim::clip_grad_norm_({p}, 1.0, 2.0, true), NumericalError);
  REQUIRE_THROWS_WITH(optim::clip_grad_norm_({p}, 1.0, 2.0, true), Contains("nan"));
}
