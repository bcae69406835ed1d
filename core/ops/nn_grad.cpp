// Entry points of the convolution and average-pool backward ops: shape checks, then their kernels.
#include "core/ops/nn_grad.h"

#include "core/allocator.h"
#include "core/autograd/derivatives/nn.h"
#include "core/autograd/variable.h"
#include "core/dispatch.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "kernels/params_nn.h"

namespace tfl {

namespace {

std::string size2_str(Size2 s) { return detail::concat("(", s[0], ", ", s[1], ")"); }

DType float_compute(int op, DType dt, Device device, const char* name) {
  if (!is_floating(dt)) TFL_THROW(DTypeError, name, "expects floating-point tensors, got ", dtype_name(dt));
  return has_kernel(op, device.type, dt) ? dt : compute_dtype(dt);
}

// Checks a convolution's geometry: input (N, C, H, W), weight (O, C / groups, KH, KW) and the output
// (N, O, OH, OW) it implies must equal grad_out's shape.
void check_conv_shapes(const Shape& in, const Shape& wt, const Shape& gout, const Conv2dSpec& s, const char* name) {
  if (in.size() != 4 || wt.size() != 4 || gout.size() != 4)
    TFL_THROW(ShapeError, name, "expects 4-D input, weight and output gradient, got ", shape_str(in), ", ",
              shape_str(wt), " and ", shape_str(gout));
  for (int i = 0; i < 2; ++i)
    if (s.stride[i] < 1 || s.dilation[i] < 1 || s.padding[i] < 0)
      TFL_THROW(InvalidArgumentError, name, "stride and dilation must be >= 1 and padding >= 0, got stride ",
                size2_str(s.stride), ", padding ", size2_str(s.padding), ", dilation ", size2_str(s.dilation));
  if (s.groups < 1 || in[1] % s.groups != 0 || wt[0] % s.groups != 0 || wt[1] * s.groups != in[1])
    TFL_THROW(ShapeError, name, "groups = ", s.groups, " does not fit input ", shape_str(in), " and weight ",
              shape_str(wt));
  const int64_t eh = s.dilation[0] * (wt[2] - 1) + 1, ew = s.dilation[1] * (wt[3] - 1) + 1;
  const int64_t oh = (in[2] + 2 * s.padding[0] - eh) / s.stride[0] + 1;
  const int64_t ow = (in[3] + 2 * s.padding[1] - ew) / s.stride[1] + 1;
  if (wt[2] < 1 || wt[3] < 1 || in[2] + 2 * s.padding[0] < eh || in[3] + 2 * s.padding[1] < ew ||
      gout != Shape{in[0], wt[0], oh, ow})
    TFL_THROW(ShapeError, name, "output gradient ", shape_str(gout), " does not match the convolution of input ",
              shape_str(in), " with weight ", shape_str(wt));
}

Conv2dParams conv_params(const Conv2dSpec& s) {
  return Conv2dParams{{s.stride[0], s.stride[1]}, {s.padding[0], s.padding[1]}, {s.dilation[0], s.dilation[1]},
                      s.groups, false};
}

// Runs the two-input conv backward kernel `op` into a new tensor of shape out_shape.
Tensor run_conv_grad(int op, const Tensor& a, const Tensor& b, const Shape& out_shape, const Conv2dSpec& spec,
                     const char* name) {
  if (a.device() != b.device()) TFL_THROW(DeviceError, name, "operands are on ", a.device().str(), " and ", b.device().str());
  const DType dt = promote_types(a.dtype(), b.dtype(), name);
  const DType compute = float_compute(op, dt, a.device(), name);
  Kernel kernel = find_kernel(op, a.device().type, compute);
  Tensor ca = contiguous(cast_if_needed(a, compute)), cb = contiguous(cast_if_needed(b, compute));
  Tensor out = Tensor::empty(out_shape, compute, a.device());
  if (out.numel() == 0) return cast_if_needed(out, dt);
  if (ca.numel() == 0 || cb.numel() == 0) {
    fill_(out, 0.0);
    return cast_if_needed(out, dt);
  }
  Conv2dParams p = conv_params(spec);
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), compute, out.shape(), out.strides());
  args.in[0] = make_arg(ca.data_ptr(), compute, ca.shape(), ca.strides());
  args.in[1] = make_arg(cb.data_ptr(), compute, cb.shape(), cb.strides());
  args.nin = 2;
  args.params = &p;
  kernel(args);
  return cast_if_needed(out, dt);
}

