"""Parameter groups in tfl.optim (PyTorch style): per-group hyperparameters that can be changed between
steps, schedulers acting on every group, state round trips that keep the groups. The same two-group
training runs against an independent NumPy implementation of the update rules, and against PyTorch when
it is importable."""
import numpy as np
import pytest

import tenflowers as tfl
from tenflowers import nn
from tenflowers.optim import lr_scheduler

rng = np.random.default_rng(7)
W1, B1 = rng.standard_normal((5, 4)), rng.standard_normal(5)
W2, B2 = rng.standard_normal((3, 5)), rng.standard_normal(3)
X, Y = rng.standard_normal((8, 4)), rng.standard_normal((8, 3))
STEPS = 5


def _model():
    m = nn.Sequential(nn.Linear(4, 5, dtype="float64"), nn.Tanh(), nn.Linear(5, 3, dtype="float64"))
    m.load_state_dict({"0.weight": tfl.tensor(W1), "0.bias": tfl.tensor(B1),
                       "2.weight": tfl.tensor(W2), "2.bias": tfl.tensor(B2)})
    return m


def _train_tfl(make_opt, steps=STEPS, change=None):
    m = _model()
    opt = make_opt(m)
    x, y = tfl.tensor(X), tfl.tensor(Y)
    for i in range(steps):
        if change:
            change(i, opt)
        opt.zero_grad()
        loss = ((m(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
    return {k: v.numpy().copy() for k, v in m.state_dict().items()}, opt


def _grads_np(p):
    """Gradients of mean((tanh(X W1^T + b1) W2^T + b2 - Y)^2), by hand."""
    h_pre = X @ p["0.weight"].T + p["0.bias"]
    h = np.tanh(h_pre)
    out = h @ p["2.weight"].T + p["2.bias"]
    d_out = 2 * (out - Y) / out.size
    d_h = d_out @ p["2.weight"] * (1 - h ** 2)
    return {"2.weight": d_out.T @ h, "2.bias": d_out.sum(0), "0.weight": d_h.T @ X, "0.bias": d_h.sum(0)}


def _sgd_np(groups, steps=STEPS, lrs=None):
    """SGD with momentum and weight decay (PyTorch's rule) per group; groups: list of (names, lr, mom, wd)."""
    p = {"0.weight": W1.copy(), "0.bias": B1.copy(), "2.weight": W2.copy(), "2.bias": B2.copy()}
    buf = {}
    for i in range(steps):
        g = _grads_np(p)
        for gi, (names, lr, mom, wd) in enumerate(groups):
            if lrs is not None:
                lr = lrs[gi][i]
            for n in names:
                d = g[n] + wd * p[n]
                buf[n] = d if n not in buf else mom * buf[n] + d
                p[n] = p[n] - lr * buf[n]
    return p


def _two_groups(m):
    return tfl.optim.SGD([{"params": m[0].parameters()},
                          {"params": m[2].parameters(), "lr": 0.02, "weight_decay": 0.1}],
                         lr=0.1, momentum=0.9)


GROUPS = [(["0.weight", "0.bias"], 0.1, 0.9, 0.0), (["2.weight", "2.bias"], 0.02, 0.9, 0.1)]


def test_two_groups_match_reference_rule():
    got, opt = _train_tfl(_two_groups)
    want = _sgd_np(GROUPS)
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-12, atol=1e-14)
    assert len(opt.param_groups) == 2
    assert opt.param_groups[1]["lr"] == pytest.approx(0.02)
    assert opt.param_groups[1]["weight_decay"] == pytest.approx(0.1)
    assert opt.param_groups[0]["weight_decay"] == 0.0
    assert len(opt.param_groups[1]["params"]) == 2


def test_group_lr_change_takes_effect():
    def change(i, opt):
        if i == 2:
            opt.param_groups[0]["lr"] = 0.05
    got, _ = _train_tfl(_two_groups, change=change)
    want = _sgd_np(GROUPS, lrs=[[0.1, 0.1, 0.05, 0.05, 0.05], [0.02] * 5])
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-12, atol=1e-14)


def test_scheduler_acts_on_every_group():
    m = _model()
    opt = _two_groups(m)
    sched = lr_scheduler.StepLR(opt, 1, 0.5)
    assert sched.get_last_lr() == pytest.approx([0.1, 0.02])
    sched.step()
    sched.step()
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.025, 0.005])
    assert sched.get_last_lr() == pytest.approx([0.025, 0.005])
    s2 = lr_scheduler.StepLR(_two_groups(_model()), 1, 0.5)
    s2.load_state_dict(sched.state_dict())
    assert s2.last_epoch == 2
    assert [g["lr"] for g in s2.optimizer.param_groups] == pytest.approx([0.025, 0.005])
    one = lr_scheduler.OneCycleLR(_two_groups(_model()), max_lr=[1.0, 0.5], total_steps=10)
    assert [g["lr"] for g in one.optimizer.param_groups] == pytest.approx([1.0 / 25, 0.5 / 25])


