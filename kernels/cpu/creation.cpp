// CPU kernels of value-generating creation ops: arange/linspace ("range") and eye.
#include "kernels/cpu/convert.h"
#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"
#include "kernels/params_creation.h"

namespace tfl::cpu {
namespace {

// A value computed in double, stored as T: integers truncate and saturate (no UB for values outside
// T's range, e.g. arange(-2, 2) into uint8), bool is != 0.
template <class T>
inline T store_value(double v) {
  if constexpr (std::is_integral_v<T>) return convert<T>(v);
  else return T(static_cast<compute_t<T>>(v));
}

// 1-D output of any stride.
template <class T>
void range_kernel(const KernelArgs& args) {
  const auto& P = *static_cast<const RangeParams*>(args.params);
  const int64_t n = args.out.ndim == 0 ? 1 : args.out.shape[0];
  const int64_t stride = args.out.ndim == 0 ? 0 : args.out.strides[0];
  T* out = reinterpret_cast<T*>(args.out.data);
  parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) out[i * stride] = store_value<T>(P.start + static_cast<double>(i) * P.step);
  });
  // The endpoint is exact (as NumPy), not start + (num - 1) * step with rounding error.
  if (P.use_last && n > 0) out[(n - 1) * stride] = store_value<T>(P.last);
}

// Sets the k-th diagonal of an already zero-filled 2-D output to one.
template <class T>
void eye_kernel(const KernelArgs& args) {
  const int64_t k = static_cast<const EyeParams*>(args.params)->k;
  const int64_t n = args.out.shape[0], m = args.out.shape[1];
  const int64_t s0 = args.out.strides[0], s1 = args.out.strides[1];
  T* out = reinterpret_cast<T*>(args.out.data);
  const T one = store_value<T>(1.0);
  // Rows whose column i + k lies in [0, m): i in [max(0, -k), min(n, m - k)).
  const int64_t lo = k < 0 ? -k : 0;
  const int64_t hi = m - k < n ? m - k : n;
  for (int64_t i = lo; i < hi; ++i) out[i * s0 + (i + k) * s1] = one;
}

}  // namespace

TFL_REGISTER_CPU_NUMERIC(range, range_kernel);
TFL_REGISTER_CPU_ALL(eye, eye_kernel);

}  // namespace tfl::cpu
