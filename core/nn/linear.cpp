// Linear layer: one matmul with the transposed weight plus a broadcast bias.
#include "core/nn/linear.h"

#include "core/error.h"
#include "core/nn/init.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/shape.h"

namespace tfl::nn {

Linear::Linear(int64_t in_features, int64_t out_features, bool bias, DType dtype, Generator* gen)
    : UnaryModule("Linear"), in_(in_features), out_(out_features) {
  if (in_features < 0 || out_features < 0)
    TFL_THROW(LayerConfigError, "Linear", "in_features and out_features must be >= 0, got ", in_features, " and ",
              out_features);
  if (!is_floating(dtype)) TFL_THROW(DTypeError, "Linear", "parameters need a floating dtype, got ", dtype_name(dtype));
  weight_ = register_parameter("weight", empty({out_features, in_features}, dtype));
  bias_ = register_parameter("bias", bias ? empty({out_features}, dtype) : Tensor());
  init::default_linear_init(weight_, bias_, gen);
}

Tensor Linear::forward_one(const Tensor& x) {
  if (x.ndim() == 0 || x.shape().back() != in_)
    TFL_THROW(ShapeError, "Linear", "expects input of shape (*, ", in_, "), got ", shape_str(x.shape()));
  Tensor y = matmul(x, transpose(weight_, 0, 1));
  return bias_.defined() ? add(y, bias_) : y;
}

std::string Linear::extra_repr() const {
  return "in_features=" + std::to_string(in_) + ", out_features=" + std::to_string(out_) +
         ", bias=" + (bias_.defined() ? "true" : "false");
}

}  // namespace tfl::nn
