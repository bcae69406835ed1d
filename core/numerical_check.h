// The numerical check mode: when on, NaN/Inf produced by a kernel or a backward function is a NumericalError.
#pragma once

#include <atomic>

#include "core/device.h"
#include "core/dtype.h"

namespace tfl {

struct KernelArgs;
struct TensorArg;

namespace detail {
extern std::atomic<bool> g_numerical_check;
}  // namespace detail

// Off by default (like torch.autograd.detect_anomaly, which it mirrors): process-wide, so a training
// loop turns it on once while hunting a NaN. When off, each kernel call pays one relaxed load.
void set_numerical_check_enabled(bool enabled);
inline bool numerical_check_enabled() { return detail::g_numerical_check.load(std::memory_order_relaxed); }

// Runs a kernel with the mode on (the one choke point is Kernel::operator() in dispatch.h). A floating
// output holding NaN (or +-Inf) that none of the kernel's floating inputs held before the call is a
// NumericalError naming the kernel, the public op around it and, during backward, the op whose
// gradient was being computed. Kernels without floating inputs (fill, random) write constants or
// samples on purpose and are not checked; values that came in with the inputs are not this kernel's
// doing and are not reported again. Only CPU kernels are inspected.
using KernelFn = void (*)(const KernelArgs&);
void run_checked_kernel(KernelFn fn, int op, DeviceType device, const KernelArgs& args);

// True when a floating `arg` holds no NaN/Inf (always true for other dtypes and non-CPU devices).
bool all_finite(const TensorArg& arg, DeviceType device);

// Checks a tensor-like result produced by `what` (the autograd engine passes each gradient a backward
// function returned); NaN/Inf in a floating `arg` is a NumericalError naming `what`. CPU only.
void check_finite(const char* what, const TensorArg& arg, DeviceType device);

// While alive, kernel messages on this thread add "in the backward of <op>" (the engine opens one
// around each backward function).
class NumericalCheckContext {
 public:
  explicit NumericalCheckContext(const char* backward_of);
  ~NumericalCheckContext();
  NumericalCheckContext(const NumericalCheckContext&) = delete;
  NumericalCheckContext& operator=(const NumericalCheckContext&) = delete;

 private:
  const char* prev_;
};

}  // namespace tfl
