// Neural-network op entry points: argument checks and output shapes of softmax, convolution, pooling.
#include "core/ops/nn.h"

#include "core/allocator.h"
#include "core/autograd/derivatives/nn.h"
#include "core/autograd/variable.h"
#include "core/dispatch.h"
#include "core/ops/copy.h"
#include "kernels/params_nn.h"

namespace tfl {

namespace {

// The dtype kernel `op` runs in for inputs of dtype dt: dt itself when registered, else its compute
// dtype (f16/bf16 -> f32), converted on the way in and out.
DType kernel_dtype(int op, DType dt, Device device) { return has_kernel(op, device.type, dt) ? dt : compute_dtype(dt); }

// The same tensor with metadata for a new row-major shape of equal numel; t must be contiguous.
Tensor relabel(const Tensor& t, const Shape& shape) {
  return t.as_strided(shape, contiguous_strides(shape), t.offset());
}

std::string size2_str(Size2 s) { return detail::concat("(", s[0], ", ", s[1], ")"); }

Tensor softmax_impl(const Tensor& x, int64_t axis, const char* name) {
  MemoryOpTag memory_scope(name);  // tags this op's allocations for the memory profiler
  const int op = op_index(name);
  check_defined(x, name, "x");
  if (!is_floating(x.dtype()))
    TFL_THROW(DTypeError, name, "expects a floating-point tensor, got ", dtype_name(x.dtype()));
  const int ax = normalize_axis(axis, x.ndim(), name);
  const DType compute = kernel_dtype(op, x.dtype(), x.device());
  Kernel kernel = find_kernel(op, x.device().type, compute);
  Tensor in = contiguous(cast_if_needed(x, compute));
  SoftmaxParams p{1, 1, 1};
  for (int d = 0; d < x.ndim(); ++d) {
    if (d < ax)
      p.outer *= x.shape()[d];
    else if (d == ax)
      p.len = x.shape()[d];
    else
      p.inner *= x.shape()[d];
  }
  Tensor out = Tensor::empty(x.shape(), compute, x.device());
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), compute, out.shape(), out.strides());
  args.in[0] = make_arg(in.data_ptr(), compute, in.shape(), in.strides());
  args.nin = 1;
  args.params = &p;
  if (out.numel() > 0) kernel(args);
  return cast_if_needed(out, x.dtype());
}

// conv2d on 4-D views; `ui`/`uw` are the tensors the user passed, quoted in messages.
Tensor conv_impl(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2 stride, Size2 padding,
                 Size2 dilation, int64_t groups, const char* name, const Tensor& ui, const Tensor& uw) {
  static const int kConv = op_index("conv2d");
  DType dt = promote_types(input.dtype(), weight.dtype(), name);
  if (bias.defined()) dt = promote_types(dt, bias.dtype(), name);
  if (!is_floating(dt))
    TFL_THROW(DTypeError, name, "expects floating-point input and weight, got ", dtype_name(input.dtype()), " and ",
              dtype_name(weight.dtype()));
  if (input.device() != weight.device() || (bias.defined() && bias.device() != input.device()))
    TFL_THROW(DeviceError, name, "input, weight and bias must be on one device");
  for (int i = 0; i < 2; ++i) {
    if (stride[i] < 1 || dilation[i] < 1 || padding[i] < 0)
      TFL_THROW(InvalidArgumentError, name, "stride and dilation must be >= 1 and padding >= 0, got stride ",
                size2_str(stride), ", padding ", size2_str(padding), ", dilation ", size2_str(dilation));
  }
  const int64_t n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  const int64_t o = weight.size(0), cg = weight.size(1), kh = weight.size(2), kw = weight.size(3);
  if (groups < 1) TFL_THROW(InvalidArgumentError, name, "groups must be >= 1, got ", groups);
  if (c % groups != 0 || o % groups != 0)
    TFL_THROW(ShapeError, name, "groups = ", groups, " must divide both the input channels (", c,
              ") and the output channels (", o, "); input ", shape_str(ui.shape()), ", weight ", shape_str(uw.shape()));
  if (cg * groups != c)
    TFL_THROW(ShapeError, name, "weight ", shape_str(uw.shape()), " expects ", cg * groups, " input channels (", cg,
              " per group x ", groups, " groups), input ", shape_str(ui.shape()), " has ", c);
  if (kh < 1 || kw < 1) TFL_THROW(ShapeError, name, "weight ", shape_str(uw.shape()), " has an empty kernel");
  if (bias.defined() && (bias.ndim() != 1 || bias.size(0) != o))
    TFL_THROW(ShapeError, name, "bias must have shape ", o, ", got ", shape_str(bias.shape()));
  const int64_t eh = dilation[0] * (kh - 1) + 1, ew = dilation[1] * (kw - 1) + 1;
  if (h + 2 * padding[0] < eh || w + 2 * padding[1] < ew)
    TFL_THROW(ShapeError, name, "input ", shape_str(ui.shape()), " padded by ", size2_str(padding),
              " is smaller than the dilated kernel of weight ", shape_str(uw.shape()));
  const int64_t oh = (h + 2 * padding[0] - eh) / stride[0] + 1, ow = (w + 2 * padding[1] - ew) / stride[1] + 1;

  const DType compute = kernel_dtype(kConv, dt, input.device());
  Kernel kernel = find_kernel(kConv, input.device().type, compute);
  Tensor ci = contiguous(cast_if_needed(input, compute));
  Tensor cw = contiguous(cast_if_needed(weight, compute));
  Tensor cb = bias.defined() ? contiguous(cast_if_needed(bias, compute)) : Tensor();
  Tensor out = Tensor::empty(Shape{n, o, oh, ow}, compute, input.device());
  Conv2dParams p{{stride[0], stride[1]}, {padding[0], padding[1]}, {dilation[0], dilation[1]}, groups, bias.defined()};
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), compute, out.shape(), out.strides());
  args.in[0] = make_arg(ci.data_ptr(), compute, ci.shape(), ci.strides());
  args.in[1] = make_arg(cw.data_ptr(), compute, cw.shape(), cw.strides());
  args.nin = 2;
  if (cb.defined()) {
    args.in[2] = make_arg(cb.data_ptr(), compute, cb.shape(), cb.strides());
    args.nin = 3;
  }
  args.params = &p;
  if (out.numel() > 0) kernel(args);
  return cast_if_needed(out, dt);
}

