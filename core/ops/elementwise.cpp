// Elementwise op entry points: each names its kernel and its dtype rule; elementwise_util does the rest.
#include "core/ops/elementwise.h"

#include <cmath>

#include "core/allocator.h"
#include "core/autograd/derivatives/elementwise.h"
#include "core/autograd/variable.h"
#include "core/dispatch.h"
#include "core/ops/copy.h"
#include "core/ops/elementwise_util.h"
#include "kernels/params_elementwise.h"

namespace tfl {

#define TFL_OP_INDEX(name) ([] { static const int i = op_index(#name); return i; }())

namespace {

constexpr ResultType kNum = ResultType::kNumericSame;
constexpr ResultType kFlt = ResultType::kFloat;
constexpr ResultType kBool = ResultType::kBool;

// Float-valued ops with a float scalar: an integer tensor is cast to f32 first, so that 0.5 is not
// rejected as a non-integral scalar for an integer tensor.
Tensor as_float_operand(const Tensor& t, const char* op, const char* arg) {
  check_defined(t, op, arg);
  return is_floating(t.dtype()) ? t : cast_if_needed(t, kDefaultFloat);
}

// Note [Arithmetic fast path]
// The common call, two contiguous CPU tensors of one shape and dtype, needs no promotion, casting or
// broadcasting; skipping that machinery (Dims copies, stride computations, shared_ptr traffic) is
// most of the per-call cost of a small op. Anything else goes through binary_op, which also
// produces every error message, so behaviour is identical.
Tensor arith(int op, const Tensor& a, const Tensor& b, ResultType rt) {
  MemoryOpTag memory_scope(op_name(op));  // tags this op's allocations for the memory profiler
  if (a.defined() && b.defined()) {
    const DType dt = a.dtype();
    const bool dtype_ok = rt == ResultType::kFloat ? is_floating(dt) : dt != DType::Bool;
    if (dtype_ok && dt == b.dtype() && a.device().type == DeviceType::CPU && a.device() == b.device() &&
        a.shape() == b.shape() && a.is_contiguous() && b.is_contiguous()) {
      Kernel kernel = find_kernel(op, DeviceType::CPU, dt);
      Tensor o = Tensor::empty(a.shape(), dt, a.device());
      // All three are dense and alike: the kernel sees them as one flat run.
      const int64_t flat_shape[1] = {o.numel()};
      const int64_t unit_stride[1] = {1};
      KernelArgs args;
      args.out = TensorArg{static_cast<char*>(o.data_ptr()), dt, 1, flat_shape, unit_stride};
      args.in[0] = TensorArg{static_cast<char*>(a.data_ptr()), dt, 1, flat_shape, unit_stride};
      args.in[1] = TensorArg{static_cast<char*>(b.data_ptr()), dt, 1, flat_shape, unit_stride};
      args.nin = 2;
      kernel(args);
      return o;
    }
  }
  return binary_op(op, a, b, rt);
}

// Note [out= forms]
// Writing into a caller's tensor is not differentiable (like PyTorch's out=): the result would need a
// grad_fn while `out` may be a leaf or alias an input. Rather than silently dropping gradients, these
// forms refuse inputs that require grad while grad mode is on.
Tensor& out_op(int op, Tensor& out, const Tensor& a, const Tensor& b, ResultType rt) {
  check_defined(out, op_name(op), "out");
  if (autograd::needs_grad({a, b, out}))
    TFL_THROW(InvalidArgumentError, op_name(op), "the out= form does not support automatic differentiation, but an ",
              "argument requires grad; call the functional form, or run under NoGradGuard");
  binary_op(op, a, b, rt, out);
  return out;
}

// Logical ops read operands as truth values: casting to bool first lets any two dtypes meet.
Tensor logical_binary(int op, const Tensor& a, const Tensor& b) {
  check_defined(a, op_name(op), "a");
  check_defined(b, op_name(op), "b");
  return binary_op(op, cast_if_needed(a, DType::Bool), cast_if_needed(b, DType::Bool), kBool);
}

}  // namespace

// --- binary arithmetic ----------------------------------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = arith(TFL_OP_INDEX(add), a, b, kNum);
  if (autograd::needs_grad({a, b})) autograd::record_add(a, b, out);
  return out;
}
Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = arith(TFL_OP_INDEX(sub), a, b, kNum);
  if (autograd::needs_grad({a, b})) autograd::record_sub(a, b, out);
  return out;
}
Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = arith(TFL_OP_INDEX(mul), a, b, kNum);
  if (autograd::needs_grad({a, b})) autograd::record_mul(a, b, out);
  return out;
}
Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = arith(TFL_OP_INDEX(div), a, b, kFlt);
  if (autograd::needs_grad({a, b})) autograd::record_div(a, b, out);
  return out;
}
Tensor floor_divide(const Tensor& a, const Tensor& b) {
  Tensor out = binary_op(TFL_OP_INDEX(floor_divide), a, b, kNum);
  if (autograd::needs_grad({a, b})) autograd::record_floor_divide(a, b, out);
  return out;
}
Tensor remainder(const Tensor& a, const Tensor& b) {
  Tensor out = binary_op(TFL_OP_INDEX(remainder), a, b, kNum);
  if (autograd::needs_grad({a, b})) autograd::record_remainder(a, b, out);
  return out;
}
Tensor pow(const Tensor& a, const Tensor& b) {
  Tensor out = binary_op(TFL_OP_INDEX(pow), a, b, kNum);
  if (autograd::needs_grad({a, b})) autograd::record_pow(a, b, out);
  return out;
}
Tensor maximum(const Tensor& a, const Tensor& b) {
  Tensor out = binary_op(TFL_OP_INDEX(maximum), a, b, kNum);
  if (autograd::needs_grad({a, b})) autograd::record_maximum(a, b, out);
  return out;
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  Tensor out = binary_op(TFL_OP_INDEX(minimum), a, b, kNum);
  if (autograd::needs_grad({a, b})) autograd::record_minimum(a, b, out);
  return out;
}
Tensor atan2(const Tensor& a, const Tensor& b) {
  Tensor out = binary_op(TFL_OP_INDEX(atan2), a, b, kFlt);
  if (autograd::needs_grad({a, b})) autograd::record_atan2(a, b, out);
  return out;
}

