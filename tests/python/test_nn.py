"""tfl.nn: core layers against NumPy references, Python-defined modules (registration, state dicts,
finite-difference gradients), hooks (C callbacks and Python ones, exceptions propagated), losses."""

import math

import numpy as np
import pytest

import tenflowers as tfl
import tenflowers.nn as nn
import tenflowers.nn.functional as F


def _np(t):
    return np.array(t.detach().numpy())


def _set(param, value):
    with tfl.no_grad():
        param.copy_(tfl.tensor(np.asarray(value, dtype=np.float32)))


# ---- core layers against NumPy -----------------------------------------------------------------------

def test_linear_matches_numpy():
    rng = np.random.default_rng(0)
    lin = nn.Linear(3, 4)
    w, b = rng.standard_normal((4, 3)), rng.standard_normal(4)
    _set(lin.weight, w)
    _set(lin.bias, b)
    x = rng.standard_normal((5, 3)).astype(np.float32)
    y = lin(tfl.tensor(x))
    assert y.shape == (5, 4)
    np.testing.assert_allclose(_np(y), x @ w.T + b, rtol=1e-5, atol=1e-5)
    assert [n for n, _ in lin.named_parameters()] == ["weight", "bias"]
    assert lin.weight.shape == (4, 3) and lin.weight.requires_grad


