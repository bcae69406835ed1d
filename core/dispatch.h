// The kernel registry: one table keyed by {op, device type, dtype}. See Note [Op names].
#pragma once

#include <cstdint>

#include "core/device.h"
#include "core/dtype.h"
#include "core/numerical_check.h"
#include "core/shape.h"

namespace tfl {

// One operand as a kernel sees it: no Tensor, no autograd, just memory and layout.
struct TensorArg {
  char* data = nullptr;            // address of element 0
  DType dtype = DType::F32;
  int ndim = 0;
  const int64_t* shape = nullptr;
  const int64_t* strides = nullptr;  // in elements
};

struct KernelArgs {
  static constexpr int kMaxInputs = 4;
  TensorArg out;
  TensorArg in[kMaxInputs];
  int nin = 0;
  const void* params = nullptr;  // op-specific parameter struct, defined next to the op
};

using KernelFn = void (*)(const KernelArgs&);

// Note [Op names]
// Ops are identified by name ("add"), interned to a small integer on first use, so that kernel files
// and op files agree on nothing but a string and no central enum must grow with every op. Lookups on
// the hot path use the integer: `static const int op = op_index("add");`.
int op_index(const char* name);
const char* op_name(int index);

// A kernel as find_kernel returns it: calling it runs the kernel, then, only while the numerical check
// mode is on (core/numerical_check.h), checks its output for NaN/Inf it introduced. This is the one
// choke point every op's kernel call goes through, so no op checks anything itself; when the mode is
// off the cost is one relaxed atomic load per call.
struct Kernel {
  KernelFn fn = nullptr;
  int op = -1;
  DeviceType device = DeviceType::CPU;
  void operator()(const KernelArgs& args) const {
    if (numerical_check_enabled()) run_checked_kernel(fn, op, device, args);
    else fn(args);
  }
  // The raw function, unchecked (for code written before Kernel existed; prefer calling the Kernel).
  operator KernelFn() const { return fn; }
};

void register_kernel(const char* op, DeviceType device, DType dtype, KernelFn fn);
// The kernel for (op, device, dtype); NotImplementedError "[add] no kernel for (cuda, bool)" if none.
Kernel find_kernel(int op, DeviceType device, DType dtype);
bool has_kernel(int op, DeviceType device, DType dtype);

namespace reg {
constexpr DeviceType k_cpu = DeviceType::CPU;
constexpr DeviceType k_cuda = DeviceType::CUDA;
constexpr DType k_f32 = DType::F32, k_f64 = DType::F64, k_f16 = DType::F16, k_bf16 = DType::BF16,
                k_i32 = DType::I32, k_i64 = DType::I64, k_u8 = DType::U8, k_bool = DType::Bool,
                k_i8 = DType::I8, k_i16 = DType::I16, k_u16 = DType::U16, k_u32 = DType::U32,
                k_u64 = DType::U64;
}  // namespace reg

#define TFL_CONCAT_INNER_(a, b) a##b
#define TFL_CONCAT_(a, b) TFL_CONCAT_INNER_(a, b)
// TFL_REGISTER_KERNEL(add, cpu, f32, add_f32_cpu); at namespace scope in a kernel file.
#define TFL_REGISTER_KERNEL(op, dev, dt, fn)                                                          \
  static const bool TFL_CONCAT_(tfl_kernel_registered_, __COUNTER__) =                                \
      (::tfl::register_kernel(#op, ::tfl::reg::k_##dev, ::tfl::reg::k_##dt, fn), true)

// Fills a TensorArg for a kernel call from a tensor-like (data, dtype, shape, strides).
inline TensorArg make_arg(void* data, DType dtype, const Shape& shape, const Strides& strides) {
  return TensorArg{static_cast<char*>(data), dtype, shape.size(), shape.data(), strides.data()};
}

}  // namespace tfl