Tensor add(const Tensor& a, double b) {
  Tensor out = binary_scalar_op(TFL_OP_INDEX(add), a, b, kNum);
  if (autograd::needs_grad({a})) autograd::record_add_scalar(a, out);
  return out;
}
Tensor add(double a, const Tensor& b) {
  Tensor out = scalar_binary_op(TFL_OP_INDEX(add), a, b, kNum);
  if (autograd::needs_grad({b})) autograd::record_add_scalar(b, out);
  return out;
}
Tensor sub(const Tensor& a, double b) {
  Tensor out = binary_scalar_op(TFL_OP_INDEX(sub), a, b, kNum);
  if (autograd::needs_grad({a})) autograd::record_sub_scalar(a, false, out);
  return out;
}
Tensor sub(double a, const Tensor& b) {
  Tensor out = scalar_binary_op(TFL_OP_INDEX(sub), a, b, kNum);
  if (autograd::needs_grad({b})) autograd::record_sub_scalar(b, true, out);
  return out;
}
Tensor mul(const Tensor& a, double b) {
  Tensor out = binary_scalar_op(TFL_OP_INDEX(mul), a, b, kNum);
  if (autograd::needs_grad({a})) autograd::record_mul_scalar(a, b, out);
  return out;
}
Tensor mul(double a, const Tensor& b) {
  Tensor out = scalar_binary_op(TFL_OP_INDEX(mul), a, b, kNum);
  if (autograd::needs_grad({b})) autograd::record_mul_scalar(b, a, out);
  return out;
}
Tensor div(const Tensor& a, double b) {
  Tensor out = binary_scalar_op(TFL_OP_INDEX(div), as_float_operand(a, "div", "a"), b, kFlt);
  if (autograd::needs_grad({a})) autograd::record_div_scalar(a, b, false, out);
  return out;
}
Tensor div(double a, const Tensor& b) {
  Tensor out = scalar_binary_op(TFL_OP_INDEX(div), a, as_float_operand(b, "div", "b"), kFlt);
  if (autograd::needs_grad({b})) autograd::record_div_scalar(b, a, true, out);
  return out;
}
Tensor floor_divide(const Tensor& a, double b) {
  Tensor out = binary_scalar_op(TFL_OP_INDEX(floor_divide), a, b, kNum);
  if (autograd::needs_grad({a})) autograd::record_floor_divide_scalar(a, out);
  return out;
}
Tensor floor_divide(double a, const Tensor& b) {
  Tensor out = scalar_binary_op(TFL_OP_INDEX(floor_divide), a, b, kNum);
  if (autograd::needs_grad({b})) autograd::record_floor_divide_scalar(b, out);
  return out;
}
Tensor remainder(const Tensor& a, double b) {
  Tensor out = binary_scalar_op(TFL_OP_INDEX(remainder), a, b, kNum);
  if (autograd::needs_grad({a})) autograd::record_remainder_scalar(a, b, false, out);
  return out;
}
Tensor remainder(double a, const Tensor& b) {
  Tensor out = scalar_binary_op(TFL_OP_INDEX(remainder), a, b, kNum);
  if (autograd::needs_grad({b})) autograd::record_remainder_scalar(b, a, true, out);
  return out;
}
Tensor pow(const Tensor& a, double b) {
  Tensor out = binary_scalar_op(TFL_OP_INDEX(pow), a, b, kNum);
  if (autograd::needs_grad({a})) autograd::record_pow_scalar(a, b, false, out);
  return out;
}
Tensor pow(double a, const Tensor& b) {
  Tensor out = scalar_binary_op(TFL_OP_INDEX(pow), a, b, kNum);
  if (autograd::needs_grad({b})) autograd::record_pow_scalar(b, a, true, out);
  return out;
}
Tensor maximum(const Tensor& a, double b) {
  Tensor out = binary_scalar_op(TFL_OP_INDEX(maximum), a, b, kNum);
  if (autograd::needs_grad({a})) autograd::record_maximum_scalar(a, b, out);
  return out;
}
Tensor minimum(const Tensor& a, double b) {
  Tensor out = binary_scalar_op(TFL_OP_INDEX(minimum), a, b, kNum);
  if (autograd::needs_grad({a})) autograd::record_minimum_scalar(a, b, out);
  return out;
}
Tensor atan2(const Tensor& a, double b) {
  Tensor out = binary_scalar_op(TFL_OP_INDEX(atan2), as_float_operand(a, "atan2", "a"), b, kFlt);
  if (autograd::needs_grad({a})) autograd::record_atan2_scalar(a, b, out);
  return out;
}

