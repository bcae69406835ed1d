// Backward formulas of softmax, convolution and pooling, written with differentiable ops (the conv and
// pool gradient ops record their own backward), so that create_graph gives higher-order gradients.
#include "core/autograd/derivatives/nn.h"

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/indexing.h"
#include "core/ops/nn.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(softmax);
TFL_DIFFERENTIABLE(log_softmax);
TFL_DIFFERENTIABLE(conv2d);
TFL_DIFFERENTIABLE(conv1d);
TFL_DIFFERENTIABLE(max_pool2d);
TFL_DIFFERENTIABLE(avg_pool2d);
TFL_DIFFERENTIABLE(adaptive_avg_pool2d);
TFL_DIFFERENTIABLE(conv2d_input_grad);
TFL_DIFFERENTIABLE(conv2d_weight_grad);
TFL_DIFFERENTIABLE(avg_pool2d_grad);
TFL_DIFFERENTIABLE(adaptive_avg_pool2d_grad);

namespace {

// t with a leading size-1 batch dimension when it has `unbatched_rank` dimensions.
Tensor batched(const Tensor& t, int unbatched_rank) {
  if (t.ndim() != unbatched_rank) return t;
  Shape s = t.shape();
  s.insert(0, 1);
  return reshape(t, s);
}

}  // namespace

// y = softmax(x): dx = y * (g - sum(g * y)) along the axis.
void record_softmax(const Tensor& x, int64_t axis, const Tensor& out) {
  DType dt = x.dtype();
  record("softmax", {x}, {out}, {SavedTensor(out)},
         [axis, dt](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& y = s[0].unpack("softmax");
           Tensor dot_gy = sum(mul(g[0], y), {axis}, /*keepdims=*/true);
           return std::vector<Tensor>{grad_like(mul(y, sub(g[0], dot_gy)), dt)};
         });
}

// y = log_softmax(x): dx = g - exp(y) * sum(g) along the axis.
void record_log_softmax(const Tensor& x, int64_t axis, const Tensor& out) {
  DType dt = x.dtype();
  record("log_softmax", {x}, {out}, {SavedTensor(out)},
         [axis, dt](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& y = s[0].unpack("log_softmax");
           Tensor gsum = sum(g[0], {axis}, /*keepdims=*/true);
           return std::vector<Tensor>{grad_like(sub(g[0], mul(exp(y), gsum)), dt)};
         });
}

void record_conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Conv2dSpec& spec,
                   const Tensor& out) {
  const bool need_x = requires_grad(input), need_w = requires_grad(weight);
  const bool need_b = bias.defined() && requires_grad(bias);
  const DType bias_dt = bias.defined() ? bias.dtype() : DType::F32;
  record("conv2d", {input, weight, bias}, {out}, {SavedTensor(input), SavedTensor(weight)},
         [spec, need_x, need_w, need_b, bias_dt](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& x = s[0].unpack("conv2d");
           const Tensor& w = s[1].unpack("conv2d");
           Tensor x4 = batched(x, 3), g4 = batched(g[0], 3);
           Tensor gx, gw, gb;
           if (need_x) gx = grad_like(reshape(conv2d_input_grad(g4, w, x4.shape(), spec), x.shape()), x.dtype());
           if (need_w) gw = grad_like(conv2d_weight_grad(x4, g4, w.shape(), spec), w.dtype());
           if (need_b) gb = grad_like(sum(g4, {0, 2, 3}), bias_dt);
           return std::vector<Tensor>{gx, gw, gb};
         });
}

// conv1d is conv2d on (N, C, 1, L) inputs with (O, C / groups, 1, K) weights.
void record_conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, int64_t stride, int64_t padding,
                   int64_t dilation, int64_t groups, const Tensor& out) {
  const bool need_x = requires_grad(input), need_w = requires_grad(weight);
  const bool need_b = bias.defined() && requires_grad(bias);
  const DType bias_dt = bias.defined() ? bias.dtype() : DType::F32;
  const Conv2dSpec spec{{1, stride}, {0, padding}, {1, dilation}, groups};
  record("conv1d", {input, weight, bias}, {out}, {SavedTensor(input), SavedTensor(weight)},
         [spec, need_x, need_w, need_b, bias_dt](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& x = s[0].unpack("conv1d");
           const Tensor& w = s[1].unpack("conv1d");
           Tensor x3 = batched(x, 2), g3 = batched(g[0], 2);
           Tensor x4 = reshape(x3, Shape{x3.size(0), x3.size(1), 1, x3.size(2)});
           Tensor g4 = reshape(g3, Shape{g3.size(0), g3.size(1), 1, g3.size(2)});
           Shape w4{w.size(0), w.size(1), 1, w.size(2)};
           Tensor gx, gw, gb;
           if (need_x)
             gx = grad_like(reshape(conv2d_input_grad(g4, reshape(w, w4), x4.shape(), spec), x.shape()), x.dtype());
           if (need_w) gw = grad_like(reshape(conv2d_weight_grad(x4, g4, w4, spec), w.shape()), w.dtype());
           if (need_b) gb = grad_like(sum(g4, {0, 2, 3}), bias_dt);
           return std::vector<Tensor>{gx, gw, gb};
         });
}

