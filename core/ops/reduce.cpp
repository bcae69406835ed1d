// Reduction and scan entry points: axis validation, result shapes and dtypes, kernel calls.
#include "core/ops/reduce.h"

#include "core/allocator.h"
#include "core/autograd/derivatives/reduce.h"
#include "core/autograd/variable.h"
#include "core/dispatch.h"
#include "kernels/params_reduce.h"

namespace tfl {

namespace {

#define TFL_OP_INDEX(name) ([] { static const int i = op_index(#name); return i; }())

// sum/prod/cumsum/cumprod: integers and bool accumulate into i64 so small types do not overflow;
// u64 stays u64 (as in NumPy), since i64 cannot hold its upper half.
DType accumulate_dtype(DType dt) { return is_floating(dt) || dt == DType::U64 ? dt : DType::I64; }
// mean/var/std/logsumexp are float-valued.
DType float_dtype(DType dt) { return is_floating(dt) ? dt : kDefaultFloat; }

struct ReducePlan {
  uint32_t mask = 0;
  Shape keep_shape;  // the input's shape with size 1 on reduced axes: what the kernel writes
  Shape out_shape;   // keep_shape, or without the reduced axes
  int64_t n_red = 1;
};

ReducePlan plan_reduce(const Tensor& a, const AxisList& axes, bool keepdims, const char* op) {
  check_defined(a, op, "a");
  const int nd = a.ndim();
  ReducePlan p;
  if (axes.empty()) {
    p.mask = nd == 0 ? 0u : static_cast<uint32_t>((1u << nd) - 1u);
  } else {
    for (int64_t ax : axes) {
      int d = normalize_axis(ax, nd, op);
      if (nd == 0) continue;  // a 0-d tensor accepts axis 0/-1 (see normalize_axis) and reduces nothing
      if ((p.mask >> d) & 1u) TFL_THROW(InvalidArgumentError, op, "duplicate axis ", ax, " in the axis list");
      p.mask |= 1u << d;
    }
  }
  for (int d = 0; d < nd; ++d) {
    const int64_t n = a.shape()[d];
    if ((p.mask >> d) & 1u) {
      p.n_red *= n;
      p.keep_shape.push_back(1);
      if (keepdims) p.out_shape.push_back(1);
    } else {
      p.keep_shape.push_back(n);
      p.out_shape.push_back(n);
    }
  }
  return p;
}

// Refuses reductions that have no identity (max, min, argmax, argmin) over a zero-size extent.
void check_nonempty(const Tensor& a, const ReducePlan& p, const char* op) {
  if (p.n_red == 0)
    TFL_THROW(TensorOpError, op, "cannot reduce a zero-size extent of a tensor of shape ", shape_str(a.shape()),
              " (the operation has no identity)");
}

Tensor run_reduce(int op, const Tensor& a, const ReducePlan& p, DType out_dtype, const ReduceParams& params) {
  MemoryOpTag memory_scope(op_name(op));  // tags this op's allocations for the memory profiler
  Kernel kernel = find_kernel(op, a.device().type, a.dtype());
  Tensor out = Tensor::empty(p.keep_shape, out_dtype, a.device());
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), out_dtype, out.shape(), out.strides());
  args.in[0] = make_arg(a.data_ptr(), a.dtype(), a.shape(), a.strides());
  args.nin = 1;
  args.params = &params;
  kernel(args);
  if (p.out_shape == p.keep_shape) return out;
  // Dropping size-1 axes of a contiguous tensor leaves it contiguous: a view, no copy.
  return out.as_strided(p.out_shape, contiguous_strides(p.out_shape), out.offset());
}

Tensor reduce(int op, const Tensor& a, const AxisList& axes, bool keepdims, DType out_dtype,
              bool needs_nonempty = false, double correction = 0.0) {
  ReducePlan p = plan_reduce(a, axes, keepdims, op_name(op));
  if (needs_nonempty) check_nonempty(a, p, op_name(op));
  ReduceParams params;
  params.axes_mask = p.mask;
  params.correction = correction;
  return run_reduce(op, a, p, out_dtype, params);
}

Tensor arg_reduce(int op, const Tensor& a, std::optional<int64_t> axis, bool keepdims) {
  check_defined(a, op_name(op), "a");
  AxisList axes;
  if (axis) axes.push_back(*axis);
  return reduce(op, a, axes, keepdims, DType::I64, true);
}

Tensor scan(int op, const Tensor& a, int64_t axis) {
  MemoryOpTag memory_scope(op_name(op));  // tags this op's allocations for the memory profiler
  check_defined(a, op_name(op), "a");
  ScanParams params;
  params.axis = normalize_axis(axis, a.ndim(), op_name(op));
  DType out_dtype = accumulate_dtype(a.dtype());
  Kernel kernel = find_kernel(op, a.device().type, a.dtype());
  Tensor out = Tensor::empty(a.shape(), out_dtype, a.device());
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), out_dtype, out.shape(), out.strides());
  args.in[0] = make_arg(a.data_ptr(), a.dtype(), a.shape(), a.strides());
  args.nin = 1;
  args.params = &params;
  kernel(args);
  return out;
}

}  // namespace

