// Scaled dot-product attention as a composition of ops: the backward comes from theirs.
#include "core/ops/attention.h"

#include <cmath>
#include <limits>

#include "core/allocator.h"
#include "core/autograd/grad_mode.h"
#include "core/ops/assemble.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/nn.h"
#include "core/ops/shape.h"

namespace tfl {

namespace {

// 0 where keep is true, -inf elsewhere, in dtype dt: a constant (no gradient flows into a bool mask).
Tensor additive_from_bool(const Tensor& keep, DType dt) {
  autograd::NoGradGuard no_grad;
  return where(keep, scalar_tensor(0.0, dt), scalar_tensor(-std::numeric_limits<double>::infinity(), dt));
}

}  // namespace

Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, bool causal,
                                    std::optional<double> scale) {
  MemoryOpTag memory_scope("scaled_dot_product_attention");  // tags this op's allocations for the memory profiler
  const char* op = "scaled_dot_product_attention";
  check_defined(q, op, "q");
  check_defined(k, op, "k");
  check_defined(v, op, "v");
  if (q.ndim() < 2 || k.ndim() < 2 || v.ndim() < 2)
    TFL_THROW(ShapeError, op, "q, k and v need at least 2 dimensions (..., L, E), got ", shape_str(q.shape()), ", ",
              shape_str(k.shape()), " and ", shape_str(v.shape()));
  if (q.size(-1) != k.size(-1))
    TFL_THROW(ShapeError, op, "q and k must share the embedding size (last axis), got ", shape_str(q.shape()),
              " and ", shape_str(k.shape()));
  if (k.size(-2) != v.size(-2))
    TFL_THROW(ShapeError, op, "k and v must have the same number of keys (axis -2), got ", shape_str(k.shape()),
              " and ", shape_str(v.shape()));
  DType dt = promote_types(promote_types(q.dtype(), k.dtype(), op), v.dtype(), op);
  if (!is_floating(dt))
    TFL_THROW(DTypeError, op, "expects floating-point q, k and v, got ", dtype_name(q.dtype()), ", ",
              dtype_name(k.dtype()), " and ", dtype_name(v.dtype()));
  if (mask.defined() && mask.dtype() != DType::Bool && !is_floating(mask.dtype()))
    TFL_THROW(DTypeError, op, "mask must be bool (true = attend) or floating-point (added to the scores), got ",
              dtype_name(mask.dtype()));
  if (scale && !std::isfinite(*scale))
    TFL_THROW(InvalidArgumentError, op, "scale must be finite, got ", *scale);
  const int64_t lq = q.size(-2), lk = k.size(-2);
  const double s = scale ? *scale : 1.0 / std::sqrt(static_cast<double>(q.size(-1)));

  Tensor scores = matmul(cast_if_needed(q, dt), matrix_transpose(cast_if_needed(k, dt)));
  scores = mul(scores, scalar_tensor(s, dt));
  if (mask.defined()) {
    // Broadcasting errors are reported here, naming this op, rather than deep inside add.
    if (broadcast_shapes(scores.shape(), mask.shape(), op) != scores.shape())
      TFL_THROW(ShapeError, op, "mask of shape ", shape_str(mask.shape()), " does not broadcast to the scores' shape ",
                shape_str(scores.shape()));
    if (mask.dtype() == DType::Bool) {
      scores = add(scores, additive_from_bool(mask, dt));
    } else {
      scores = add(scores, cast_if_needed(mask, dt));
    }
  }
  if (causal) scores = add(scores, additive_from_bool(tril(ones({lq, lk}, DType::Bool)), dt));
  return matmul(softmax(scores, -1), cast_if_needed(v, dt));
}

}  // namespace tfl
