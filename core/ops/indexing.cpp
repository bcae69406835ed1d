// Indexing ops: validate shapes and dtypes, normalize indices, lay out strides, call the kernels.
#include "core/ops/indexing.h"

#include <cmath>

#include "core/allocator.h"
#include "core/autograd/derivatives/indexing.h"
#include "core/autograd/variable.h"
#include "core/dispatch.h"
#include "core/ops/copy.h"
#include "kernels/params_indexing.h"

namespace tfl {

namespace {

void check_index(const Tensor& index, const Tensor& t, const char* op, const char* arg) {
  check_defined(index, op, arg);
  if (index.dtype() != DType::I32 && index.dtype() != DType::I64)
    TFL_THROW(DTypeError, op, arg, " must have dtype int32 or int64, got ", dtype_name(index.dtype()));
  if (index.device() != t.device())
    TFL_THROW(DeviceError, op, arg, " is on ", index.device().str(), ", the data on ", t.device().str());
}

// A 0-d tensor read as the 1-D tensor of its one element, so kernels always have an axis to index.
Tensor as_1d_if_scalar(const Tensor& t) {
  return t.ndim() == 0 ? t.as_strided(Shape{1}, Strides{1}, t.offset()) : t;
}

// Validates every value of `index` against a dimension of `size` (IndexError before anything is
// written) and returns them wrapped into [0, size) as a new contiguous i64 tensor of index's shape.
Tensor normalize_index(const Tensor& index, int64_t size, int axis, const char* op, bool allow_negative = true) {
  static const int kNormalize = op_index("index_normalize");
  Tensor out = Tensor::empty(index.shape(), DType::I64, index.device());
  IndexNormalizeParams p{op, size, axis, allow_negative};
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), DType::I64, out.shape(), out.strides());
  args.in[0] = make_arg(index.data_ptr(), index.dtype(), index.shape(), index.strides());
  args.nin = 1;
  args.params = &p;
  find_kernel(kNormalize, index.device().type, index.dtype())(args);
  return out;
}

// out[i] = src[i + idx[i] * axis_stride], all three read over out's shape with the given strides.
void run_gather(const Tensor& out, const Tensor& src, const Strides& src_strides, const Tensor& idx,
                const Strides& idx_strides, int64_t axis_stride) {
  static const int kGather = op_index("gather");
  GatherParams p{axis_stride};
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), out.dtype(), out.shape(), out.strides());
  args.in[0] = make_arg(src.data_ptr(), src.dtype(), out.shape(), src_strides);
  args.in[1] = make_arg(idx.data_ptr(), DType::I64, out.shape(), idx_strides);
  args.nin = 2;
  args.params = &p;
  find_kernel(kGather, src.device().type, src.dtype())(args);
}

// acc (fresh, contiguous, compute dtype) += alpha * src scattered by idx along `axis`, iterating
// over `shape` (index shape for scatter_add, src shape for index_add).
void run_scatter_add(const Tensor& acc, int axis, const Shape& shape, const Tensor& src, const Tensor& idx,
                     const Strides& idx_strides, double alpha) {
  static const int kScatterAdd = op_index("scatter_add");
  ScatterParams p{axis, acc.strides()[axis], alpha};
  KernelArgs args;
  args.out = make_arg(acc.data_ptr(), acc.dtype(), acc.shape(), acc.strides());
  args.in[0] = make_arg(src.data_ptr(), src.dtype(), shape, src.strides());
  args.in[1] = make_arg(idx.data_ptr(), DType::I64, shape, idx_strides);
  args.nin = 2;
  args.params = &p;
  find_kernel(kScatterAdd, acc.device().type, acc.dtype())(args);
}

// Strides reading a contiguous 1-D index of length shape[axis] at every position of `shape`.
Strides along_axis_strides(int ndim, int axis) {
  Strides s;
  s.resize(ndim, 0);
  s[axis] = 1;
  return s;
}

void check_same_dtype(const Tensor& t, const Tensor& src, const char* op) {
  if (src.dtype() != t.dtype())
    TFL_THROW(DTypeError, op, "src has dtype ", dtype_name(src.dtype()), " but the input has dtype ",
              dtype_name(t.dtype()));
  if (src.device() != t.device())
    TFL_THROW(DeviceError, op, "src is on ", src.device().str(), ", the input on ", t.device().str());
}

}  // namespace

