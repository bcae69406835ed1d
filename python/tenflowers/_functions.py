"""Functions on tensors (tfl.matmul, tfl.concat, tfl.exp, ...), named after the Python array API
standard where it has a name, with the common PyTorch/NumPy spellings as aliases."""

import builtins
from typing import Any, List, Optional, Sequence, Tuple

from ._lib import api
from ._tensor import UNARY, Tensor, _as_tensor, _binary, _shape_tuple, _wrap


def _t(x: Any) -> Tensor:
    return _as_tensor(x, None)


def matmul(a: Any, b: Any) -> Tensor:
    return _wrap(api.tensor_matmul(_t(a)._h, _t(b)._h))


def dot(a: Any, b: Any) -> Tensor:
    return _wrap(api.tensor_dot(_t(a)._h, _t(b)._h))


def outer(a: Any, b: Any) -> Tensor:
    return _wrap(api.tensor_outer(_t(a)._h, _t(b)._h))


def concat(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    ts = [_t(x) for x in tensors]
    return _wrap(api.tensor_concat([t._h for t in ts], axis))


concatenate = cat = concat


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    ts = [_t(x) for x in tensors]
    return _wrap(api.tensor_stack([t._h for t in ts], axis))


def where(condition: Any, x: Any, y: Any) -> Tensor:
    c = _t(condition)
    if isinstance(x, Tensor):
        y = _as_tensor(y, x)
    elif isinstance(y, Tensor):
        x = _as_tensor(x, y)
    else:
        x, y = _t(x), _t(y)
    return _wrap(api.tensor_where(c._h, x._h, y._h))


def broadcast_shapes(*shapes: Sequence[int]) -> Tuple[int, ...]:
    from ._lib import ShapeError

    nd = builtins.max((len(s) for s in shapes), default=0)
    out = [1] * nd
    for s in shapes:
        for i, n in enumerate(s):
            j = nd - len(s) + i
            if out[j] == 1:
                out[j] = n
            elif n != 1 and n != out[j]:
                raise ShapeError("[broadcast_shapes] shapes %s do not broadcast" % (shapes,))
    return tuple(out)


def broadcast_tensors(*tensors: Tensor) -> List[Tensor]:
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return [t if t.shape == shape else t.broadcast_to(shape) for t in tensors]


broadcast_arrays = broadcast_tensors


def broadcast_to(x: Tensor, shape: Any) -> Tensor:
    return x.broadcast_to(shape)


def reshape(x: Tensor, shape: Any, copy: Optional[bool] = None) -> Tensor:
    return x.reshape(_shape_tuple(shape))


def permute_dims(x: Tensor, axes: Sequence[int]) -> Tensor:
    return x.permute(*axes)


permute = permute_dims


def transpose(x: Tensor, dim0: int = -2, dim1: int = -1) -> Tensor:
    return x.transpose(dim0, dim1)


def matrix_transpose(x: Tensor) -> Tensor:
    return x.mT


def expand_dims(x: Tensor, axis: int = 0) -> Tensor:
    return x.unsqueeze(axis)


unsqueeze = expand_dims


def squeeze(x: Tensor, axis: Any = None) -> Tensor:
    return x.squeeze(axis)


def flip(x: Tensor, axis: Any = None) -> Tensor:
    return x.flip(axis)


def roll(x: Tensor, shift: Any, axis: Any = None) -> Tensor:
    return x.roll(shift, axis)


def tile(x: Tensor, repetitions: Any) -> Tensor:
    return x.tile(repetitions)


def repeat(x: Tensor, repeats: Any, axis: Optional[int] = None) -> Tensor:
    return x.repeat(repeats, axis)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return x.flatten(start_dim, end_dim)


def pad(x: Tensor, widths: Sequence[int], mode: str = "constant", value: float = 0.0) -> Tensor:
    """Pads with (before, after) widths per axis, flattened, first axis first."""
    from ._lib import lib

    m = {"constant": lib.TFL_PAD_CONSTANT, "reflect": lib.TFL_PAD_REFLECT}.get(mode)
    if m is None:
        from ._lib import InvalidArgumentError

        raise InvalidArgumentError("[pad] mode must be 'constant' or 'reflect', got %r" % (mode,))
    return _wrap(api.tensor_pad(x._h, list(widths), m, value))


def split(x: Tensor, split_size_or_sections: Any, axis: int = 0) -> List[Tensor]:
    return x.split(split_size_or_sections, axis)


def chunk(x: Tensor, chunks: int, axis: int = 0) -> List[Tensor]:
    return x.chunk(chunks, axis)


def tril(x: Tensor, k: int = 0) -> Tensor:
    return x.tril(k)


def triu(x: Tensor, k: int = 0) -> Tensor:
    return x.triu(k)


def clip(x: Tensor, min: Optional[float] = None, max: Optional[float] = None) -> Tensor:
    return x.clip(min, max)


clamp = clip


def sort(x: Tensor, axis: int = -1, descending: bool = False, stable: bool = True) -> Tensor:
    """Array API sort: the sorted values (Tensor.sort returns values and indices)."""
    return x.sort(axis, descending, stable)[0]


def argsort(x: Tensor, axis: int = -1, descending: bool = False, stable: bool = True) -> Tensor:
    return x.argsort(axis, descending, stable)


def topk(x: Tensor, k: int, axis: int = -1, largest: bool = True, sorted: bool = True) -> Tuple[Tensor, Tensor]:
    return x.topk(k, axis, largest, sorted)


def take(x: Tensor, indices: Any, axis: Optional[int] = None) -> Tensor:
    return x.take(indices) if axis is None else x.index_select(axis, indices)


def take_along_axis(x: Tensor, indices: Any, axis: int = -1) -> Tensor:
    return x.take_along_axis(indices, axis)


def gather(x: Tensor, axis: int, index: Any) -> Tensor:
    return x.gather(axis, index)


def index_select(x: Tensor, axis: int, index: Any) -> Tensor:
    return x.index_select(axis, index)


def masked_select(x: Tensor, mask: Any) -> Tensor:
    return x.masked_select(mask)


def cumulative_sum(x: Tensor, axis: int = 0) -> Tensor:
    return x.cumsum(axis)


cumsum = cumulative_sum


def cumulative_prod(x: Tensor, axis: int = 0) -> Tensor:
    return x.cumprod(axis)


cumprod = cumulative_prod


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    return x.softmax(axis)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    return x.log_softmax(axis)


def astype(x: Tensor, dtype: Any, copy: bool = True) -> Tensor:
    return x.astype(dtype, copy=copy)


def _make_reduction(name: str):
    def f(x: Tensor, axis: Any = None, keepdims: bool = False, **kw: Any) -> Tensor:
        return getattr(x, name)(axis=axis, keepdims=keepdims, **kw)

    f.__name__ = name
    return f


for _name in ("sum", "mean", "max", "min", "prod", "all", "any", "logsumexp", "std", "var", "argmax", "argmin"):
    globals()[_name] = _make_reduction(_name)


def _make_unary(name: str):
    c_fn = getattr(api, "tensor_" + name)

    def f(x: Any) -> Tensor:
        return _wrap(c_fn(_t(x)._h))

    f.__name__ = name
    return f


for _name in UNARY:
    globals()[_name] = _make_unary(_name)
negative = globals()["neg"]
absolute = globals()["abs"]


def _make_binary(c_name: str, name: str):
    c_fn = getattr(api, "tensor_" + c_name)

    def f(a: Any, b: Any) -> Tensor:
        return _binary(c_fn, a, b)

    f.__name__ = name
    return f


_BINARY_NAMES = {
    "add": "add", "subtract": "sub", "sub": "sub", "multiply": "mul", "mul": "mul", "divide": "div",
    "div": "div", "true_divide": "div", "floor_divide": "floor_divide", "remainder": "remainder", "pow": "pow",
    "power": "pow", "maximum": "maximum", "minimum": "minimum", "atan2": "atan2", "equal": "eq", "eq": "eq",
    "not_equal": "ne", "ne": "ne", "less": "lt", "lt": "lt", "less_equal": "le", "le": "le", "greater": "gt",
    "gt": "gt", "greater_equal": "ge", "ge": "ge", "logical_and": "logical_and", "logical_or": "logical_or",
    "logical_xor": "logical_xor",
}
for _name, _c in _BINARY_NAMES.items():
    globals()[_name] = _make_binary(_c, _name)

FUNCTION_NAMES = (
    ["matmul", "dot", "outer", "concat", "concatenate", "cat", "stack", "where", "broadcast_shapes",
     "broadcast_tensors", "broadcast_arrays", "broadcast_to", "reshape", "permute_dims", "permute", "transpose",
     "matrix_transpose", "expand_dims", "unsqueeze", "squeeze", "flip", "roll", "tile", "repeat", "flatten", "pad",
     "split", "chunk", "tril", "triu", "clip", "clamp", "sort", "argsort", "topk", "take", "take_along_axis",
     "gather", "index_select", "masked_select", "cumulative_sum", "cumsum", "cumulative_prod", "cumprod", "softmax",
     "log_softmax", "astype", "negative", "absolute"]
    + ["sum", "mean", "max", "min", "prod", "all", "any", "logsumexp", "std", "var", "argmax", "argmin"]
    + list(UNARY) + list(_BINARY_NAMES)
)
