// Selective scan op entry points: argument checks, dtype promotion and the kernel calls.
#include "core/ops/ssm.h"

#include "core/allocator.h"
#include "core/autograd/derivatives/ssm.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/dispatch.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "kernels/params_ssm.h"

namespace tfl {

namespace {

struct ScanDims {
  int64_t batch, len, dim, state;
  DType dtype;   // promoted dtype of the operands (and of the results)
  DType kernel;  // dtype the kernel runs in
};

// Validates the operands of selective_scan (and its backward) and returns their sizes.
ScanDims check_scan(const char* op, int kernel_op, const Tensor& u, const Tensor& delta, const Tensor& A,
                    const Tensor& B, const Tensor& C, const Tensor& D) {
  check_defined(u, op, "u");
  check_defined(delta, op, "delta");
  check_defined(A, op, "A");
  check_defined(B, op, "B");
  check_defined(C, op, "C");
  if (u.ndim() != 3)
    TFL_THROW(ShapeError, op, "u must be (batch, len, dim), got shape ", shape_str(u.shape()));
  if (delta.shape() != u.shape())
    TFL_THROW(ShapeError, op, "delta must have u's shape ", shape_str(u.shape()), ", got ", shape_str(delta.shape()));
  const int64_t batch = u.shape()[0], len = u.shape()[1], dim = u.shape()[2];
  if (A.ndim() != 2 || A.shape()[0] != dim)
    TFL_THROW(ShapeError, op, "A must be (dim, state) with dim = ", dim, " (u is ", shape_str(u.shape()),
              "), got shape ", shape_str(A.shape()));
  const int64_t state = A.shape()[1];
  const Shape bc{batch, len, state};
  if (B.shape() != bc)
    TFL_THROW(ShapeError, op, "B must be (batch, len, state) = ", shape_str(bc), ", got shape ", shape_str(B.shape()));
  if (C.shape() != bc)
    TFL_THROW(ShapeError, op, "C must be (batch, len, state) = ", shape_str(bc), ", got shape ", shape_str(C.shape()));
  if (D.defined() && D.shape() != Shape{dim})
    TFL_THROW(ShapeError, op, "D must be (dim) = (", dim, "), got shape ", shape_str(D.shape()));

  DType dt = promote_types(u.dtype(), delta.dtype(), op);
  for (const Tensor* t : {&A, &B, &C, &D})
    if (t->defined()) dt = promote_types(dt, t->dtype(), op);
  if (!is_floating(dt))
    TFL_THROW(DTypeError, op, "expects floating-point operands, got u ", dtype_name(u.dtype()), ", delta ",
              dtype_name(delta.dtype()), ", A ", dtype_name(A.dtype()), ", B ", dtype_name(B.dtype()), ", C ",
              dtype_name(C.dtype()));
  for (const Tensor* t : {&delta, &A, &B, &C, &D})
    if (t->defined() && t->device() != u.device()) TFL_THROW(DeviceError, op, "all operands must be on one device");
  const DType kernel = has_kernel(kernel_op, u.device().type, dt) ? dt : compute_dtype(dt);
  return ScanDims{batch, len, dim, state, dt, kernel};
}

// A dense copy (or the tensor itself) in the kernel dtype; undefined stays undefined.
Tensor dense(const Tensor& t, DType dt) { return t.defined() ? contiguous(cast_if_needed(t, dt)) : Tensor(); }
const void* ptr(const Tensor& t) { return t.defined() ? t.data_ptr() : nullptr; }

}  // namespace

Tensor selective_scan(const Tensor& u, const Tensor& delta, const Tensor& A, const Tensor& B, const Tensor& C,
                      const Tensor& D) {
  MemoryOpTag memory_scope("selective_scan");  // tags this op's allocations for the memory profiler
  static const int op = op_index("selective_scan");
  const ScanDims s = check_scan("selective_scan", op, u, delta, A, B, C, D);
  Tensor y;
  {
    // The dense copies only feed the kernel; they must not enter the graph.
    autograd::NoGradGuard no_grad;
    Kernel kernel = find_kernel(op, u.device().type, s.kernel);
    Tensor uk = dense(u, s.kernel), dk = dense(delta, s.kernel), ak = dense(A, s.kernel), bk = dense(B, s.kernel),
           ck = dense(C, s.kernel), sk = dense(D, s.kernel);
    y = Tensor::empty(u.shape(), s.kernel, u.device());
    SelectiveScanParams p{s.batch, s.len, s.dim, s.state, ptr(uk), ptr(dk), ptr(ak), ptr(bk), ptr(ck), ptr(sk),
                          y.data_ptr()};
    KernelArgs args;
    args.out = make_arg(y.data_ptr(), s.kernel, y.shape(), y.strides());
    args.params = &p;
    if (y.numel() > 0) kernel(args);
    y = cast_if_needed(y, s.dtype);
  }
  if (autograd::needs_grad({u, delta, A, B, C, D})) autograd::record_selective_scan(u, delta, A, B, C, D, y);
  return y;
}

std::vector<Tensor> selective_scan_backward(const Tensor& grad_y, const Tensor& u, const Tensor& delta,
                                            const Tensor& A, const Tensor& B, const Tensor& C, const Tensor& D) {
  MemoryOpTag memory_scope("selective_scan_backward");  // tags this op's allocations for the memory profiler
  static const int op = op_index("selective_scan_backward");
  const char* name = "selective_scan_backward";
  const ScanDims s = check_scan(name, op, u, delta, A, B, C, D);
  check_defined(grad_y, name, "grad_y");
  if (grad_y.shape() != u.shape())
    TFL_THROW(ShapeError, name, "grad_y must have the output's shape ", shape_str(u.shape()), ", got ",
              shape_str(grad_y.shape()));
  if (!is_floating(grad_y.dtype()))
    TFL_THROW(DTypeError, name, "grad_y must be floating-point, got ", dtype_name(grad_y.dtype()));
  autograd::NoGradGuard no_grad;
  std::vector<Tensor> grads;
  if (s.batch * s.len * s.dim == 0) {
    // No lane runs: every gradient is an empty or all-zero sum.
    for (const Tensor* t : {&u, &delta, &A, &B, &C, &D})
      grads.push_back(t->defined() ? zeros(t->shape(), s.dtype, u.device()) : Tensor());
    return grads;
  }
  Kernel kernel = find_kernel(op, u.device().type, s.kernel);
  Tensor gk = dense(grad_y, s.kernel), uk = dense(u, s.kernel), dk = dense(delta, s.kernel), ak = dense(A, s.kernel),
         bk = dense(B, s.kernel), ck = dense(C, s.kernel), sk = dense(D, s.kernel);
  for (const Tensor* t : {&u, &delta, &A, &B, &C, &D})
    grads.push_back(t->defined() ? Tensor::empty(t->shape(), s.kernel, u.device()) : Tensor());
  SelectiveScanBackwardParams p{s.batch,     s.len,   s.dim,   s.state,  ptr(gk),  ptr(uk),  ptr(dk),
                                ptr(ak),     ptr(bk), ptr(ck), ptr(sk),  grads[0].data_ptr(), grads[1].data_ptr(),
                                grads[2].data_ptr(), grads[3].data_ptr(), grads[4].data_ptr(),
                                grads[5].defined() ? grads[5].data_ptr() : nullptr};
  KernelArgs args;
  args.out = make_arg(grads[0].data_ptr(), s.kernel, grads[0].shape(), grads[0].strides());
  args.params = &p;
  kernel(args);
  for (Tensor& g : grads)
    if (g.defined()) g = cast_if_needed(g, s.dtype);
  return grads;
}

}  // namespace tfl