Tensor gather(const Tensor& t, int64_t axis, const Tensor& index) {
  MemoryOpTag memory_scope("gather");  // tags this op's allocations for the memory profiler
  check_defined(t, "gather", "t");
  check_index(index, t, "gather", "index");
  if (index.ndim() != t.ndim())
    TFL_THROW(ShapeError, "gather", "index of shape ", shape_str(index.shape()), " must have the rank of t, shape ",
              shape_str(t.shape()));
  Tensor tv = as_1d_if_scalar(t), iv = as_1d_if_scalar(index);
  int ax = normalize_axis(axis, tv.ndim(), "gather");
  for (int d = 0; d < tv.ndim(); ++d)
    if (d != ax && iv.shape()[d] > tv.shape()[d])
      TFL_THROW(ShapeError, "gather", "index of shape ", shape_str(index.shape()), " exceeds t of shape ",
                shape_str(t.shape()), " on axis ", d);
  Tensor idx = normalize_index(iv, tv.shape()[ax], ax, "gather");
  Tensor out = Tensor::empty(index.shape(), t.dtype(), t.device());
  Strides ss = tv.strides();
  ss[ax] = 0;
  run_gather(as_1d_if_scalar(out), tv, ss, idx, idx.strides(), tv.strides()[ax]);
  if (autograd::needs_grad({t})) autograd::record_gather(t, axis, index, out);
  return out;
}

Tensor take(const Tensor& t, const Tensor& index) {
  MemoryOpTag memory_scope("take");  // tags this op's allocations for the memory profiler
  check_defined(t, "take", "t");
  check_index(index, t, "take", "index");
  Tensor flat = contiguous(t);
  Tensor idx = normalize_index(index, t.numel(), IndexNormalizeParams::kFlat, "take");
  Tensor out = Tensor::empty(index.shape(), t.dtype(), t.device());
  Strides zero;
  zero.resize(index.ndim(), 0);
  run_gather(out, flat, zero, idx, idx.strides(), 1);
  if (autograd::needs_grad({t})) autograd::record_take(t, index, out);
  return out;
}

Tensor index_select(const Tensor& t, int64_t axis, const Tensor& index) {
  MemoryOpTag memory_scope("index_select");  // tags this op's allocations for the memory profiler
  check_defined(t, "index_select", "t");
  check_index(index, t, "index_select", "index");
  if (index.ndim() > 1)
    TFL_THROW(ShapeError, "index_select", "index must be 1-D, got shape ", shape_str(index.shape()));
  Tensor tv = as_1d_if_scalar(t);
  int ax = normalize_axis(axis, tv.ndim(), "index_select");
  Tensor idx = normalize_index(index, tv.shape()[ax], ax, "index_select");
  Shape shape = tv.shape();
  shape[ax] = index.numel();
  Tensor out = Tensor::empty(shape, t.dtype(), t.device());
  Strides ss = tv.strides();
  ss[ax] = 0;
  run_gather(out, tv, ss, idx, along_axis_strides(shape.size(), ax), tv.strides()[ax]);
  if (autograd::needs_grad({t})) autograd::record_index_select(t, axis, index, out);
  return out;
}

Tensor take_along_axis(const Tensor& t, const Tensor& indices, int64_t axis) {
  MemoryOpTag memory_scope("take_along_axis");  // tags this op's allocations for the memory profiler
  check_defined(t, "take_along_axis", "t");
  check_index(indices, t, "take_along_axis", "indices");
  if (indices.ndim() != t.ndim())
    TFL_THROW(ShapeError, "take_along_axis", "indices of shape ", shape_str(indices.shape()),
              " must have the rank of t, shape ", shape_str(t.shape()));
  Tensor tv = as_1d_if_scalar(t), iv = as_1d_if_scalar(indices);
  int ax = normalize_axis(axis, tv.ndim(), "take_along_axis");
  Shape shape = tv.shape();
  for (int d = 0; d < tv.ndim(); ++d) {
    int64_t a = tv.shape()[d], b = iv.shape()[d];
    if (d == ax) shape[d] = b;
    else if (a == b || b == 1) shape[d] = a;
    else if (a == 1) shape[d] = b;
    else
      TFL_THROW(ShapeError, "take_along_axis", "t of shape ", shape_str(t.shape()), " and indices of shape ",
                shape_str(indices.shape()), " do not broadcast on axis ", d);
  }
  Tensor idx = normalize_index(iv, tv.shape()[ax], ax, "take_along_axis");
  Strides ss = tv.strides(), is = idx.strides();
  for (int d = 0; d < tv.ndim(); ++d) {
    if (d == ax || tv.shape()[d] != shape[d]) ss[d] = 0;
    if (d != ax && iv.shape()[d] != shape[d]) is[d] = 0;
  }
  Tensor out = Tensor::empty(t.ndim() == 0 ? Shape{} : shape, t.dtype(), t.device());
  run_gather(as_1d_if_scalar(out), tv, ss, idx, is, tv.strides()[ax]);
  if (autograd::needs_grad({t})) autograd::record_take_along_axis(t, indices, axis, out);
  return out;
}