Tensor& add_out(Tensor& out, const Tensor& a, const Tensor& b) { return out_op(TFL_OP_INDEX(add), out, a, b, kNum); }
Tensor& sub_out(Tensor& out, const Tensor& a, const Tensor& b) { return out_op(TFL_OP_INDEX(sub), out, a, b, kNum); }
Tensor& mul_out(Tensor& out, const Tensor& a, const Tensor& b) { return out_op(TFL_OP_INDEX(mul), out, a, b, kNum); }
Tensor& div_out(Tensor& out, const Tensor& a, const Tensor& b) { return out_op(TFL_OP_INDEX(div), out, a, b, kFlt); }
Tensor& floor_divide_out(Tensor& out, const Tensor& a, const Tensor& b) {
  return out_op(TFL_OP_INDEX(floor_divide), out, a, b, kNum);
}
Tensor& remainder_out(Tensor& out, const Tensor& a, const Tensor& b) {
  return out_op(TFL_OP_INDEX(remainder), out, a, b, kNum);
}
Tensor& pow_out(Tensor& out, const Tensor& a, const Tensor& b) { return out_op(TFL_OP_INDEX(pow), out, a, b, kNum); }
Tensor& maximum_out(Tensor& out, const Tensor& a, const Tensor& b) {
  return out_op(TFL_OP_INDEX(maximum), out, a, b, kNum);
}
Tensor& minimum_out(Tensor& out, const Tensor& a, const Tensor& b) {
  return out_op(TFL_OP_INDEX(minimum), out, a, b, kNum);
}
Tensor& atan2_out(Tensor& out, const Tensor& a, const Tensor& b) {
  return out_op(TFL_OP_INDEX(atan2), out, a, b, kFlt);
}

