// Linear algebra op entry points: shape rules of matmul/dot/outer, then the "matmul" kernel.
#include "core/ops/linalg.h"

#include "core/allocator.h"
#include "core/autograd/derivatives/linalg.h"
#include "core/autograd/variable.h"
#include "core/dispatch.h"
#include "core/ops/copy.h"
#include "core/ops/elementwise.h"

namespace tfl {

namespace {

// Strides that address t's values in row-major order of `shape` (same numel), copying t first when it
// is not contiguous. A metadata-only reshape for the flattening views dot and outer need.
Tensor reshaped(const Tensor& t, const Shape& shape) {
  Tensor c = contiguous(t);
  return c.as_strided(shape, contiguous_strides(shape), c.offset());
}

DType matmul_dtype(const Tensor& a, const Tensor& b, const char* op) {
  DType dt = promote_types(a.dtype(), b.dtype(), op);
  if (dt == DType::Bool)
    TFL_THROW(DTypeError, op, "not defined for bool operands (", dtype_name(a.dtype()), " and ", dtype_name(b.dtype()),
              "); cast to a numeric dtype first");
  return dt;
}

Tensor matmul_impl(const Tensor& a, const Tensor& b, const char* op) {
  MemoryOpTag memory_scope(op);  // tags this op's allocations for the memory profiler
  static const int kMatmul = op_index("matmul");
  check_defined(a, op, "a");
  check_defined(b, op, "b");
  if (a.device() != b.device())
    TFL_THROW(DeviceError, op, "operands are on ", a.device().str(), " and ", b.device().str());
  if (a.ndim() == 0 || b.ndim() == 0)
    TFL_THROW(ShapeError, op, "operands must have at least 1 dimension, got shapes ", shape_str(a.shape()), " and ",
              shape_str(b.shape()));
  const DType dt = matmul_dtype(a, b, op);
  // Reduced-precision floats multiply in f32 unless a device has a native kernel for them.
  const DType compute = has_kernel(kMatmul, a.device().type, dt) ? dt : compute_dtype(dt);
  Kernel kernel = find_kernel(kMatmul, a.device().type, compute);

  // Matrix views: a 1-D left operand is a 1xK row, a 1-D right operand a Kx1 column (the stride of
  // the added size-1 dimension is never used).
  const bool a_vec = a.ndim() == 1, b_vec = b.ndim() == 1;
  Shape ash = a.shape(), bsh = b.shape();
  Strides ast = a.strides(), bst = b.strides();
  if (a_vec) {
    ash.insert(0, 1);
    ast.insert(0, 0);
  }
  if (b_vec) {
    bsh.push_back(1);
    bst.push_back(0);
  }
  const int an = ash.size(), bn = bsh.size();
  const int64_t m = ash[an - 2], k = ash[an - 1], n = bsh[bn - 1];
  if (bsh[bn - 2] != k)
    TFL_THROW(ShapeError, op, "shapes ", shape_str(a.shape()), " and ", shape_str(b.shape()),
              " are not aligned: a has ", k, " columns, b has ", bsh[bn - 2], " rows");
  Shape abatch(ash.data(), static_cast<size_t>(an - 2)), bbatch(bsh.data(), static_cast<size_t>(bn - 2));
  Shape batch;
  try {
    batch = broadcast_shapes(abatch, bbatch, op);
  } catch (const ShapeError&) {
    TFL_THROW(ShapeError, op, "batch dimensions of shapes ", shape_str(a.shape()), " and ", shape_str(b.shape()),
              " cannot be broadcast together");
  }

  // Kernel layout: out (batch..., m, n) row-major; inputs (batch..., m, k) and (batch..., k, n) with
  // stride 0 on broadcast batch dimensions.
  Shape kshape_out = batch, kshape_a = batch, kshape_b = batch;
  kshape_out.push_back(m);
  kshape_out.push_back(n);
  kshape_a.push_back(m);
  kshape_a.push_back(k);
  kshape_b.push_back(k);
  kshape_b.push_back(n);
  Tensor ca = cast_if_needed(a, compute), cb = cast_if_needed(b, compute);
  // A cast copy is contiguous; recompute its matrix strides the same way as above.
  if (ca.dtype() != a.dtype()) {
    ast = contiguous_strides(ash);
  }
  if (cb.dtype() != b.dtype()) {
    bst = contiguous_strides(bsh);
  }
  Strides sa = broadcast_strides(abatch, Strides(ast.data(), static_cast<size_t>(an - 2)), batch);
  Strides sb = broadcast_strides(bbatch, Strides(bst.data(), static_cast<size_t>(bn - 2)), batch);
  sa.push_back(ast[an - 2]);
  sa.push_back(ast[an - 1]);
  sb.push_back(bst[bn - 2]);
  sb.push_back(bst[bn - 1]);

  Tensor out = Tensor::empty(kshape_out, compute, a.device());
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), compute, kshape_out, out.strides());
  args.in[0] = make_arg(ca.data_ptr(), compute, kshape_a, sa);
  args.in[1] = make_arg(cb.data_ptr(), compute, kshape_b, sb);
  args.nin = 2;
  kernel(args);