// Each output's gradient goes to the input position its maximum came from (the first of tied maxima,
// as in PyTorch); overlapping windows sharing a maximum accumulate (scatter_add).
void record_max_pool2d(const Tensor& input, const Tensor& indices, const Tensor& out) {
  Shape in_shape = input.shape();
  DType dt = input.dtype();
  record("max_pool2d", {input}, {out}, {SavedTensor(indices)},
         [in_shape, dt](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& idx = s[0].unpack("max_pool2d");
           const int nd = in_shape.size();
           const int64_t hw = in_shape[nd - 2] * in_shape[nd - 1];
           const int64_t planes = nd == 4 ? in_shape[0] * in_shape[1] : in_shape[0];
           const int64_t ohw = idx.size(-2) * idx.size(-1);
           Tensor flat = scatter_add(zeros(Shape{planes, hw}, g[0].dtype()), 1, reshape(idx, Shape{planes, ohw}),
                                     reshape(g[0], Shape{planes, ohw}));
           return std::vector<Tensor>{grad_like(reshape(flat, in_shape), dt)};
         });
}

void record_avg_pool2d(const Tensor& input, Size2 kernel, Size2 stride, Size2 padding, bool count_include_pad,
                       const Tensor& out) {
  Shape in_shape = input.shape();
  DType dt = input.dtype();
  record("avg_pool2d", {input}, {out}, {},
         [in_shape, dt, kernel, stride, padding, count_include_pad](const std::vector<Tensor>& g,
                                                                     const std::vector<SavedTensor>&) {
           return std::vector<Tensor>{
               grad_like(avg_pool2d_grad(g[0], in_shape, kernel, stride, padding, count_include_pad), dt)};
         });
}

void record_adaptive_avg_pool2d(const Tensor& input, const Tensor& out) {
  Shape in_shape = input.shape();
  DType dt = input.dtype();
  record("adaptive_avg_pool2d", {input}, {out}, {},
         [in_shape, dt](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
           return std::vector<Tensor>{grad_like(adaptive_avg_pool2d_grad(g[0], in_shape), dt)};
         });
}

// Note [conv2d double backward]
// With y = conv(x, w), IG(gy, w) = dL/dx and WG(x, gy) = dL/dw are bilinear, and
//   <u, IG(gy, w)> = <conv(u, w), gy>   and   <v, WG(x, gy)> = <conv(x, v), gy>.
// So the gradients of IG's output (given u) are conv(u, w) w.r.t. gy and WG(u, gy) w.r.t. w, and those
// of WG's output (given v) are IG(gy, v) w.r.t. x and conv(x, v) w.r.t. gy: the three ops close over
// each other and every order of derivative is recorded.
void record_conv2d_input_grad(const Tensor& grad_out, const Tensor& weight, const Conv2dSpec& spec, const Tensor& out) {
  const bool need_gy = requires_grad(grad_out), need_w = requires_grad(weight);
  record("conv2d_input_grad", {grad_out, weight}, {out}, {SavedTensor(grad_out), SavedTensor(weight)},
         [spec, need_gy, need_w](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& gy = s[0].unpack("conv2d_input_grad");
           const Tensor& w = s[1].unpack("conv2d_input_grad");
           Tensor d_gy, d_w;
           if (need_gy)
             d_gy = grad_like(conv2d(g[0], w, Tensor(), spec.stride, spec.padding, spec.dilation, spec.groups), gy.dtype());
           if (need_w) d_w = grad_like(conv2d_weight_grad(g[0], gy, w.shape(), spec), w.dtype());
           return std::vector<Tensor>{d_gy, d_w};
         });
}

void record_conv2d_weight_grad(const Tensor& input, const Tensor& grad_out, const Conv2dSpec& spec, const Tensor& out) {
  const bool need_x = requires_grad(input), need_gy = requires_grad(grad_out);
  record("conv2d_weight_grad", {input, grad_out}, {out}, {SavedTensor(input), SavedTensor(grad_out)},
         [spec, need_x, need_gy](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& x = s[0].unpack("conv2d_weight_grad");
           const Tensor& gy = s[1].unpack("conv2d_weight_grad");
           Tensor d_x, d_gy;
           if (need_x) d_x = grad_like(conv2d_input_grad(gy, g[0], x.shape(), spec), x.dtype());
           if (need_gy)
             d_gy = grad_like(conv2d(x, g[0], Tensor(), spec.stride, spec.padding, spec.dilation, spec.groups), gy.dtype());
           return std::vector<Tensor>{d_x, d_gy};
         });
}

// The pool gradients are linear in grad_out and adjoint to the pools themselves.
void record_avg_pool2d_grad(const Tensor& grad_out, Size2 kernel, Size2 stride, Size2 padding, bool count_include_pad,
                            const Tensor& out) {
  DType dt = grad_out.dtype();
  record("avg_pool2d_grad", {grad_out}, {out}, {},
         [dt, kernel, stride, padding, count_include_pad](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
           return std::vector<Tensor>{grad_like(avg_pool2d(g[0], kernel, stride, padding, count_include_pad), dt)};
         });
}

void record_adaptive_avg_pool2d_grad(const Tensor& grad_out, const Tensor& out) {
  DType dt = grad_out.dtype();
  Size2 out_size{grad_out.size(-2), grad_out.size(-1)};
  record("adaptive_avg_pool2d_grad", {grad_out}, {out}, {},
         [dt, out_size](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
           return std::vector<Tensor>{grad_like(adaptive_avg_pool2d(g[0], out_size), dt)};
         });
}

}  // namespace tfl::autograd