Tensor sum(const Tensor& a, const AxisList& axes, bool keepdims) {
  check_defined(a, "sum", "a");
  Tensor out = reduce(TFL_OP_INDEX(sum), a, axes, keepdims, accumulate_dtype(a.dtype()));
  if (autograd::needs_grad({a})) autograd::record_sum(a, axes, keepdims, out);
  return out;
}
Tensor prod(const Tensor& a, const AxisList& axes, bool keepdims) {
  check_defined(a, "prod", "a");
  Tensor out = reduce(TFL_OP_INDEX(prod), a, axes, keepdims, accumulate_dtype(a.dtype()));
  if (autograd::needs_grad({a})) autograd::record_prod(a, axes, keepdims, out);
  return out;
}
Tensor mean(const Tensor& a, const AxisList& axes, bool keepdims) {
  check_defined(a, "mean", "a");
  Tensor out = reduce(TFL_OP_INDEX(mean), a, axes, keepdims, float_dtype(a.dtype()));
  if (autograd::needs_grad({a})) autograd::record_mean(a, axes, keepdims, out);
  return out;
}
Tensor max(const Tensor& a, const AxisList& axes, bool keepdims) {
  check_defined(a, "max", "a");
  Tensor out = reduce(TFL_OP_INDEX(max), a, axes, keepdims, a.dtype(), true);
  if (autograd::needs_grad({a})) autograd::record_extremum("max", a, axes, keepdims, out);
  return out;
}
Tensor min(const Tensor& a, const AxisList& axes, bool keepdims) {
  check_defined(a, "min", "a");
  Tensor out = reduce(TFL_OP_INDEX(min), a, axes, keepdims, a.dtype(), true);
  if (autograd::needs_grad({a})) autograd::record_extremum("min", a, axes, keepdims, out);
  return out;
}
Tensor var(const Tensor& a, const AxisList& axes, double correction, bool keepdims) {
  check_defined(a, "var", "a");
  if (!(correction >= 0)) TFL_THROW(InvalidArgumentError, "var", "correction must be >= 0, got ", correction);
  Tensor out = reduce(TFL_OP_INDEX(var), a, axes, keepdims, float_dtype(a.dtype()), false, correction);
  if (autograd::needs_grad({a})) autograd::record_var(a, axes, correction, keepdims, out);
  return out;
}
Tensor std_dev(const Tensor& a, const AxisList& axes, double correction, bool keepdims) {
  check_defined(a, "std", "a");
  if (!(correction >= 0)) TFL_THROW(InvalidArgumentError, "std", "correction must be >= 0, got ", correction);
  Tensor out = reduce(TFL_OP_INDEX(std), a, axes, keepdims, float_dtype(a.dtype()), false, correction);
  if (autograd::needs_grad({a})) autograd::record_std(a, axes, correction, keepdims, out);
  return out;
}
Tensor logsumexp(const Tensor& a, const AxisList& axes, bool keepdims) {
  check_defined(a, "logsumexp", "a");
  Tensor out = reduce(TFL_OP_INDEX(logsumexp), a, axes, keepdims, float_dtype(a.dtype()));
  if (autograd::needs_grad({a})) autograd::record_logsumexp(a, axes, keepdims, out);
  return out;
}
Tensor all(const Tensor& a, const AxisList& axes, bool keepdims) {
  return reduce(TFL_OP_INDEX(all), a, axes, keepdims, DType::Bool);
}
Tensor any(const Tensor& a, const AxisList& axes, bool keepdims) {
  return reduce(TFL_OP_INDEX(any), a, axes, keepdims, DType::Bool);
}

Tensor argmax(const Tensor& a, std::optional<int64_t> axis, bool keepdims) {
  return arg_reduce(TFL_OP_INDEX(argmax), a, axis, keepdims);
}
Tensor argmin(const Tensor& a, std::optional<int64_t> axis, bool keepdims) {
  return arg_reduce(TFL_OP_INDEX(argmin), a, axis, keepdims);
}

Tensor cumsum(const Tensor& a, int64_t axis) {
  Tensor out = scan(TFL_OP_INDEX(cumsum), a, axis);
  if (autograd::needs_grad({a})) autograd::record_cumsum(a, axis, out);
  return out;
}
Tensor cumprod(const Tensor& a, int64_t axis) {
  Tensor out = scan(TFL_OP_INDEX(cumprod), a, axis);
  if (autograd::needs_grad({a})) autograd::record_cumprod(a, axis, out);
  return out;
}

}  // namespace tfl
