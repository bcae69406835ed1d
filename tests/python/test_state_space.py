"""tfl.nn.StateSpaceModel against a NumPy recurrence: values, final state, initial state, gradients, errors."""

import numpy as np
import pytest

import tenflowers as tfl
import tenflowers.nn as nn


def _np(t):
    return np.array(t.detach().numpy())


def _recurrence(A, B, C, D, u, x0):
    """y_t = C x_t + D u_t, x_{t+1} = A x_t + B u_t, written with NumPy per step."""
    batch, seq, _ = u.shape
    x = x0.copy()
    ys = np.zeros((batch, seq, C.shape[0]))
    for t in range(seq):
        ys[:, t] = x @ C.T + (u[:, t] @ D.T if D is not None else 0.0)
        x = x @ A.T + u[:, t] @ B.T
    return ys, x


@pytest.mark.parametrize("feedthrough", [True, False])
def test_matches_numpy_recurrence(feedthrough):
    rng = np.random.default_rng(1)
    m = nn.StateSpaceModel(4, 3, 2, feedthrough=feedthrough, dtype=tfl.float64)
    names = [n for n, _ in m.named_parameters()]
    assert names == (["A", "B", "C", "D"] if feedthrough else ["A", "B", "C"])
    A, B, C = _np(m.A), _np(m.B), _np(m.C)
    D = _np(m.D) if feedthrough else None
    # A starts stable: infinity norm 0.9, so every eigenvalue lies inside the unit circle.
    assert np.abs(A).sum(axis=1).max() == pytest.approx(0.9)
    assert np.abs(np.linalg.eigvals(A)).max() < 1.0
    u = rng.standard_normal((2, 7, 3))
    x0 = rng.standard_normal((2, 4))
    y, xf = m(tfl.tensor(u))
    ry, rx = _recurrence(A, B, C, D, u, np.zeros((2, 4)))
    assert y.shape == (2, 7, 2) and xf.shape == (2, 4)
    np.testing.assert_allclose(_np(y), ry, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_np(xf), rx, rtol=1e-12, atol=1e-12)
    y, xf = m(tfl.tensor(u), tfl.tensor(x0))
    ry, rx = _recurrence(A, B, C, D, u, x0)
    np.testing.assert_allclose(_np(y), ry, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_np(xf), rx, rtol=1e-12, atol=1e-12)
    # forward_output goes through the module's forward (hooks run) and gives the same output.
    np.testing.assert_allclose(_np(m.forward_output(tfl.tensor(u), tfl.tensor(x0))), ry, rtol=1e-12, atol=1e-12)


def test_float32_and_shared_initial_state_and_gradients():
    rng = np.random.default_rng(2)
    m = nn.StateSpaceModel(3, 2, 2)
    A, B, C, D = (_np(getattr(m, k)).astype(np.float64) for k in "ABCD")
    u = rng.standard_normal((3, 5, 2)).astype(np.float32)
    x0 = rng.standard_normal(3).astype(np.float32)
    y, xf = m(tfl.tensor(u), tfl.tensor(x0))
    ry, rx = _recurrence(A, B, C, D, u.astype(np.float64), np.broadcast_to(x0, (3, 3)).astype(np.float64))
    np.testing.assert_allclose(_np(y), ry, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(xf), rx, rtol=1e-4, atol=1e-5)
    (y.sum() + xf.sum()).backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and p.grad.shape == p.shape, name
    # d(sum y)/dD = sum over batch and time of u, for every output row.
    np.testing.assert_allclose(_np(m.D.grad), np.broadcast_to(u.sum(axis=(0, 1)), (2, 2)), rtol=1e-4, atol=1e-4)


def test_errors():
    with pytest.raises(tfl.LayerConfigError, match="must be > 0"):
        nn.StateSpaceModel(0, 2, 2)
    with pytest.raises(ValueError):  # LayerConfigError is a ValueError
        nn.StateSpaceModel(2, 2, -1)
    m = nn.StateSpaceModel(2, 2, 2)
    with pytest.raises(tfl.ShapeError, match="expects input of shape"):
        m(tfl.zeros((2, 3)))
    with pytest.raises(tfl.ShapeError, match="initial state"):
        m(tfl.zeros((1, 3, 2)), tfl.zeros((5,)))
