// Backward formulas of elementwise ops. Each is written with differentiable ops, so that under
// create_graph the backward is itself recorded (higher-order gradients).
#include "core/autograd/derivatives/elementwise.h"

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/elementwise.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(add);
TFL_DIFFERENTIABLE(sub);
TFL_DIFFERENTIABLE(mul);
TFL_DIFFERENTIABLE(div);
TFL_DIFFERENTIABLE(neg);
TFL_DIFFERENTIABLE(exp);

namespace {
// Gradient for an operand of shape `shape` and dtype `dt` from a gradient of the broadcast result.
Tensor reduce_to(const Tensor& g, const Tensor& operand) { return grad_like(sum_to(g, operand.shape()), operand.dtype()); }
}  // namespace

void record_add(const Tensor& a, const Tensor& b, const Tensor& out) {
  Shape sa = a.shape(), sb = b.shape();
  DType da = a.dtype(), db = b.dtype();
  record("add", {a, b}, {out}, {}, [sa, sb, da, db](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
    return std::vector<Tensor>{grad_like(sum_to(g[0], sa), da), grad_like(sum_to(g[0], sb), db)};
  });
}

void record_sub(const Tensor& a, const Tensor& b, const Tensor& out) {
  Shape sa = a.shape(), sb = b.shape();
  DType da = a.dtype(), db = b.dtype();
  record("sub", {a, b}, {out}, {}, [sa, sb, da, db](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
    return std::vector<Tensor>{grad_like(sum_to(g[0], sa), da), grad_like(sum_to(neg(g[0]), sb), db)};
  });
}

void record_mul(const Tensor& a, const Tensor& b, const Tensor& out) {
  record("mul", {a, b}, {out}, {SavedTensor(a), SavedTensor(b)},
         [](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& a = s[0].unpack("mul");
           const Tensor& b = s[1].unpack("mul");
           return std::vector<Tensor>{reduce_to(mul(g[0], b), a), reduce_to(mul(g[0], a), b)};
         });
}

void record_div(const Tensor& a, const Tensor& b, const Tensor& out) {
  record("div", {a, b}, {out}, {SavedTensor(a), SavedTensor(b)},
         [](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& a = s[0].unpack("div");
           const Tensor& b = s[1].unpack("div");
           Tensor ga = div(g[0], b);
           // d(a/b)/db = -a / b^2, computed as -(g / b) * a / b to reuse ga.
           Tensor gb = neg(div(mul(ga, a), b));
           return std::vector<Tensor>{reduce_to(ga, a), reduce_to(gb, b)};
         });
}

void record_neg(const Tensor& a, const Tensor& out) {
  record("neg", {a}, {out}, {}, [](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
    return std::vector<Tensor>{neg(g[0])};
  });
}

void record_exp(const Tensor& a, const Tensor& out) {
  record("exp", {a}, {out}, {SavedTensor(out)}, [](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
    return std::vector<Tensor>{mul(g[0], s[0].unpack("exp"))};
  });
}

}  // namespace tfl::autograd
