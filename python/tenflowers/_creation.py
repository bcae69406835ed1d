"""Creation functions: tensor/asarray (copy), zeros/ones/full/empty/arange/linspace/eye, *_like."""

import math
from typing import Any, List, Optional, Sequence, Tuple

from . import _dtype
from ._dtype import DType, as_dtype
from ._lib import api, ffi, DTypeError, InvalidArgumentError
from ._tensor import Tensor, ShapeLike, _shape_tuple, _wrap


def _dt(dtype: Any, default: DType) -> DType:
    return default if dtype is None else as_dtype(dtype)


def _finish(t: Tensor, requires_grad: bool) -> Tensor:
    if requires_grad:
        api.tensor_set_requires_grad(t._h, True)
    return t


def _flatten_nested(x: Any) -> Tuple[Tuple[int, ...], List[Any]]:
    """Shape and row-major elements of nested lists/tuples of Python numbers."""
    if not isinstance(x, (list, tuple)):
        return (), [x]
    if len(x) == 0:
        return (0,), []
    parts = [_flatten_nested(e) for e in x]
    inner = parts[0][0]
    flat: List[Any] = []
    for s, f in parts:
        if s != inner:
            raise InvalidArgumentError("[tensor] ragged nested sequence: sub-shapes %s and %s differ" % (inner, s))
        flat.extend(f)
    return (len(x),) + inner, flat


def _from_python(x: Any, dtype: Optional[DType]) -> Tensor:
    shape, flat = _flatten_nested(x)
    flat = [e.item() if isinstance(e, Tensor) else e for e in flat]
    if dtype is None:
        if all(isinstance(e, bool) for e in flat) and flat:
            dtype = _dtype.bool_
        elif all(isinstance(e, int) for e in flat):
            dtype = _dtype.int64
        elif all(isinstance(e, (int, float)) for e in flat):
            dtype = _dtype.float32
        else:
            bad = next(e for e in flat if not isinstance(e, (int, float)))
            raise DTypeError("[tensor] cannot make a tensor from elements of type %s" % type(bad).__name__)
    if dtype is _dtype.uint64 and all(isinstance(e, int) and e >= 0 for e in flat):
        src, code, size = "uint64_t[]", _dtype.uint64.code, 8  # values up to 2^64 - 1, beyond int64
    elif dtype.kind in "iub" and all(isinstance(e, int) for e in flat):
        src, code, size = "int64_t[]", _dtype.int64.code, 8
    else:
        src, code, size = "double[]", _dtype.float64.code, 8
    try:
        buf = ffi.new(src, flat)
    except (TypeError, OverflowError) as e:
        raise InvalidArgumentError("[tensor] %s" % e) from None
    h = api.tensor_from_buffer(buf, len(flat) * size, shape, code)
    if code != dtype.code:
        h = api.tensor_to_dtype(h, dtype.code)
    return _wrap(h)


def _from_numpy_copy(a: Any, dtype: Optional[DType]) -> Tensor:
    import numpy as np

    name = a.dtype.name
    native = _dtype.NUMPY_NATIVE.get(name) or _dtype.NUMPY_WIDEN.get(name)
    if native is None:
        raise DTypeError("[tensor] NumPy dtype %s is not supported" % a.dtype)
    np_type = "bool" if native is _dtype.bool_ else native.name
    # (reshape: ascontiguousarray turns a 0-d array into shape (1,))
    c = np.ascontiguousarray(a, dtype=np.dtype(np_type).newbyteorder("=")).reshape(a.shape)
    h = api.tensor_from_buffer(ffi.from_buffer(c) if c.size else None, c.nbytes, c.shape, native.code)
    if dtype is not None and dtype is not native:
        h = api.tensor_to_dtype(h, dtype.code)
    return _wrap(h)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, copy: bool = True) -> Tensor:
    """A new tensor holding a copy of data (nested sequences, Python scalars, NumPy arrays, tensors,
    anything with __array__/__dlpack__). Floats default to float32, ints to int64."""
    d = None if dtype is None else as_dtype(dtype)
    if isinstance(data, Tensor):
        t = data
        if d is not None and d is not t.dtype:
            t = t.astype(d)
        elif copy:
            t = t.clone().detach()
    elif isinstance(data, (bool, int, float)) and not hasattr(data, "dtype"):
        if d is None:
            d = _dtype.bool_ if isinstance(data, bool) else _dtype.int64 if isinstance(data, int) else _dtype.float32
        t = _wrap(api.tensor_scalar(data, d.code))
        if d.kind in "iu" and isinstance(data, int) and abs(data) >= 2 ** 53:
            t = _from_python(data, d)
    elif isinstance(data, (list, tuple)):
        t = _from_python(data, d)
    else:
        import numpy as np

        t = _from_numpy_copy(np.asarray(data), d)
    return _finish(t, requires_grad)


