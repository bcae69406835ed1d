// Creating tensors: constant fills, ranges, identity, copies of host buffers.
#pragma once

#include "core/tensor.h"

namespace tfl {

Tensor empty(const Shape& shape, DType dtype = DType::F32, Device device = {});
Tensor zeros(const Shape& shape, DType dtype = DType::F32, Device device = {});
Tensor ones(const Shape& shape, DType dtype = DType::F32, Device device = {});
// value converted to dtype (floats truncate and saturate into integer types; bool is value != 0).
Tensor full(const Shape& shape, double value, DType dtype = DType::F32, Device device = {});
Tensor empty_like(const Tensor& t);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
Tensor full_like(const Tensor& t, double value);
// In-place fill of every element of t (any layout).
void fill_(const Tensor& t, double value);

// A 0-d tensor holding value.
Tensor scalar_tensor(double value, DType dtype = DType::F32);
// Copies nbytes of row-major host data; nbytes must equal numel * itemsize.
Tensor from_buffer(const void* data, size_t nbytes, const Shape& shape, DType dtype);

// [start, stop) in steps of step (like numpy.arange); length ceil((stop - start) / step).
Tensor arange(double start, double stop, double step = 1.0, DType dtype = DType::F32);
// num evenly spaced values from start to stop (stop included when endpoint).
Tensor linspace(double start, double stop, int64_t num, bool endpoint = true, DType dtype = DType::F32);
// n x m matrix with ones on diagonal k (k > 0 above the main diagonal).
Tensor eye(int64_t n, int64_t m = -1, int64_t k = 0, DType dtype = DType::F32);

}  // namespace tfl
