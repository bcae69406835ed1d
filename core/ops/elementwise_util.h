// Shared machinery of elementwise ops: dtype rules, broadcasting, output allocation, kernel call.
#pragma once

#include "core/tensor.h"

namespace tfl {

// How an elementwise op's result dtype follows from its (promoted) input dtype.
enum class ResultType {
  kSame,         // the promoted input dtype (add, maximum, ...)
  kBool,         // bool (comparisons, isnan, logical ops)
  kFloat,        // floating: integer and bool inputs are computed in the default float (exp, div, ...)
  kNumericSame,  // the promoted dtype, but bool inputs are a DTypeError (arithmetic such as sub, neg)
};

// Runs kernel `op` (registered under the computation dtype) on a, b broadcast together. When `out`
// is defined the result is written there (its shape must equal the broadcast shape and its dtype
// the result dtype) and returned; otherwise a new tensor is returned.
Tensor binary_op(int op, const Tensor& a, const Tensor& b, ResultType rt, const Tensor& out = Tensor(),
                 const void* params = nullptr);
// Same with b a scalar of a's dtype; an integer tensor with a non-integral scalar, or a float-only
// op, follow the same rules as a tensor operand of that kind.
Tensor binary_scalar_op(int op, const Tensor& a, double b, ResultType rt, const void* params = nullptr);
Tensor scalar_binary_op(int op, double a, const Tensor& b, ResultType rt, const void* params = nullptr);
Tensor unary_op(int op, const Tensor& a, ResultType rt, const Tensor& out = Tensor(), const void* params = nullptr);
// Three operands (where, clip with tensor bounds): a, b, c broadcast together; kernel is looked up
// under the dtype of b (a is bool for where).
Tensor ternary_op(int op, const Tensor& a, const Tensor& b, const Tensor& c, DType compute, DType result,
                  const void* params = nullptr);

}  // namespace tfl
