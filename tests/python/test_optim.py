"""tfl.optim: each optimizer's step against its update rule written out here in NumPy, lr and
param_groups, state save/load, the schedulers' closed forms, gradient clipping, and a short training run."""

import math

import numpy as np
import pytest

import tenflowers as tfl
import tenflowers.nn as nn
import tenflowers.nn.functional as F
from tenflowers.optim import lr_scheduler

P0 = np.array([0.5, -1.0, 2.0, 0.0])
GRADS = [np.array([0.1, -0.2, 0.3, 0.4]), np.array([-0.3, 0.1, 0.2, -0.5]), np.array([0.05, 0.0, -0.1, 0.2])]


def _run(make_opt):
    p = tfl.tensor(P0, dtype="float64", requires_grad=True)
    opt = make_opt([p])
    for g in GRADS:
        p.grad = tfl.tensor(g, dtype="float64")
        opt.step()
    return p.detach().numpy()


def _sgd_ref(lr, momentum, wd, nesterov):
    p, b = P0.copy(), None
    for g in GRADS:
        d = g + wd * p
        if momentum:
            b = d if b is None else momentum * b + d
            d = d + momentum * b if nesterov else b
        p = p - lr * d
    return p


def _adam_ref(lr, b1, b2, eps, wd, decoupled):
    p, m, v = P0.copy(), 0.0, 0.0
    for t, g in enumerate(GRADS, 1):
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr / (1 - b1 ** t) * m / (np.sqrt(v) / math.sqrt(1 - b2 ** t) + eps)
    return p


def _rmsprop_ref(lr, alpha, eps, momentum):
    p, s, b = P0.copy(), 0.0, 0.0
    for g in GRADS:
        s = alpha * s + (1 - alpha) * g * g
        r = np.sqrt(s) + eps
        if momentum:
            b = momentum * b + g / r
            p = p - lr * b
        else:
            p = p - lr * g / r
    return p


def _adagrad_ref(lr, eps):
    p, s = P0.copy(), 0.0
    for g in GRADS:
        s = s + g * g
        p = p - lr * g / (np.sqrt(s) + eps)
    return p


def _lion_ref(lr, b1, b2, wd):
    p, m = P0.copy(), 0.0
    for g in GRADS:
        p = p * (1 - lr * wd)
        p = p - lr * np.sign(b1 * m + (1 - b1) * g)
        m = b2 * m + (1 - b2) * g
    return p


@pytest.mark.parametrize("make,ref", [
    (lambda ps: tfl.optim.SGD(ps, lr=0.1), _sgd_ref(0.1, 0, 0, False)),
    (lambda ps: tfl.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01), _sgd_ref(0.1, 0.9, 0.01, False)),
    (lambda ps: tfl.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True), _sgd_ref(0.1, 0.9, 0, True)),
    (lambda ps: tfl.optim.Adam(ps, lr=0.01), _adam_ref(0.01, 0.9, 0.999, 1e-8, 0, False)),
    (lambda ps: tfl.optim.Adam(ps, lr=0.01, weight_decay=0.1), _adam_ref(0.01, 0.9, 0.999, 1e-8, 0.1, False)),
    (lambda ps: tfl.optim.AdamW(ps, lr=0.01, weight_decay=0.1), _adam_ref(0.01, 0.9, 0.999, 1e-8, 0.1, True)),
    (lambda ps: tfl.optim.RMSprop(ps, lr=0.01), _rmsprop_ref(0.01, 0.99, 1e-8, 0)),
    (lambda ps: tfl.optim.RMSprop(ps, lr=0.01, momentum=0.5), _rmsprop_ref(0.01, 0.99, 1e-8, 0.5)),
    (lambda ps: tfl.optim.Adagrad(ps, lr=0.1), _adagrad_ref(0.1, 1e-10)),
    (lambda ps: tfl.optim.Lion(ps, lr=0.01, weight_decay=0.1), _lion_ref(0.01, 0.9, 0.99, 0.1)),
], ids=["sgd", "sgd-momentum-wd", "sgd-nesterov", "adam", "adam-l2", "adamw", "rmsprop", "rmsprop-momentum",
        "adagrad", "lion"])
def test_optimizer_step_matches_update_rule(make, ref):
    np.testing.assert_allclose(_run(make), ref, rtol=1e-10, atol=1e-12)


def test_lr_param_groups_zero_grad():
    p = tfl.tensor(P0, dtype="float64", requires_grad=True)
    opt = tfl.optim.SGD([p], lr=0.1, momentum=0.9)
    assert opt.lr == pytest.approx(0.1)
    opt.lr = 0.05
    assert opt.param_groups[0]["lr"] == pytest.approx(0.05)
    opt.param_groups[0]["momentum"] = 0.5
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.5)
    assert opt.param_groups[0]["params"][0] is p
    with pytest.raises(KeyError):
        opt.param_groups[0]["betas"] = 1
    p.grad = tfl.ones(4, dtype="float64")
    opt.zero_grad()
    assert p.grad is None
    with pytest.raises(ValueError):
        tfl.optim.SGD([], lr=0.1)
    with pytest.raises(tfl.OptimizerError):
        tfl.optim.SGD([p], lr=-1.0)