def asarray(obj: Any, dtype: Any = None, copy: Optional[bool] = None) -> Tensor:
    """Array API asarray: tensors pass through (no copy unless asked), other inputs are converted."""
    if isinstance(obj, Tensor):
        if dtype is not None and as_dtype(dtype) is not obj.dtype:
            return obj.astype(dtype)
        return obj.clone() if copy else obj
    if copy is False:
        from ._interop import from_numpy

        return from_numpy(obj)
    return tensor(obj, dtype=dtype)


def zeros(shape: ShapeLike, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _finish(_wrap(api.tensor_zeros(_shape_tuple(shape), _dt(dtype, _dtype.default_float).code)), requires_grad)


def ones(shape: ShapeLike, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _finish(_wrap(api.tensor_ones(_shape_tuple(shape), _dt(dtype, _dtype.default_float).code)), requires_grad)


def empty(shape: ShapeLike, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _finish(_wrap(api.tensor_empty(_shape_tuple(shape), _dt(dtype, _dtype.default_float).code)), requires_grad)


def full(shape: ShapeLike, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = _dtype.bool_ if isinstance(fill_value, bool) else (
            _dtype.int64 if isinstance(fill_value, int) else _dtype.default_float)
    return _finish(_wrap(api.tensor_full(_shape_tuple(shape), fill_value, as_dtype(dtype).code)), requires_grad)


def zeros_like(x: Tensor, dtype: Any = None) -> Tensor:
    t = _wrap(api.tensor_zeros_like(x._h))
    return t if dtype is None else t.astype(dtype)


def ones_like(x: Tensor, dtype: Any = None) -> Tensor:
    t = _wrap(api.tensor_ones_like(x._h))
    return t if dtype is None else t.astype(dtype)


def empty_like(x: Tensor, dtype: Any = None) -> Tensor:
    t = _wrap(api.tensor_empty_like(x._h))
    return t if dtype is None else t.astype(dtype)


def full_like(x: Tensor, fill_value: Any, dtype: Any = None) -> Tensor:
    if dtype is not None:
        return full(x.shape, fill_value, dtype=dtype)
    return _wrap(api.tensor_full_like(x._h, fill_value))


def arange(start: float, stop: Optional[float] = None, step: float = 1, dtype: Any = None) -> Tensor:
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        is_int = all(isinstance(v, int) for v in (start, stop, step))
        dtype = _dtype.int64 if is_int else _dtype.default_float
    return _wrap(api.tensor_arange(start, stop, step, as_dtype(dtype).code))


def linspace(start: float, stop: float, num: int, dtype: Any = None, endpoint: bool = True) -> Tensor:
    return _wrap(api.tensor_linspace(start, stop, num, endpoint, _dt(dtype, _dtype.default_float).code))


def eye(n_rows: int, n_cols: Optional[int] = None, k: int = 0, dtype: Any = None) -> Tensor:
    return _wrap(api.tensor_eye(n_rows, n_rows if n_cols is None else n_cols, k, _dt(dtype, _dtype.default_float).code))


def scalar(value: Any, dtype: Any = None) -> Tensor:
    return tensor(value, dtype=dtype)