// --- comparisons ----------------------------------------------------------------------------------
Tensor eq(const Tensor& a, const Tensor& b) { return binary_op(TFL_OP_INDEX(eq), a, b, kBool); }
Tensor ne(const Tensor& a, const Tensor& b) { return binary_op(TFL_OP_INDEX(ne), a, b, kBool); }
Tensor lt(const Tensor& a, const Tensor& b) { return binary_op(TFL_OP_INDEX(lt), a, b, kBool); }
Tensor le(const Tensor& a, const Tensor& b) { return binary_op(TFL_OP_INDEX(le), a, b, kBool); }
Tensor gt(const Tensor& a, const Tensor& b) { return binary_op(TFL_OP_INDEX(gt), a, b, kBool); }
Tensor ge(const Tensor& a, const Tensor& b) { return binary_op(TFL_OP_INDEX(ge), a, b, kBool); }
Tensor eq(const Tensor& a, double b) { return binary_scalar_op(TFL_OP_INDEX(eq), a, b, kBool); }
Tensor ne(const Tensor& a, double b) { return binary_scalar_op(TFL_OP_INDEX(ne), a, b, kBool); }
Tensor lt(const Tensor& a, double b) { return binary_scalar_op(TFL_OP_INDEX(lt), a, b, kBool); }
Tensor le(const Tensor& a, double b) { return binary_scalar_op(TFL_OP_INDEX(le), a, b, kBool); }
Tensor gt(const Tensor& a, double b) { return binary_scalar_op(TFL_OP_INDEX(gt), a, b, kBool); }
Tensor ge(const Tensor& a, double b) { return binary_scalar_op(TFL_OP_INDEX(ge), a, b, kBool); }

// --- logical, selection, tests --------------------------------------------------------------------
Tensor logical_and(const Tensor& a, const Tensor& b) { return logical_binary(TFL_OP_INDEX(logical_and), a, b); }
Tensor logical_or(const Tensor& a, const Tensor& b) { return logical_binary(TFL_OP_INDEX(logical_or), a, b); }
Tensor logical_xor(const Tensor& a, const Tensor& b) { return logical_binary(TFL_OP_INDEX(logical_xor), a, b); }
Tensor logical_not(const Tensor& a) { return unary_op(TFL_OP_INDEX(logical_not), a, kBool); }

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  check_defined(cond, "where", "cond");
  check_defined(a, "where", "a");
  check_defined(b, "where", "b");
  if (cond.dtype() != DType::Bool)
    TFL_THROW(DTypeError, "where", "cond must be bool, got ", dtype_name(cond.dtype()));
  DType dt = promote_types(a.dtype(), b.dtype(), "where");
  Tensor out = ternary_op(TFL_OP_INDEX(where), cond, cast_if_needed(a, dt), cast_if_needed(b, dt), dt, dt);
  if (autograd::needs_grad({a, b})) autograd::record_where(cond, a, b, out);
  return out;
}

Tensor isnan(const Tensor& a) { return unary_op(TFL_OP_INDEX(isnan), a, kBool); }
Tensor isinf(const Tensor& a) { return unary_op(TFL_OP_INDEX(isinf), a, kBool); }
Tensor isfinite(const Tensor& a) { return unary_op(TFL_OP_INDEX(isfinite), a, kBool); }

// --- unary ----------------------------------------------------------------------------------------
Tensor neg(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(neg), a, kNum);
  if (autograd::needs_grad({a})) autograd::record_neg(a, out);
  return out;
}
Tensor abs(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(abs), a, kNum);
  if (autograd::needs_grad({a})) autograd::record_abs(a, out);
  return out;
}
Tensor sign(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(sign), a, kNum);
  if (autograd::needs_grad({a})) autograd::record_sign(a, out);
  return out;
}
Tensor square(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(square), a, kNum);
  if (autograd::needs_grad({a})) autograd::record_square(a, out);
  return out;
}
Tensor relu(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(relu), a, kNum);
  if (autograd::needs_grad({a})) autograd::record_relu(a, out);
  return out;
}
Tensor floor(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(floor), a, kNum);
  if (autograd::needs_grad({a})) autograd::record_floor(a, out);
  return out;
}
Tensor ceil(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(ceil), a, kNum);
  if (autograd::needs_grad({a})) autograd::record_ceil(a, out);
  return out;
}
Tensor round(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(round), a, kNum);
  if (autograd::needs_grad({a})) autograd::record_round(a, out);
  return out;
}

