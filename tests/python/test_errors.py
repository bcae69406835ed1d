"""Exceptions: one class per status, also the built-in users already catch, with the library's message."""

import numpy as np
import pytest

import tenflowers as tfl
from tenflowers import _lib


def test_hierarchy():
    pairs = [(tfl.InvalidArgumentError, ValueError), (tfl.ShapeError, ValueError), (tfl.DTypeError, TypeError),
             (tfl.DeviceError, RuntimeError), (tfl.OutOfMemoryError, MemoryError), (tfl.OutOfRangeError, IndexError),
             (tfl.UnimplementedError, NotImplementedError), (tfl.IOFailureError, OSError),
             (tfl.InternalError, RuntimeError), (tfl.GradientError, RuntimeError),
             (tfl.NumericalError, FloatingPointError), (tfl.TensorOpError, RuntimeError),
             (tfl.LayerConfigError, ValueError), (tfl.OptimizerError, ValueError),
             (tfl.SerializationError, ValueError), (tfl.DataLoadingError, OSError),
             (tfl.CheckpointError, RuntimeError)]
    for cls, builtin in pairs:
        assert issubclass(cls, tfl.TenflowersError) and issubclass(cls, builtin)
        assert tfl.STATUS_ERRORS[cls.status] is cls
    assert len(tfl.STATUS_ERRORS) == len(pairs)


def test_shape_error():
    with pytest.raises(tfl.ShapeError, match=r"\[add\] shapes 2x3 and 4 cannot be broadcast"):
        tfl.zeros((2, 3)) + tfl.zeros(4)
    with pytest.raises(ValueError, match="matmul"):
        tfl.zeros((2, 3)) @ tfl.zeros((2, 3))
    with pytest.raises(tfl.ShapeError):
        tfl.zeros(6).reshape(4, 2)


def test_dtype_error():
    with pytest.raises(TypeError):
        tfl.zeros(2, dtype="complex64")
    with pytest.raises(tfl.DTypeError, match="complex"):
        tfl.tensor(np.zeros(2, dtype=np.complex64))
    with pytest.raises(tfl.DTypeError):
        tfl.from_numpy(np.zeros(2, dtype=np.complex128))


def test_index_and_argument_errors():
    with pytest.raises(tfl.OutOfRangeError, match="axis"):
        tfl.zeros((2, 2)).sum(axis=5)
    with pytest.raises(IndexError):
        tfl.zeros((2, 2)).softmax(axis=3)
    with pytest.raises(tfl.InvalidArgumentError, match="ragged"):
        tfl.tensor([[1, 2], [3]])
    with pytest.raises(ValueError):
        tfl.arange(0, 1, 0)
    with pytest.raises(tfl.InvalidArgumentError, match="n"):
        tfl.set_num_threads(0)
    with pytest.raises(ValueError, match="only one-element"):
        tfl.ones(3).item()


def test_raw_wrapper_raises_with_last_error_message():
    with pytest.raises(tfl.InvalidArgumentError) as info:
        _lib.api.tensor_add(_lib.ffi.NULL, _lib.ffi.NULL)
    assert info.value.status == 1 and str(info.value)


def test_explicit_close_releases_once():
    t = tfl.ones(3)
    t.close()
    t.close()  # second close is a no-op
    assert repr(t) == "tensor(<closed>)"


def test_loader_refuses_older_abi():
    from tenflowers._lib import _loader

    current = _lib.api.version_abi()
    _loader.check_abi(current, "x", "lib.so")  # the loaded library passes
    with pytest.raises(ImportError, match=r"has ABI 0\.1 .* generated for ABI 0\.2 .* at least that new"):
        _loader.check_abi(1, "0.1.0", "lib.so", wanted=2)
    with pytest.raises(ImportError, match="same major"):
        _loader.check_abi(1001, "1.1.0", "lib.so", wanted=1)


def test_loader_message_for_missing_library(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, TENFLOWERS_LIBRARY=str(tmp_path / "nope.so"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    r = subprocess.run([sys.executable, "-c", "import tenflowers"], env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "cannot find libtenflowers.so" in r.stderr and "TENFLOWERS_LIBRARY" in r.stderr
