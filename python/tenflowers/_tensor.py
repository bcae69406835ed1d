"""tfl.Tensor: the Python face of a tfl_tensor handle (operators, properties, conversions)."""

import operator
from typing import Any, Iterator, List, Optional, Sequence, Tuple, Union

from . import _dtype
from ._dtype import DType, as_dtype
from ._lib import api, ffi, lib, InvalidArgumentError, OutOfRangeError
from ._fastpath import TensorBase as _TensorBase
from . import _fastpath

_new_obj = object.__new__
_own = api.own_tensor
# The checked wrappers of the operator fast paths, bound once (one global lookup per call, not two).
_c_add, _c_sub, _c_mul, _c_div, _c_matmul = api.tensor_add, api.tensor_sub, api.tensor_mul, api.tensor_div, api.tensor_matmul
Scalar = Union[int, float, bool]
ShapeLike = Union[int, Sequence[int]]


def _wrap(h) -> "Tensor":
    t = _new_obj(Tensor)
    t._h = h
    t._shape = None
    t._dtype = None
    return t


def _shape_tuple(shape: Any) -> Tuple[int, ...]:
    if isinstance(shape, int):
        return (shape,)
    if isinstance(shape, Tensor):
        return tuple(int(v) for v in shape.tolist())
    return tuple(operator.index(s) for s in shape)


def _nest(flat: List[Any], shape: Tuple[int, ...]) -> Any:
    if not shape:
        return flat[0]
    if len(shape) == 1:
        return flat
    n = 1
    for d in shape[1:]:
        n *= d
    return [_nest(flat[i * n:(i + 1) * n], shape[1:]) for i in range(shape[0])]


def _axes(axis: Any, ndim: int) -> Optional[List[int]]:
    if axis is None:
        return None
    if isinstance(axis, int):
        return [axis]
    return [operator.index(a) for a in axis]


