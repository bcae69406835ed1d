// Tensor creation ops.
#include "core/ops/creation.h"

#include <cmath>
#include <cstring>

#include "core/allocator.h"
#include "core/dispatch.h"
#include "kernels/params.h"
#include "kernels/params_creation.h"

namespace tfl {

Tensor empty(const Shape& shape, DType dtype, Device device) { return Tensor::empty(shape, dtype, device); }

void fill_(const Tensor& t, double value) {
  static const int kFill = op_index("fill");
  check_defined(t, "fill_", "t");
  FillParams p{value};
  KernelArgs args;
  args.out = make_arg(t.data_ptr(), t.dtype(), t.shape(), t.strides());
  args.params = &p;
  find_kernel(kFill, t.device().type, t.dtype())(args);
  t.bump_version();
}

Tensor full(const Shape& shape, double value, DType dtype, Device device) {
  MemoryOpTag memory_scope("full");  // tags this op's allocations for the memory profiler
  Tensor t = Tensor::empty(shape, dtype, device);
  fill_(t, value);
  return t;
}

Tensor zeros(const Shape& shape, DType dtype, Device device) { return full(shape, 0.0, dtype, device); }
Tensor ones(const Shape& shape, DType dtype, Device device) { return full(shape, 1.0, dtype, device); }

Tensor empty_like(const Tensor& t) {
  check_defined(t, "empty_like", "t");
  return Tensor::empty(t.shape(), t.dtype(), t.device());
}
Tensor zeros_like(const Tensor& t) {
  check_defined(t, "zeros_like", "t");
  return zeros(t.shape(), t.dtype(), t.device());
}
Tensor ones_like(const Tensor& t) {
  check_defined(t, "ones_like", "t");
  return ones(t.shape(), t.dtype(), t.device());
}
Tensor full_like(const Tensor& t, double value) {
  check_defined(t, "full_like", "t");
  return full(t.shape(), value, t.dtype(), t.device());
}

Tensor scalar_tensor(double value, DType dtype) { return full(Shape{}, value, dtype); }

Tensor from_buffer(const void* data, size_t nbytes, const Shape& shape, DType dtype) {
  MemoryOpTag memory_scope("from_buffer");  // tags this op's allocations for the memory profiler
  size_t expected = static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype);
  if (nbytes != expected)
    TFL_THROW(InvalidArgumentError, "from_buffer", "buffer holds ", nbytes, " bytes but shape ", shape_str(shape),
              " of ", dtype_name(dtype), " needs ", expected);
  if (data == nullptr && expected > 0) TFL_THROW(InvalidArgumentError, "from_buffer", "data is NULL");
  Tensor t = Tensor::empty(shape, dtype);
  if (expected > 0) std::memcpy(t.data_ptr(), data, expected);
  return t;
}

namespace {
// A new 1-D tensor of n values start + i * step (the last replaced by `last` when use_last).
Tensor range_1d(int64_t n, double start, double step, bool use_last, double last, DType dtype, const char* op) {
  static const int kRange = op_index("range");
  if (dtype == DType::Bool) TFL_THROW(DTypeError, op, "bool ranges are not supported");
  Tensor t = Tensor::empty(Shape{n}, dtype);
  RangeParams p{start, step, use_last, last};
  KernelArgs args;
  args.out = make_arg(t.data_ptr(), t.dtype(), t.shape(), t.strides());
  args.params = &p;
  find_kernel(kRange, t.device().type, dtype)(args);
  return t;
}
}  // namespace

Tensor arange(double start, double stop, double step, DType dtype) {
  MemoryOpTag memory_scope("arange");  // tags this op's allocations for the memory profiler
  if (step == 0 || !std::isfinite(step) || !std::isfinite(start) || !std::isfinite(stop))
    TFL_THROW(InvalidArgumentError, "arange", "start, stop and step must be finite and step non-zero (got ", start,
              ", ", stop, ", ", step, ")");
  if (dtype == DType::Bool) TFL_THROW(DTypeError, "arange", "bool ranges are not supported");
  double len = std::ceil((stop - start) / step);
  // Checked before the cast: a double beyond int64's range converts with undefined behaviour.
  if (!(len < 4611686018427387904.0))  // 2^62; also catches an infinite (stop - start) / step
    TFL_THROW(InvalidArgumentError, "arange", "the range [", start, ", ", stop, ") in steps of ", step,
              " has too many elements");
  int64_t n = len > 0 ? static_cast<int64_t>(len) : 0;
  return range_1d(n, start, step, false, 0.0, dtype, "arange");
}

Tensor linspace(double start, double stop, int64_t num, bool endpoint, DType dtype) {
  MemoryOpTag memory_scope("linspace");  // tags this op's allocations for the memory profiler
  if (num < 0) TFL_THROW(InvalidArgumentError, "linspace", "num must be >= 0, got ", num);
  if (dtype == DType::Bool) TFL_THROW(DTypeError, "linspace", "bool ranges are not supported");
  int64_t div = endpoint ? num - 1 : num;
  double step = div > 0 ? (stop - start) / static_cast<double>(div) : 0.0;
  return range_1d(num, start, step, endpoint && num > 1, stop, dtype, "linspace");
}

Tensor eye(int64_t n, int64_t m, int64_t k, DType dtype) {
  MemoryOpTag memory_scope("eye");  // tags this op's allocations for the memory profiler
  static const int kEye = op_index("eye");
  if (m < 0) m = n;
  if (n < 0) TFL_THROW(InvalidArgumentError, "eye", "n must be >= 0, got ", n);
  Tensor t = zeros(Shape{n, m}, dtype);
  if (k >= m || k <= -n) return t;  // the diagonal misses the matrix (and |k| stays small below)
  EyeParams p{k};
  KernelArgs args;
  args.out = make_arg(t.data_ptr(), t.dtype(), t.shape(), t.strides());
  args.params = &p;
  find_kernel(kEye, t.device().type, dtype)(args);
  return t;
}

}  // namespace tfl