Tensor clip(const Tensor& a, std::optional<double> lo, std::optional<double> hi) {
  check_defined(a, "clip", "a");
  for (const auto& bound : {lo, hi}) {
    if (!bound) continue;
    if (std::isnan(*bound)) TFL_THROW(InvalidArgumentError, "clip", "a bound is NaN");
    if (is_integral(a.dtype()) && std::floor(*bound) != *bound)
      TFL_THROW(DTypeError, "clip", "the bound ", *bound, " is not an integer and the tensor is ",
                dtype_name(a.dtype()), "; cast the tensor to a float dtype first");
  }
  ClipParams p{lo.value_or(0.0), hi.value_or(0.0), lo.has_value(), hi.has_value()};
  Tensor out = unary_op(TFL_OP_INDEX(clip), a, kNum, Tensor(), &p);
  if (autograd::needs_grad({a})) autograd::record_clip(a, lo, hi, out);
  return out;
}

Tensor exp(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(exp), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_exp(a, out);
  return out;
}
Tensor expm1(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(expm1), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_expm1(a, out);
  return out;
}
Tensor log(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(log), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_log(a, out);
  return out;
}
Tensor log1p(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(log1p), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_log1p(a, out);
  return out;
}
Tensor sqrt(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(sqrt), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_sqrt(a, out);
  return out;
}
Tensor rsqrt(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(rsqrt), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_rsqrt(a, out);
  return out;
}
Tensor sin(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(sin), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_sin(a, out);
  return out;
}
Tensor cos(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(cos), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_cos(a, out);
  return out;
}
Tensor tan(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(tan), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_tan(a, out);
  return out;
}
Tensor tanh(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(tanh), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_tanh(a, out);
  return out;
}
Tensor sigmoid(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(sigmoid), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_sigmoid(a, out);
  return out;
}
Tensor silu(const Tensor& a) {
  Tensor out = unary_op(TFL_OP_INDEX(silu), a, kFlt);
  if (autograd::needs_grad({a})) autograd::record_silu(a, out);
  return out;
}

Tensor leaky_relu(const Tensor& a, double slope) {
  if (!std::isfinite(slope)) TFL_THROW(InvalidArgumentError, "leaky_relu", "slope must be finite, got ", slope);
  LeakyReluParams p{slope};
  Tensor out = unary_op(TFL_OP_INDEX(leaky_relu), a, kFlt, Tensor(), &p);
  if (autograd::needs_grad({a})) autograd::record_leaky_relu(a, slope, out);
  return out;
}
Tensor elu(const Tensor& a, double alpha) {
  if (!std::isfinite(alpha)) TFL_THROW(InvalidArgumentError, "elu", "alpha must be finite, got ", alpha);
  EluParams p{alpha};
  Tensor out = unary_op(TFL_OP_INDEX(elu), a, kFlt, Tensor(), &p);
  if (autograd::needs_grad({a})) autograd::record_elu(a, alpha, out);
  return out;
}
Tensor gelu(const Tensor& a, bool approximate) {
  GeluParams p{approximate};
  Tensor out = unary_op(TFL_OP_INDEX(gelu), a, kFlt, Tensor(), &p);
  if (autograd::needs_grad({a})) autograd::record_gelu(a, approximate, out);
  return out;
}
Tensor softplus(const Tensor& a, double beta, double threshold) {
  if (!std::isfinite(beta) || beta == 0.0)
    TFL_THROW(InvalidArgumentError, "softplus", "beta must be finite and nonzero, got ", beta);
  if (std::isnan(threshold)) TFL_THROW(InvalidArgumentError, "softplus", "threshold is NaN");
  SoftplusParams p{beta, threshold};
  Tensor out = unary_op(TFL_OP_INDEX(softplus), a, kFlt, Tensor(), &p);
  if (autograd::needs_grad({a})) autograd::record_softplus(a, beta, threshold, out);
  return out;
}

}  // namespace tfl
