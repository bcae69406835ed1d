// Elementwise op entry points: each names its kernel and its dtype rule; elementwise_util does the rest.
#include "core/ops/elementwise.h"

#include "core/dispatch.h"
#include "core/ops/elementwise_util.h"

namespace tfl {

#define TFL_OP_INDEX(name) ([] { static const int i = op_index(#name); return i; }())

Tensor add(const Tensor& a, const Tensor& b) { return binary_op(TFL_OP_INDEX(add), a, b, ResultType::kNumericSame); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary_op(TFL_OP_INDEX(sub), a, b, ResultType::kNumericSame); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary_op(TFL_OP_INDEX(mul), a, b, ResultType::kNumericSame); }
Tensor div(const Tensor& a, const Tensor& b) { return binary_op(TFL_OP_INDEX(div), a, b, ResultType::kFloat); }

Tensor add(const Tensor& a, double b) { return binary_scalar_op(TFL_OP_INDEX(add), a, b, ResultType::kNumericSame); }
Tensor sub(const Tensor& a, double b) { return binary_scalar_op(TFL_OP_INDEX(sub), a, b, ResultType::kNumericSame); }
Tensor sub(double a, const Tensor& b) { return scalar_binary_op(TFL_OP_INDEX(sub), a, b, ResultType::kNumericSame); }
Tensor mul(const Tensor& a, double b) { return binary_scalar_op(TFL_OP_INDEX(mul), a, b, ResultType::kNumericSame); }
Tensor div(const Tensor& a, double b) {
  // A float scalar divides an integer tensor into floats, so the scalar takes the float type.
  return binary_scalar_op(TFL_OP_INDEX(div), a, b, ResultType::kFloat);
}
Tensor div(double a, const Tensor& b) { return scalar_binary_op(TFL_OP_INDEX(div), a, b, ResultType::kFloat); }

Tensor& add_out(Tensor& out, const Tensor& a, const Tensor& b) {
  check_defined(out, "add", "out");
  binary_op(TFL_OP_INDEX(add), a, b, ResultType::kNumericSame, out);
  return out;
}
Tensor& sub_out(Tensor& out, const Tensor& a, const Tensor& b) {
  check_defined(out, "sub", "out");
  binary_op(TFL_OP_INDEX(sub), a, b, ResultType::kNumericSame, out);
  return out;
}
Tensor& mul_out(Tensor& out, const Tensor& a, const Tensor& b) {
  check_defined(out, "mul", "out");
  binary_op(TFL_OP_INDEX(mul), a, b, ResultType::kNumericSame, out);
  return out;
}
Tensor& div_out(Tensor& out, const Tensor& a, const Tensor& b) {
  check_defined(out, "div", "out");
  binary_op(TFL_OP_INDEX(div), a, b, ResultType::kFloat, out);
  return out;
}

Tensor neg(const Tensor& a) { return unary_op(TFL_OP_INDEX(neg), a, ResultType::kNumericSame); }
Tensor exp(const Tensor& a) { return unary_op(TFL_OP_INDEX(exp), a, ResultType::kFloat); }
Tensor relu(const Tensor& a) { return unary_op(TFL_OP_INDEX(relu), a, ResultType::kNumericSame); }

}  // namespace tfl