def test_state_dict_keeps_groups(tmp_path):
    _, o1 = _train_tfl(lambda m: tfl.optim.Adam([{"params": m[0].parameters()},
                                                {"params": m[2].parameters(), "lr": 0.01, "betas": (0.8, 0.9)}],
                                               lr=0.1))
    state = o1.state_dict()
    assert "param_groups.1.lr" in state and "param_groups.1.beta1" in state
    assert "state.0.step" in state and "state.3.step" in state  # parameters counted across groups
    assert float(state["param_groups.1.beta1"]) == pytest.approx(0.8)
    m = _model()
    o2 = tfl.optim.Adam([{"params": m[0].parameters()}, {"params": m[2].parameters()}], lr=0.5)
    o2.load_state_dict(state)
    assert o2.param_groups[1]["lr"] == pytest.approx(0.01)
    assert o2.param_groups[1]["betas"] == pytest.approx((0.8, 0.9))
    assert o2.param_groups[0]["lr"] == pytest.approx(0.1)
    o2.save(tmp_path / "adam.safetensors")
    o3 = tfl.optim.Adam([{"params": m[0].parameters()}, {"params": m[2].parameters()}], lr=0.5)
    o3.load(tmp_path / "adam.safetensors")
    assert {k: float(v.numpy().ravel()[0]) for k, v in o3.state_dict().items()} == \
        {k: float(v.numpy().ravel()[0]) for k, v in state.items()}


def test_group_errors_and_extras():
    m = _model()
    with pytest.raises(ValueError):
        tfl.optim.SGD([{"params": m[0].parameters()}, {"params": m[0].parameters()}], lr=0.1)
    with pytest.raises(KeyError):
        tfl.optim.SGD([{"params": m[0].parameters(), "betas": (0.9, 0.9)}], lr=0.1)
    with pytest.raises(TypeError):
        tfl.optim.SGD([{"params": m[0].parameters()}, m[2].weight], lr=0.1)
    opt = tfl.optim.SGD([{"params": m[0].parameters(), "name": "encoder"}], lr=0.1)
    assert opt.param_groups[0]["name"] == "encoder"
    opt.add_param_group({"params": m[2].parameters(), "lr": 0.3})
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.1, 0.3])
    opt.lr = 0.2  # the optimizer-wide setter sets every group
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.2, 0.2])


def test_two_groups_match_pytorch():
    torch = pytest.importorskip("torch")
    tm = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)).double()
    with torch.no_grad():
        for (name, p), v in zip(tm.named_parameters(), (W1, B1, W2, B2)):
            p.copy_(torch.from_numpy(v))
    opt = torch.optim.SGD([{"params": tm[0].parameters()},
                           {"params": tm[2].parameters(), "lr": 0.02, "weight_decay": 0.1}], lr=0.1, momentum=0.9)
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    for _ in range(STEPS):
        opt.zero_grad()
        ((tm(x) - y) ** 2).mean().backward()
        opt.step()
    got, _ = _train_tfl(_two_groups)
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(got[k], v.numpy(), rtol=1e-12, atol=1e-14)
