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


def linear(x: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    y = x @ weight.T
    return y if bias is None else y + bias


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    if not training or p == 0.0:
        return x
    from .. import random

    keep = (random.uniform(0.0, 1.0, x.shape) >= p).astype(x.dtype)
    return x * keep * (1.0 / (1.0 - p))


# ---- losses (the core's, through the C API) ---------------------------------------------------------

_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2, "batchmean": 3}


def _reduction(reduction: str, allow_batchmean: bool = False) -> int:
    r = _REDUCTIONS.get(reduction)
    if r is None or (r == 3 and not allow_batchmean):
        allowed = "'none', 'mean', 'sum'" + (", 'batchmean'" if allow_batchmean else "")
        raise ValueError("reduction must be one of %s, got %r" % (allowed, reduction))
    return r


def _h(t: Optional[Any], like: Optional[Tensor] = None):
    if t is None:
        return None
    from .._tensor import _as_tensor

    return _as_tensor(t, like)._h


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    return _wrap(api.loss_mse(input._h, _h(target, input), _reduction(reduction)))


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    return _wrap(api.loss_l1(input._h, _h(target, input), _reduction(reduction)))


def smooth_l1_loss(input: Tensor, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    return _wrap(api.loss_smooth_l1(input._h, _h(target, input), _reduction(reduction), beta))


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    return _wrap(api.loss_huber(input._h, _h(target, input), _reduction(reduction), delta))


def cross_entropy(input: Tensor, target: Any, weight: Optional[Tensor] = None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy from logits; target holds class indices (integer) or class probabilities (float)."""
    return _wrap(api.loss_cross_entropy(input._h, _h(target), _reduction(reduction), ignore_index, label_smoothing,
                                        _h(weight, input)))


def nll_loss(input: Tensor, target: Any, weight: Optional[Tensor] = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    return _wrap(api.loss_nll(input._h, _h(target), _reduction(reduction), ignore_index, _h(weight, input)))


def binary_cross_entropy_with_logits(input: Tensor, target: Any, weight: Optional[Tensor] = None,
                                     reduction: str = "mean", pos_weight: Optional[Tensor] = None) -> Tensor:
    return _wrap(api.loss_binary_cross_entropy_with_logits(input._h, _h(target, input), _reduction(reduction),
                                                           _h(weight, input), _h(pos_weight, input)))


def kl_div(input: Tensor, target: Any, reduction: str = "mean", log_target: bool = False) -> Tensor:
    return _wrap(api.loss_kl_div(input._h, _h(target, input), _reduction(reduction, True), log_target))