class Tensor(_TensorBase):
    """An n-dimensional array on a device, with autograd. Create with tfl.tensor, tfl.zeros, ..."""

    __slots__ = ()  # _h, _shape, _dtype and weak references: see _fastpath.TensorBase
    __array_priority__ = 1000  # NumPy defers to our reflected operators

    def __init__(self, data: Any = None, dtype: Any = None, requires_grad: bool = False) -> None:
        from ._creation import tensor

        t = tensor(data if data is not None else [], dtype=dtype, requires_grad=requires_grad)
        self._h = t._h
        self._shape = t._shape
        self._dtype = t._dtype

    # ---- properties ------------------------------------------------------------------------------

    @property
    def shape(self) -> Tuple[int, ...]:
        s = self._shape
        if s is None:
            nd = api.tensor_ndim(self._h)
            s = self._shape = tuple(api.tensor_shape(nd, self._h)) if nd else ()
        return s

    @property
    def dtype(self) -> DType:
        d = self._dtype
        if d is None:
            d = self._dtype = _dtype.BY_CODE[api.tensor_dtype(self._h)]
        return d

    @property
    def device(self) -> str:
        kind, index = api.tensor_device(self._h)
        return "cpu" if kind == lib.TFL_DEVICE_CPU else "cuda:%d" % index

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return api.tensor_numel(self._h)

    def numel(self) -> int:
        return api.tensor_numel(self._h)

    @property
    def strides(self) -> Tuple[int, ...]:
        """Strides in elements (not bytes)."""
        nd = self.ndim
        return tuple(api.tensor_strides(nd, self._h)) if nd else ()

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @property
    def T(self) -> "Tensor":
        nd = self.ndim
        return self if nd < 2 else self.permute(*range(nd - 1, -1, -1))

    @property
    def mT(self) -> "Tensor":
        return _wrap(api.tensor_matrix_transpose(self._h))

    def close(self) -> None:
        """Releases the handle now rather than at garbage collection; the tensor is unusable afterwards."""
        h = self._h
        if h is not None:
            self._h = None
            api.close(h)

    # ---- autograd --------------------------------------------------------------------------------

    @property
    def requires_grad(self) -> bool:
        return api.tensor_requires_grad(self._h)

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        api.tensor_set_requires_grad(self._h, bool(value))

    def requires_grad_(self, value: bool = True) -> "Tensor":
        api.tensor_set_requires_grad(self._h, bool(value))
        return self

    @property
    def grad(self) -> Optional["Tensor"]:
        g = api.tensor_grad(self._h)
        return None if g is None else _wrap(g)

    @grad.setter
    def grad(self, value: Optional["Tensor"]) -> None:
        api.tensor_set_grad(self._h, None if value is None else _as_tensor(value, self)._h)

    @property
    def is_leaf(self) -> bool:
        return api.tensor_is_leaf(self._h)

    def retain_grad(self) -> None:
        api.tensor_retain_grad(self._h)

    def detach(self) -> "Tensor":
        return _wrap(api.tensor_detach(self._h))

    def backward(self, gradient: Any = None, retain_graph: bool = False, create_graph: bool = False) -> None:
        g = None if gradient is None else _as_tensor(gradient, self)._h
        api.tensor_backward(self._h, g, bool(retain_graph), bool(create_graph))

    def register_hook(self, fn):
        """Runs fn(grad) when the gradient of this tensor is computed; a Tensor returned replaces the
        gradient. Exceptions raised by fn propagate out of backward(). Returns a handle with .remove()."""
        from ._autograd import register_hook

        return register_hook(self, fn)

    # ---- conversions -----------------------------------------------------------------------------

    def item(self) -> Scalar:
        if api.tensor_numel(self._h) != 1:
            raise InvalidArgumentError("[item] only one-element tensors can be converted to Python scalars, "
                                       "got shape %s" % (self.shape,))
        kind = self.dtype.kind
        if kind == "f":
            return api.tensor_item_at(self._h, 0)
        if kind == "b":
            return api.tensor_item_at(self._h, 0) != 0.0
        return self.tolist() if self.ndim == 0 else self.reshape(()).tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iub":
            raise TypeError("only integer tensors can be used as an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if api.tensor_numel(self._h) != 1:
            raise ValueError("the truth value of a tensor with more than one element is ambiguous; "
                             "use .any() or .all()")
        return bool(self.item())

    def __complex__(self) -> complex:
        return complex(self.item())

    def tolist(self) -> Any:
        from ._interop import to_flat_list

        return _nest(to_flat_list(self), self.shape)

    def numpy(self):
        """A NumPy array sharing this tensor's memory (a copy for bfloat16, which NumPy lacks)."""
        from ._interop import to_numpy

        return to_numpy(self)

    def __array__(self, dtype=None, copy=None):
        from ._interop import to_numpy

        a = to_numpy(self)
        if dtype is not None:
            a = a.astype(dtype, copy=False)
        return a.copy() if copy else a

    @property
    def __array_interface__(self):
        from ._interop import array_interface

        return array_interface(self)

    def __dlpack__(self, stream=None, max_version=None, dl_device=None, copy=None):
        from ._dlpack import to_dlpack

        return to_dlpack(self, max_version=max_version, copy=copy, dl_device=dl_device)

    def __dlpack_device__(self) -> Tuple[int, int]:
        kind, index = api.tensor_device(self._h)
        return (1, 0) if kind == lib.TFL_DEVICE_CPU else (2, index)

    def astype(self, dtype: Any, copy: bool = True) -> "Tensor":
        d = as_dtype(dtype)
        if d is self.dtype and not copy:
            return self
        return _wrap(api.tensor_to_dtype(self._h, d.code))

    def to(self, target: Any = None, dtype: Any = None) -> "Tensor":
        """t.to(dtype), t.to("cpu") or t.to("cpu", dtype)."""
        if isinstance(target, str) and (target == "cpu" or target.startswith("cuda")):
            if target != self.device:
                from ._lib import UnimplementedError

                raise UnimplementedError("[to] moving tensors between devices is not available in this build")
            target = None
        d = dtype if dtype is not None else target
        return self if d is None or as_dtype(d) is self.dtype else self.astype(d)

    def __repr__(self) -> str:
        from ._format import tensor_repr

        return tensor_repr(self)

    def __str__(self) -> str:
        from ._format import tensor_str

        return tensor_str(self)

    def _repr_html_(self) -> str:
        from ._format import tensor_html

        return tensor_html(self)

    def __format__(self, spec: str) -> str:
        if self.ndim == 0 and spec:
            return format(self.item(), spec)
        return str(self) if not spec else format(str(self), spec)

    # ---- sequence protocol -----------------------------------------------------------------------

    def __len__(self) -> int:
        s = self.shape
        if not s:
            raise TypeError("len() of a 0-d tensor")
        return s[0]

    def __iter__(self) -> Iterator["Tensor"]:
        if not self.shape:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(self.shape[0]):
            yield self[i]

    def __getitem__(self, key: Any) -> "Tensor":
        from ._indexing import getitem

        return getitem(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        from ._indexing import setitem

        setitem(self, key, value)

    # ---- arithmetic ------------------------------------------------------------------------------

    def __add__(self, o):
        if type(o) is Tensor:  # the hot path: no isinstance chain, no extra call
            t = _new_obj(Tensor)
            t._h = _c_add(self._h, o._h)
            t._shape = t._dtype = None
            return t
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_add_scalar(self._h, o))
        return _binary(api.tensor_add, self, o)

    def __radd__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_add_scalar(self._h, o))
        return _binary(api.tensor_add, o, self)

    def __sub__(self, o):
        if type(o) is Tensor:  # the hot path: no isinstance chain, no extra call
            t = _new_obj(Tensor)
            t._h = _c_sub(self._h, o._h)
            t._shape = t._dtype = None
            return t
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_sub_scalar(self._h, o))
        return _binary(api.tensor_sub, self, o)

    def __rsub__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_sub_rscalar(self._h, o))
        return _binary(api.tensor_sub, o, self)

    def __mul__(self, o):
        if type(o) is Tensor:  # the hot path: no isinstance chain, no extra call
            t = _new_obj(Tensor)
            t._h = _c_mul(self._h, o._h)
            t._shape = t._dtype = None
            return t
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_mul_scalar(self._h, o))
        return _binary(api.tensor_mul, self, o)

    def __rmul__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_mul_scalar(self._h, o))
        return _binary(api.tensor_mul, o, self)

    def __truediv__(self, o):
        if type(o) is Tensor:  # the hot path: no isinstance chain, no extra call
            t = _new_obj(Tensor)
            t._h = _c_div(self._h, o._h)
            t._shape = t._dtype = None
            return t
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_div_scalar(self._h, o))
        return _binary(api.tensor_div, self, o)

    def __rtruediv__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_div_rscalar(self._h, o))
        return _binary(api.tensor_div, o, self)

    def __floordiv__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_floor_divide_scalar(self._h, o))
        return _binary(api.tensor_floor_divide, self, o)

    def __rfloordiv__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_floor_divide_rscalar(self._h, o))
        return _binary(api.tensor_floor_divide, o, self)

    def __mod__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_remainder_scalar(self._h, o))
        return _binary(api.tensor_remainder, self, o)

    def __rmod__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_remainder_rscalar(self._h, o))
        return _binary(api.tensor_remainder, o, self)

    def __pow__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_pow_scalar(self._h, o))
        return _binary(api.tensor_pow, self, o)

    def __rpow__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_pow_rscalar(self._h, o))
        return _binary(api.tensor_pow, o, self)

    def __matmul__(self, o):
        t = _new_obj(Tensor)
        t._h = _c_matmul(self._h, (o if type(o) is Tensor else _as_tensor(o, self))._h)
        t._shape = t._dtype = None
        return t

    def __rmatmul__(self, o):
        return _wrap(api.tensor_matmul(_as_tensor(o, self)._h, self._h))

    def __neg__(self):
        return _wrap(api.tensor_neg(self._h))

    def __pos__(self):
        return self

    def __abs__(self):
        return _wrap(api.tensor_abs(self._h))

    def __invert__(self):
        if self.dtype is not _dtype.bool_:
            from ._lib import UnimplementedError

            raise UnimplementedError("[invert] bitwise not is only available for bool tensors, got %s" % self.dtype)
        return _wrap(api.tensor_logical_not(self._h))

    def __and__(self, o):
        return _binary(api.tensor_logical_and, self, o)

    __rand__ = __and__

    def __or__(self, o):
        return _binary(api.tensor_logical_or, self, o)

    __ror__ = __or__

    def __xor__(self, o):
        return _binary(api.tensor_logical_xor, self, o)

    __rxor__ = __xor__

    # In place: the result is written into this tensor's memory (dtype and shape must be kept).
    def _inplace(self, fn, o):
        fn(self._h, self._h, _as_tensor(o, self)._h)
        return self

    def __iadd__(self, o):
        return self._inplace(api.tensor_add_out, o)

    def __isub__(self, o):
        return self._inplace(api.tensor_sub_out, o)

    def __imul__(self, o):
        return self._inplace(api.tensor_mul_out, o)

    def __itruediv__(self, o):
        return self._inplace(api.tensor_div_out, o)

    def __ifloordiv__(self, o):
        return self._inplace(api.tensor_floor_divide_out, o)

    def __imod__(self, o):
        return self._inplace(api.tensor_remainder_out, o)

    def __ipow__(self, o):
        return self._inplace(api.tensor_pow_out, o)

    def __imatmul__(self, o):
        r = self @ o
        api.tensor_copy_inplace(self._h, r._h)
        return self

    # ---- comparisons (elementwise; Python reflects them for scalars on the left) -----------------

    def __eq__(self, o):  # type: ignore[override]
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_eq_scalar(self._h, o))
        return _binary(api.tensor_eq, self, o)

    def __ne__(self, o):  # type: ignore[override]
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_ne_scalar(self._h, o))
        return _binary(api.tensor_ne, self, o)

    def __lt__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_lt_scalar(self._h, o))
        return _binary(api.tensor_lt, self, o)

    def __le__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_le_scalar(self._h, o))
        return _binary(api.tensor_le, self, o)

    def __gt__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_gt_scalar(self._h, o))
        return _binary(api.tensor_gt, self, o)

    def __ge__(self, o):
        if isinstance(o, (int, float)):
            return _wrap(api.tensor_ge_scalar(self._h, o))
        return _binary(api.tensor_ge, self, o)

    __hash__ = object.__hash__

    # ---- methods for the core ops ----------------------------------------------------------------

    def reshape(self, *shape: Any) -> "Tensor":
        s = _shape_tuple(shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)
        return _wrap(api.tensor_reshape(self._h, s))

    def view(self, *shape: Any) -> "Tensor":
        s = _shape_tuple(shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)
        return _wrap(api.tensor_view(self._h, s))

    def permute(self, *dims: Any) -> "Tensor":
        d = _shape_tuple(dims[0] if len(dims) == 1 and not isinstance(dims[0], int) else dims)
        return _wrap(api.tensor_permute(self._h, d))

    def transpose(self, dim0: int = -2, dim1: int = -1) -> "Tensor":
        return _wrap(api.tensor_transpose(self._h, dim0, dim1))

    def expand(self, *shape: Any) -> "Tensor":
        s = _shape_tuple(shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)
        return _wrap(api.tensor_expand(self._h, s))

    def broadcast_to(self, shape: ShapeLike) -> "Tensor":
        return _wrap(api.tensor_broadcast_to(self._h, _shape_tuple(shape)))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        return _wrap(api.tensor_flatten(self._h, start_dim, end_dim))

    def ravel(self) -> "Tensor":
        return _wrap(api.tensor_ravel(self._h))

    def squeeze(self, axis: Any = None) -> "Tensor":
        if axis is None:
            return _wrap(api.tensor_squeeze(self._h))
        return _wrap(api.tensor_squeeze_axes(self._h, _axes(axis, self.ndim)))

    def unsqueeze(self, axis: int) -> "Tensor":
        return _wrap(api.tensor_unsqueeze(self._h, axis))

    def flip(self, axis: Any = None) -> "Tensor":
        if axis is None:
            return _wrap(api.tensor_flip(self._h))
        return _wrap(api.tensor_flip_axes(self._h, _axes(axis, self.ndim)))

    def roll(self, shift: Any, axis: Any = None) -> "Tensor":
        if axis is None:
            return _wrap(api.tensor_roll(self._h, shift))
        shifts = [shift] if isinstance(shift, int) else list(shift)
        return _wrap(api.tensor_roll_axes(self._h, shifts, _axes(axis, self.ndim)))

    def tile(self, reps: ShapeLike) -> "Tensor":
        return _wrap(api.tensor_tile(self._h, _shape_tuple(reps)))

    def repeat(self, repeats: Any, axis: Optional[int] = None) -> "Tensor":
        r = _shape_tuple(repeats)
        if axis is None:
            return _wrap(api.tensor_repeat(self._h, r))
        return _wrap(api.tensor_repeat_axis(self._h, r, axis))

    def contiguous(self) -> "Tensor":
        return _wrap(api.tensor_contiguous(self._h))

    def clone(self) -> "Tensor":
        return _wrap(api.tensor_clone(self._h))

    def copy_(self, src: Any) -> "Tensor":
        api.tensor_copy_inplace(self._h, _as_tensor(src, self)._h)
        return self

    def fill_(self, value: Scalar) -> "Tensor":
        api.tensor_fill_inplace(self._h, value)
        return self

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    def uniform_(self, low: float = 0.0, high: float = 1.0) -> "Tensor":
        api.tensor_uniform_inplace(self._h, low, high)
        return self

    def normal_(self, mean: float = 0.0, std: float = 1.0) -> "Tensor":
        api.tensor_normal_inplace(self._h, mean, std)
        return self

    def tril(self, k: int = 0) -> "Tensor":
        return _wrap(api.tensor_tril(self._h, k))

    def triu(self, k: int = 0) -> "Tensor":
        return _wrap(api.tensor_triu(self._h, k))

    def clip(self, min: Optional[float] = None, max: Optional[float] = None) -> "Tensor":
        lo = float("-inf") if min is None else min
        hi = float("inf") if max is None else max
        return _wrap(api.tensor_clip(self._h, lo, hi))

    clamp = clip

    def matmul(self, other: Any) -> "Tensor":
        return self @ other

    def dot(self, other: Any) -> "Tensor":
        return _wrap(api.tensor_dot(self._h, _as_tensor(other, self)._h))

    def softmax(self, axis: int = -1) -> "Tensor":
        return _wrap(api.tensor_softmax(self._h, axis))

    def log_softmax(self, axis: int = -1) -> "Tensor":
        return _wrap(api.tensor_log_softmax(self._h, axis))

    def cumsum(self, axis: int = 0) -> "Tensor":
        return _wrap(api.tensor_cumsum(self._h, axis))

    def cumprod(self, axis: int = 0) -> "Tensor":
        return _wrap(api.tensor_cumprod(self._h, axis))

    def sort(self, axis: int = -1, descending: bool = False, stable: bool = True) -> Tuple["Tensor", "Tensor"]:
        v, i = api.tensor_sort(self._h, axis, descending, stable)
        return _wrap(v), _wrap(i)

    def argsort(self, axis: int = -1, descending: bool = False, stable: bool = True) -> "Tensor":
        return _wrap(api.tensor_argsort(self._h, axis, descending, stable))

    def topk(self, k: int, axis: int = -1, largest: bool = True, sorted: bool = True) -> Tuple["Tensor", "Tensor"]:
        v, i = api.tensor_topk(self._h, k, axis, largest, sorted)
        return _wrap(v), _wrap(i)

    def gather(self, axis: int, index: Any) -> "Tensor":
        return _wrap(api.tensor_gather(self._h, axis, _as_index(index)._h))

    def index_select(self, axis: int, index: Any) -> "Tensor":
        return _wrap(api.tensor_index_select(self._h, axis, _as_index(index)._h))

    def take(self, index: Any) -> "Tensor":
        return _wrap(api.tensor_take(self._h, _as_index(index)._h))

    def take_along_axis(self, indices: Any, axis: int) -> "Tensor":
        return _wrap(api.tensor_take_along_axis(self._h, _as_index(indices)._h, axis))

    def masked_select(self, mask: Any) -> "Tensor":
        return _wrap(api.tensor_masked_select(self._h, _as_tensor(mask, None)._h))

    def chunk(self, chunks: int, axis: int = 0) -> List["Tensor"]:
        handles, count = api.tensor_chunk(chunks, self._h, chunks, axis)
        return [_wrap(h) for h in handles[:count]]

    def split(self, split_size_or_sections: Any, axis: int = 0) -> List["Tensor"]:
        n = self.shape[axis]
        if isinstance(split_size_or_sections, int):
            size = split_size_or_sections
            sizes = [size] * (n // size) + ([n % size] if n % size else []) if size > 0 else [size]
        else:
            sizes = list(split_size_or_sections)
        handles, count = api.tensor_split(len(sizes), self._h, sizes, axis)
        return [_wrap(h) for h in handles[:count]]


def _reduction(c_all, c_axes, name: str, has_correction: bool = False):
    if has_correction:
        def method(self, axis=None, keepdims=False, correction=0.0):
            if axis is None and not keepdims:
                return _wrap(c_all(self._h, correction))
            axes = _axes(axis, self.ndim) if axis is not None else list(range(self.ndim))
            return _wrap(c_axes(self._h, axes, correction, keepdims))
    else:
        def method(self, axis=None, keepdims=False):
            if axis is None and not keepdims:
                return _wrap(c_all(self._h))
            axes = _axes(axis, self.ndim) if axis is not None else list(range(self.ndim))
            return _wrap(c_axes(self._h, axes, keepdims))
    method.__name__ = name
    method.__doc__ = "%s over the given axes (all when None)." % name
    return method


for _name in ("sum", "mean", "max", "min", "prod", "all", "any", "logsumexp"):
    setattr(Tensor, _name, _reduction(getattr(api, "tensor_" + _name), getattr(api, "tensor_%s_axes" % _name), _name))
for _name in ("std", "var"):
    setattr(Tensor, _name, _reduction(getattr(api, "tensor_" + _name), getattr(api, "tensor_%s_axes" % _name),
                                      _name, has_correction=True))


def _arg_reduction(c_all, c_axis, name: str):
    def method(self, axis=None, keepdims=False):
        if axis is None:
            return _wrap(c_all(self._h, keepdims))
        return _wrap(c_axis(self._h, axis, keepdims))

    method.__name__ = name
    return method


Tensor.argmax = _arg_reduction(api.tensor_argmax, api.tensor_argmax_axis, "argmax")  # type: ignore[attr-defined]
Tensor.argmin = _arg_reduction(api.tensor_argmin, api.tensor_argmin_axis, "argmin")  # type: ignore[attr-defined]

UNARY = ("abs", "ceil", "cos", "exp", "expm1", "floor", "isfinite", "isinf", "isnan", "log", "log1p",
         "logical_not", "neg", "relu", "round", "rsqrt", "sigmoid", "sign", "silu", "sin", "sqrt", "square",
         "tan", "tanh")


def _unary(c_fn, name: str):
    def method(self):
        t = _new_obj(Tensor)
        t._h = c_fn(self._h)
        t._shape = t._dtype = None
        return t

    method.__name__ = name
    return method


for _name in UNARY:
    setattr(Tensor, _name, _unary(getattr(api, "tensor_" + _name), _name))

BINARY = ("maximum", "minimum", "atan2", "pow", "remainder", "floor_divide", "logical_and", "logical_or",
          "logical_xor", "add", "sub", "mul", "div")


def _binary_method(c_fn, name: str):
    def method(self, other):
        return _binary(c_fn, self, other)

    method.__name__ = name
    return method


for _name in BINARY:
    setattr(Tensor, _name, _binary_method(getattr(api, "tensor_" + _name), _name))

# The compiled operators, when _fast is built (the Python ones above stay the fallbacks).
_fastpath.install(Tensor, {n: getattr(Tensor, n) for n in ("__add__", "__sub__", "__mul__", "__truediv__",
                                                          "__matmul__")},
                  {n: getattr(Tensor, n) for n in UNARY})


def _as_tensor(x: Any, like: Optional[Tensor]) -> Tensor:
    """x as a Tensor; Python scalars take like's dtype (as NumPy 2 and the array API do)."""
    if type(x) is Tensor or isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, (bool, int, float)) and not isinstance(x, bool) or (
            like is not None and isinstance(x, bool) and like.dtype is _dtype.bool_):
        return _wrap(api.tensor_scalar(x, like.dtype.code))
    from ._creation import tensor

    return tensor(x)


def _as_index(x: Any) -> Tensor:
    if isinstance(x, Tensor):
        return x
    from ._creation import tensor

    return tensor(x, dtype=_dtype.int64)


def _binary(c_fn, a: Any, b: Any) -> Tensor:
    if isinstance(a, Tensor):
        b = _as_tensor(b, a)
    else:
        a = _as_tensor(a, b)
    return _wrap(c_fn(a._h, b._h))
