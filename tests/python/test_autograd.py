"""Gradients against central finite differences; backward, tape, grad(), no_grad, hooks."""

import numpy as np
import pytest

import tenflowers as tfl

rng = np.random.default_rng(1)


def numeric_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (f(xp) - f(xm)) / (2 * eps)
    return g


CASES = {
    "mul_add": lambda t: ((t * t) + t * 3.0).sum(),
    "exp_log": lambda t: (t.exp() + (t * t + 1.0).log()).sum(),
    "tanh_sigmoid": lambda t: (t.tanh() * t.sigmoid()).sum(),
    "matmul": lambda t: (t @ t.T).sum(),
    "softmax": lambda t: (t.softmax(axis=1) * tfl.arange(4, dtype=tfl.float64)).sum(),
    "mean_var": lambda t: t.mean(axis=0).sum() + t.var(),
    "index_views": lambda t: (t[1:, ::2] * t[:2, 1::2]).sum(),
    "div_pow": lambda t: (1.0 / (t * t + 1.0) + (t * t + 1.0) ** 1.5).sum(),
    "relu_max": lambda t: (t.relu() * 2.0).sum() + t.max(),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_backward_matches_finite_differences(name):
    f = CASES[name]
    x = rng.normal(size=(3, 4))
    t = tfl.tensor(x, requires_grad=True)
    f(t).backward()
    want = numeric_grad(lambda v: f(tfl.tensor(v)).item(), x)
    np.testing.assert_allclose(t.grad.numpy(), want, rtol=1e-5, atol=1e-6)


def test_tape_gradient_and_persistent():
    x = tfl.tensor([1.0, 2.0, 3.0], dtype=tfl.float64)
    with tfl.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = (x * x).sum()
        z = x.exp().sum()
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])
    np.testing.assert_allclose(tape.gradient(z, [x])[0].numpy(), np.exp([1.0, 2.0, 3.0]))
    w = tfl.tensor([1.0])
    assert tape.gradient(y, w) is None
    assert tape.gradient(y, w, unconnected_gradients="zero").tolist() == [0.0]


def test_grad_function_second_order():
    x = tfl.tensor([2.0], dtype=tfl.float64, requires_grad=True)
    (g,) = tfl.grad(x ** 3, x, create_graph=True)
    assert g.item() == pytest.approx(12.0)
    (g2,) = tfl.grad(g, x)
    assert g2.item() == pytest.approx(12.0)


def test_no_grad_and_detach():
    x = tfl.ones(3, requires_grad=True)
    with tfl.no_grad():
        y = x * 2
    assert not y.requires_grad
    assert (x * 2).requires_grad
    assert not (x * 2).detach().requires_grad

    @tfl.no_grad()
    def f(v):
        return v + 1

    assert not f(x).requires_grad and tfl.is_grad_enabled()


def test_hook_sees_and_replaces_gradient():
    x = tfl.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    handle = x.register_hook(lambda g: seen.append(g.tolist()) or g * 10)
    (x * 3).sum().backward()
    assert seen == [[3.0, 3.0]]
    assert x.grad.tolist() == [30.0, 30.0]
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0] and len(seen) == 1


class HookFailure(Exception):
    pass


def test_exception_in_hook_propagates_from_backward():
    x = tfl.tensor([1.0], requires_grad=True)

    def bad(g):
        raise HookFailure("raised inside the hook")

    x.register_hook(bad)
    with pytest.raises(HookFailure, match="raised inside the hook"):
        (x * 2).sum().backward()
    # The library is still usable and the pending error does not leak into the next failure.
    with pytest.raises(tfl.ShapeError):
        tfl.zeros(2) + tfl.zeros(3)


def test_exception_in_hook_propagates_from_tape():
    x = tfl.tensor([1.0], requires_grad=True)
    x.register_hook(lambda g: 1 / 0)
    with tfl.GradientTape() as tape:
        y = (x * x).sum()
    with pytest.raises(ZeroDivisionError):
        tape.gradient(y, x)
