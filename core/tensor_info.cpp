// Tensor information: broadcast checks, memory size, and the summary statistics (through the public ops,
// so the summary works for every dtype, layout and device the ops support).
#include "core/tensor_info.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/autograd/grad_mode.h"
#include "core/memory_profiler.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"

namespace tfl {

bool is_broadcastable(const Shape& a, const Shape& b) {
  const int n = std::min(a.size(), b.size());
  for (int i = 1; i <= n; ++i) {
    const int64_t x = a[a.size() - i], y = b[b.size() - i];
    if (x != y && x != 1 && y != 1) return false;
  }
  return true;
}

int64_t tensor_nbytes(const Tensor& t) {
  check_defined(t, "tensor_nbytes", "t");
  return t.numel() * static_cast<int64_t>(t.itemsize());
}

TensorSummary summarize(const Tensor& t) {
  check_defined(t, "summarize", "t");
  autograd::NoGradGuard no_grad;
  TensorSummary s;
  s.shape = t.shape();
  s.dtype = t.dtype();
  s.device = t.device();
  s.numel = t.numel();
  s.nbytes = tensor_nbytes(t);
  const double nan = std::nan("");
  s.min = s.max = s.mean = s.std = nan;
  if (s.numel == 0) return s;
  const Tensor x = to_dtype(t, DType::F64);
  const Tensor finite = isfinite(x);
  s.nan_count = static_cast<int64_t>(sum(isnan(x)).item());
  s.inf_count = static_cast<int64_t>(sum(isinf(x)).item());
  const int64_t count = s.numel - s.nan_count - s.inf_count;
  if (count == 0) return s;
  const Tensor zero = scalar_tensor(0.0, DType::F64);
  const Tensor xf = where(finite, x, zero);
  s.min = min(where(finite, x, scalar_tensor(INFINITY, DType::F64))).item();
  s.max = max(where(finite, x, scalar_tensor(-INFINITY, DType::F64))).item();
  s.mean = sum(xf).item() / static_cast<double>(count);
  const Tensor d = where(finite, sub(x, scalar_tensor(s.mean, DType::F64)), zero);
  s.std = std::sqrt(sum(mul(d, d)).item() / static_cast<double>(count));
  return s;
}

namespace {
std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
}  // namespace

std::string summary_json(const TensorSummary& s) {
  std::string out = "{\"shape\": [";
  for (int i = 0; i < s.shape.size(); ++i) out += (i ? ", " : "") + std::to_string(s.shape[i]);
  out += "], \"dtype\": \"" + std::string(dtype_name(s.dtype)) + "\", \"device\": \"" + s.device.str() + "\"";
  out += ", \"numel\": " + std::to_string(s.numel) + ", \"bytes\": " + std::to_string(s.nbytes);
  out += ", \"bytes_human\": \"" + format_bytes(s.nbytes) + "\"";
  out += ", \"min\": " + json_number(s.min) + ", \"max\": " + json_number(s.max);
  out += ", \"mean\": " + json_number(s.mean) + ", \"std\": " + json_number(s.std);
  out += ", \"nan_count\": " + std::to_string(s.nan_count) + ", \"inf_count\": " + std::to_string(s.inf_count) + "}";
  return out;
}

}  // namespace tfl