  // Drop the dimensions added for 1-D operands; the result is row-major, so this is a relabelling.
  Shape final_shape = batch;
  if (!a_vec) final_shape.push_back(m);
  if (!b_vec) final_shape.push_back(n);
  out = out.as_strided(final_shape, contiguous_strides(final_shape), out.offset());
  return cast_if_needed(out, dt);
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  Tensor out = matmul_impl(a, b, "matmul");
  if (autograd::needs_grad({a, b})) autograd::record_matmul("matmul", a, b, out);
  return out;
}

Tensor dot(const Tensor& a, const Tensor& b) {
  check_defined(a, "dot", "a");
  check_defined(b, "dot", "b");
  matmul_dtype(a, b, "dot");
  if (a.ndim() == 0 || b.ndim() == 0) return mul(a, b);
  // With b of rank <= 2, numpy.dot and numpy.matmul agree (a's leading dimensions act as rows).
  if (b.ndim() <= 2) {
    Tensor out = matmul_impl(a, b, "dot");
    if (autograd::needs_grad({a, b})) autograd::record_matmul("dot", a, b, out);
    return out;
  }
  const int64_t k = a.shape().back(), bk = b.size(-2), n = b.size(-1);
  if (k != bk)
    TFL_THROW(ShapeError, "dot", "shapes ", shape_str(a.shape()), " and ", shape_str(b.shape()),
              " are not aligned: a has ", k, " columns, b has ", bk, " rows");
  if (a.ndim() - 1 + b.ndim() - 1 > kMaxDims)
    TFL_THROW(ShapeError, "dot", "result of shapes ", shape_str(a.shape()), " and ", shape_str(b.shape()),
              " would have more than ", kMaxDims, " dimensions");
  // Every matrix of b times all rows of a: (bp, k, n) stacked products of (rows, k) give (bp, rows, n),
  // which is the result with its a- and b-dimensions swapped.
  Shape lead_a(a.shape().data(), static_cast<size_t>(a.ndim() - 1));
  Shape lead_b(b.shape().data(), static_cast<size_t>(b.ndim() - 2));
  const int64_t rows = shape_numel(lead_a), bp = shape_numel(lead_b);
  Tensor prod = matmul_impl(reshaped(a, Shape{rows, k}), reshaped(b, Shape{bp, k, n}), "dot");
  Shape shape = lead_a;
  Strides strides;
  Strides ra = contiguous_strides(lead_a), rb = contiguous_strides(lead_b);
  for (int d = 0; d < lead_a.size(); ++d) strides.push_back(ra[d] * n);
  for (int d = 0; d < lead_b.size(); ++d) {
    shape.push_back(lead_b[d]);
    strides.push_back(rb[d] * rows * n);
  }
  shape.push_back(n);
  strides.push_back(1);
  Tensor out = contiguous(prod.as_strided(shape, strides, prod.offset()));
  if (autograd::needs_grad({a, b})) autograd::record_dot_contraction(a, b, out);
  return out;
}

Tensor outer(const Tensor& a, const Tensor& b) {
  check_defined(a, "outer", "a");
  check_defined(b, "outer", "b");
  matmul_dtype(a, b, "outer");
  // A (m, 1) column times a (1, n) row: a GEMM with k = 1.
  Tensor out = matmul_impl(reshaped(a, Shape{a.numel(), 1}), reshaped(b, Shape{1, b.numel()}), "outer");
  if (autograd::needs_grad({a, b})) autograd::record_outer(a, b, out);
  return out;
}

}  // namespace tfl
