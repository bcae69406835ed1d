"""tfl.nn.functional: stateless layers and activations on the core ops."""

from typing import Any, Optional, Tuple, Union

from .._lib import api
from .._tensor import Tensor, _wrap

IntPair = Union[int, Tuple[int, int]]


def _pair(v: IntPair) -> Tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def relu(x: Tensor) -> Tensor:
    return _wrap(api.tensor_relu(x._h))


def sigmoid(x: Tensor) -> Tensor:
    return _wrap(api.tensor_sigmoid(x._h))


def tanh(x: Tensor) -> Tensor:
    return _wrap(api.tensor_tanh(x._h))


def silu(x: Tensor) -> Tensor:
    return _wrap(api.tensor_silu(x._h))


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    return _wrap(api.tensor_gelu(x._h, approximate == "tanh"))


def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    return _wrap(api.tensor_elu(x._h, alpha))


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    return _wrap(api.tensor_leaky_relu(x._h, negative_slope))


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return _wrap(api.tensor_softplus(x._h, beta, threshold))


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return _wrap(api.tensor_softmax(x._h, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return _wrap(api.tensor_log_softmax(x._h, dim))


def one_hot(indices: Tensor, num_classes: int, dtype: Any = None) -> Tensor:
    from .._dtype import as_dtype, float32

    return _wrap(api.tensor_one_hot(indices._h, num_classes, (float32 if dtype is None else as_dtype(dtype)).code))


def conv1d(x: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: int = 1, padding: int = 0,
           dilation: int = 1, groups: int = 1) -> Tensor:
    return _wrap(api.tensor_conv1d(x._h, weight._h, None if bias is None else bias._h, stride, padding, dilation,
                                   groups))


def conv2d(x: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntPair = 1, padding: IntPair = 0,
           dilation: IntPair = 1, groups: int = 1) -> Tensor:
    s, p, d = _pair(stride), _pair(padding), _pair(dilation)
    return _wrap(api.tensor_conv2d(x._h, weight._h, None if bias is None else bias._h, s[0], s[1], p[0], p[1], d[0],
                                   d[1], groups))


def max_pool2d(x: Tensor, kernel_size: IntPair, stride: Optional[IntPair] = None, padding: IntPair = 0,
               dilation: IntPair = 1) -> Tensor:
    k = _pair(kernel_size)
    s = k if stride is None else _pair(stride)
    p, d = _pair(padding), _pair(dilation)
    return _wrap(api.tensor_max_pool2d(x._h, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1]))


def avg_pool2d(x: Tensor, kernel_size: IntPair, stride: Optional[IntPair] = None, padding: IntPair = 0,
               count_include_pad: bool = True) -> Tensor:
    k = _pair(kernel_size)
    s = k if stride is None else _pair(stride)
    p = _pair(padding)
    return _wrap(api.tensor_avg_pool2d(x._h, k[0], k[1], s[0], s[1], p[0], p[1], count_include_pad))


def adaptive_avg_pool2d(x: Tensor, output_size: IntPair) -> Tensor:
    o = _pair(output_size)
    return _wrap(api.tensor_adaptive_avg_pool2d(x._h, o[0], o[1]))