// Adds a leading size-1 dimension (an unbatched input as a batch of one).
Tensor unsqueeze0(const Tensor& t) {
  Shape s = t.shape();
  Strides st = t.strides();
  s.insert(0, 1);
  st.insert(0, 0);
  return t.as_strided(s, st, t.offset());
}

// Drops the leading dimension added by unsqueeze0 from a contiguous result.
Tensor squeeze0(const Tensor& t) {
  Shape s(t.shape().data() + 1, static_cast<size_t>(t.ndim() - 1));
  return relabel(t, s);
}

void check_rank(const Tensor& t, int lo, int hi, const char* name, const char* what) {
  if (t.ndim() < lo || t.ndim() > hi)
    TFL_THROW(ShapeError, name, "expects ", what, ", got shape ", shape_str(t.shape()));
}

struct PoolGeometry {
  int64_t planes, h, w, oh, ow;
};

// Checks a windowed pool's arguments and computes its output size (PyTorch's floor mode).
PoolGeometry pool_geometry(const Tensor& x, Size2 kernel, Size2* stride, Size2 padding, Size2 dilation,
                           const char* name) {
  check_defined(x, name, "input");
  check_rank(x, 3, 4, name, "a (N, C, H, W) or (C, H, W) input");
  if (stride->at(0) == 0 && stride->at(1) == 0) *stride = kernel;
  for (int i = 0; i < 2; ++i) {
    if (kernel[i] < 1 || stride->at(i) < 1 || dilation[i] < 1 || padding[i] < 0)
      TFL_THROW(InvalidArgumentError, name, "kernel, stride and dilation must be >= 1 and padding >= 0, got kernel ",
                size2_str(kernel), ", stride ", size2_str(*stride), ", padding ", size2_str(padding), ", dilation ",
                size2_str(dilation));
    if (padding[i] > kernel[i] / 2)
      TFL_THROW(InvalidArgumentError, name, "padding ", size2_str(padding), " must be at most half of the kernel ",
                size2_str(kernel));
  }
  PoolGeometry g;
  g.h = x.size(-2);
  g.w = x.size(-1);
  g.planes = x.ndim() == 4 ? x.size(0) * x.size(1) : x.size(0);
  const int64_t eh = dilation[0] * (kernel[0] - 1) + 1, ew = dilation[1] * (kernel[1] - 1) + 1;
  if (g.h + 2 * padding[0] < eh || g.w + 2 * padding[1] < ew)
    TFL_THROW(ShapeError, name, "input ", shape_str(x.shape()), " padded by ", size2_str(padding),
              " is smaller than the window ", size2_str(Size2{eh, ew}));
  g.oh = (g.h + 2 * padding[0] - eh) / stride->at(0) + 1;
  g.ow = (g.w + 2 * padding[1] - ew) / stride->at(1) + 1;
  return g;
}

