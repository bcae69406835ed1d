// Convolution layers over the conv1d / conv2d ops.
#include "core/nn/conv.h"

#include <string>

#include "core/error.h"
#include "core/nn/init.h"
#include "core/ops/creation.h"

namespace tfl::nn {
namespace {

void check_channels(const char* op, int64_t in, int64_t out, int64_t groups, DType dtype) {
  if (in <= 0 || out <= 0) TFL_THROW(LayerConfigError, op, "channel counts must be positive, got ", in, " and ", out);
  if (groups <= 0) TFL_THROW(LayerConfigError, op, "groups must be positive, got ", groups);
  if (in % groups != 0 || out % groups != 0)
    TFL_THROW(LayerConfigError, op, "in_channels (", in, ") and out_channels (", out,
              ") must be divisible by groups (", groups, ")");
  if (!is_floating(dtype)) TFL_THROW(DTypeError, op, "parameters need a floating dtype, got ", dtype_name(dtype));
}

void check_positive(const char* op, const char* what, int64_t v, int64_t min) {
  if (v < min) TFL_THROW(LayerConfigError, op, what, " must be >= ", min, ", got ", v);
}

void check_input(const char* op, const Tensor& x, int spatial, int64_t channels) {
  int nd = x.ndim();
  if (nd != spatial + 1 && nd != spatial + 2)
    TFL_THROW(ShapeError, op, "expects a ", spatial + 1, "-D or ", spatial + 2, "-D input, got shape ",
              shape_str(x.shape()));
  int64_t c = x.shape()[nd - spatial - 1];
  if (c != channels)
    TFL_THROW(ShapeError, op, "expects ", channels, " input channels, got input of shape ", shape_str(x.shape()));
}

std::string pair_str(Size2 s) { return "(" + std::to_string(s[0]) + ", " + std::to_string(s[1]) + ")"; }

}  // namespace

Conv1d::Conv1d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride, int64_t padding,
               int64_t dilation, int64_t groups, bool bias, DType dtype, Generator* gen)
    : UnaryModule("Conv1d"),
      in_(in_channels),
      out_(out_channels),
      kernel_(kernel_size),
      stride_(stride),
      padding_(padding),
      dilation_(dilation),
      groups_(groups) {
  check_channels("Conv1d", in_channels, out_channels, groups, dtype);
  check_positive("Conv1d", "kernel_size", kernel_size, 1);
  check_positive("Conv1d", "stride", stride, 1);
  check_positive("Conv1d", "padding", padding, 0);
  check_positive("Conv1d", "dilation", dilation, 1);
  weight_ = register_parameter("weight", empty({out_channels, in_channels / groups, kernel_size}, dtype));
  bias_ = register_parameter("bias", bias ? empty({out_channels}, dtype) : Tensor());
  init::default_linear_init(weight_, bias_, gen);
}

Tensor Conv1d::forward_one(const Tensor& x) {
  check_input("Conv1d", x, 1, in_);
  return conv1d(x, weight_, bias_, stride_, padding_, dilation_, groups_);
}

std::string Conv1d::extra_repr() const {
  std::string s = std::to_string(in_) + ", " + std::to_string(out_) + ", kernel_size=" + std::to_string(kernel_) +
                  ", stride=" + std::to_string(stride_);
  if (padding_) s += ", padding=" + std::to_string(padding_);
  if (dilation_ != 1) s += ", dilation=" + std::to_string(dilation_);
  if (groups_ != 1) s += ", groups=" + std::to_string(groups_);
  if (!bias_.defined()) s += ", bias=false";
  return s;
}

Conv2d::Conv2d(int64_t in_channels, int64_t out_channels, Size2 kernel_size, Size2 stride, Size2 padding,
               Size2 dilation, int64_t groups, bool bias, DType dtype, Generator* gen)
    : UnaryModule("Conv2d"),
      in_(in_channels),
      out_(out_channels),
      kernel_(kernel_size),
      stride_(stride),
      padding_(padding),
      dilation_(dilation),
      groups_(groups) {
  check_channels("Conv2d", in_channels, out_channels, groups, dtype);
  for (int i = 0; i < 2; ++i) {
    check_positive("Conv2d", "kernel_size", kernel_size[i], 1);
    check_positive("Conv2d", "stride", stride[i], 1);
    check_positive("Conv2d", "padding", padding[i], 0);
    check_positive("Conv2d", "dilation", dilation[i], 1);
  }
  weight_ = register_parameter("weight",
                               empty({out_channels, in_channels / groups, kernel_size[0], kernel_size[1]}, dtype));
  bias_ = register_parameter("bias", bias ? empty({out_channels}, dtype) : Tensor());
  init::default_linear_init(weight_, bias_, gen);
}

Tensor Conv2d::forward_one(const Tensor& x) {
  check_input("Conv2d", x, 2, in_);
  return conv2d(x, weight_, bias_, stride_, padding_, dilation_, groups_);
}

std::string Conv2d::extra_repr() const {
  std::string s = std::to_string(in_) + ", " + std::to_string(out_) + ", kernel_size=" + pair_str(kernel_) +
                  ", stride=" + pair_str(stride_);
  if (padding_[0] || padding_[1]) s += ", padding=" + pair_str(padding_);
  if (dilation_[0] != 1 || dilation_[1] != 1) s += ", dilation=" + pair_str(dilation_);
  if (groups_ != 1) s += ", groups=" + std::to_string(groups_);
  if (!bias_.defined()) s += ", bias=false";
  return s;
}

}  // namespace tfl::nn
