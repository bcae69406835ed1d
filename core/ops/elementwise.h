// Elementwise ops: unary math, binary arithmetic, comparisons, logical ops, selection, tests.
// Binary ops broadcast (NumPy rules) and promote (array API table, see promote_types).
// Scalar operands take the tensor's dtype; a non-integral scalar with an integer tensor is a
// DTypeError, except for the float-valued ops (div, atan2), which first cast the tensor to f32.
#pragma once

#include <optional>

#include "core/tensor.h"

namespace tfl {

// --- binary arithmetic ----------------------------------------------------------------------------
// Integer add/sub/mul wrap around on overflow (two's complement), like NumPy.
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
// True division: integer inputs give the default float (f32).
Tensor div(const Tensor& a, const Tensor& b);
// floor(a / b). Integers: division by zero gives 0 (NumPy's result, without its warning) and
// INT_MIN // -1 wraps to INT_MIN.
Tensor floor_divide(const Tensor& a, const Tensor& b);
// a - floor(a / b) * b: the result has the sign of the divisor (Python / NumPy). Integers: x % 0 is 0.
Tensor remainder(const Tensor& a, const Tensor& b);
// a ** b. Integers: a negative exponent gives the truncated real result (1 for a == 1, +-1 for
// a == -1, 0 otherwise) instead of NumPy's error; overflow wraps.
Tensor pow(const Tensor& a, const Tensor& b);
// Elementwise max / min; a NaN in either operand gives NaN (numpy.maximum / numpy.minimum).
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
// atan2(a, b) in radians; integer inputs give f32.
Tensor atan2(const Tensor& a, const Tensor& b);

Tensor add(const Tensor& a, double b);
Tensor add(double a, const Tensor& b);
Tensor sub(const Tensor& a, double b);
Tensor sub(double a, const Tensor& b);
Tensor mul(const Tensor& a, double b);
Tensor mul(double a, const Tensor& b);
Tensor div(const Tensor& a, double b);
Tensor div(double a, const Tensor& b);
Tensor floor_divide(const Tensor& a, double b);
Tensor floor_divide(double a, const Tensor& b);
Tensor remainder(const Tensor& a, double b);
Tensor remainder(double a, const Tensor& b);
Tensor pow(const Tensor& a, double b);
Tensor pow(double a, const Tensor& b);
Tensor maximum(const Tensor& a, double b);
Tensor minimum(const Tensor& a, double b);
Tensor atan2(const Tensor& a, double b);

// Write into an existing tensor of the result's shape and dtype (may alias a or b).
// Not differentiable (like PyTorch's out=): InvalidArgumentError when out, a or b requires grad and
// grad mode is on.
Tensor& add_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& sub_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& mul_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& div_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& floor_divide_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& remainder_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& pow_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& maximum_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& minimum_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& atan2_out(Tensor& out, const Tensor& a, const Tensor& b);

// --- comparisons (bool result; operands promote first) -------------------------------------------
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, double b);
Tensor ne(const Tensor& a, double b);
Tensor lt(const Tensor& a, double b);
Tensor le(const Tensor& a, double b);
Tensor gt(const Tensor& a, double b);
Tensor ge(const Tensor& a, double b);

// --- logical ops (any dtypes, mixed allowed: nonzero and NaN are true; bool result) --------------
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_xor(const Tensor& a, const Tensor& b);
Tensor logical_not(const Tensor& a);

// cond ? a : b elementwise; cond must be bool; a and b promote; all three broadcast together.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

// --- tests (bool result; integers and bool are never NaN or infinite, so always finite) ---------
Tensor isnan(const Tensor& a);
Tensor isinf(const Tensor& a);
Tensor isfinite(const Tensor& a);

// --- unary ----------------------------------------------------------------------------------------
// These keep integer dtypes (bool is a DTypeError); integer overflow (neg/abs of INT_MIN, square)
// wraps. floor/ceil/round are the identity on integers.
Tensor neg(const Tensor& a);
Tensor abs(const Tensor& a);
Tensor sign(const Tensor& a);  // -1, 0 or 1; NaN stays NaN
Tensor square(const Tensor& a);
Tensor relu(const Tensor& a);
Tensor floor(const Tensor& a);
Tensor ceil(const Tensor& a);
Tensor round(const Tensor& a);  // halves to even, like numpy.round
// min(max(a, lo), hi) like numpy.clip (so lo > hi gives hi); either bound may be absent. NaN in
// a stays NaN; a NaN bound is an InvalidArgumentError; integer tensors need integral bounds.
Tensor clip(const Tensor& a, std::optional<double> lo, std::optional<double> hi);

// Float-valued: integer and bool inputs compute in f32.
Tensor exp(const Tensor& a);
Tensor expm1(const Tensor& a);
Tensor log(const Tensor& a);
Tensor log1p(const Tensor& a);
Tensor sqrt(const Tensor& a);
Tensor rsqrt(const Tensor& a);
Tensor sin(const Tensor& a);
Tensor cos(const Tensor& a);
Tensor tan(const Tensor& a);
Tensor tanh(const Tensor& a);
Tensor sigmoid(const Tensor& a);
Tensor leaky_relu(const Tensor& a, double slope = 0.01);
Tensor elu(const Tensor& a, double alpha = 1.0);
// Exact x * Phi(x) (erf) by default; approximate = true uses the tanh form.
Tensor gelu(const Tensor& a, bool approximate = false);
Tensor silu(const Tensor& a);
// log1p(exp(beta * x)) / beta, or x where beta * x > threshold (torch.nn.functional.softplus).
Tensor softplus(const Tensor& a, double beta = 1.0, double threshold = 20.0);

}  // namespace tfl