// The (planes, H, W) input-gradient of a pool from grad_out (..., OH, OW), as input_shape.
Tensor run_pool_grad(int op, const Tensor& grad_out, const Shape& input_shape, Pool2dParams* p, const char* name) {
  check_defined(grad_out, name, "grad_out");
  if (input_shape.size() < 3 || input_shape.size() > 4 || grad_out.ndim() != input_shape.size())
    TFL_THROW(ShapeError, name, "expects a (N, C, H, W) or (C, H, W) input shape and an output gradient of the same "
              "rank, got ", shape_str(input_shape), " and ", shape_str(grad_out.shape()));
  for (int d = 0; d + 2 < input_shape.size(); ++d)
    if (grad_out.size(d) != input_shape[d])
      TFL_THROW(ShapeError, name, "output gradient ", shape_str(grad_out.shape()), " does not match input shape ",
                shape_str(input_shape));
  const DType compute = float_compute(op, grad_out.dtype(), grad_out.device(), name);
  Kernel kernel = find_kernel(op, grad_out.device().type, compute);
  const int nd = input_shape.size();
  const int64_t h = input_shape[nd - 2], w = input_shape[nd - 1];
  const int64_t planes = nd == 4 ? input_shape[0] * input_shape[1] : input_shape[0];
  const int64_t oh = grad_out.size(-2), ow = grad_out.size(-1);
  Tensor g = contiguous(cast_if_needed(grad_out, compute));
  Tensor out = Tensor::empty(input_shape, compute, grad_out.device());
  if (out.numel() == 0) return cast_if_needed(out, grad_out.dtype());
  Shape kin{planes, oh, ow}, kout{planes, h, w};
  Strides sin = contiguous_strides(kin), sout = contiguous_strides(kout);
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), compute, kout, sout);
  args.in[0] = make_arg(g.data_ptr(), compute, kin, sin);
  args.nin = 1;
  args.params = p;
  kernel(args);
  return cast_if_needed(out, grad_out.dtype());
}

}  // namespace

Tensor conv2d_input_grad(const Tensor& grad_out, const Tensor& weight, const Shape& input_shape,
                         const Conv2dSpec& spec) {
  MemoryOpTag memory_scope("conv2d_input_grad");  // tags this op's allocations for the memory profiler
  static const int kOp = op_index("conv2d_input_grad");
  check_defined(grad_out, "conv2d_input_grad", "grad_out");
  check_defined(weight, "conv2d_input_grad", "weight");
  check_conv_shapes(input_shape, weight.shape(), grad_out.shape(), spec, "conv2d_input_grad");
  Tensor out = run_conv_grad(kOp, grad_out, weight, input_shape, spec, "conv2d_input_grad");
  if (autograd::needs_grad({grad_out, weight})) autograd::record_conv2d_input_grad(grad_out, weight, spec, out);
  return out;
}

Tensor conv2d_weight_grad(const Tensor& input, const Tensor& grad_out, const Shape& weight_shape,
                          const Conv2dSpec& spec) {
  MemoryOpTag memory_scope("conv2d_weight_grad");  // tags this op's allocations for the memory profiler
  static const int kOp = op_index("conv2d_weight_grad");
  check_defined(input, "conv2d_weight_grad", "input");
  check_defined(grad_out, "conv2d_weight_grad", "grad_out");
  check_conv_shapes(input.shape(), weight_shape, grad_out.shape(), spec, "conv2d_weight_grad");
  Tensor out = run_conv_grad(kOp, input, grad_out, weight_shape, spec, "conv2d_weight_grad");
  if (autograd::needs_grad({input, grad_out})) autograd::record_conv2d_weight_grad(input, grad_out, spec, out);
  return out;
}

Tensor avg_pool2d_grad(const Tensor& grad_out, const Shape& input_shape, Size2 kernel, Size2 stride, Size2 padding,
                       bool count_include_pad) {
  MemoryOpTag memory_scope("avg_pool2d_grad");  // tags this op's allocations for the memory profiler
  static const int kOp = op_index("avg_pool2d_grad");
  if (stride[0] == 0 && stride[1] == 0) stride = kernel;
  for (int i = 0; i < 2; ++i)
    if (kernel[i] < 1 || stride[i] < 1 || padding[i] < 0 || padding[i] > kernel[i] / 2)
      TFL_THROW(InvalidArgumentError, "avg_pool2d_grad", "invalid kernel ", size2_str(kernel), ", stride ",
                size2_str(stride), " or padding ", size2_str(padding));
  if (input_shape.size() >= 3 && grad_out.defined() && grad_out.ndim() == input_shape.size()) {
    const int nd = input_shape.size();
    const int64_t oh = (input_shape[nd - 2] + 2 * padding[0] - kernel[0]) / stride[0] + 1;
    const int64_t ow = (input_shape[nd - 1] + 2 * padding[1] - kernel[1]) / stride[1] + 1;
    if (grad_out.size(-2) != oh || grad_out.size(-1) != ow)
      TFL_THROW(ShapeError, "avg_pool2d_grad", "output gradient ", shape_str(grad_out.shape()),
                " does not match the pool of input shape ", shape_str(input_shape));
  }
  Pool2dParams p{{kernel[0], kernel[1]}, {stride[0], stride[1]}, {padding[0], padding[1]}, {1, 1},
                 count_include_pad, nullptr};
  Tensor out = run_pool_grad(kOp, grad_out, input_shape, &p, "avg_pool2d_grad");
  if (autograd::needs_grad({grad_out}))
    autograd::record_avg_pool2d_grad(grad_out, kernel, stride, padding, count_include_pad, out);
  return out;
}

Tensor adaptive_avg_pool2d_grad(const Tensor& grad_out, const Shape& input_shape) {
  MemoryOpTag memory_scope("adaptive_avg_pool2d_grad");  // tags this op's allocations for the memory profiler
  static const int kOp = op_index("adaptive_avg_pool2d_grad");
  Pool2dParams p{};
  Tensor out = run_pool_grad(kOp, grad_out, input_shape, &p, "adaptive_avg_pool2d_grad");
  if (autograd::needs_grad({grad_out})) autograd::record_adaptive_avg_pool2d_grad(grad_out, out);
  return out;
}

}  // namespace tfl
