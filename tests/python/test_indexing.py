"""t[key] and t[key] = v against NumPy for every kind of index."""

import numpy as np
import pytest

import tenflowers as tfl

A = np.arange(60, dtype=np.float64).reshape(3, 4, 5)

KEYS = [
    1, -1, (0, 2), (slice(None), 1), slice(1, None), slice(None, None, -1), (slice(None), slice(None, None, 2)),
    (Ellipsis, 3), (Ellipsis, slice(1, 4, 2)), (None, 1), (0, None, Ellipsis, None), (slice(-2, None), -1, slice(None, 1)),
    (slice(None), slice(3, 0, -2)), [0, 2], ([2, 0, -1],), (slice(None), [1, 3]), (1, [0, 0, 3], slice(None)),
    (np.array([[0, 1], [2, 0]]),), A > 30, (A[:, :, 0] > 10,), (slice(None), np.array([True, False, True, False])),
    ([0, 2], [1, 3]),
]


@pytest.mark.parametrize("key", KEYS, ids=[repr(k)[:40] for k in KEYS])
def test_getitem_matches_numpy(key):
    t = tfl.tensor(A)
    k = tuple(tfl.tensor(x) if isinstance(x, np.ndarray) else x for x in key) if isinstance(key, tuple) else (
        tfl.tensor(key) if isinstance(key, np.ndarray) else key)
    np.testing.assert_array_equal(t[k].numpy(), A[key])


def test_basic_indexing_gives_views():
    t = tfl.tensor(A)
    v = t[1, :, ::2]
    v[0, 0] = -1.0
    assert t[1, 0, 0].item() == -1.0


SET_KEYS = [(1,), (slice(None), 2), (Ellipsis, slice(None, None, 2)), (A > 40,), ([0, 2],), (slice(None), [1, 3])]


@pytest.mark.parametrize("key", SET_KEYS, ids=[repr(k)[:40] for k in SET_KEYS])
def test_setitem_matches_numpy(key):
    t = tfl.tensor(A)
    ref = A.copy()
    ref[key] = -7.0
    t[tuple(tfl.tensor(x) if isinstance(x, np.ndarray) else x for x in key)] = -7.0
    np.testing.assert_array_equal(t.numpy(), ref)


def test_setitem_broadcasts_tensor_values():
    t = tfl.zeros((3, 4))
    t[1:] = tfl.tensor([1.0, 2.0, 3.0, 4.0])
    assert t.tolist() == [[0.0] * 4, [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]


def test_index_errors():
    t = tfl.tensor(A)
    with pytest.raises(IndexError, match="out of bounds"):
        t[3]
    with pytest.raises(IndexError, match="too many indices"):
        t[0, 0, 0, 0]
    with pytest.raises(tfl.OutOfRangeError):
        t[:, 9]
    with pytest.raises(ValueError, match="step"):
        t[::0]
