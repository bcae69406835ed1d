"""tfl.nn.Parameter: a Tensor that a Module registers as trainable when assigned as an attribute."""

from typing import Any

from .._lib import api
from .._tensor import Tensor

_new_obj = object.__new__


class Parameter(Tensor):
    """A leaf tensor that requires grad and is listed by Module.parameters(). Parameter(t) shares t's
    memory (no copy), like torch.nn.Parameter."""

    __slots__ = ()

    def __new__(cls, data: Any = None, requires_grad: bool = True) -> "Parameter":
        from .._creation import tensor

        if data is None:
            data = tensor([])
        elif not isinstance(data, Tensor):
            data = tensor(data)
        p = _new_obj(cls)
        # A detached alias marked as a parameter in the core (tfl_tensor_is_parameter): the parameter is
        # its own leaf, sharing the data of `data`.
        p._h = api.parameter_create(data._h, bool(requires_grad))
        p._shape = None
        p._dtype = None
        return p

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:  # noqa: D107  (done in __new__)
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


def _parameter_from_handle(h) -> Parameter:
    """Wraps a module's own parameter tensor (as the C API returns it) without copying or detaching, so
    that gradients and in-place updates reach the module."""
    p = _new_obj(Parameter)
    p._h = h
    p._shape = None
    p._dtype = None
    return p


def is_parameter(t: Any) -> bool:
    """Whether t is a parameter in the core: made by Parameter(...) or registered by a core layer. Views and
    detached aliases of a parameter are not parameters."""
    return isinstance(t, Tensor) and bool(api.tensor_is_parameter(t._h))
