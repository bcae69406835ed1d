"""NumPy interop: zero-copy views both ways (tfl.from_numpy, Tensor.numpy, __array_interface__) and the
owner registry that keeps foreign memory alive while a tensor uses it."""

import itertools
import threading
from typing import Any, Dict, List

from . import _dtype
from ._lib import api, ffi, lib, DTypeError, InvalidArgumentError
from ._tensor import Tensor, _wrap

# ---- foreign memory owners ------------------------------------------------------------------------
# tfl_tensor_from_external calls the deleter exactly once, when the last view is released; the owner
# (a NumPy array, a DLPack capsule holder, ...) stays in this table until then.
_owners: Dict[int, Any] = {}
_owner_keys = itertools.count(1)
_owner_lock = threading.Lock()
_deleter = None


def _release_owner(data, user_data) -> None:
    key = int(ffi.cast("intptr_t", user_data))
    with _owner_lock:
        owner = _owners.pop(key, None)
    release = getattr(owner, "_tfl_release", None)
    if release is not None:
        release()


def wrap_external(data_ptr, shape, strides, dtype: _dtype.DType, owner: Any) -> Tensor:
    """A tensor over memory owned by `owner` (kept alive until the tensor's last view is released).
    strides are in elements, or None for row-major."""
    global _deleter
    if _deleter is None:
        _deleter = ffi.callback("tfl_deleter_fn", _release_owner)
    with _owner_lock:
        key = next(_owner_keys)
        _owners[key] = owner
    # On failure the library calls the deleter before returning, which drops the owner again.
    h = api.tensor_from_external(ffi.cast("void *", data_ptr), list(shape), None if strides is None else list(strides),
                                 dtype.code, _deleter, ffi.cast("void *", key))
    return _wrap(h)


def live_owners() -> int:
    """How many foreign buffers tensors are keeping alive (for tests)."""
    return len(_owners)


# ---- NumPy ----------------------------------------------------------------------------------------

def _np():
    import numpy

    return numpy


def from_numpy(a: Any) -> Tensor:
    """A tensor sharing the memory of the NumPy array a (which stays alive as long as the tensor).
    Negative strides become flipped views; dtypes tenflowers lacks raise DTypeError (use tfl.tensor)."""
    np = _np()
    if not isinstance(a, np.ndarray):
        raise InvalidArgumentError("[from_numpy] expected a numpy.ndarray, got %s" % type(a).__name__)
    d = _dtype.NUMPY_NATIVE.get(a.dtype.name)
    if d is None or not a.dtype.isnative:
        raise DTypeError("[from_numpy] NumPy dtype %s has no tenflowers equivalent to share memory with; "
                         "tfl.tensor(x) copies and converts it" % a.dtype)
    item = a.itemsize
    if any(s % item for s in a.strides):
        raise InvalidArgumentError("[from_numpy] strides %s are not multiples of the item size %d" % (a.strides, item))
    if not a.flags.writeable:
        raise InvalidArgumentError("[from_numpy] the array is read-only; tensors are writable (copy it first)")
    # Negative strides: wrap the memory from its lowest address, then flip those axes back (views).
    ptr = a.__array_interface__["data"][0]
    strides, flip = [], []
    for ax, (n, s) in enumerate(zip(a.shape, a.strides)):
        if s < 0 and n > 1:
            ptr += s * (n - 1)
            flip.append(ax)
        strides.append(abs(s) // item)
    t = wrap_external(ptr, a.shape, strides, d, a)
    for ax in flip:
        t = _wrap(api.tensor_slice(t._h, ax, None, None, -1))
    return t


def array_interface(t: Tensor) -> Dict[str, Any]:
    """NumPy's __array_interface__ for t's memory (raises AttributeError where it cannot be shared)."""
    d = t.dtype
    if d.typestr is None or t.device != "cpu":
        raise AttributeError("__array_interface__ is not available for %s tensors on %s" % (d, t.device))
    shape = t.shape
    numel = api.tensor_numel(t._h)
    ptr = int(ffi.cast("uintptr_t", api.tensor_data(t._h))) if numel else 0
    return {
        "version": 3,
        "shape": shape,
        "typestr": d.typestr,
        "data": (ptr, False),
        "strides": tuple(s * d.itemsize for s in t.strides) if shape else None,
    }


class _ArrayView:
    """Holds the Tensor for NumPy: the ndarray's base, so the memory lives as long as the array."""

    __slots__ = ("tensor", "__array_interface__")

    def __init__(self, t: Tensor) -> None:
        self.tensor = t
        self.__array_interface__ = array_interface(t)


def to_numpy(t: Tensor):
    np = _np()
    if t.dtype is _dtype.bfloat16:
        return to_numpy(t.astype(_dtype.float32))
    return np.asarray(_ArrayView(t))


def to_flat_list(t: Tensor) -> List[Any]:
    """The elements in row-major order as Python numbers, without NumPy."""
    d = t.dtype
    if not d.ctype:
        t, d = t.astype(_dtype.float32), _dtype.float32
    n = api.tensor_numel(t._h)
    buf = ffi.new(d.ctype + "[]", n)
    if n:
        api.tensor_copy_to_buffer(buf, n * d.itemsize, t._h)
    return ffi.unpack(buf, n)
