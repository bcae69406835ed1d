// Backward formulas of indexing ops: a gather's gradient is a scatter-add of g into zeros (so
// repeated indices accumulate), and a scatter-add's gradient to src is a gather. Each is written with
// differentiable ops, so under create_graph the backward is recorded too.
#include "core/autograd/derivatives/indexing.h"

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/assemble.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/indexing.h"
#include "core/ops/shape.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(gather);
TFL_DIFFERENTIABLE(take);
TFL_DIFFERENTIABLE(index_select);
TFL_DIFFERENTIABLE(take_along_axis);
TFL_DIFFERENTIABLE(scatter_add);
TFL_DIFFERENTIABLE(index_add);
TFL_DIFFERENTIABLE(masked_select);

namespace {
using Grads = std::vector<Tensor>;
using Saved = std::vector<SavedTensor>;

Tensor zeros_of(const Shape& shape, const Tensor& like) { return zeros(shape, like.dtype(), like.device()); }
}  // namespace

void record_gather(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& out) {
  Shape in_shape = t.shape();
  record("gather", {t}, {out}, {SavedTensor(index)}, [in_shape, axis](const Grads& g, const Saved& s) {
    return Grads{scatter_add(zeros_of(in_shape, g[0]), axis, s[0].unpack("gather"), g[0])};
  });
}

void record_take(const Tensor& t, const Tensor& index, const Tensor& out) {
  Shape in_shape = t.shape();
  record("take", {t}, {out}, {SavedTensor(index)}, [in_shape](const Grads& g, const Saved& s) {
    const Tensor& index = s[0].unpack("take");
    Tensor flat = index_add(zeros_of(Shape{shape_numel(in_shape)}, g[0]), 0, ravel(index), ravel(g[0]));
    return Grads{reshape(flat, in_shape)};
  });
}

void record_index_select(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& out) {
  Shape in_shape = t.shape();
  record("index_select", {t}, {out}, {SavedTensor(index)}, [in_shape, axis](const Grads& g, const Saved& s) {
    return Grads{index_add(zeros_of(in_shape, g[0]), axis, s[0].unpack("index_select"), g[0])};
  });
}

void record_take_along_axis(const Tensor& t, const Tensor& indices, int64_t axis, const Tensor& out) {
  Shape in_shape = t.shape();
  record("take_along_axis", {t}, {out}, {SavedTensor(indices)}, [in_shape, axis](const Grads& g, const Saved& s) {
    const Tensor& indices = s[0].unpack("take_along_axis");
    if (in_shape.size() == 0) return Grads{scatter_add(zeros_of(in_shape, g[0]), axis, indices, g[0])};
    // t and indices broadcast against each other off the axis: scatter into t broadcast to the
    // result's shape (with t's own length on the axis), then sum over the broadcast axes.
    const int ax = normalize_axis(axis, in_shape.size(), "take_along_axis");
    Shape wide = g[0].shape();
    wide[ax] = in_shape[ax];
    Tensor full_grad = scatter_add(zeros_of(wide, g[0]), ax, broadcast_to(indices, g[0].shape()), g[0]);
    return Grads{sum_to(full_grad, in_shape)};
  });
}

void record_scatter_add(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src, const Tensor& out) {
  Shape src_shape = src.shape();
  record("scatter_add", {t, src}, {out}, {SavedTensor(index)}, [src_shape, axis](const Grads& g, const Saved& s) {
    const Tensor& index = s[0].unpack("scatter_add");
    // Only src's leading index-shaped block is scattered; the rest of src gets zero gradient.
    Tensor gs = gather(g[0], axis, index);
    if (gs.shape() != src_shape) {
      std::vector<std::pair<int64_t, int64_t>> w;
      for (int d = 0; d < src_shape.size(); ++d) w.emplace_back(0, src_shape[d] - gs.shape()[d]);
      gs = pad(gs, w);
    }
    return Grads{g[0], gs};
  });
}

void record_index_add(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src, double alpha,
                      const Tensor& out) {
  Shape src_shape = src.shape();
  record("index_add", {t, src}, {out}, {SavedTensor(index)}, [src_shape, axis, alpha](const Grads& g, const Saved& s) {
    Tensor gs = index_select(g[0], axis, s[0].unpack("index_add"));
    if (gs.shape() != src_shape) gs = reshape(gs, src_shape);  // a 0-d t reads src as 1-D
    if (alpha != 1.0) gs = mul(gs, scalar_tensor(alpha, gs.dtype()));
    return Grads{g[0], gs};
  });
}

void record_masked_select(const Tensor& t, const Tensor& mask, const Tensor& out) {
  Shape in_shape = t.shape();
  Shape wide = broadcast_shapes(t.shape(), mask.shape(), "masked_select");
  record("masked_select", {t}, {out}, {SavedTensor(mask)}, [in_shape, wide](const Grads& g, const Saved& s) {
    // Row-major positions of the selected elements, in the order masked_select produced them.
    const int64_t n = shape_numel(wide);
    Tensor positions = masked_select(reshape(arange(0, static_cast<double>(n), 1, DType::I64), wide), s[0].unpack("masked_select"));
    Tensor flat = index_add(zeros_of(Shape{n}, g[0]), 0, positions, g[0]);
    return Grads{sum_to(reshape(flat, wide), in_shape)};
  });
}

}  // namespace tfl::autograd
