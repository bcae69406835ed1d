// Backward of sort/topk: each value came from one input position along the axis, so the gradient
// is g scattered (added) to those positions, zero elsewhere.
#include "core/autograd/derivatives/sort.h"

#include <string>

#include "core/autograd/differentiable.h"
#include "core/autograd/variable.h"
#include "core/ops/creation.h"
#include "core/ops/indexing.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(sort);
TFL_DIFFERENTIABLE(topk);

void record_sort(const char* op, const Tensor& t, int64_t axis, const Tensor& values, const Tensor& indices) {
  Shape in_shape = t.shape();
  std::string name = op;
  record(op, {t}, {values}, {SavedTensor(indices)},
         [in_shape, axis, name](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           Tensor z = zeros(in_shape, g[0].dtype(), g[0].device());
           return std::vector<Tensor>{scatter_add(z, axis, s[0].unpack(name), g[0])};
         });
}

}  // namespace tfl::autograd
