// Backward formulas of matrix products, written with matmul and views so that create_graph records them.
#include "core/autograd/derivatives/linalg.h"

#include <string>

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/linalg.h"
#include "core/ops/shape.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(matmul);
TFL_DIFFERENTIABLE(dot);
TFL_DIFFERENTIABLE(outer);

// Note [matmul gradient]
// With 1-D operands promoted to a (1, k) row / (k, 1) column and the result gradient reshaped to match
// (batch..., m, n), every case is the batched one: ga = g b^T and gb = a^T g over the broadcast batch,
// then summed over the batch dimensions the operand was broadcast along (sum_to) and reshaped back.
void record_matmul(const char* name, const Tensor& a, const Tensor& b, const Tensor& out) {
  const bool need_a = requires_grad(a), need_b = requires_grad(b);
  const std::string op = name;
  record(name, {a, b}, {out}, {SavedTensor(a), SavedTensor(b)},
         [op, need_a, need_b](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& a = s[0].unpack(op);
           const Tensor& b = s[1].unpack(op);
           const bool a_vec = a.ndim() == 1, b_vec = b.ndim() == 1;
           Tensor a2 = a_vec ? reshape(a, Shape{1, a.size(0)}) : a;
           Tensor b2 = b_vec ? reshape(b, Shape{b.size(0), 1}) : b;
           Shape gshape = g[0].shape();
           if (a_vec) gshape.insert(gshape.size() - (b_vec ? 0 : 1), 1);
           if (b_vec) gshape.push_back(1);
           Tensor g2 = reshape(g[0], gshape);
           Tensor ga, gb;
           if (need_a) ga = grad_like(reshape(sum_to(matmul(g2, matrix_transpose(b2)), a2.shape()), a.shape()), a.dtype());
           if (need_b) gb = grad_like(reshape(sum_to(matmul(matrix_transpose(a2), g2), b2.shape()), b.shape()), b.dtype());
           return std::vector<Tensor>{ga, gb};
         });
}

// out[i..., p..., n] = sum_k a[i..., k] b[p..., k, n]. With A = a as (rows, k), B = b as (bp, k, n) and
// G = g as (rows, bp * n): ga = G (B as (k, bp * n))^T and gb = A^T G, regrouped to (bp, k, n).
void record_dot_contraction(const Tensor& a, const Tensor& b, const Tensor& out) {
  const bool need_a = requires_grad(a), need_b = requires_grad(b);
  record("dot", {a, b}, {out}, {SavedTensor(a), SavedTensor(b)},
         [need_a, need_b](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& a = s[0].unpack("dot");
           const Tensor& b = s[1].unpack("dot");
           const int64_t k = a.size(-1), n = b.size(-1);
           const int64_t rows = a.numel() / (k == 0 ? 1 : k);
           const int64_t bp = b.numel() / (k * n == 0 ? 1 : k * n);
           Tensor gm = reshape(g[0], Shape{rows, bp * n});
           Tensor ga, gb;
           if (need_a) {
             Tensor bk = reshape(permute(reshape(b, Shape{bp, k, n}), {1, 0, 2}), Shape{k, bp * n});
             ga = grad_like(reshape(matmul(gm, matrix_transpose(bk)), a.shape()), a.dtype());
           }
           if (need_b) {
             Tensor am = reshape(a, Shape{rows, k});
             Tensor kbn = reshape(matmul(matrix_transpose(am), gm), Shape{k, bp, n});
             gb = grad_like(reshape(permute(kbn, {1, 0, 2}), b.shape()), b.dtype());
           }
           return std::vector<Tensor>{ga, gb};
         });
}

// out[i, j] = a[i] b[j] over the flattened operands: ga = g b, gb = a g.
void record_outer(const Tensor& a, const Tensor& b, const Tensor& out) {
  const bool need_a = requires_grad(a), need_b = requires_grad(b);
  record("outer", {a, b}, {out}, {SavedTensor(a), SavedTensor(b)},
         [need_a, need_b](const std::vector<Tensor>& g, const std::vector<SavedTensor>& s) {
           const Tensor& a = s[0].unpack("outer");
           const Tensor& b = s[1].unpack("outer");
           Tensor ga, gb;
           if (need_a) ga = grad_like(reshape(matmul(g[0], reshape(b, Shape{b.numel()})), a.shape()), a.dtype());
           if (need_b) gb = grad_like(reshape(matmul(reshape(a, Shape{a.numel()}), g[0]), b.shape()), b.dtype());
           return std::vector<Tensor>{ga, gb};
         });
}

}  // namespace tfl::autograd
