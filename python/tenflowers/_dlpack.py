"""DLPack exchange without copies: Tensor.__dlpack__/__dlpack_device__ and tfl.from_dlpack, for CPU
tensors. Both capsule kinds are spoken: DLPack 1.0's "dltensor_versioned" (DLManagedTensorVersioned, with
flags such as read-only) when the consumer asks for max_version >= (1, 0), the legacy "dltensor" otherwise.
The capsule plumbing goes through ctypes' view of the Python C API (loaded only when used)."""

import ctypes
import threading
from typing import Any, Dict

from . import _dtype
from ._lib import api, ffi, DeviceError, DTypeError, InvalidArgumentError
from ._tensor import Tensor, _wrap

_CPU = 1


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", DLDevice), ("ndim", ctypes.c_int32), ("dtype", DLDataType),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("strides", ctypes.POINTER(ctypes.c_int64)),
                ("byte_offset", ctypes.c_uint64)]


class DLManagedTensor(ctypes.Structure):
    pass


_Deleter = ctypes.CFUNCTYPE(None, ctypes.POINTER(DLManagedTensor))
DLManagedTensor._fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", _Deleter)]


class DLPackVersion(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32)]


class DLManagedTensorVersioned(ctypes.Structure):
    pass


_VersionedDeleter = ctypes.CFUNCTYPE(None, ctypes.POINTER(DLManagedTensorVersioned))
DLManagedTensorVersioned._fields_ = [("version", DLPackVersion), ("manager_ctx", ctypes.c_void_p),
                                     ("deleter", _VersionedDeleter), ("flags", ctypes.c_uint64),
                                     ("dl_tensor", DLTensor)]

# The DLPack version this module produces, and the flags of DLManagedTensorVersioned it reads and writes.
_VERSION = (1, 0)
_FLAG_READ_ONLY = 1 << 0
_FLAG_IS_COPIED = 1 << 1

# (DLPack type code, bits) of each dtype: kDLInt 0, kDLUInt 1, kDLFloat 2, kDLBfloat 4, kDLBool 6.
_TO_DL = {_dtype.float32: (2, 32), _dtype.float64: (2, 64), _dtype.float16: (2, 16), _dtype.bfloat16: (4, 16),
          _dtype.int32: (0, 32), _dtype.int64: (0, 64), _dtype.uint8: (1, 8), _dtype.bool_: (6, 8),
          _dtype.int8: (0, 8), _dtype.int16: (0, 16), _dtype.uint16: (1, 16), _dtype.uint32: (1, 32),
          _dtype.uint64: (1, 64)}
_FROM_DL = {v: k for k, v in _TO_DL.items()}

_api_proto = ctypes.pythonapi
_PyCapsule_New = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p)(
    ("PyCapsule_New", _api_proto))
_PyCapsule_GetPointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", _api_proto))
_PyCapsule_SetName = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_SetName", _api_proto))
_PyCapsule_IsValid = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_IsValid", _api_proto))
_PyCapsule_IsValid_raw = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_IsValid", _api_proto))
_PyCapsule_GetPointer_raw = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", _api_proto))

# Exported tensors: the address of their DLManagedTensor -> what keeps it and the tensor alive.
_exported: Dict[int, Any] = {}
_lock = threading.Lock()


@_Deleter
def _export_deleter(managed_ptr) -> None:
    with _lock:
        _exported.pop(ctypes.addressof(managed_ptr.contents), None)


@_VersionedDeleter
def _export_deleter_versioned(managed_ptr) -> None:
    with _lock:
        _exported.pop(ctypes.addressof(managed_ptr.contents), None)


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _capsule_destructor(capsule) -> None:
    # A capsule nobody consumed still owns the managed tensor; a consumer renames it "used_dltensor".
    if _PyCapsule_IsValid_raw(capsule, b"dltensor"):
        ptr = _PyCapsule_GetPointer_raw(capsule, b"dltensor")
        with _lock:
            _exported.pop(ptr, None)


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _versioned_capsule_destructor(capsule) -> None:
    # The same for DLPack 1.0 capsules, which consumers rename "used_dltensor_versioned".
    if _PyCapsule_IsValid_raw(capsule, b"dltensor_versioned"):
        ptr = _PyCapsule_GetPointer_raw(capsule, b"dltensor_versioned")
        with _lock:
            _exported.pop(ptr, None)


def _wants_versioned(max_version: Any) -> bool:
    if max_version is None:
        return False  # a consumer that predates DLPack 1.0
    try:
        major = int(max_version[0])
    except (TypeError, ValueError, IndexError):
        raise InvalidArgumentError("[__dlpack__] max_version must be a (major, minor) tuple, got %r"
                                   % (max_version,)) from None
    return major >= _VERSION[0]


