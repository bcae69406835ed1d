// The numerical check mode: scans kernel outputs and backward results for NaN/Inf when switched on.
#include "core/numerical_check.h"

#include <cmath>
#include <cstdint>
#include <string>

#include "core/dispatch.h"
#include "core/error.h"
#include "core/half.h"
#include "core/allocator.h"
#include "core/shape.h"

namespace tfl {
namespace detail {
std::atomic<bool> g_numerical_check{false};
}  // namespace detail

namespace {

thread_local const char* t_backward_of = nullptr;

struct Census {
  int64_t nan = 0, posinf = 0, neginf = 0, total = 0;
  bool bad() const { return nan + posinf + neginf > 0; }
};

// f16/bf16 widen through float; f64 is read as itself (a float cast would turn a large finite double to Inf).
template <class T>
double widen(T v) {
  return static_cast<double>(static_cast<float>(v));
}
template <>
double widen<double>(double v) {
  return v;
}

template <class T>
void count_values(const TensorArg& a, Census& c) {
  const int nd = a.ndim;
  for (int d = 0; d < nd; ++d)
    if (a.shape[d] == 0) return;
  int64_t idx[kMaxDims] = {};
  const T* base = reinterpret_cast<const T*>(a.data);
  const int64_t inner = nd == 0 ? 1 : a.shape[nd - 1];
  const int64_t inner_stride = nd == 0 ? 0 : a.strides[nd - 1];
  for (;;) {
    int64_t off = 0;
    for (int d = 0; d + 1 < nd; ++d) off += idx[d] * a.strides[d];
    const T* p = base + off;
    for (int64_t i = 0; i < inner; ++i) {
      const double v = widen(p[i * inner_stride]);
      c.nan += std::isnan(v);
      c.posinf += v == HUGE_VAL;
      c.neginf += v == -HUGE_VAL;
    }
    c.total += inner;
    int d = nd - 2;
    for (; d >= 0; --d) {
      if (++idx[d] < a.shape[d]) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

bool census(const TensorArg& a, Census& c) {
  if (a.data == nullptr && a.ndim > 0) return false;
  switch (a.dtype) {
    case DType::F32: count_values<float>(a, c); return true;
    case DType::F64: count_values<double>(a, c); return true;
    case DType::F16: count_values<Half>(a, c); return true;
    case DType::BF16: count_values<BFloat16>(a, c); return true;
    default: return false;
  }
}

std::string shape_of(const TensorArg& a) {
  Shape s;
  for (int d = 0; d < a.ndim; ++d) s.push_back(a.shape[d]);
  return shape_str(s);
}

std::string describe(const Census& c) {
  std::string r;
  auto part = [&](int64_t n, const char* what) {
    if (n == 0) return;
    if (!r.empty()) r += ", ";
    r += std::to_string(n) + " " + what;
  };
  part(c.nan, "NaN");
  part(c.posinf, "+Inf");
  part(c.neginf, "-Inf");
  return r;
}

}  // namespace

void set_numerical_check_enabled(bool enabled) { detail::g_numerical_check.store(enabled, std::memory_order_relaxed); }

NumericalCheckContext::NumericalCheckContext(const char* backward_of) : prev_(t_backward_of) {
  t_backward_of = backward_of;
}
NumericalCheckContext::~NumericalCheckContext() { t_backward_of = prev_; }

void run_checked_kernel(KernelFn fn, int op, DeviceType device, const KernelArgs& args) {
  if (device != DeviceType::CPU || !is_floating(args.out.dtype)) return fn(args);
  // Inputs are counted before the call: an in-place kernel overwrites them.
  Census in;
  bool any_float_input = false;
  for (int i = 0; i < args.nin; ++i) any_float_input |= census(args.in[i], in);
  fn(args);
  if (!any_float_input) return;
  Census out;
  census(args.out, out);
  // Only what this kernel introduced: NaN from non-NaN inputs, Inf from finite inputs.
  const bool new_nan = out.nan > 0 && in.nan == 0;
  const bool new_inf = out.posinf + out.neginf > 0 && in.posinf + in.neginf + in.nan == 0;
  if (!new_nan && !new_inf) return;
  const char* name = op_name(op);
  const char* outer = current_memory_op();
  std::string where;
  if (outer != nullptr && std::string(outer) != name) where += " inside '" + std::string(outer) + "'";
  if (t_backward_of != nullptr) where += " in the backward of '" + std::string(t_backward_of) + "'";
  TFL_THROW(NumericalError, "numerical_check", "'", name, "'", where, " produced ", describe(out), " in its ",
            dtype_name(args.out.dtype), " output of shape ", shape_of(args.out), " (", out.total,
            " elements) from inputs without them");
}

bool all_finite(const TensorArg& arg, DeviceType device) {
  Census c;
  return device != DeviceType::CPU || !census(arg, c) || !c.bad();
}

void check_finite(const char* what, const TensorArg& arg, DeviceType device) {
  if (device != DeviceType::CPU) return;
  Census c;
  if (!census(arg, c) || !c.bad()) return;
  TFL_THROW(NumericalError, "numerical_check", what, " produced ", describe(c), " in a ", dtype_name(arg.dtype),
            " tensor of shape ", shape_of(arg), " (", c.total, " elements)");
}

}  // namespace tfl
