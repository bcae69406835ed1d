"""Utilities: broadcasting, byte counts, summaries, dtype introspection (result_type, can_cast, finfo,
iinfo), set_grad_enabled (function and context manager), the default device and tfl.cuda."""

import math

import numpy as np
import pytest

import tenflowers as tfl


def test_broadcast_shapes_and_is_broadcastable():
    assert tfl.broadcast_shapes((2, 1, 3), (4, 1), (3,)) == (2, 4, 3)
    assert tfl.broadcast_shapes((5,), 1) == (5,)
    assert tfl.broadcast_shapes() == ()
    assert tfl.broadcast_shapes((2, 0), (1,)) == (2, 0)
    # Same answers as NumPy.
    assert tfl.broadcast_shapes((7, 1, 5), (6, 1)) == np.broadcast_shapes((7, 1, 5), (6, 1))
    with pytest.raises(tfl.ShapeError):
        tfl.broadcast_shapes((2, 3), (4,))
    assert tfl.is_broadcastable((2, 3), (1, 3)) and not tfl.is_broadcastable((2, 3), (2,))


def test_nbytes_format_bytes_and_summary():
    t = tfl.tensor([[1.0, float("nan"), 3.0], [float("inf"), -2.0, 4.0]])
    assert t.nbytes == 24 and tfl.zeros((10,), dtype=tfl.float64).nbytes == 80
    assert tfl.format_bytes(512) == "512 bytes"
    assert tfl.format_bytes(1536) == "1.50 KiB (1536 bytes)"
    s = tfl.summary(t)
    assert isinstance(s, dict) and s is not None
    finite = np.array([1.0, 3.0, -2.0, 4.0])
    assert s["shape"] == [2, 3] and s["dtype"] == "float32" and s["device"] == "cpu"
    assert s["numel"] == 6 and s["bytes"] == 24 and s["bytes_human"] == "24 bytes"
    assert s["min"] == -2.0 and s["max"] == 4.0
    assert s["mean"] == pytest.approx(finite.mean()) and s["std"] == pytest.approx(finite.std())
    assert s["nan_count"] == 1 and s["inf_count"] == 1
    assert t.summary() == s
    text = str(s)
    assert "shape   (2, 3)" in text and "nan     1" in text and "memory  24 bytes" in text
    empty = tfl.zeros((0,)).summary()
    assert empty["min"] is None and "min     -" in str(empty)


def test_dtype_introspection():
    assert tfl.float32.itemsize == 4 and tfl.float32.bits == 32 and tfl.int64.itemsize == 8
    assert tfl.float16.is_floating_point and not tfl.int32.is_floating_point
    assert tfl.int32.is_signed and tfl.float64.is_signed and not tfl.uint8.is_signed and not tfl.bool_.is_signed
    assert tfl.int64.is_integer and not tfl.float32.is_integer and not tfl.float32.is_complex
    assert tfl.result_type(tfl.float16, tfl.float32) == tfl.float32
    assert tfl.result_type(tfl.uint8, tfl.int32, tfl.int64) == tfl.int64
    with pytest.raises(tfl.DTypeError, match="no promotion rule"):  # the array API leaves int/float undefined
        tfl.result_type(tfl.int32, tfl.float32)
    assert tfl.result_type(tfl.zeros((2,), dtype=tfl.int64), tfl.int32) == tfl.int64
    assert tfl.can_cast(tfl.int32, tfl.float64) and not tfl.can_cast(tfl.float32, tfl.int32)
    assert tfl.can_cast(tfl.bool_, tfl.uint8) and not tfl.can_cast(tfl.int64, tfl.float32)
    # finfo against NumPy's limits (bfloat16 against its definition: 8 exponent bits, 7 significand bits).
    for d, nd in [(tfl.float16, np.float16), (tfl.float32, np.float32), (tfl.float64, np.float64)]:
        fi, ni = tfl.finfo(d), np.finfo(nd)
        assert fi.bits == ni.bits and fi.eps == float(ni.eps) and fi.max == float(ni.max)
        assert fi.min == float(ni.min) and fi.tiny == float(ni.tiny)
    bf = tfl.finfo(tfl.bfloat16)
    assert bf.eps == 2.0 ** -7 and bf.max == pytest.approx(3.3895313892515355e38) and bf.tiny == 2.0 ** -126
    assert tfl.finfo().dtype == tfl.float32
    with pytest.raises(TypeError):
        tfl.finfo(tfl.int32)
    for d, nd in [(tfl.int32, np.int32), (tfl.int64, np.int64), (tfl.uint8, np.uint8)]:
        ii, ni = tfl.iinfo(d), np.iinfo(nd)
        assert (ii.min, ii.max, ii.bits) == (int(ni.min), int(ni.max), ni.bits)
    with pytest.raises(TypeError):
        tfl.iinfo(tfl.float32)


def test_set_grad_enabled_function_and_context_manager():
    assert tfl.is_grad_enabled()
    x = tfl.tensor([1.0, 2.0], requires_grad=True)
    with tfl.set_grad_enabled(False):
        assert not tfl.is_grad_enabled()
        assert not (x * 2).requires_grad
    assert tfl.is_grad_enabled()
    tfl.set_grad_enabled(False)
    try:
        assert not tfl.is_grad_enabled() and not (x * 2).requires_grad
        with tfl.set_grad_enabled(True):
            assert (x * 2).requires_grad
        assert not tfl.is_grad_enabled()
    finally:
        tfl.set_grad_enabled(True)
    assert tfl.is_grad_enabled()


def test_default_device_and_cuda():
    assert tfl.get_default_device() == "cpu"
    tfl.set_default_device("cpu")
    assert tfl.zeros((2,)).device == "cpu" and tfl.tensor([1.0]).device == "cpu"
    info = tfl.device_info()
    assert info["default"] == "cpu"
    cpu = info["devices"][0]
    assert cpu["type"] == "cpu" and cpu["available"] and cpu["total_memory"] > 0 and cpu["threads"] >= 1
    assert tfl.cuda.device_count() == info["cuda"]["device_count"] == len(tfl.cuda.devices())
    assert tfl.cuda.is_available() == info["cuda"]["available"]
    if not tfl.cuda.is_available():
        assert tfl.cuda.device_count() == 0 and tfl.cuda.unavailable_reason() != ""
        with pytest.raises(tfl.DeviceError, match="CUDA unavailable: "):
            tfl.set_default_device("cuda:0")
        with pytest.raises(RuntimeError):  # DeviceError is a RuntimeError
            tfl.set_default_device("cuda")
        assert tfl.get_default_device() == "cpu"
    with pytest.raises(ValueError):
        tfl.set_default_device("tpu")
    with pytest.raises(tfl.InvalidArgumentError):
        tfl.set_default_device("cpu:1")