// Runs pool kernel `name` over (planes, H, W) -> (planes, OH, OW) and returns the result shaped like
// the input's leading dimensions followed by (OH, OW).
Tensor run_pool(const char* name, const Tensor& x, const PoolGeometry& g, DType compute, Pool2dParams* p) {
  const int op = op_index(name);
  Kernel kernel = find_kernel(op, x.device().type, compute);
  Tensor in = contiguous(cast_if_needed(x, compute));
  Shape out_shape = x.shape();
  out_shape[out_shape.size() - 2] = g.oh;
  out_shape[out_shape.size() - 1] = g.ow;
  Tensor out = Tensor::empty(out_shape, compute, x.device());
  Shape kin{g.planes, g.h, g.w}, kout{g.planes, g.oh, g.ow};
  Strides sin = contiguous_strides(kin), sout = contiguous_strides(kout);
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), compute, kout, sout);
  args.in[0] = make_arg(in.data_ptr(), compute, kin, sin);
  args.nin = 1;
  args.params = p;
  if (out.numel() > 0) kernel(args);
  return cast_if_needed(out, x.dtype());
}

DType float_pool_dtype(const Tensor& x, int op, const char* name) {
  if (!is_floating(x.dtype()))
    TFL_THROW(DTypeError, name, "expects a floating-point tensor, got ", dtype_name(x.dtype()));
  return kernel_dtype(op, x.dtype(), x.device());
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t axis) {
  Tensor out = softmax_impl(x, axis, "softmax");
  if (autograd::needs_grad({x})) autograd::record_softmax(x, axis, out);
  return out;
}
Tensor log_softmax(const Tensor& x, int64_t axis) {
  Tensor out = softmax_impl(x, axis, "log_softmax");
  if (autograd::needs_grad({x})) autograd::record_log_softmax(x, axis, out);
  return out;
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2 stride, Size2 padding,
              Size2 dilation, int64_t groups) {
  MemoryOpTag memory_scope("conv2d");  // tags this op's allocations for the memory profiler
  check_defined(input, "conv2d", "input");
  check_defined(weight, "conv2d", "weight");
  check_rank(input, 3, 4, "conv2d", "a (N, C, H, W) or (C, H, W) input");
  check_rank(weight, 4, 4, "conv2d", "a (O, C / groups, KH, KW) weight");
  const bool batched = input.ndim() == 4;
  Tensor out = conv_impl(batched ? input : unsqueeze0(input), weight, bias, stride, padding, dilation, groups, "conv2d",
                         input, weight);
  out = batched ? out : squeeze0(out);
  if (autograd::needs_grad({input, weight, bias}))
    autograd::record_conv2d(input, weight, bias, Conv2dSpec{stride, padding, dilation, groups}, out);
  return out;
}

Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, int64_t stride, int64_t padding,
              int64_t dilation, int64_t groups) {
  check_defined(input, "conv1d", "input");
  check_defined(weight, "conv1d", "weight");
  check_rank(input, 2, 3, "conv1d", "a (N, C, L) or (C, L) input");
  check_rank(weight, 3, 3, "conv1d", "a (O, C / groups, K) weight");
  const bool batched = input.ndim() == 3;
  Tensor in3 = batched ? input : unsqueeze0(input);
  // (N, C, L) as (N, C, 1, L): a 2-D convolution with a 1 x K kernel.
  Tensor in4 = in3.as_strided(Shape{in3.size(0), in3.size(1), 1, in3.size(2)},
                              Strides{in3.strides()[0], in3.strides()[1], 0, in3.strides()[2]}, in3.offset());
  Tensor w4 =
      weight.as_strided(Shape{weight.size(0), weight.size(1), 1, weight.size(2)},
                        Strides{weight.strides()[0], weight.strides()[1], 0, weight.strides()[2]}, weight.offset());
  Tensor out = conv_impl(in4, w4, bias, {1, stride}, {0, padding}, {1, dilation}, groups, "conv1d", input, weight);
  Shape s{out.size(0), out.size(1), out.size(3)};
  out = relabel(out, s);
  out = batched ? out : squeeze0(out);
  if (autograd::needs_grad({input, weight, bias}))
    autograd::record_conv1d(input, weight, bias, stride, padding, dilation, groups, out);
  return out;
}

