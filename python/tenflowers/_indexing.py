"""Tensor indexing: t[key] and t[key] = value with ints, slices (with steps), Ellipsis, None, boolean
masks and integer arrays, following NumPy semantics. Basic indexing gives views."""

import operator
from typing import Any, List, Tuple

from . import _dtype
from ._lib import api, OutOfRangeError, InvalidArgumentError
from ._tensor import Tensor, _wrap, _as_tensor


def _is_array_like(k: Any) -> bool:
    return isinstance(k, (Tensor, list)) or hasattr(k, "__array_interface__") or hasattr(k, "__array__")


def _to_index_tensor(k: Any) -> Tensor:
    if isinstance(k, Tensor):
        return k
    from ._creation import tensor

    return tensor(k)


def _expand(key: Any, ndim: int) -> List[Any]:
    if not isinstance(key, tuple):
        key = (key,)
    consumed = 0
    for k in key:
        if k is None or k is Ellipsis:
            continue
        if isinstance(k, bool):
            continue  # a Python bool is a 0-d mask: adds a dimension, consumes none
        if _is_array_like(k):
            t = _to_index_tensor(k)
            consumed += t.ndim if t.dtype is _dtype.bool_ else 1
        else:
            consumed += 1
    n_ell = sum(1 for k in key if k is Ellipsis)
    if n_ell > 1:
        raise OutOfRangeError("[getitem] an index can only have a single ellipsis ('...')")
    if consumed > ndim:
        raise OutOfRangeError("[getitem] too many indices for tensor of dimension %d (got %d)" % (ndim, consumed))
    out: List[Any] = []
    for k in key:
        if k is Ellipsis:
            out.extend([slice(None)] * (ndim - consumed))
        else:
            out.append(k)
    if not n_ell:
        out.extend([slice(None)] * (ndim - consumed))
    return out


def _basic(t: Tensor, key: List[Any]) -> Tuple[Tensor, List[Tuple[int, Any]]]:
    """Applies ints, slices and None; returns the view and the (axis, array index) pairs left over."""
    h = t._h
    shape = t.shape
    axis = 0  # position in the current view
    src = 0  # position in t
    squeeze: List[int] = []
    advanced: List[Tuple[int, Any]] = []
    for k in key:
        if k is None:
            h = api.tensor_unsqueeze(h, axis)
            axis += 1
        elif isinstance(k, slice):
            if k != slice(None):
                step = 1 if k.step is None else operator.index(k.step)
                if step == 0:
                    raise InvalidArgumentError("[getitem] slice step cannot be zero")
                start = None if k.start is None else operator.index(k.start)
                stop = None if k.stop is None else operator.index(k.stop)
                h = api.tensor_slice(h, axis, start, stop, step)
            axis += 1
            src += 1
        elif isinstance(k, bool):
            advanced.append((axis, k))
            h = api.tensor_unsqueeze(h, axis)
            axis += 1
        elif _is_array_like(k) and not (isinstance(k, Tensor) and k.ndim == 0 and k.dtype.kind in "iu"):
            it = _to_index_tensor(k)
            advanced.append((axis, it))
            n = it.ndim if it.dtype is _dtype.bool_ else 1
            axis += n
            src += n
        else:
            i = operator.index(k)
            n = shape[src]
            if i < -n or i >= n:
                raise OutOfRangeError("[getitem] index %d is out of bounds for axis %d with size %d" % (i, src, n))
            if i < 0:
                i += n
            h = api.tensor_slice(h, axis, i, i + 1, 1)
            squeeze.append(axis)
            axis += 1
            src += 1
    if squeeze:
        h = api.tensor_squeeze_axes(h, squeeze)
        # Array-index positions after squeezed axes move left.
        advanced = [(a - sum(1 for s in squeeze if s < a), k) for a, k in advanced]
    return _wrap(h) if h is not t._h else t, advanced


def _nonzero_indices(mask: Tensor) -> List[Tensor]:
    """One int64 index tensor per mask dimension (NumPy's nonzero)."""
    m = mask.numpy() if mask.dtype is not _dtype.bfloat16 else mask.astype(_dtype.float32).numpy()
    from ._creation import tensor

    return [tensor(ix, dtype=_dtype.int64) for ix in m.nonzero()]


