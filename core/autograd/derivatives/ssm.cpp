// Backward of the selective scan: the fused reverse-time kernel selective_scan_backward.
#include "core/autograd/derivatives/ssm.h"

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/ssm.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(selective_scan);

// Note [Selective scan is differentiable once]
// Unlike the other derivatives, this backward is not written with differentiable ops: expressed as
// ops, the reverse recurrence would be len sequential steps of small ops per call, orders of magnitude
// slower than the kernel. So its result is a constant for autograd, and a backward with create_graph
// that would need to differentiate it again is refused with a clear error instead of silently
// returning wrong higher-order gradients.
void record_selective_scan(const Tensor& u, const Tensor& delta, const Tensor& A, const Tensor& B, const Tensor& C,
                           const Tensor& D, const Tensor& out) {
  record("selective_scan", {u, delta, A, B, C, D}, {out},
         {SavedTensor(u), SavedTensor(delta), SavedTensor(A), SavedTensor(B), SavedTensor(C), SavedTensor(D)},
         [](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           std::vector<Tensor> in;
           for (const SavedTensor& t : s) in.push_back(t.unpack("selective_scan"));
           if (grad_enabled() && (needs_grad(in) || needs_grad({g[0]})))
             TFL_THROW(NotImplementedError, "selective_scan",
                       "its backward is a fused kernel and is not differentiable: higher-order gradients "
                       "(create_graph) through selective_scan are not supported");
           std::vector<Tensor> grads = selective_scan_backward(g[0], in[0], in[1], in[2], in[3], in[4], in[5]);
           for (size_t i = 0; i < grads.size(); ++i)
             if (grads[i].defined()) grads[i] = grad_like(grads[i], in[i].dtype());
           return grads;
         });
}

}  // namespace tfl::autograd
