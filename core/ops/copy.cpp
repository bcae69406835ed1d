// Copies and dtype casts through the "copy" kernel.
#include "core/ops/copy.h"

#include "core/allocator.h"
#include "core/autograd/derivatives/copy.h"
#include "core/autograd/variable.h"
#include "core/cuda_device.h"
#include "core/dispatch.h"

namespace tfl {

namespace {
void copy_into(const Tensor& dst, const Tensor& src, const char* op) {
  static const int kCopy = op_index("copy");
  if (dst.device() != src.device())
    TFL_THROW(DeviceError, op, "source is on ", src.device().str(), ", destination on ", dst.device().str());
  Strides src_strides = broadcast_strides(src.shape(), src.strides(), dst.shape());
  KernelArgs args;
  args.out = make_arg(dst.data_ptr(), dst.dtype(), dst.shape(), dst.strides());
  args.in[0] = make_arg(src.data_ptr(), src.dtype(), dst.shape(), src_strides);
  args.nin = 1;
  find_kernel(kCopy, dst.device().type, dst.dtype())(args);
}
}  // namespace

Tensor contiguous(const Tensor& t) {
  check_defined(t, "contiguous", "t");
  if (t.is_contiguous()) return t;
  return clone(t);
}

Tensor to_dtype(const Tensor& t, DType dtype) {
  MemoryOpTag memory_scope("to_dtype");  // tags this op's allocations for the memory profiler
  check_defined(t, "to_dtype", "t");
  Tensor out = Tensor::empty(t.shape(), dtype, t.device());
  copy_into(out, t, "to_dtype");
  // Integer and bool results are not differentiable (and cannot require grad).
  if (is_floating(dtype) && autograd::needs_grad({t})) autograd::record_to_dtype(t, out);
  return out;
}

Tensor cast_if_needed(const Tensor& t, DType dtype) { return t.dtype() == dtype ? t : to_dtype(t, dtype); }

Tensor clone(const Tensor& t) {
  check_defined(t, "clone", "t");
  return to_dtype(t, t.dtype());
}

Tensor to_device(const Tensor& t, Device device) {
  MemoryOpTag memory_scope("to_device");  // tags this op's allocations for the memory profiler
  check_defined(t, "to_device", "t");
  const Device from = t.device();
  if (device.type == DeviceType::CPU && device.index != 0)
    TFL_THROW(DeviceError, "to_device", "the CPU device has index 0, got ", device.index);
  cuda::check_device(device, "to_device");
  Tensor out;
  if (from == device) {
    out = Tensor::empty(t.shape(), t.dtype(), device);
    copy_into(out, t, "to_device");  // records nothing: the to_device node below is the only one
  } else {
    // Dense source on its own device first (a strided gather there), then one linear transfer.
    Tensor src = contiguous(t);
    out = Tensor::empty(t.shape(), t.dtype(), device);
    const size_t nbytes = static_cast<size_t>(t.numel()) * t.itemsize();
    if (from.type == DeviceType::CPU)
      cuda::copy_host_to_device(device.index, out.data_ptr(), src.data_ptr(), nbytes);
    else if (device.type == DeviceType::CPU)
      cuda::copy_device_to_host(from.index, out.data_ptr(), src.data_ptr(), nbytes);
    else
      cuda::copy_device_to_device(device.index, out.data_ptr(), from.index, src.data_ptr(), nbytes);
  }
  if (is_floating(t.dtype()) && autograd::needs_grad({t})) autograd::record_to_device(t, out);
  return out;
}

void copy_(const Tensor& dst, const Tensor& src) {
  check_defined(dst, "copy_", "dst");
  check_defined(src, "copy_", "src");
  Shape b = broadcast_shapes(src.shape(), dst.shape(), "copy_");
  if (b != dst.shape())
    TFL_THROW(ShapeError, "copy_", "source of shape ", shape_str(src.shape()),
              " cannot be broadcast to destination shape ", shape_str(dst.shape()));
  copy_into(dst, src, "copy_");
  dst.bump_version();
}

}  // namespace tfl
