"""The base class of tfl.Tensor: the compiled tenflowers._fast._TensorBase when it was built (and matches
this interpreter and cffi), else an equivalent pure-Python base. TENFLOWERS_NO_FAST=1 forces the latter.

With the compiled base, the arithmetic operators and the unary math methods call the C ABI directly and
tensors release their handle when they die (see _fast.c); everything else is unchanged."""

import os
from typing import Any, Callable, Dict, Optional

from ._lib import ffi, lib

_TENSOR_P = ffi.typeof("tfl_tensor *")
_gc, _cast = ffi.gc, ffi.cast
_release = lib.tfl_tensor_release


def _make_handle(addr: int) -> Any:
    """An owning cdata over a reference the caller has already taken (tfl_tensor_retain)."""
    return _gc(_cast(_TENSOR_P, addr), _release)


def _load() -> Optional[Any]:
    if os.environ.get("TENFLOWERS_NO_FAST"):
        return None
    try:
        from . import _fast  # type: ignore[attr-defined]
    except ImportError:
        return None
    binary, unary = _fast.names()
    names = ["tfl_tensor_" + n for n in binary + unary] + ["tfl_tensor_retain", "tfl_tensor_release"]
    try:
        addrs = {n: int(ffi.cast("uintptr_t", getattr(lib, n))) for n in names}
        probe_addr = 0x7E57
        _fast.init(addrs, ffi.CData, ffi.cast(_TENSOR_P, probe_addr), probe_addr, _make_handle)
    except (ImportError, AttributeError, TypeError):
        return None
    return _fast


FAST = _load()

if FAST is not None:
    TensorBase = FAST._TensorBase
else:
    class TensorBase:  # type: ignore[no-redef]
        """The pure-Python base: the handle (an owning cffi cdata) and the cached shape and dtype."""

        __slots__ = ("_h", "_shape", "_dtype", "__weakref__")


def install(tensor_type: type, binary: Dict[str, Callable], unary: Dict[str, Callable]) -> None:
    """Routes tensor_type's operators to the compiled methods; binary maps "add".. to the Python dunder
    implementation ("__add__"..) used for other operands and errors, unary each method name to its Python
    implementation."""
    if FAST is None:
        return
    names_b, names_u = FAST.names()
    dunder = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__", "matmul": "__matmul__"}
    slow_b = {n: binary[dunder[n]] for n in names_b}
    slow_u = {n: unary[n] for n in names_u}
    FAST.bind(tensor_type, lambda name, a, b: slow_b[name](a, b), lambda name, t: slow_u[name](t))
    for n in names_b:
        setattr(tensor_type, dunder[n], getattr(TensorBase, "_fast_" + n))
    for n in names_u:
        setattr(tensor_type, n, getattr(TensorBase, "_fast_" + n))