def to_dlpack(t: Tensor, max_version: Any = None, copy: Any = None, dl_device: Any = None):
    if t.device != "cpu":
        raise DeviceError("[__dlpack__] only CPU tensors can be exported, got %s" % t.device)
    if dl_device is not None and tuple(dl_device) != (_CPU, 0):
        # The array API asks for BufferError when the requested device cannot be served.
        raise BufferError("[__dlpack__] cannot export to device %r: tenflowers tensors here are on the CPU "
                          "(1, 0) and copies across devices are not made through DLPack" % (tuple(dl_device),))
    src = t.clone() if copy else t
    d = src.dtype
    shape = src.shape
    nd = len(shape)
    versioned = _wants_versioned(max_version)
    m = DLManagedTensorVersioned() if versioned else DLManagedTensor()
    shape_arr = (ctypes.c_int64 * max(nd, 1))(*shape)
    strides_arr = (ctypes.c_int64 * max(nd, 1))(*src.strides)
    n = api.tensor_numel(src._h)
    m.dl_tensor.data = int(ffi.cast("uintptr_t", api.tensor_data(src._h))) if n else None
    m.dl_tensor.device = DLDevice(_CPU, 0)
    m.dl_tensor.ndim = nd
    code, bits = _TO_DL[d]
    m.dl_tensor.dtype = DLDataType(code, bits, 1)
    m.dl_tensor.shape = ctypes.cast(shape_arr, ctypes.POINTER(ctypes.c_int64))
    m.dl_tensor.strides = ctypes.cast(strides_arr, ctypes.POINTER(ctypes.c_int64))
    m.dl_tensor.byte_offset = 0
    addr = ctypes.addressof(m)
    with _lock:
        _exported[addr] = (m, shape_arr, strides_arr, src)
    if versioned:
        m.version = DLPackVersion(*_VERSION)
        m.deleter = _export_deleter_versioned
        m.flags = _FLAG_IS_COPIED if copy else 0
        return _PyCapsule_New(addr, b"dltensor_versioned", ctypes.cast(_versioned_capsule_destructor, ctypes.c_void_p))
    m.deleter = _export_deleter
    return _PyCapsule_New(addr, b"dltensor", ctypes.cast(_capsule_destructor, ctypes.c_void_p))


class _Imported:
    """Owner of an imported DLManagedTensor: calls its deleter when the last tensor view goes away."""

    __slots__ = ("ptr", "capsule", "versioned")

    def __init__(self, ptr: int, capsule: Any, versioned: bool) -> None:
        self.ptr = ptr
        self.capsule = capsule
        self.versioned = versioned

    def _tfl_release(self) -> None:
        m = (DLManagedTensorVersioned if self.versioned else DLManagedTensor).from_address(self.ptr)
        if m.deleter:
            m.deleter(ctypes.pointer(m))


def _capsule_of(x: Any) -> Any:
    """x's capsule, DLPack 1.0 when the producer speaks it (its __dlpack__ takes max_version)."""
    try:
        return x.__dlpack__(max_version=_VERSION)
    except TypeError:
        return x.__dlpack__()  # a producer that predates DLPack 1.0


def from_dlpack(x: Any) -> Tensor:
    """A tensor sharing the memory of any object with __dlpack__ (NumPy arrays, PyTorch CPU tensors, ...)."""
    from ._interop import wrap_external

    if isinstance(x, Tensor):
        return x
    if not hasattr(x, "__dlpack__"):
        raise InvalidArgumentError("[from_dlpack] %s has no __dlpack__" % type(x).__name__)
    dev = tuple(x.__dlpack_device__()) if hasattr(x, "__dlpack_device__") else (_CPU, 0)
    if dev[0] != _CPU:
        raise DeviceError("[from_dlpack] only CPU memory can be shared (device type %d)" % dev[0])
    capsule = _capsule_of(x)
    versioned = bool(_PyCapsule_IsValid(capsule, b"dltensor_versioned"))
    if versioned:
        ptr = _PyCapsule_GetPointer(capsule, b"dltensor_versioned")
        m = DLManagedTensorVersioned.from_address(ptr)
        if m.version.major > _VERSION[0]:
            # A newer major version may change the struct layout: the capsule stays unconsumed (its
            # destructor frees it), as the DLPack specification asks.
            raise BufferError("[from_dlpack] DLPack version %d.%d is newer than the supported %d.%d"
                              % (m.version.major, m.version.minor, _VERSION[0], _VERSION[1]))
        read_only = bool(m.flags & _FLAG_READ_ONLY)
    else:
        ptr = _PyCapsule_GetPointer(capsule, b"dltensor")
        m = DLManagedTensor.from_address(ptr)
        read_only = False
    dl = m.dl_tensor
    d = _FROM_DL.get((dl.dtype.code, dl.dtype.bits))
    if d is None or dl.dtype.lanes != 1:
        raise DTypeError("[from_dlpack] DLPack type (code %d, bits %d, lanes %d) is not supported"
                         % (dl.dtype.code, dl.dtype.bits, dl.dtype.lanes))
    # Consumed: we call the deleter from now on.
    _PyCapsule_SetName(capsule, b"used_dltensor_versioned" if versioned else b"used_dltensor")
    owner = _Imported(ptr, capsule, versioned)
    shape = [dl.shape[i] for i in range(dl.ndim)]
    data = (dl.data or 0) + dl.byte_offset
    flip = []
    if dl.strides:
        strides = [dl.strides[i] for i in range(dl.ndim)]
        for ax, (n, s) in enumerate(zip(shape, strides)):
            if s < 0 and n > 1:
                data += s * (n - 1) * d.itemsize
                flip.append(ax)
        strides = [abs(s) for s in strides]
    else:
        strides = None
    t = wrap_external(data, shape, strides, d, owner)
    for ax in flip:
        t = _wrap(api.tensor_slice(t._h, ax, None, None, -1))
    if read_only:
        # tenflowers tensors are always writable, so read-only memory (e.g. a NumPy array with
        # writeable=False) is copied rather than exposed to in-place ops; the producer's copy is released.
        t = t.clone()
    return t
