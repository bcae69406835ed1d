// Elementwise dtype rules, broadcasting and kernel calls.
#include "core/ops/elementwise_util.h"

#include <cmath>

#include "core/allocator.h"
#include "core/autograd/grad_mode.h"
#include "core/dispatch.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"

namespace tfl {

namespace {

// The dtype the kernel computes in, and the result dtype, for inputs of promoted dtype `in`.
void resolve_types(int op, DType in, ResultType rt, DType* compute, DType* result) {
  *compute = in;
  switch (rt) {
    case ResultType::kSame: *result = in; break;
    case ResultType::kBool: *result = DType::Bool; break;
    case ResultType::kFloat:
      if (!is_floating(in)) *compute = kDefaultFloat;
      *result = *compute;
      break;
    case ResultType::kNumericSame:
      if (in == DType::Bool)
        TFL_THROW(DTypeError, op_name(op), "not defined for bool tensors; use the logical ops or cast first");
      *result = in;
      break;
  }
}

void check_out(int op, const Tensor& out, const Shape& shape, DType dtype, Device device) {
  if (out.shape() != shape)
    TFL_THROW(ShapeError, op_name(op), "out has shape ", shape_str(out.shape()), ", result has shape ",
              shape_str(shape));
  if (out.dtype() != dtype)
    TFL_THROW(DTypeError, op_name(op), "out has dtype ", dtype_name(out.dtype()), ", result has dtype ",
              dtype_name(dtype));
  if (out.device() != device)
    TFL_THROW(DeviceError, op_name(op), "out is on ", out.device().str(), ", inputs on ", device.str());
}

// A 0-d tensor for a scalar operand next to a tensor of dtype `like` on `device`.
Tensor scalar_operand(int op, double v, DType like, Device device) {
  if (like == DType::Bool)
    TFL_THROW(DTypeError, op_name(op), "a numeric scalar cannot be combined with a bool tensor");
  if (is_integral(like) && (std::floor(v) != v || !std::isfinite(v)))
    TFL_THROW(DTypeError, op_name(op), "the scalar ", v, " is not an integer and the tensor is ", dtype_name(like),
              "; cast the tensor to a float dtype first");
  if (device.type == DeviceType::CPU) return scalar_tensor(v, like);
  return full(Shape{}, v, like, device);  // made on the device: no host-to-device copy, no wait
}

// Note [Host scalars next to device tensors]
// A 0-d CPU tensor may meet a tensor on another device (as in PyTorch): it is copied there. Backward
// formulas and optimizers build such scalars (mul(g, scalar_tensor(0.5))) without knowing the device.
// Any other mix of devices is a DeviceError.
bool is_host_scalar(const Tensor& t) { return t.ndim() == 0 && t.device().type == DeviceType::CPU; }

Tensor moved_scalar(const Tensor& t, Device device) {
  autograd::NoGradGuard no_grad;  // the op records its own backward with the caller's operands
  return to_device(t, device);
}

// Brings a and b to one device (see the note above), or throws DeviceError naming both devices.
void unify_devices(int op, Tensor& a, Tensor& b) {
  if (a.device() == b.device()) return;
  if (is_host_scalar(a)) a = moved_scalar(a, b.device());
  else if (is_host_scalar(b)) b = moved_scalar(b, a.device());
  else TFL_THROW(DeviceError, op_name(op), "operands are on ", a.device().str(), " and ", b.device().str());
}

}  // namespace

Tensor binary_op(int op, const Tensor& a_in, const Tensor& b_in, ResultType rt, const Tensor& out, const void* params) {
  MemoryOpTag memory_scope(op_name(op));  // tags this op's allocations for the memory profiler
  check_defined(a_in, op_name(op), "a");
  check_defined(b_in, op_name(op), "b");
  Tensor a = a_in, b = b_in;
  unify_devices(op, a, b);
  DType in = promote_types(a.dtype(), b.dtype(), op_name(op));
  DType compute, result;
  resolve_types(op, in, rt, &compute, &result);
  Kernel kernel = find_kernel(op, a.device().type, compute);
  Shape shape = broadcast_shapes(a.shape(), b.shape(), op_name(op));
  Tensor ca = cast_if_needed(a, compute), cb = cast_if_needed(b, compute);
  Tensor o = out;
  if (o.defined()) check_out(op, o, shape, result, a.device());
  else o = Tensor::empty(shape, result, a.device());
  Strides sa = broadcast_strides(ca.shape(), ca.strides(), shape);
  Strides sb = broadcast_strides(cb.shape(), cb.strides(), shape);
  KernelArgs args;
  args.out = make_arg(o.data_ptr(), result, shape, o.strides());
  args.in[0] = make_arg(ca.data_ptr(), compute, shape, sa);
  args.in[1] = make_arg(cb.data_ptr(), compute, shape, sb);
  args.nin = 2;
  args.params = params;
  kernel(args);
  if (out.defined()) o.bump_version();
  return o;
}

Tensor binary_scalar_op(int op, const Tensor& a, double b, ResultType rt, const void* params) {
  check_defined(a, op_name(op), "a");
  return binary_op(op, a, scalar_operand(op, b, a.dtype(), a.device()), rt, Tensor(), params);
}

Tensor scalar_binary_op(int op, double a, const Tensor& b, ResultType rt, const void* params) {
  check_defined(b, op_name(op), "b");
  return binary_op(op, scalar_operand(op, a, b.dtype(), b.device()), b, rt, Tensor(), params);
}

Tensor unary_op(int op, const Tensor& a, ResultType rt, const Tensor& out, const void* params) {
  MemoryOpTag memory_scope(op_name(op));  // tags this op's allocations for the memory profiler
  check_defined(a, op_name(op), "a");
  DType compute, result;
  resolve_types(op, a.dtype(), rt, &compute, &result);
  Kernel kernel = find_kernel(op, a.device().type, compute);
  Tensor ca = cast_if_needed(a, compute);
  Tensor o = out;
  if (o.defined()) check_out(op, o, a.shape(), result, a.device());
  else o = Tensor::empty(a.shape(), result, a.device());
  KernelArgs args;
  args.out = make_arg(o.data_ptr(), result, o.shape(), o.strides());
  args.in[0] = make_arg(ca.data_ptr(), compute, ca.shape(), ca.strides());
  args.nin = 1;
  args.params = params;
  kernel(args);
  if (out.defined()) o.bump_version();
  return o;
}

Tensor ternary_op(int op, const Tensor& a_in, const Tensor& b_in, const Tensor& c_in, DType compute, DType result,
                  const void* params) {
  MemoryOpTag memory_scope(op_name(op));  // tags this op's allocations for the memory profiler
  check_defined(a_in, op_name(op), "a");
  check_defined(b_in, op_name(op), "b");
  check_defined(c_in, op_name(op), "c");
  Tensor a = a_in, b = b_in, c = c_in;
  // The device of the operands that are not host scalars (see Note [Host scalars next to device tensors]).
  Device device = a.device();
  for (const Tensor* t : {&a, &b, &c})
    if (!is_host_scalar(*t)) device = t->device();
  for (Tensor* t : {&a, &b, &c}) {
    if (t->device() == device) continue;
    if (!is_host_scalar(*t))
      TFL_THROW(DeviceError, op_name(op), "operands are on different devices: ", a.device().str(), ", ", b.device().str(),
                ", ", c.device().str());
    *t = moved_scalar(*t, device);
  }
  Kernel kernel = find_kernel(op, a.device().type, compute);
  Shape shape = broadcast_shapes(broadcast_shapes(a.shape(), b.shape(), op_name(op)), c.shape(), op_name(op));
  Tensor o = Tensor::empty(shape, result, a.device());
  Strides sa = broadcast_strides(a.shape(), a.strides(), shape);
  Strides sb = broadcast_strides(b.shape(), b.strides(), shape);
  Strides sc = broadcast_strides(c.shape(), c.strides(), shape);
  KernelArgs args;
  args.out = make_arg(o.data_ptr(), result, shape, o.strides());
  args.in[0] = make_arg(a.data_ptr(), a.dtype(), shape, sa);
  args.in[1] = make_arg(b.data_ptr(), b.dtype(), shape, sb);
  args.in[2] = make_arg(c.data_ptr(), c.dtype(), shape, sc);
  args.nin = 3;
  args.params = params;
  kernel(args);
  return o;
}

}  // namespace tfl
