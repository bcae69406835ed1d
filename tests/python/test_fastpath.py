"""The compiled fast path of tfl.Tensor (tenflowers._fast): used when built (ctest sets
TENFLOWERS_EXPECT_FAST=1 when the build made it), same results and errors as the Python path, handles
taken from fast-path tensors outlive them, and the package works without it (TENFLOWERS_NO_FAST=1)."""
import gc
import os
import subprocess
import sys
import weakref

import numpy as np
import pytest

import tenflowers as tfl
from tenflowers import _fastpath


def test_fast_path_is_used_when_built():
    if os.environ.get("TENFLOWERS_EXPECT_FAST") == "1":
        assert _fastpath.FAST is not None, "the build made _fast but the package does not use it"
    if _fastpath.FAST is None:
        pytest.skip("tenflowers._fast not built")
    assert tfl.Tensor.__add__ is _fastpath.TensorBase._fast_add


def test_operators_match_numpy_and_handle_mixed_operands():
    x = np.array([[1.5, -2.0], [0.25, 4.0]], dtype=np.float32)
    y = np.array([0.5, 3.0], dtype=np.float32)
    a, b = tfl.tensor(x), tfl.tensor(y)
    np.testing.assert_array_equal((a + b).numpy(), x + y)
    np.testing.assert_array_equal((a - b).numpy(), x - y)
    np.testing.assert_array_equal((a * b).numpy(), x * y)
    np.testing.assert_allclose((a / b).numpy(), x / y, rtol=1e-6)
    np.testing.assert_allclose((a @ a).numpy(), x @ x, rtol=1e-6)
    np.testing.assert_array_equal((a + 1).numpy(), x + 1)      # scalar: the Python path
    np.testing.assert_array_equal((2 * a).numpy(), 2 * x)
    np.testing.assert_array_equal((a + y).numpy(), x + y)      # NumPy operand
    np.testing.assert_allclose(a.exp().numpy(), np.exp(x), rtol=1e-6)
    np.testing.assert_array_equal(a.relu().numpy(), np.maximum(x, 0))
    p = tfl.nn.Parameter(tfl.tensor(y))                        # a Tensor subclass operand
    np.testing.assert_array_equal((a + p).detach().numpy(), x + y)
    assert type(a + b) is tfl.Tensor and (a + b).shape == (2, 2) and (a + b).dtype == tfl.float32


def test_errors_are_the_mapped_exceptions():
    with pytest.raises(tfl.ShapeError, match="cannot be broadcast"):
        tfl.tensor([1.0, 2.0]) + tfl.tensor([1.0, 2.0, 3.0])
    with pytest.raises(tfl.ShapeError):
        tfl.ones((2, 3)) @ tfl.ones((2, 3))
    t = tfl.tensor([1.0])
    t.close()
    with pytest.raises(Exception):
        t + t


def test_autograd_through_fast_operators():
    a = tfl.tensor([1.0, -2.0, 3.0], requires_grad=True)
    b = tfl.tensor([0.5, 0.5, 2.0], requires_grad=True)
    ((a * b + a).relu().sum()).backward()
    np.testing.assert_allclose(a.grad.numpy(), [1.5, 0.0, 3.0])
    np.testing.assert_allclose(b.grad.numpy(), [1.0, 0.0, 3.0])


def test_handle_outlives_its_tensor_and_weakrefs_work():
    c = tfl.tensor([1.0, 2.0]) + tfl.tensor([3.0, 4.0])
    r = weakref.ref(c)
    h = c._h
    del c
    gc.collect()
    assert r() is None
    from tenflowers._lib import api
    from tenflowers._tensor import _wrap
    assert _wrap(api.borrow_tensor(h)).tolist() == [4.0, 6.0]  # h still holds its own reference


def test_package_works_without_the_fast_path():
    code = ("import tenflowers as tfl\n"
            "from tenflowers import _fastpath\n"
            "assert _fastpath.FAST is None\n"
            "a = tfl.tensor([1.0, 2.0], requires_grad=True)\n"
            "((a * a + a).relu().sum()).backward()\n"
            "assert a.grad.tolist() == [3.0, 5.0]\n"
            "assert (a.detach() + 1).tolist() == [2.0, 3.0]\n"
            "print('ok')\n")
    env = dict(os.environ, TENFLOWERS_NO_FAST="1")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
