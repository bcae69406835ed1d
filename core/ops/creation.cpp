// Tensor creation ops.
#include "core/ops/creation.h"

#include <cmath>
#include <cstring>

#include "core/dispatch.h"
#include "kernels/params.h"

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
// Writes value(i) for i in [0, n) into a new 1-D tensor of dtype, computing in double.
template <class F>
Tensor generate_1d(int64_t n, DType dtype, const char* op, F value) {
  Tensor t = Tensor::empty(Shape{n}, dtype);
  dispatch_all_types(dtype, op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(static_cast<compute_t<T>>(value(i)));
  });
  return t;
}
}  // namespace

Tensor arange(double start, double stop, double step, DType dtype) {
  if (step == 0 || !std::isfinite(step) || !std::isfinite(start) || !std::isfinite(stop))
    TFL_THROW(InvalidArgumentError, "arange", "start, stop and step must be finite and step non-zero (got ", start,
              ", ", stop, ", ", step, ")");
  if (dtype == DType::Bool) TFL_THROW(DTypeError, "arange", "bool ranges are not supported");
  double len = std::ceil((stop - start) / step);
  int64_t n = len > 0 ? static_cast<int64_t>(len) : 0;
  return generate_1d(n, dtype, "arange", [&](int64_t i) { return start + static_cast<double>(i) * step; });
}

Tensor linspace(double start, double stop, int64_t num, bool endpoint, DType dtype) {
  if (num < 0) TFL_THROW(InvalidArgumentError, "linspace", "num must be >= 0, got ", num);
  if (dtype == DType::Bool) TFL_THROW(DTypeError, "linspace", "bool ranges are not supported");
  int64_t div = endpoint ? num - 1 : num;
  double step = div > 0 ? (stop - start) / static_cast<double>(div) : 0.0;
  return generate_1d(num, dtype, "linspace", [&](int64_t i) {
    // The last point is exactly stop (as NumPy), not start + (num-1)*step with rounding error.
    return (endpoint && i == num - 1 && num > 1) ? stop : start + static_cast<double>(i) * step;
  });
}

Tensor eye(int64_t n, int64_t m, int64_t k, DType dtype) {
  if (m < 0) m = n;
  if (n < 0) TFL_THROW(InvalidArgumentError, "eye", "n must be >= 0, got ", n);
  Tensor t = zeros(Shape{n, m}, dtype);
  dispatch_all_types(dtype, "eye", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      int64_t j = i + k;
      if (j >= 0 && j < m) p[i * m + j] = static_cast<T>(static_cast<compute_t<T>>(1));
    }
  });
  return t;
}

}  // namespace tfl
