"""tfl.optim AdaBelief, RAdam, NAdam, Adadelta and the AMSGrad variants of Adam / AdamW, on a small
non-quadratic problem, against PyTorch's optimizers when torch is importable and always against the
published update rules (PyTorch's documented algorithms; adabelief-pytorch for AdaBelief) written out
here in NumPy."""

import math

import numpy as np
import pytest

import tenflowers as tfl

STEPS = 25
W = np.array([[0.5, 2.0, 1.0], [1.5, 0.25, 3.0]])
C = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
P0 = np.array([[0.3, 0.1, -0.7], [2.0, -1.0, 0.4]])


def _loss(p):
    """sum(w (p - c)^2) + 0.1 sum(p^3): gradient 2 w (p - c) + 0.3 p^2 (closed form in _grad)."""
    return (p - tfl.tensor(C)).square().mul(tfl.tensor(W)).sum() + (p * p * p).sum() * 0.1


def _grad(p):
    return 2.0 * W * (p - C) + 0.3 * p * p


def _run_tfl(make, steps=STEPS):
    p = tfl.nn.Parameter(tfl.tensor(P0.copy()))
    opt = make([p])
    for _ in range(steps):
        opt.zero_grad()
        _loss(p).backward()
        opt.step()
    return np.array(p.detach().numpy())


# ---- the update rules, one function per optimizer: (p, g, state, t) -> p ------------------------------

def adam_rule(lr, b1, b2, eps, wd, amsgrad, decoupled):
    def step(p, g, s, t):
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
        v = s["v"]
        if amsgrad:
            s["vmax"] = np.maximum(s.get("vmax", 0), s["v"])
            v = s["vmax"]
        return p - lr / (1 - b1 ** t) * s["m"] / (np.sqrt(v) / math.sqrt(1 - b2 ** t) + eps)
    return step


def adabelief_rule(lr, b1, b2, eps, wd, amsgrad, decoupled):
    def step(p, g, s, t):
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
        s["s"] = b2 * s.get("s", 0) + (1 - b2) * (g - s["m"]) ** 2 + eps
        v = s["s"]
        if amsgrad:
            s["smax"] = np.maximum(s.get("smax", 0), s["s"])
            v = s["smax"]
        return p - lr / (1 - b1 ** t) * s["m"] / (np.sqrt(v) / math.sqrt(1 - b2 ** t) + eps)
    return step


def radam_rule(lr, b1, b2, eps, wd, decoupled):
    def step(p, g, s, t):
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
        mh = s["m"] / (1 - b1 ** t)
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)
        if rho_t > 5:
            r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            return p - lr * mh * r * math.sqrt(1 - b2 ** t) / (np.sqrt(s["v"]) + eps)
        return p - lr * mh
    return step


def nadam_rule(lr, b1, b2, eps, wd, psi, decoupled):
    def step(p, g, s, t):
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        s["prod"] = s.get("prod", 1.0) * mu
        s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
        denom = np.sqrt(s["v"] / (1 - b2 ** t)) + eps
        p = p - lr * (1 - mu) / (1 - s["prod"]) * g / denom
        return p - lr * mu_next / (1 - s["prod"] * mu_next) * s["m"] / denom
    return step


def adadelta_rule(lr, rho, eps, wd):
    def step(p, g, s, t):
        g = g + wd * p
        s["v"] = rho * s.get("v", 0) + (1 - rho) * g * g
        d = np.sqrt(s.get("u", 0) + eps) / np.sqrt(s["v"] + eps) * g
        s["u"] = rho * s.get("u", 0) + (1 - rho) * d * d
        return p - lr * d
    return step


def _run_rule(rule, steps=STEPS):
    p, s = P0.copy(), {}
    for t in range(1, steps + 1):
        p = rule(p, _grad(p), s, t)
    return p


