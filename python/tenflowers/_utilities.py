"""Utilities over the C ABI: broadcasting checks, byte counts, tensor summaries, dtype introspection and
casting rules (result_type, can_cast, finfo, iinfo), the grad-enabled switch (function and context
manager, like torch.set_grad_enabled) and the default device."""

import json
import math
from typing import Any, Dict, Iterable, Sequence, Tuple, Union

from . import _dtype
from ._dtype import DType, as_dtype
from ._lib import api, lib
from ._tensor import Tensor

ShapeLike = Union[int, Sequence[int]]


def _text(fn, *extra: Any) -> str:
    """Calls a sized-text C function: once for the length, then with a buffer of that size."""
    _, n = fn(0, *extra)
    buf, n = fn(n + 1, *extra)
    return buf[:n].decode("utf-8", "replace")


def _shape(s: ShapeLike) -> Tuple[int, ...]:
    if isinstance(s, int):
        return (s,)
    return tuple(int(d) for d in s)


# ---- broadcasting -----------------------------------------------------------------------------------

def broadcast_shapes(*shapes: ShapeLike) -> Tuple[int, ...]:
    """The shape all the given shapes broadcast to (NumPy's rules); ShapeError when they do not."""
    out: Tuple[int, ...] = ()
    for s in shapes:
        s = _shape(s)
        cap = max(len(out), len(s))
        dims, nd = api.broadcast_shape(cap, list(out), list(s))
        out = tuple(dims[:nd])
    return out


def is_broadcastable(a: ShapeLike, b: ShapeLike) -> bool:
    """Whether two shapes broadcast against each other."""
    return bool(api.is_broadcastable(list(_shape(a)), list(_shape(b))))


# ---- bytes and summaries ----------------------------------------------------------------------------

def format_bytes(n: int) -> str:
    """A byte count for people: "512 bytes", "1.50 KiB (1536 bytes)", ... up to TiB."""
    return _text(api.format_bytes, int(n))


class TensorSummary(dict):
    """A tensor's shape, dtype, device, numel, bytes (and bytes_human), min, max, mean, std (over finite
    elements; None where there is none) and nan_count / inf_count, as a dict; str() gives one readable
    line per entry."""

    def __str__(self) -> str:
        def fmt(v: Any) -> str:
            if v is None:
                return "-"
            if isinstance(v, float):
                return "%.6g" % v
            if isinstance(v, list):
                return "(" + ", ".join(str(d) for d in v) + ")"
            return str(v)

        rows = [("shape", fmt(self["shape"])), ("dtype", self["dtype"]), ("device", self["device"]),
                ("numel", fmt(self["numel"])), ("memory", self["bytes_human"]), ("min", fmt(self["min"])),
                ("max", fmt(self["max"])), ("mean", fmt(self["mean"])), ("std", fmt(self["std"])),
                ("nan", fmt(self["nan_count"])), ("inf", fmt(self["inf_count"]))]
        return "Tensor summary\n" + "\n".join("  %-7s %s" % r for r in rows)

    def __repr__(self) -> str:
        return "TensorSummary(" + dict.__repr__(self) + ")"


def summary(t: Any) -> TensorSummary:
    """Statistics of a tensor computed by the core (tfl_tensor_summary_json)."""
    from ._tensor import _as_tensor

    t = t if isinstance(t, Tensor) else _as_tensor(t, None)
    return TensorSummary(json.loads(_text(api.tensor_summary_json, t._h)))


# ---- dtypes -----------------------------------------------------------------------------------------

def _dt(x: Any) -> DType:
    if isinstance(x, Tensor):
        return x.dtype
    return as_dtype(x)


def result_type(*arrays_and_dtypes: Any) -> DType:
    """The dtype the array API promotion table gives for these tensors and dtypes (DTypeError for mixes
    it leaves undefined)."""
    if not arrays_and_dtypes:
        raise ValueError("result_type() needs at least one tensor or dtype")
    d = _dt(arrays_and_dtypes[0])
    for x in arrays_and_dtypes[1:]:
        d = _dtype.BY_CODE[api.dtype_result_type(d.code, _dt(x).code)]
    return d


def can_cast(from_: Any, to: Any) -> bool:
    """Whether casting keeps every value exactly (NumPy's "safe" casting)."""
    return bool(api.dtype_can_cast(_dt(from_).code, _dt(to).code))


def _is_signed(self: DType) -> bool:
    return bool(api.dtype_is_signed(self.code))


def _is_integer(self: DType) -> bool:
    return bool(api.dtype_is_integer(self.code))


def _is_complex(self: DType) -> bool:
    return False


# Added to DType here (the class keeps its slots): dtype.is_signed, dtype.is_integer, dtype.is_complex.
DType.is_signed = property(_is_signed)  # type: ignore[attr-defined]
DType.is_integer = property(_is_integer)  # type: ignore[attr-defined]
DType.is_complex = property(_is_complex)  # type: ignore[attr-defined]
DType.bits = property(lambda self: 8 * self.itemsize)  # type: ignore[attr-defined]