Tensor scatter_add(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src) {
  MemoryOpTag memory_scope("scatter_add");  // tags this op's allocations for the memory profiler
  check_defined(t, "scatter_add", "t");
  check_defined(src, "scatter_add", "src");
  check_index(index, t, "scatter_add", "index");
  check_same_dtype(t, src, "scatter_add");
  if (index.ndim() != t.ndim() || src.ndim() != t.ndim())
    TFL_THROW(ShapeError, "scatter_add", "t of shape ", shape_str(t.shape()), ", index of shape ",
              shape_str(index.shape()), " and src of shape ", shape_str(src.shape()), " must have the same rank");
  Tensor tv = as_1d_if_scalar(t), iv = as_1d_if_scalar(index), sv = as_1d_if_scalar(src);
  int ax = normalize_axis(axis, tv.ndim(), "scatter_add");
  for (int d = 0; d < tv.ndim(); ++d)
    if (iv.shape()[d] > sv.shape()[d] || (d != ax && iv.shape()[d] > tv.shape()[d]))
      TFL_THROW(ShapeError, "scatter_add", "index of shape ", shape_str(index.shape()),
                " must not exceed src of shape ", shape_str(src.shape()), " on any axis, nor t of shape ",
                shape_str(t.shape()), " on axes other than ", ax);
  Tensor idx = normalize_index(iv, tv.shape()[ax], ax, "scatter_add");
  const DType acc_dtype = compute_dtype(t.dtype());
  Tensor acc = to_dtype(t, acc_dtype);  // always a fresh contiguous copy: the result
  run_scatter_add(as_1d_if_scalar(acc), ax, iv.shape(), cast_if_needed(sv, acc_dtype), idx, idx.strides(), 1.0);
  Tensor out = acc_dtype == t.dtype() ? acc : to_dtype(acc, t.dtype());
  if (autograd::needs_grad({t, src})) autograd::record_scatter_add(t, axis, index, src, out);
  return out;
}

namespace {
// In-place ops are not recorded: refuse when a gradient would be silently lost.
void check_no_grad_in_place(const Tensor& t, const Tensor& src, const char* op) {
  if (autograd::needs_grad({t, src}))
    TFL_THROW(GradientError, op, "in-place update of a tensor that takes part in autograd; use the "
              "out-of-place version, or run it under NoGradGuard");
}
}  // namespace

const Tensor& scatter_add_(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src) {
  check_no_grad_in_place(t, src, "scatter_add_");
  Tensor r = scatter_add(t, axis, index, src);
  copy_(t, r);  // bumps t's version
  return t;
}

Tensor index_add(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src, double alpha) {
  MemoryOpTag memory_scope("index_add");  // tags this op's allocations for the memory profiler
  check_defined(t, "index_add", "t");
  check_defined(src, "index_add", "src");
  check_index(index, t, "index_add", "index");
  check_same_dtype(t, src, "index_add");
  if (index.ndim() > 1)
    TFL_THROW(ShapeError, "index_add", "index must be 1-D, got shape ", shape_str(index.shape()));
  if (!is_floating(t.dtype()) && (!std::isfinite(alpha) || std::floor(alpha) != alpha))
    TFL_THROW(InvalidArgumentError, "index_add", "alpha ", alpha, " must be an integer for ", dtype_name(t.dtype()),
              " tensors");
  Tensor tv = as_1d_if_scalar(t), sv = as_1d_if_scalar(src);
  int ax = normalize_axis(axis, tv.ndim(), "index_add");
  bool ok = sv.ndim() == tv.ndim();
  for (int d = 0; ok && d < tv.ndim(); ++d)
    ok = d == ax ? sv.shape()[d] == index.numel() : sv.shape()[d] == tv.shape()[d];
  if (!ok)
    TFL_THROW(ShapeError, "index_add", "src of shape ", shape_str(src.shape()), " must equal t's shape ",
              shape_str(t.shape()), " with axis ", ax, " of size ", index.numel(), " (the index length)");
  Tensor idx = normalize_index(index, tv.shape()[ax], ax, "index_add");
  const DType acc_dtype = compute_dtype(t.dtype());
  Tensor acc = to_dtype(t, acc_dtype);
  run_scatter_add(as_1d_if_scalar(acc), ax, sv.shape(), cast_if_needed(sv, acc_dtype), idx,
                  along_axis_strides(sv.ndim(), ax), alpha);
  Tensor out = acc_dtype == t.dtype() ? acc : to_dtype(acc, t.dtype());
  if (autograd::needs_grad({t, src})) autograd::record_index_add(t, axis, index, src, alpha, out);
  return out;
}

