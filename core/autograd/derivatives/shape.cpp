// Backward formulas of view and shape ops. Each is written with differentiable ops (or records its
// own backward), so that under create_graph the backward is itself recorded.
#include "core/autograd/derivatives/shape.h"

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(reshape);
TFL_DIFFERENTIABLE(broadcast_to);
TFL_DIFFERENTIABLE(transpose);
TFL_DIFFERENTIABLE(permute);
TFL_DIFFERENTIABLE(squeeze);
TFL_DIFFERENTIABLE(unsqueeze);
TFL_DIFFERENTIABLE(slice);
TFL_DIFFERENTIABLE(index);
TFL_DIFFERENTIABLE(slice_backward);
TFL_DIFFERENTIABLE(index_backward);

namespace {
using Grads = std::vector<Tensor>;
using Saved = std::vector<SavedTensor>;
}  // namespace

void record_reshape(const Tensor& a, const Tensor& out) {
  Shape in_shape = a.shape();
  record("reshape", {a}, {out}, {}, [in_shape](const Grads& g, const Saved&) { return Grads{reshape(g[0], in_shape)}; });
}

void record_broadcast_to(const Tensor& a, const Tensor& out) {
  Shape in_shape = a.shape();
  record("broadcast_to", {a}, {out}, {}, [in_shape](const Grads& g, const Saved&) { return Grads{sum_to(g[0], in_shape)}; });
}

void record_transpose(const Tensor& a, int64_t dim0, int64_t dim1, const Tensor& out) {
  record("transpose", {a}, {out}, {}, [dim0, dim1](const Grads& g, const Saved&) { return Grads{transpose(g[0], dim0, dim1)}; });
}

void record_permute(const Tensor& a, const std::vector<int64_t>& dims, const Tensor& out) {
  // Result axis i is input axis dims[i], so the gradient's axis dims[i] is g's axis i.
  const int n = a.ndim();
  std::vector<int64_t> inverse(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    int64_t d = dims[static_cast<size_t>(i)];
    inverse[static_cast<size_t>(d < 0 ? d + n : d)] = i;
  }
  record("permute", {a}, {out}, {}, [inverse](const Grads& g, const Saved&) { return Grads{permute(g[0], inverse)}; });
}

void record_squeeze(const Tensor& a, const Tensor& out) {
  Shape in_shape = a.shape();
  record("squeeze", {a}, {out}, {}, [in_shape](const Grads& g, const Saved&) { return Grads{reshape(g[0], in_shape)}; });
}

void record_unsqueeze(const Tensor& a, int64_t axis, const Tensor& out) {
  // Normalized against the result's rank, so squeeze() of the gradient finds the same axis.
  const int64_t d = axis < 0 ? axis + a.ndim() + 1 : axis;
  record("unsqueeze", {a}, {out}, {}, [d](const Grads& g, const Saved&) { return Grads{squeeze(g[0], {d})}; });
}

Tensor view_backward(const char* name, const Tensor& g, const Shape& shape,
                     const std::function<Tensor(const Tensor&)>& view_of) {
  Tensor z = zeros(shape, g.dtype(), g.device());
  {
    NoGradGuard no_grad;
    copy_(view_of(z), g);  // a fresh tensor: the version bump is harmless
  }
  if (needs_grad({g}))
    record(name, {g}, {z}, {}, [view_of](const Grads& gg, const Saved&) { return Grads{view_of(gg[0])}; });
  return z;
}

Tensor slice_backward(const Tensor& g, const Shape& in_shape, int64_t axis, std::optional<int64_t> start,
                      std::optional<int64_t> stop, int64_t step) {
  return view_backward("slice_backward", g, in_shape,
                       [=](const Tensor& t) { return slice(t, axis, start, stop, step); });
}

Tensor index_backward(const Tensor& g, const Shape& in_shape, const std::vector<IndexSpec>& specs) {
  return view_backward("index_backward", g, in_shape, [specs](const Tensor& t) { return index(t, specs); });
}

void record_slice(const Tensor& a, int64_t axis, std::optional<int64_t> start, std::optional<int64_t> stop,
                  int64_t step, const Tensor& out) {
  Shape in_shape = a.shape();
  DType dt = a.dtype();
  record("slice", {a}, {out}, {}, [=](const Grads& g, const Saved&) {
    return Grads{slice_backward(grad_like(g[0], dt), in_shape, axis, start, stop, step)};
  });
}

void record_index(const Tensor& a, const std::vector<IndexSpec>& specs, const Tensor& out) {
  Shape in_shape = a.shape();
  DType dt = a.dtype();
  record("index", {a}, {out}, {}, [=](const Grads& g, const Saved&) {
    return Grads{index_backward(grad_like(g[0], dt), in_shape, specs)};
  });
}

}  // namespace tfl::autograd
