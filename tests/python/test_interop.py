"""Zero-copy NumPy and DLPack exchange, with lifetimes."""

import gc

import numpy as np
import pytest

import tenflowers as tfl
from tenflowers import _interop


def test_from_numpy_shares_memory_both_ways():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = tfl.from_numpy(a)
    a[0, 1] = 42.0
    assert t[0, 1].item() == 42.0
    t[1, 2] = -1.0
    assert a[1, 2] == -1.0
    assert np.shares_memory(t.numpy(), a)


def test_from_numpy_keeps_the_array_alive():
    before = _interop.live_owners()
    a = np.arange(1000, dtype=np.float64)
    t = tfl.from_numpy(a)
    del a
    gc.collect()
    assert t[999].item() == 999.0 and t.sum().item() == sum(range(1000))
    assert _interop.live_owners() == before + 1
    view = t[10:20]
    del t
    gc.collect()
    assert view.tolist() == [float(i) for i in range(10, 20)]
    del view
    gc.collect()
    assert _interop.live_owners() == before


def test_from_numpy_strided_and_negative_strides():
    a = np.arange(24, dtype=np.int64).reshape(4, 6)
    for v in (a[::2, 1::3], a[::-1], a[:, ::-2], a.T):
        t = tfl.from_numpy(v)
        np.testing.assert_array_equal(t.numpy(), v)
        assert np.shares_memory(t.numpy(), a)


def test_numpy_view_outlives_the_tensor():
    t = tfl.arange(10, dtype=tfl.float32)
    n = t.numpy()
    del t
    gc.collect()
    np.testing.assert_array_equal(n, np.arange(10, dtype=np.float32))


def test_array_protocols():
    t = tfl.tensor([[1.0, 2.0]])
    assert np.asarray(t).dtype == np.float32
    assert t.__array_interface__["shape"] == (1, 2)
    np.testing.assert_array_equal(np.array(t), [[1.0, 2.0]])
    assert np.asarray(t.astype(tfl.bfloat16)).dtype == np.float32  # copied: NumPy has no bfloat16


def test_tensor_copies():
    a = np.ones(3)
    t = tfl.tensor(a)
    a[0] = 5
    assert t[0].item() == 1.0


def test_dlpack_to_numpy_zero_copy():
    t = tfl.arange(12, dtype=tfl.float64).reshape(3, 4)[:, 1:]
    n = np.from_dlpack(t)
    np.testing.assert_array_equal(n, np.arange(12.0).reshape(3, 4)[:, 1:])
    t[0, 0] = 99.0  # NumPy marks arrays from legacy DLPack capsules read-only; write through the tensor
    assert n[0, 0] == 99.0 and np.shares_memory(n, t.numpy())
    del t
    gc.collect()
    assert n[0, 0] == 99.0
    assert tfl.ones(2).__dlpack_device__() == (1, 0)


def test_dlpack_from_numpy_zero_copy_and_lifetime():
    a = np.arange(8, dtype=np.int32).reshape(2, 4)
    t = tfl.from_dlpack(a)
    a[1, 1] = -3
    assert t[1, 1].item() == -3 and t.dtype == tfl.int32
    del a
    gc.collect()
    assert t.tolist() == [[0, 1, 2, 3], [4, -3, 6, 7]]


def test_dlpack_round_trip_all_numpy_dtypes():
    for dt in ("float32", "float64", "float16", "int32", "int64", "uint8", "bool", "int8", "int16", "uint16",
               "uint32", "uint64"):
        a = (np.arange(6) % 2).astype(dt).reshape(2, 3)
        back = np.from_dlpack(tfl.from_dlpack(a))
        np.testing.assert_array_equal(back, a)
        assert back.dtype == a.dtype and np.shares_memory(back, a)


def test_dlpack_versioned_capsule_only_when_asked():
    t = tfl.arange(4, dtype=tfl.float32)
    assert '"dltensor_versioned"' in repr(t.__dlpack__(max_version=(1, 0)))
    assert '"dltensor"' in repr(t.__dlpack__())  # a consumer that predates DLPack 1.0
    assert '"dltensor"' in repr(t.__dlpack__(max_version=(0, 8)))
    with pytest.raises(BufferError, match="device"):
        t.__dlpack__(max_version=(1, 0), dl_device=(2, 0))


def test_dlpack_versioned_to_numpy_is_writable_and_shared():
    # NumPy >= 2.1 asks for DLPack 1.0; without the read-only flag its array is writable.
    t = tfl.zeros(3, dtype=tfl.float64)
    n = np.from_dlpack(t)
    assert n.flags.writeable
    n[1] = 7.0
    assert t.tolist() == [0.0, 7.0, 0.0]
    del t
    gc.collect()
    assert n.tolist() == [0.0, 7.0, 0.0]


def test_dlpack_versioned_copy_flag_gives_independent_memory():
    t = tfl.ones(2)
    n = np.from_dlpack(t, copy=True)
    n[0] = 5.0
    assert t.tolist() == [1.0, 1.0]


def test_dlpack_from_read_only_numpy_is_copied():
    a = np.arange(4.0)
    a.flags.writeable = False  # exported with DLPack 1.0's read-only flag
    t = tfl.from_dlpack(a)
    t[0] = -1.0  # tenflowers tensors are writable, so read-only memory must not be shared
    assert a[0] == 0.0 and t.tolist() == [-1.0, 1.0, 2.0, 3.0]


def test_dlpack_from_legacy_producer():
    class Legacy:  # a producer whose __dlpack__ predates max_version
        def __init__(self, a):
            self.a = a

        def __dlpack__(self, stream=None):
            return self.a.__dlpack__()

        def __dlpack_device__(self):
            return self.a.__dlpack_device__()

    a = np.arange(3, dtype=np.int64)
    t = tfl.from_dlpack(Legacy(a))
    a[2] = 9
    assert t.tolist() == [0, 1, 9]


def test_dlpack_with_torch_when_installed():
    torch = pytest.importorskip("torch")
    x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    t = tfl.from_dlpack(x)
    x[0, 0] = 5.0
    assert t[0, 0].item() == 5.0
    y = torch.from_dlpack(t)
    t[1, 1] = -1.0
    assert y[1, 1].item() == -1.0