const Tensor& index_add_(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src, double alpha) {
  check_no_grad_in_place(t, src, "index_add_");
  Tensor r = index_add(t, axis, index, src, alpha);
  copy_(t, r);
  return t;
}

Tensor masked_select(const Tensor& t, const Tensor& mask) {
  MemoryOpTag memory_scope("masked_select");  // tags this op's allocations for the memory profiler
  static const int kCount = op_index("masked_count");
  static const int kSelect = op_index("masked_select");
  check_defined(t, "masked_select", "t");
  check_defined(mask, "masked_select", "mask");
  if (mask.dtype() != DType::Bool)
    TFL_THROW(DTypeError, "masked_select", "mask must have dtype bool, got ", dtype_name(mask.dtype()));
  if (mask.device() != t.device())
    TFL_THROW(DeviceError, "masked_select", "mask is on ", mask.device().str(), ", t on ", t.device().str());
  Shape shape = broadcast_shapes(t.shape(), mask.shape(), "masked_select");
  Strides st = broadcast_strides(t.shape(), t.strides(), shape);
  Strides sm = broadcast_strides(mask.shape(), mask.strides(), shape);
  Tensor count = Tensor::empty(Shape{}, DType::I64, t.device());
  KernelArgs args;
  args.out = make_arg(count.data_ptr(), DType::I64, count.shape(), count.strides());
  args.in[0] = make_arg(mask.data_ptr(), DType::Bool, shape, sm);
  args.nin = 1;
  find_kernel(kCount, t.device().type, DType::Bool)(args);
  Tensor out = Tensor::empty(Shape{static_cast<int64_t>(count.item())}, t.dtype(), t.device());
  args.out = make_arg(out.data_ptr(), t.dtype(), out.shape(), out.strides());
  args.in[0] = make_arg(t.data_ptr(), t.dtype(), shape, st);
  args.in[1] = make_arg(mask.data_ptr(), DType::Bool, shape, sm);
  args.nin = 2;
  find_kernel(kSelect, t.device().type, t.dtype())(args);
  if (autograd::needs_grad({t})) autograd::record_masked_select(t, mask, out);
  return out;
}

Tensor one_hot(const Tensor& indices, int64_t num_classes, DType dtype) {
  MemoryOpTag memory_scope("one_hot");  // tags this op's allocations for the memory profiler
  static const int kOneHot = op_index("one_hot");
  check_defined(indices, "one_hot", "indices");
  check_index(indices, indices, "one_hot", "indices");
  if (num_classes < 0)
    TFL_THROW(InvalidArgumentError, "one_hot", "num_classes must be >= 0, got ", num_classes);
  if (!dtype_is_valid(static_cast<int32_t>(dtype)))
    TFL_THROW(DTypeError, "one_hot", "invalid dtype code ", static_cast<int>(dtype));
  if (indices.ndim() >= kMaxDims)
    TFL_THROW(ShapeError, "one_hot", "indices of shape ", shape_str(indices.shape()), " leave no room for the class axis (at most ",
              kMaxDims, " dimensions)");
  Tensor idx = normalize_index(indices, num_classes, IndexNormalizeParams::kClasses, "one_hot", false);
  Shape shape = indices.shape();
  shape.push_back(num_classes);
  Tensor out = Tensor::empty(shape, dtype, indices.device());
  OneHotParams p{num_classes};
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), dtype, out.shape(), out.strides());
  args.in[0] = make_arg(idx.data_ptr(), DType::I64, idx.shape(), idx.strides());
  args.nin = 1;
  args.params = &p;
  find_kernel(kOneHot, indices.device().type, dtype)(args);
  return out;
}

}  // namespace tfl
