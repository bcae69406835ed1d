// Backward formula of dtype casts and copies.
#include "core/autograd/derivatives/copy.h"

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(to_dtype);

void record_to_dtype(const Tensor& t, const Tensor& out) {
  const DType dt = t.dtype();
  record("to_dtype", {t}, {out}, {}, [dt](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
    // grad_like casts through to_dtype, so under create_graph this backward is recorded too.
    return std::vector<Tensor>{grad_like(g[0], dt)};
  });
}

TFL_DIFFERENTIABLE(to_device);

void record_to_device(const Tensor& t, const Tensor& out) {
  const Device dev = t.device();
  record("to_device", {t}, {out}, {}, [dev](const std::vector<Tensor>& g, const std::vector<SavedTensor>&) {
    // to_device is itself differentiable, so under create_graph this backward is recorded too.
    return std::vector<Tensor>{to_device(g[0], dev)};
  });
}

}  // namespace tfl::autograd