def _conv2d_ref(x, w, b, stride, pad):
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
    out = np.zeros((n, o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w)
    return out + b[None, :, None, None]


@pytest.mark.parametrize("stride,pad", [(1, 0), (1, 1), (2, 1)])
def test_conv2d_matches_numpy(stride, pad):
    rng = np.random.default_rng(1)
    conv = nn.Conv2d(2, 3, 3, stride=stride, padding=pad)
    w, b = rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    _set(conv.weight, w)
    _set(conv.bias, b)
    x = rng.standard_normal((2, 2, 6, 5)).astype(np.float32)
    y = conv(tfl.tensor(x))
    ref = _conv2d_ref(x.astype(np.float64), w, b, stride, pad)
    assert y.shape == ref.shape
    np.testing.assert_allclose(_np(y), ref, rtol=1e-4, atol=1e-4)


def test_layer_norm_matches_numpy():
    rng = np.random.default_rng(2)
    ln = nn.LayerNorm(6, eps=1e-5)
    g, b = rng.standard_normal(6), rng.standard_normal(6)
    _set(ln.weight, g)
    _set(ln.bias, b)
    x = rng.standard_normal((3, 4, 6)).astype(np.float32)
    y = ln(tfl.tensor(x))
    mu = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    np.testing.assert_allclose(_np(y), (x - mu) / np.sqrt(var + 1e-5) * g + b, rtol=1e-4, atol=1e-4)


def test_rms_norm_and_activations_match_numpy():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 5)).astype(np.float32)
    t = tfl.tensor(x)
    y = nn.RMSNorm(5, eps=1e-6)(t)
    np.testing.assert_allclose(_np(y), x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(nn.ReLU()(t)), np.maximum(x, 0))
    np.testing.assert_allclose(_np(nn.LeakyReLU(0.2)(t)), np.where(x >= 0, x, 0.2 * x), rtol=1e-6)
    np.testing.assert_allclose(_np(nn.Sigmoid()(t)), 1 / (1 + np.exp(-x)), rtol=1e-5)
    np.testing.assert_allclose(_np(nn.Tanh()(t)), np.tanh(x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(nn.SiLU()(t)), x / (1 + np.exp(-x)), rtol=1e-5, atol=1e-6)
    gelu = 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    np.testing.assert_allclose(_np(nn.GELU()(t)), gelu, rtol=1e-5, atol=1e-5)
    e = np.exp(x - x.max(1, keepdims=True))
    np.testing.assert_allclose(_np(nn.Softmax(1)(t)), e / e.sum(1, keepdims=True), rtol=1e-5)


def test_pooling_flatten_dropout_embedding():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 4, 6)).astype(np.float32)
    t = tfl.tensor(x)
    mp = nn.MaxPool2d(2)(t)
    np.testing.assert_allclose(_np(mp), x.reshape(2, 3, 2, 2, 3, 2).max(axis=(3, 5)))
    ap = nn.AvgPool2d(2)(t)
    np.testing.assert_allclose(_np(ap), x.reshape(2, 3, 2, 2, 3, 2).mean(axis=(3, 5)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(nn.AdaptiveAvgPool2d(1)(t)), x.mean(axis=(2, 3), keepdims=True), rtol=1e-5,
                               atol=1e-6)
    assert nn.Flatten()(t).shape == (2, 72)
    d = nn.Dropout(0.5)
    d.eval()
    np.testing.assert_array_equal(_np(d(t)), x)
    d.train()
    kept = _np(d(tfl.ones(10000)))
    assert set(np.unique(kept)) <= {0.0, 2.0} and 0.4 < (kept > 0).mean() < 0.6
    emb = nn.Embedding(10, 3)
    ids = tfl.tensor([[1, 2], [9, 1]])
    out = emb(ids)
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(_np(out)[0, 0], _np(emb.weight)[1])


def test_norm_layers_shapes_and_modes():
    x = tfl.tensor(np.random.default_rng(5).standard_normal((8, 4, 3, 3)).astype(np.float32))
    bn = nn.BatchNorm2d(4)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    y = bn(x)
    assert y.shape == x.shape
    assert int(bn.num_batches_tracked) == 1
    bn.eval()
    assert not bn.training
    bn(x)
    assert int(bn.num_batches_tracked) == 1  # eval mode does not update running stats
    assert nn.BatchNorm1d(4)(tfl.ones((5, 4))).shape == (5, 4)
    assert nn.GroupNorm(2, 4)(x).shape == x.shape
    assert nn.Conv1d(4, 2, 3, padding=1)(tfl.ones((2, 4, 7))).shape == (2, 2, 7)


def test_attention_and_mamba_shapes():
    x = tfl.tensor(np.random.default_rng(6).standard_normal((2, 5, 8)).astype(np.float32))
    mha = nn.MultiheadAttention(8, 2)
    assert mha(x).shape == (2, 5, 8)
    assert mha(x, x, x).shape == (2, 5, 8)
    assert "q_proj.weight" in dict(mha.named_parameters())
    mamba = nn.Mamba(8, d_state=4)
    y = mamba(x)
    assert y.shape == (2, 5, 8)
    y.sum().backward()
    assert all(p.grad is not None for p in mamba.parameters())


# ---- Python-defined modules --------------------------------------------------------------------------

class TwoLayer(nn.Module):
    def __init__(self, dtype=None):
        super().__init__()
        self.fc1 = nn.Linear(3, 4, dtype=dtype)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(4, 2, dtype=dtype)
        self.scale = nn.Parameter(tfl.tensor([1.5, -0.5], dtype=dtype or "float32"))
        self.register_buffer("calls", tfl.zeros((), dtype="int64"))

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


def test_registration_by_attribute():
    m = TwoLayer()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert [n for n, _ in m.named_children()] == ["fc1", "act", "fc2"]
    assert list(m.state_dict()) == ["scale", "calls", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert m.num_parameters() == 2 + 12 + 4 + 8 + 2
    m.eval()
    assert not m.training and not m.fc1.training
    m.train()
    assert m.fc2.training
    with pytest.raises(TypeError):
        m.scale = tfl.ones(2)  # a plain tensor cannot replace a parameter
    del m.act
    assert [n for n, _ in m.named_children()] == ["fc1", "fc2"]


def test_assigning_before_init_fails():
    class Bad(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match="__init__"):
        Bad()


def test_state_dict_round_trip_and_errors():
    a, b = TwoLayer(), TwoLayer()
    x = tfl.tensor(np.random.default_rng(7).standard_normal((4, 3)).astype(np.float32))
    assert not np.allclose(_np(a(x)), _np(b(x)))
    res = b.load_state_dict(a.state_dict())
    assert res.missing_keys == [] and res.unexpected_keys == []
    np.testing.assert_array_equal(_np(a(x)), _np(b(x)))
    sd = a.state_dict()
    sd["extra"] = tfl.ones(1)
    with pytest.raises(tfl.TenflowersError, match="unexpected"):
        b.load_state_dict(sd)
    assert b.load_state_dict(sd, strict=False).unexpected_keys == ["extra"]
    bad = a.state_dict()
    bad["fc1.weight"] = tfl.ones((2, 2))
    before = _np(b.fc1.bias).copy()
    with pytest.raises(tfl.CheckpointError, match="fc1.weight"):
        b.load_state_dict(bad)
    np.testing.assert_array_equal(_np(b.fc1.bias), before)  # nothing written


def test_gradients_of_python_module_by_finite_differences():
    m = TwoLayer(dtype="float64")
    rng = np.random.default_rng(8)
    x = tfl.tensor(rng.standard_normal((5, 3)), dtype="float64")
    m(x).sum().backward()
    eps = 1e-6
    for name, p in m.named_parameters():
        analytic = _np(p.grad)
        flat = _np(p).ravel()
        numeric = np.zeros_like(flat)
        for i in range(flat.size):
            for sign in (1, -1):
                v = flat.copy()
                v[i] += sign * eps
                with tfl.no_grad():
                    p.copy_(tfl.tensor(v.reshape(p.shape), dtype="float64"))
                    numeric[i] += sign * float(m(x).sum()) / (2 * eps)
            with tfl.no_grad():
                p.copy_(tfl.tensor(flat.reshape(p.shape), dtype="float64"))
        np.testing.assert_allclose(analytic.ravel(), numeric, rtol=1e-6, atol=1e-8, err_msg=name)


def test_sequential_of_core_and_python_modules():
    core = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    assert list(core.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    x = tfl.tensor(np.random.default_rng(9).standard_normal((2, 3)).astype(np.float32))
    ref = _np(core[2](core[1](core[0](x))))
    np.testing.assert_allclose(_np(core(x)), ref, rtol=1e-6)

    class Double(nn.Module):
        def forward(self, x):
            return x * 2

    mixed = nn.Sequential(core[0], Double(), core[2])
    np.testing.assert_allclose(_np(mixed(x)), _np(core[2](core[0](x) * 2)), rtol=1e-6)
    assert len(list(mixed.parameters())) == 4


def test_zero_grad():
    m = TwoLayer()
    m(tfl.ones((1, 3))).sum().backward()
    assert m.fc1.weight.grad is not None
    m.zero_grad(set_to_none=False)
    assert float(m.fc1.weight.grad.abs().sum()) == 0.0
    m.zero_grad()
    assert m.fc1.weight.grad is None and m.scale.grad is None


# ---- hooks --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [lambda: nn.Linear(3, 2), lambda: nn.Sequential(TwoLayer())],
                         ids=["core", "python"])
def test_forward_hooks_replace_and_propagate_errors(make):
    m = make()
    x = tfl.ones((2, 3))
    seen = []
    h1 = m.register_forward_pre_hook(lambda mod, args: seen.append(("pre", args[0].shape)) or (args[0] * 0,))
    h2 = m.register_forward_hook(lambda mod, args, out: seen.append(("post", out.shape)) or out + 100)
    y = m(x)
    assert [s[0] for s in seen] == ["pre", "post"]
    h1.remove()
    h2.remove()
    np.testing.assert_allclose(_np(y), _np(m(tfl.zeros((2, 3)))) + 100, rtol=1e-6)  # input zeroed, +100

    class Boom(Exception):
        pass

    def bad(mod, args):
        raise Boom("inside a hook")

    h = m.register_forward_pre_hook(bad)
    with pytest.raises(Boom, match="inside a hook"):
        m(x)
    h.remove()
    m(x)  # works again


def test_core_hook_runs_inside_core_sequential():
    lin = nn.Linear(3, 3)
    seq = nn.Sequential(lin, nn.ReLU())
    calls = []
    lin.register_forward_hook(lambda mod, args, out: calls.append(mod))
    seq(tfl.ones((1, 3)))
    assert calls == [lin]


@pytest.mark.parametrize("make", [lambda: nn.Linear(3, 2), TwoLayer], ids=["core", "python"])
def test_backward_hook_sees_and_replaces_grads(make):
    m = make()
    x = tfl.tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    got = {}

    def hook(mod, grad_input, grad_output):
        got["gi"] = grad_input
        got["go"] = grad_output
        return (grad_input[0] * 0 + 7,)

    m.register_full_backward_hook(hook)
    m(x).sum().backward()
    assert got["go"][0].shape == (2, 2)
    assert got["gi"][0].shape == (2, 3)
    np.testing.assert_array_equal(_np(x.grad), np.full((2, 3), 7.0))

    class Boom(Exception):
        pass

    m2 = make()

    def bad(mod, gi, go):
        raise Boom("backward hook failed")

    m2.register_full_backward_hook(bad)
    y = m2(tfl.tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)).sum()
    with pytest.raises(Boom, match="backward hook failed"):
        y.backward()


# ---- losses -------------------------------------------------------------------------------------------

def test_losses_match_numpy():
    rng = np.random.default_rng(10)
    a = rng.standard_normal((4, 5)).astype(np.float32)
    b = rng.standard_normal((4, 5)).astype(np.float32)
    ta, tb = tfl.tensor(a), tfl.tensor(b)
    d = a - b
    np.testing.assert_allclose(float(F.mse_loss(ta, tb)), (d ** 2).mean(), rtol=1e-5)
    np.testing.assert_allclose(float(F.l1_loss(ta, tb, reduction="sum")), np.abs(d).sum(), rtol=1e-5)
    sl1 = np.where(np.abs(d) < 1, 0.5 * d ** 2, np.abs(d) - 0.5)
    np.testing.assert_allclose(float(F.smooth_l1_loss(ta, tb)), sl1.mean(), rtol=1e-5)
    hub = np.where(np.abs(d) <= 0.5, 0.5 * d ** 2, 0.5 * (np.abs(d) - 0.25))
    np.testing.assert_allclose(float(nn.HuberLoss(delta=0.5)(ta, tb)), hub.mean(), rtol=1e-5)
    y = np.array([0, 4, 2, 1])
    logp = a - np.log(np.exp(a).sum(1, keepdims=True))
    ce = -logp[np.arange(4), y].mean()
    np.testing.assert_allclose(float(F.cross_entropy(ta, tfl.tensor(y))), ce, rtol=1e-5)
    np.testing.assert_allclose(float(nn.CrossEntropyLoss()(ta, tfl.tensor(y))), ce, rtol=1e-5)
    np.testing.assert_allclose(float(F.nll_loss(tfl.tensor(logp), tfl.tensor(y))), ce, rtol=1e-5)
    t01 = (b > 0).astype(np.float32)
    bce = np.maximum(a, 0) - a * t01 + np.log1p(np.exp(-np.abs(a)))
    np.testing.assert_allclose(float(F.binary_cross_entropy_with_logits(ta, tfl.tensor(t01))), bce.mean(), rtol=1e-5)
    p = np.exp(logp)
    q = np.exp(b) / np.exp(b).sum(1, keepdims=True)
    kl = (q * (np.log(q) - logp)).sum() / 4
    np.testing.assert_allclose(float(F.kl_div(tfl.tensor(logp), tfl.tensor(q), reduction="batchmean")), kl,
                               rtol=1e-4)
    assert p.shape == (4, 5)
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(ta, tb, reduction="avg")