def _advanced(t: Tensor, advanced: List[Tuple[int, Any]]) -> Tensor:
    # Boolean masks become integer arrays (one per masked dimension).
    expanded: List[Tuple[int, Tensor]] = []
    for axis, k in advanced:
        if isinstance(k, bool):
            raise InvalidArgumentError("[getitem] Python bool indices are not supported")
        if k.dtype is _dtype.bool_:
            if k.ndim == t.ndim and axis == 0 and len(advanced) == 1 and k.shape == t.shape:
                return _wrap(api.tensor_masked_select(t._h, k._h))
            for j, ix in enumerate(_nonzero_indices(k)):
                expanded.append((axis + j, ix))
        elif k.dtype.kind in "iu":
            expanded.append((axis, k))
        else:
            raise OutOfRangeError("[getitem] arrays used as indices must be of integer or boolean type, got %s"
                                  % k.dtype)
    axes = [a for a, _ in expanded]
    if axes != list(range(axes[0], axes[0] + len(axes))):
        raise InvalidArgumentError("[getitem] non-adjacent integer array indices are not supported")
    first = axes[0]
    shape = t.shape
    dims = [shape[a] for a in axes]
    # Normalise negatives and bounds, then combine the arrays into one linear index over the merged axes.
    from ._functions import broadcast_tensors

    idx = broadcast_tensors(*[ix.astype(_dtype.int64, copy=False) for _, ix in expanded])
    linear = None
    for ix, n in zip(idx, dims):
        if ix.size and (bool((ix >= n).any()) or bool((ix < -n).any())):
            raise OutOfRangeError("[getitem] index out of bounds for axis with size %d" % n)
        ix = ix + (ix < 0).astype(_dtype.int64) * n
        linear = ix if linear is None else linear * n + ix
    merged = 1
    for n in dims:
        merged *= n
    view = t.reshape(shape[:first] + (merged,) + shape[first + len(dims):])
    out_idx_shape = linear.shape
    picked = _wrap(api.tensor_index_select(view._h, first, linear.reshape(-1)._h))
    return picked.reshape(shape[:first] + out_idx_shape + shape[first + len(dims):])


def getitem(t: Tensor, key: Any) -> Tensor:
    if isinstance(key, int) and not isinstance(key, bool):
        shape = t.shape
        if not shape:
            raise OutOfRangeError("[getitem] too many indices for tensor of dimension 0")
        n = shape[0]
        if key < -n or key >= n:
            raise OutOfRangeError("[getitem] index %d is out of bounds for axis 0 with size %d" % (key, n))
        if key < 0:
            key += n
        return _wrap(api.tensor_squeeze_axes(api.tensor_slice(t._h, 0, key, key + 1, 1), [0]))
    view, advanced = _basic(t, _expand(key, t.ndim))
    if not advanced:
        return view
    return _advanced(view, advanced)


def setitem(t: Tensor, key: Any, value: Any) -> None:
    view, advanced = _basic(t, _expand(key, t.ndim))
    if not advanced:
        api.tensor_copy_inplace(view._h, _as_tensor(value, t)._h)
        return
    if len(advanced) == 1 and isinstance(advanced[0][1], Tensor) and advanced[0][1].dtype is _dtype.bool_ \
            and advanced[0][0] == 0 and advanced[0][1].shape == view.shape:
        # Full-shape mask: where(mask, value, view), written back in place (differentiable).
        mask = advanced[0][1]
        v = _as_tensor(value, t)
        if v.ndim > 0 and v.shape != view.shape:
            # value gives the selected elements in order: scatter through NumPy.
            view.numpy()[mask.numpy()] = v.numpy()
            return
        api.tensor_copy_inplace(view._h, api.tensor_where(mask._h, v._h, view._h))
        return
    # Integer arrays: assign through a NumPy view of the same memory.
    import numpy as np

    by_pos = {a: k for a, k in advanced}
    arr = view.numpy()
    full_key: List[Any] = []
    p = 0
    while p < arr.ndim:
        k = by_pos.get(p)
        if k is None:
            full_key.append(slice(None))
            p += 1
        else:
            full_key.append(k.numpy() if isinstance(k, Tensor) else k)
            p += k.ndim if isinstance(k, Tensor) and k.dtype is _dtype.bool_ else 1
    arr[tuple(full_key)] = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
