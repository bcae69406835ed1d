"""tfl.nn.utils: gradient clipping over parameters (the core's clip_grad_norm / clip_grad_value)."""

from typing import Iterable, Union

from .._lib import api
from .._tensor import Tensor

Params = Union[Tensor, Iterable[Tensor]]


def _handles(parameters: Params) -> list:
    ps = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p._h for p in ps]


def clip_grad_norm_(parameters: Params, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    """Scales the gradients in place so that their total norm_type-norm is at most max_norm; returns the
    total norm before clipping (a 0-d float64 tensor), like torch.nn.utils.clip_grad_norm_."""
    from .._creation import tensor

    total = api.clip_grad_norm(_handles(parameters), float(max_norm), float(norm_type), bool(error_if_nonfinite))
    return tensor(total, dtype="float64")


def clip_grad_value_(parameters: Params, clip_value: float) -> None:
    """Clamps every gradient element into [-clip_value, clip_value] in place."""
    api.clip_grad_value(_handles(parameters), float(clip_value))