def test_optimizer_state_round_trip_resumes_identically(tmp_path):
    def make():
        p = tfl.tensor(P0, dtype="float64", requires_grad=True)
        return p, tfl.optim.Adam([p], lr=0.01)

    p1, o1 = make()
    for g in GRADS[:2]:
        p1.grad = tfl.tensor(g, dtype="float64")
        o1.step()
    state = o1.state_dict()
    assert "state.0.step" in state and "param_groups.0.lr" in state
    o1.save(tmp_path / "adam.safetensors")

    p2, o2 = make()
    with tfl.no_grad():
        p2.copy_(p1)
    o2.load_state_dict(state)
    p3, o3 = make()
    with tfl.no_grad():
        p3.copy_(p1)
    o3.load(tmp_path / "adam.safetensors")
    for p, o in ((p1, o1), (p2, o2), (p3, o3)):
        p.grad = tfl.tensor(GRADS[2], dtype="float64")
        o.step()
    np.testing.assert_array_equal(p2.detach().numpy(), p1.detach().numpy())
    np.testing.assert_array_equal(p3.detach().numpy(), p1.detach().numpy())
    np.testing.assert_allclose(p1.detach().numpy(), _adam_ref(0.01, 0.9, 0.999, 1e-8, 0, False), rtol=1e-10)


def _opt(lr=0.1):
    return tfl.optim.SGD([tfl.tensor([1.0], requires_grad=True)], lr=lr)


def _lrs(sched, n):
    out = []
    for _ in range(n):
        sched.step()
        out.append(sched.optimizer.lr)
    return out


def test_schedulers_closed_forms():
    np.testing.assert_allclose(_lrs(lr_scheduler.StepLR(_opt(), 2, 0.5), 5), [0.1, 0.05, 0.05, 0.025, 0.025])
    np.testing.assert_allclose(_lrs(lr_scheduler.ExponentialLR(_opt(), 0.9), 3), [0.09, 0.081, 0.0729])
    cos = [0.01 + (0.1 - 0.01) * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(1, 5)]
    np.testing.assert_allclose(_lrs(lr_scheduler.CosineAnnealingLR(_opt(), 4, 0.01), 4), cos, rtol=1e-12)
    warm = lr_scheduler.LinearWarmup(_opt(), 4, start_factor=0.25)
    assert warm.get_last_lr()[0] == pytest.approx(0.025)
    np.testing.assert_allclose(_lrs(warm, 5), [0.1 * (0.25 + 0.75 * e / 4) for e in (1, 2, 3)] + [0.1, 0.1])
    one = lr_scheduler.OneCycleLR(_opt(), max_lr=1.0, total_steps=10, anneal_strategy="linear",
                                  cycle_momentum=False)
    assert one.optimizer.lr == pytest.approx(1.0 / 25)
    lrs = _lrs(one, 9)
    assert max(lrs) == pytest.approx(1.0) and lrs[-1] < 1.0 / 25
    assert one.last_epoch == 9


def test_scheduler_state_round_trip():
    s1 = lr_scheduler.StepLR(_opt(), 2, 0.5)
    _lrs(s1, 3)
    s2 = lr_scheduler.StepLR(_opt(), 2, 0.5)
    s2.load_state_dict(s1.state_dict())
    assert s2.last_epoch == 3
    assert _lrs(s2, 2) == pytest.approx(_lrs(s1, 2))


def test_clip_grad():
    a = tfl.tensor([3.0, 0.0], requires_grad=True)
    b = tfl.tensor([4.0], requires_grad=True)
    a.grad, b.grad = tfl.tensor([3.0, 0.0]), tfl.tensor([4.0])
    total = nn.utils.clip_grad_norm_([a, b], 1.0)
    assert float(total) == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad.numpy(), [3 / (5 + 1e-6), 0], rtol=1e-5)
    np.testing.assert_allclose(b.grad.numpy(), [4 / (5 + 1e-6)], rtol=1e-5)
    a.grad = tfl.tensor([-3.0, 0.5])
    nn.utils.clip_grad_value_(a, 1.0)
    np.testing.assert_array_equal(a.grad.numpy(), [-1.0, 0.5])


def test_short_training_converges():
    # A Python-defined MLP learns XOR-like labels of 2-D points.
    tfl.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (256, 2)).astype(np.float32)
    y = ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype(np.int64)

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh())
            self.head = nn.Linear(32, 2)

        def forward(self, x):
            return self.head(self.body(x))

    model = MLP()
    opt = tfl.optim.Adam(model.parameters(), lr=0.02)
    xt, yt = tfl.from_numpy(x), tfl.from_numpy(y)
    first = None
    for _ in range(200):
        loss = F.cross_entropy(model(xt), yt)
        first = float(loss) if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(loss) < 0.25 * first
    acc = (model(xt).argmax(axis=1).numpy() == y).mean()
    assert acc > 0.9