CASES = [
    # (name, tfl factory, NumPy rule, torch factory or None)
    ("Adam amsgrad", lambda ps: tfl.optim.Adam(ps, lr=0.05, weight_decay=0.1, amsgrad=True),
     adam_rule(0.05, 0.9, 0.999, 1e-8, 0.1, True, False),
     lambda torch, ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.1, amsgrad=True)),
    ("AdamW amsgrad", lambda ps: tfl.optim.AdamW(ps, lr=0.05, weight_decay=0.1, amsgrad=True),
     adam_rule(0.05, 0.9, 0.999, 1e-8, 0.1, True, True),
     lambda torch, ps: torch.optim.AdamW(ps, lr=0.05, weight_decay=0.1, amsgrad=True)),
    ("AdaBelief", lambda ps: tfl.optim.AdaBelief(ps, lr=0.05, weight_decay=0.1),
     adabelief_rule(0.05, 0.9, 0.999, 1e-16, 0.1, False, True), None),
    ("AdaBelief amsgrad L2", lambda ps: tfl.optim.AdaBelief(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-8,
                                                            weight_decay=0.1, amsgrad=True,
                                                            decoupled_weight_decay=False),
     adabelief_rule(0.05, 0.8, 0.99, 1e-8, 0.1, True, False), None),
    # beta2 = 0.9 makes rho_t pass 5 after a few steps, so both branches of RAdam run.
    ("RAdam", lambda ps: tfl.optim.RAdam(ps, lr=0.05, betas=(0.9, 0.9), weight_decay=0.1),
     radam_rule(0.05, 0.9, 0.9, 1e-8, 0.1, False),
     lambda torch, ps: torch.optim.RAdam(ps, lr=0.05, betas=(0.9, 0.9), weight_decay=0.1)),
    ("RAdam decoupled", lambda ps: tfl.optim.RAdam(ps, lr=0.05, betas=(0.9, 0.9), weight_decay=0.1,
                                                   decoupled_weight_decay=True),
     radam_rule(0.05, 0.9, 0.9, 1e-8, 0.1, True),
     lambda torch, ps: torch.optim.RAdam(ps, lr=0.05, betas=(0.9, 0.9), weight_decay=0.1,
                                         decoupled_weight_decay=True)),
    ("NAdam", lambda ps: tfl.optim.NAdam(ps, lr=0.05, weight_decay=0.1),
     nadam_rule(0.05, 0.9, 0.999, 1e-8, 0.1, 4e-3, False),
     lambda torch, ps: torch.optim.NAdam(ps, lr=0.05, weight_decay=0.1)),
    ("NAdam decoupled", lambda ps: tfl.optim.NAdam(ps, lr=0.05, weight_decay=0.1, momentum_decay=0.01,
                                                   decoupled_weight_decay=True),
     nadam_rule(0.05, 0.9, 0.999, 1e-8, 0.1, 0.01, True),
     lambda torch, ps: torch.optim.NAdam(ps, lr=0.05, weight_decay=0.1, momentum_decay=0.01,
                                         decoupled_weight_decay=True)),
    ("Adadelta", lambda ps: tfl.optim.Adadelta(ps, lr=1.0, rho=0.9, weight_decay=0.1),
     adadelta_rule(1.0, 0.9, 1e-6, 0.1),
     lambda torch, ps: torch.optim.Adadelta(ps, lr=1.0, rho=0.9, weight_decay=0.1)),
]


@pytest.mark.parametrize("name,make,rule,make_torch", CASES, ids=[c[0] for c in CASES])
def test_matches_update_rule(name, make, rule, make_torch):
    got = _run_tfl(make)
    want = _run_rule(rule)
    assert not np.allclose(want, P0)  # the run moved the parameters
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name,make,rule,make_torch", [c for c in CASES if c[3] is not None],
                         ids=[c[0] for c in CASES if c[3] is not None])
def test_matches_pytorch(name, make, rule, make_torch):
    torch = pytest.importorskip("torch")
    p = torch.tensor(P0.copy(), dtype=torch.float64, requires_grad=True)
    opt = make_torch(torch, [p])
    w, c = torch.tensor(W), torch.tensor(C)
    for _ in range(STEPS):
        opt.zero_grad()
        ((p - c) ** 2 * w).sum().add((p ** 3).sum() * 0.1).backward()
        opt.step()
    np.testing.assert_allclose(_run_tfl(make), p.detach().numpy(), rtol=1e-9, atol=1e-10)


def test_hyperparameters_state_dict_and_errors():
    p = tfl.nn.Parameter(tfl.tensor(P0.copy()))
    opt = tfl.optim.NAdam([p], lr=0.05)
    assert opt.param_groups[0]["momentum_decay"] == pytest.approx(4e-3)
    assert opt.lr == pytest.approx(0.05)
    for _ in range(3):
        opt.zero_grad()
        _loss(p).backward()
        opt.step()
    state = opt.state_dict()
    assert any(k.endswith("mu_product") for k in state)
    # A fresh optimizer loaded with the state continues exactly like the original.
    q = tfl.nn.Parameter(tfl.tensor(np.array(p.detach().numpy())))
    opt2 = tfl.optim.NAdam([q], lr=0.05)
    opt2.load_state_dict(state)
    for o, x in ((opt, p), (opt2, q)):
        o.zero_grad()
        _loss(x).backward()
        o.step()
    np.testing.assert_array_equal(np.array(p.detach().numpy()), np.array(q.detach().numpy()))
    assert "RAdam(" in repr(tfl.optim.RAdam([q]))
    with pytest.raises(ValueError):
        tfl.optim.Adadelta([q], rho=1.5)
    with pytest.raises(ValueError):
        tfl.optim.AdaBelief([q], betas=(1.0, 0.999))
