// Tensor information for users: broadcast checks on shapes, memory size, and a statistics summary.
#pragma once

#include <cstdint>
#include <string>

#include "core/tensor.h"

namespace tfl {

// True iff a and b broadcast against each other (NumPy rules); broadcast_shapes in shape.h gives the result.
bool is_broadcastable(const Shape& a, const Shape& b);

// Bytes the tensor's elements take (numel * itemsize), not counting storage shared with other views.
int64_t tensor_nbytes(const Tensor& t);

// Statistics of a tensor, computed in f64. min/max/mean/std are over the finite elements only (std is
// the population standard deviation, ddof = 0) and NaN when there is none; nan_count and inf_count count
// the others. Integer values beyond 2^53 are rounded to f64.
struct TensorSummary {
  Shape shape;
  DType dtype = DType::F32;
  Device device;
  int64_t numel = 0, nbytes = 0;
  double min = 0, max = 0, mean = 0, std = 0;
  int64_t nan_count = 0, inf_count = 0;
};
TensorSummary summarize(const Tensor& t);
// The summary as one JSON object: {"shape": [2, 3], "dtype": "float32", "device": "cpu", "numel": 6,
// "bytes": 24, "bytes_human": "24 bytes", "min": .., "max": .., "mean": .., "std": .., "nan_count": 0,
// "inf_count": 0}; statistics that are NaN are written as null.
std::string summary_json(const TensorSummary& s);

}  // namespace tfl