std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, Size2 kernel, Size2 stride, Size2 padding,
                                                  Size2 dilation) {
  static const int kMax = op_index("max_pool2d");
  PoolGeometry g = pool_geometry(input, kernel, &stride, padding, dilation, "max_pool2d");
  if (input.dtype() == DType::Bool) TFL_THROW(DTypeError, "max_pool2d", "not defined for bool tensors");
  Shape idx_shape = input.shape();
  idx_shape[idx_shape.size() - 2] = g.oh;
  idx_shape[idx_shape.size() - 1] = g.ow;
  Tensor indices = Tensor::empty(idx_shape, DType::I64, input.device());
  Pool2dParams p{
      {kernel[0], kernel[1]}, {stride[0], stride[1]}, {padding[0], padding[1]}, {dilation[0], dilation[1]}, false,
      indices.data<int64_t>()};
  Tensor out = run_pool("max_pool2d", input, g, kernel_dtype(kMax, input.dtype(), input.device()), &p);
  if (autograd::needs_grad({input})) autograd::record_max_pool2d(input, indices, out);
  return {out, indices};
}

Tensor max_pool2d(const Tensor& input, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation) {
  static const int kMax = op_index("max_pool2d");
  // The backward needs the positions of the maxima.
  if (autograd::needs_grad({input})) return max_pool2d_with_indices(input, kernel, stride, padding, dilation).first;
  PoolGeometry g = pool_geometry(input, kernel, &stride, padding, dilation, "max_pool2d");
  if (input.dtype() == DType::Bool) TFL_THROW(DTypeError, "max_pool2d", "not defined for bool tensors");
  Pool2dParams p{{kernel[0], kernel[1]},
                 {stride[0], stride[1]},
                 {padding[0], padding[1]},
                 {dilation[0], dilation[1]},
                 false,
                 nullptr};
  return run_pool("max_pool2d", input, g, kernel_dtype(kMax, input.dtype(), input.device()), &p);
}

Tensor avg_pool2d(const Tensor& input, Size2 kernel, Size2 stride, Size2 padding, bool count_include_pad) {
  static const int kAvg = op_index("avg_pool2d");
  PoolGeometry g = pool_geometry(input, kernel, &stride, padding, Size2{1, 1}, "avg_pool2d");
  DType compute = float_pool_dtype(input, kAvg, "avg_pool2d");
  Pool2dParams p{
      {kernel[0], kernel[1]}, {stride[0], stride[1]}, {padding[0], padding[1]}, {1, 1}, count_include_pad, nullptr};
  Tensor out = run_pool("avg_pool2d", input, g, compute, &p);
  if (autograd::needs_grad({input})) autograd::record_avg_pool2d(input, kernel, stride, padding, count_include_pad, out);
  return out;
}

Tensor adaptive_avg_pool2d(const Tensor& input, Size2 output_size) {
  static const int kAdaptive = op_index("adaptive_avg_pool2d");
  check_defined(input, "adaptive_avg_pool2d", "input");
  check_rank(input, 3, 4, "adaptive_avg_pool2d", "a (N, C, H, W) or (C, H, W) input");
  if (output_size[0] < 0 || output_size[1] < 0)
    TFL_THROW(InvalidArgumentError, "adaptive_avg_pool2d", "output size must be >= 0, got ", size2_str(output_size));
  DType compute = float_pool_dtype(input, kAdaptive, "adaptive_avg_pool2d");
  PoolGeometry g;
  g.h = input.size(-2);
  g.w = input.size(-1);
  g.planes = input.ndim() == 4 ? input.size(0) * input.size(1) : input.size(0);
  if ((g.h == 0 || g.w == 0) && g.planes > 0 && output_size[0] * output_size[1] > 0)
    TFL_THROW(ShapeError, "adaptive_avg_pool2d", "input ", shape_str(input.shape()), " has an empty spatial dimension");
  g.oh = output_size[0];
  g.ow = output_size[1];
  Pool2dParams p{};
  Tensor out = run_pool("adaptive_avg_pool2d", input, g, compute, &p);
  if (autograd::needs_grad({input})) autograd::record_adaptive_avg_pool2d(input, out);
  return out;
}

}  // namespace tfl
