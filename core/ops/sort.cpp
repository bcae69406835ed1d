// Sorting ops: validate, allocate both outputs, and call the row-ordering kernels.
#include "core/ops/sort.h"

#include "core/allocator.h"
#include "core/autograd/derivatives/sort.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/dispatch.h"
#include "kernels/params_indexing.h"

namespace tfl {

namespace {

// Orders the rows of t along axis and writes the first k of each (the "sort"/"topk" kernels).
SortResult order(int op, const Tensor& t, int64_t k, int64_t axis, bool descending, bool sorted) {
  // A 0-d tensor is read as its single element in a 1-D row.
  Tensor tv = t.ndim() == 0 ? t.as_strided(Shape{1}, Strides{1}, t.offset()) : t;
  const int ax = normalize_axis(axis, tv.ndim(), op_name(op));
  const int64_t n = tv.shape()[ax];
  if (k < 0 || k > n)
    TFL_THROW(InvalidArgumentError, op_name(op), "k = ", k, " is out of range for axis ", ax, " of size ", n,
              " (valid: 0..", n, ")");
  Shape shape = tv.shape();
  shape[ax] = k;
  const Shape out_shape = t.ndim() == 0 ? Shape{} : shape;
  SortResult r{Tensor::empty(out_shape, t.dtype(), t.device()), Tensor::empty(out_shape, DType::I64, t.device())};
  const Strides strides = contiguous_strides(shape);
  SortParams p{ax, k, descending, sorted, make_arg(r.indices.data_ptr(), DType::I64, shape, strides)};
  KernelArgs args;
  args.out = make_arg(r.values.data_ptr(), t.dtype(), shape, strides);
  args.in[0] = make_arg(tv.data_ptr(), t.dtype(), tv.shape(), tv.strides());
  args.nin = 1;
  args.params = &p;  // carries the second output (indices) to the kernel
  find_kernel(op, t.device().type, t.dtype())(args);
  return r;
}

}  // namespace

SortResult sort(const Tensor& t, int64_t axis, bool descending, bool /*stable: always*/) {
  MemoryOpTag memory_scope("sort");  // tags this op's allocations for the memory profiler
  static const int kSort = op_index("sort");
  check_defined(t, "sort", "t");
  const int ax = normalize_axis(axis, t.ndim() == 0 ? 1 : t.ndim(), "sort");
  SortResult r = order(kSort, t, t.ndim() == 0 ? 1 : t.shape()[ax], axis, descending, true);
  if (autograd::needs_grad({t})) autograd::record_sort("sort", t, axis, r.values, r.indices);
  return r;
}

Tensor argsort(const Tensor& t, int64_t axis, bool descending, bool stable) {
  check_defined(t, "argsort", "t");
  autograd::NoGradGuard no_grad;  // positions carry no gradient; skip recording the values
  return sort(t, axis, descending, stable).indices;
}

SortResult topk(const Tensor& t, int64_t k, int64_t axis, bool largest, bool sorted) {
  MemoryOpTag memory_scope("topk");  // tags this op's allocations for the memory profiler
  static const int kTopk = op_index("topk");
  check_defined(t, "topk", "t");
  SortResult r = order(kTopk, t, k, axis, largest, sorted);
  if (autograd::needs_grad({t})) autograd::record_sort("topk", t, axis, r.values, r.indices);
  return r;
}

}  // namespace tfl