class finfo:
    """Machine limits of a floating dtype (like torch.finfo / numpy.finfo): bits, eps, max, min, tiny
    (smallest normal), smallest_normal, resolution, dtype."""

    # (bits, eps, max, tiny, resolution) from IEEE 754 binary16/32/64 and bfloat16 (8 exponent bits,
    # 7 stored significand bits): eps = 2^-(stored bits), max = (2 - eps) * 2^emax, tiny = 2^(1 - emax).
    _LIMITS = {
        "float16": (16, 2.0 ** -10, 65504.0, 2.0 ** -14, 1e-3),
        "bfloat16": (16, 2.0 ** -7, (2 - 2.0 ** -7) * 2.0 ** 127, 2.0 ** -126, 1e-2),
        "float32": (32, 2.0 ** -23, (2 - 2.0 ** -23) * 2.0 ** 127, 2.0 ** -126, 1e-6),
        "float64": (64, 2.0 ** -52, (2 - 2.0 ** -52) * 2.0 ** 1023, 2.0 ** -1022, 1e-15),
    }

    def __init__(self, dtype: Any = None) -> None:
        d = _dtype.default_float if dtype is None else _dt(dtype)
        if d.name not in self._LIMITS:
            raise TypeError("finfo: %s is not a floating dtype" % d.name)
        self.dtype = d
        self.bits, self.eps, self.max, self.tiny, self.resolution = self._LIMITS[d.name]
        self.min = -self.max
        self.smallest_normal = self.tiny

    def __repr__(self) -> str:
        return "finfo(resolution=%g, min=%g, max=%g, eps=%g, tiny=%g, dtype=%s)" % (
            self.resolution, self.min, self.max, self.eps, self.tiny, self.dtype.name)


class iinfo:
    """Limits of an integer dtype (like torch.iinfo): bits, min, max, dtype."""

    def __init__(self, dtype: Any) -> None:
        d = _dt(dtype)
        if not api.dtype_is_integer(d.code) or d.kind == "b":
            raise TypeError("iinfo: %s is not an integer dtype" % d.name)
        self.dtype = d
        self.bits = 8 * d.itemsize
        if api.dtype_is_signed(d.code):
            self.min, self.max = -(2 ** (self.bits - 1)), 2 ** (self.bits - 1) - 1
        else:
            self.min, self.max = 0, 2 ** self.bits - 1

    def __repr__(self) -> str:
        return "iinfo(min=%d, max=%d, bits=%d, dtype=%s)" % (self.min, self.max, self.bits, self.dtype.name)


# ---- grad mode --------------------------------------------------------------------------------------

class set_grad_enabled:
    """Turns gradient recording on or off, like torch.set_grad_enabled: as a function it takes effect
    at once; as a context manager it also restores the previous mode on exit."""

    def __init__(self, mode: bool) -> None:
        self._prev = bool(api.grad_enabled())
        self._mode = bool(mode)
        api.grad_set_enabled(self._mode)

    def __enter__(self) -> "set_grad_enabled":
        return self

    def __exit__(self, *exc: Any) -> None:
        api.grad_set_enabled(self._prev)

    def __bool__(self) -> bool:
        return self._mode


def is_grad_enabled() -> bool:
    return bool(api.grad_enabled())


# ---- default device ---------------------------------------------------------------------------------

def _parse_device(device: Any) -> Tuple[int, int]:
    s = str(device).strip().lower()
    if s == "cpu" or s == "cpu:0":
        return lib.TFL_DEVICE_CPU, 0
    if s == "cuda":
        return lib.TFL_DEVICE_CUDA, 0
    if s.startswith("cuda:") and s[5:].isdigit():
        return lib.TFL_DEVICE_CUDA, int(s[5:])
    if s.startswith("cpu:") and s[4:].lstrip("-").isdigit():
        return lib.TFL_DEVICE_CPU, int(s[4:])
    raise ValueError("unknown device %r (expected 'cpu', 'cuda' or 'cuda:<index>')" % (device,))


def get_default_device() -> str:
    """Where creation functions put new tensors: 'cpu' or 'cuda:<index>'."""
    kind, index = api.default_device_get()
    return "cpu" if kind == lib.TFL_DEVICE_CPU else "cuda:%d" % index


def set_default_device(device: Any) -> None:
    """Sets the default device ('cpu', 'cuda', 'cuda:1'); DeviceError "CUDA unavailable: ..." when CUDA
    cannot be used."""
    kind, index = _parse_device(device)
    api.default_device_set(kind, index)


def device_info() -> Dict[str, Any]:
    """Every device (CPU and each GPU: name, type, memory, availability) as a dict (tfl_device_info_json)."""
    return json.loads(_text(api.device_info_json))


def _tensor_summary(self: Tensor) -> TensorSummary:
    return summary(self)


Tensor.summary = _tensor_summary  # type: ignore[attr-defined]
