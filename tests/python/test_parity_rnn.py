"""Parity of tfl.nn.RNN / LSTM / GRU with PyTorch's layers: outputs, final states and the gradients of
every parameter, the input and the initial states, in f32 and f64, for each cell type with 2 layers,
bidirectional and batch_first, and with 1 layer and no bias.

With PyTorch importable the reference is torch.nn.RNN / LSTM / GRU, whose own initial weights are copied
into the tfl layer by name. Without it (scripts/setup.sh installs JAX, not PyTorch) the reference is
PyTorch's documented recurrence written out here with jax.numpy on random weights, differentiated with
jax.vjp. No reference importable is a failure, as in test_parity.py.
"""
import numpy as np
import pytest

import tenflowers as tfl
from tenflowers._lib._errors import LayerConfigError, ShapeError


def _torch():
    try:
        import torch

        return torch
    except ImportError:
        return None


def _jax():
    try:
        import jax

        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")
        return jax
    except ImportError:
        return None


TORCH = _torch()
JAX = None if TORCH is not None else _jax()

MODES = ["rnn_tanh", "rnn_relu", "lstm", "gru"]
GATES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}
# (num_layers, bidirectional, batch_first, bias, with initial state)
CONFIGS = [(2, True, True, True, True), (1, False, False, False, False), (2, False, False, True, True)]
TOL = {np.float32: (3e-5, 3e-5), np.float64: (1e-11, 1e-11)}
IN, HID, SEQ, BATCH = 3, 4, 5, 2


def _param_shapes(mode, layers, bidir, bias):
    """PyTorch's parameter names and shapes, in its listing order."""
    g, dirs = GATES[mode] * HID, 2 if bidir else 1
    out = []
    for k in range(layers):
        inp = IN if k == 0 else dirs * HID
        for d in range(dirs):
            sfx = "_l%d%s" % (k, "_reverse" if d else "")
            out += [("weight_ih" + sfx, (g, inp)), ("weight_hh" + sfx, (g, HID))]
            if bias:
                out += [("bias_ih" + sfx, (g,)), ("bias_hh" + sfx, (g,))]
    return out


def _tfl_layer(mode, layers, bidir, batch_first, bias, dtype):
    kw = dict(num_layers=layers, bias=bias, batch_first=batch_first, bidirectional=bidir, dtype=dtype)
    if mode.startswith("rnn"):
        return tfl.nn.RNN(IN, HID, nonlinearity=mode[4:], **kw)
    return {"lstm": tfl.nn.LSTM, "gru": tfl.nn.GRU}[mode](IN, HID, **kw)


def _torch_reference(mode, layers, bidir, batch_first, bias, x, h0, c0, cots):
    """Weights (torch's own init, as numpy) and outputs / gradients from torch.nn."""
    t = TORCH
    kw = dict(num_layers=layers, bias=bias, batch_first=batch_first, bidirectional=bidir)
    torch_dtype = t.float64 if x.dtype == np.float64 else t.float32
    if mode.startswith("rnn"):
        m = t.nn.RNN(IN, HID, nonlinearity=mode[4:], **kw)
    else:
        m = {"lstm": t.nn.LSTM, "gru": t.nn.GRU}[mode](IN, HID, **kw)
    m = m.to(torch_dtype)
    names = [n for n, _ in m.named_parameters()]
    xt = t.from_numpy(x.copy()).requires_grad_(True)
    states = [t.from_numpy(s.copy()).requires_grad_(True) for s in (h0, c0) if s is not None]
    hx = None if not states else (tuple(states) if mode == "lstm" else states[0])
    out, hn = m(xt, hx)
    outs = [out] + (list(hn) if mode == "lstm" else [hn])
    loss = sum((o * t.from_numpy(g)).sum() for o, g in zip(outs, cots))
    params = [p for _, p in m.named_parameters()]
    grads = t.autograd.grad(loss, [xt] + states + params)
    weights = {n: p.detach().numpy().copy() for n, p in zip(names, params)}
    return weights, [o.detach().numpy() for o in outs], [g.numpy() for g in grads]


def _jax_forward(jnp, mode, layers, bidir, batch_first, bias, params, x, h0, c0):
    """PyTorch's recurrence (docs of torch.nn.RNN / LSTM / GRU), one step at a time."""
    sig = lambda v: 1.0 / (1.0 + jnp.exp(-v))  # noqa: E731
    dirs = 2 if bidir else 1
    seq = jnp.swapaxes(x, 0, 1) if batch_first else x
    n_len, batch = seq.shape[0], seq.shape[1]
    zero = jnp.zeros((batch, HID), x.dtype)
    hs, cs = [], []
    for k in range(layers):
        outs = []
        for d in range(dirs):
            sfx = "_l%d%s" % (k, "_reverse" if d else "")
            w_ih, w_hh = params["weight_ih" + sfx], params["weight_hh" + sfx]
            b_ih = params["bias_ih" + sfx] if bias else 0.0
            b_hh = params["bias_hh" + sfx] if bias else 0.0
            row = k * dirs + d
            h = zero if h0 is None else h0[row]
            c = zero if c0 is None else c0[row]
            steps = [None] * n_len
            for t in (reversed(range(n_len)) if d else range(n_len)):
                gi = seq[t] @ w_ih.T + b_ih
                gh = h @ w_hh.T + b_hh
                if mode == "rnn_tanh":
                    h = jnp.tanh(gi + gh)
                elif mode == "rnn_relu":
                    h = jnp.maximum(gi + gh, 0.0)
                elif mode == "lstm":
                    i, f, g, o = [gi[:, j * HID:(j + 1) * HID] + gh[:, j * HID:(j + 1) * HID] for j in range(4)]
                    c = sig(f) * c + sig(i) * jnp.tanh(g)
                    h = sig(o) * jnp.tanh(c)
                else:
                    r = sig(gi[:, :HID] + gh[:, :HID])
                    z = sig(gi[:, HID:2 * HID] + gh[:, HID:2 * HID])
                    n = jnp.tanh(gi[:, 2 * HID:] + r * gh[:, 2 * HID:])
                    h = (1 - z) * n + z * h
                steps[t] = h
            outs.append(jnp.stack(steps))
            hs.append(h)
            cs.append(c)
        seq = jnp.concatenate(outs, axis=-1)
    out = jnp.swapaxes(seq, 0, 1) if batch_first else seq
    return [out, jnp.stack(hs)] + ([jnp.stack(cs)] if mode == "lstm" else [])


def _jax_reference(mode, layers, bidir, batch_first, bias, x, h0, c0, cots, rng):
    jnp = JAX.numpy
    bound = 1.0 / np.sqrt(HID)
    weights = {n: rng.uniform(-bound, bound, s).astype(x.dtype) for n, s in _param_shapes(mode, layers, bidir, bias)}
    names = list(weights)
    states = [s for s in (h0, c0) if s is not None]

    def fn(xv, *rest):
        st, ps = rest[:len(states)], rest[len(states):]
        hv = st[0] if st else None
        cv = st[1] if len(st) > 1 else None
        return _jax_forward(jnp, mode, layers, bidir, batch_first, bias, dict(zip(names, ps)), xv, hv, cv)

    args = [jnp.asarray(x)] + [jnp.asarray(s) for s in states] + [jnp.asarray(weights[n]) for n in names]
    outs, vjp = JAX.vjp(fn, *args)
    grads = vjp([jnp.asarray(g) for g in cots])
    return weights, [np.asarray(o) for o in outs], [np.asarray(g) for g in grads]


def test_reference_is_importable():
    assert TORCH is not None or JAX is not None, ("RNN parity: neither PyTorch nor JAX is importable; run "
                                                  "scripts/setup.sh (it installs jax) or pip install torch")


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: "L%d%s%s%s%s" % (c[0], "-bidir" if c[1] else "",
                                                                         "-batch_first" if c[2] else "",
                                                                         "" if c[3] else "-nobias",
                                                                         "-h0" if c[4] else ""))
@pytest.mark.parametrize("mode", MODES)
def test_rnn_matches_reference(mode, cfg, dtype):
    if TORCH is None and JAX is None:
        pytest.fail("RNN parity: no reference importable")
    layers, bidir, batch_first, bias, with_state = cfg
    rng = np.random.default_rng(10 * MODES.index(mode) + CONFIGS.index(cfg))
    dirs = 2 if bidir else 1
    x = rng.uniform(-1, 1, (BATCH, SEQ, IN) if batch_first else (SEQ, BATCH, IN)).astype(dtype)
    h0 = rng.uniform(-1, 1, (layers * dirs, BATCH, HID)).astype(dtype) if with_state else None
    c0 = rng.uniform(-1, 1, (layers * dirs, BATCH, HID)).astype(dtype) if with_state and mode == "lstm" else None
    out_shape = (BATCH, SEQ, dirs * HID) if batch_first else (SEQ, BATCH, dirs * HID)
    state_shape = (layers * dirs, BATCH, HID)
    cots = [rng.uniform(-1, 1, s).astype(dtype) for s in [out_shape, state_shape] + ([state_shape] if mode == "lstm" else [])]
    if TORCH is not None:
        weights, ref_outs, ref_grads = _torch_reference(mode, layers, bidir, batch_first, bias, x, h0, c0, cots)
    else:
        weights, ref_outs, ref_grads = _jax_reference(mode, layers, bidir, batch_first, bias, x, h0, c0, cots, rng)

    m = _tfl_layer(mode, layers, bidir, batch_first, bias, tfl.float64 if dtype == np.float64 else tfl.float32)
    assert [n for n, _ in m.named_parameters()] == list(weights), "parameter names differ from the reference"
    m.load_state_dict({n: tfl.tensor(w) for n, w in weights.items()})
    xt = tfl.tensor(x, requires_grad=True)
    states = [tfl.tensor(s, requires_grad=True) for s in (h0, c0) if s is not None]
    if mode == "lstm":
        out, (h_n, c_n) = m(xt, (states[0], states[1]) if states else None)
        outs = [out, h_n, c_n]
    else:
        out, h_n = m(xt, states[0] if states else None)
        outs = [out, h_n]
    rtol, atol = TOL[dtype]
    for what, o, r in zip(["output", "h_n", "c_n"], outs, ref_outs):
        assert tuple(o.shape) == r.shape, "%s shape %s vs %s" % (what, tuple(o.shape), r.shape)
        assert o.numpy().dtype == dtype
        np.testing.assert_allclose(o.numpy(), r, rtol=rtol, atol=atol, err_msg=what)
    params = [p for _, p in m.named_parameters()]
    grads = tfl.grad(outs, [xt] + states + params, grad_outputs=[tfl.tensor(g) for g in cots])
    labels = ["input"] + ["h0", "c0"][:len(states)] + [n for n, _ in m.named_parameters()]
    assert len(grads) == len(ref_grads)
    for what, g, r in zip(labels, grads, ref_grads):
        assert g is not None, "no gradient for %s" % what
        np.testing.assert_allclose(g.numpy(), r, rtol=rtol * 4, atol=atol * 4, err_msg="gradient of " + what)


@pytest.mark.parametrize("mode", MODES)
def test_rnn_shapes_unbatched_and_parameters(mode):
    m = _tfl_layer(mode, 2, True, False, True, None)
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == _param_shapes(mode, 2, True, True)
    bound = 1.0 / np.sqrt(HID)
    for _, p in m.named_parameters():
        assert p.requires_grad and np.all(np.abs(p.numpy()) <= bound)
    res = m(tfl.tensor(np.zeros((SEQ, IN), np.float32)))
    out, h = (res[0], res[1][0]) if mode == "lstm" else res
    assert tuple(out.shape) == (SEQ, 2 * HID) and tuple(h.shape) == (4, HID)
    if mode == "lstm":
        assert tuple(res[1][1].shape) == (4, HID)


def test_rnn_dropout_acts_in_training_only():
    x = tfl.tensor(np.random.default_rng(0).uniform(-1, 1, (SEQ, BATCH, IN)).astype(np.float32))
    m = tfl.nn.GRU(IN, HID, num_layers=2, dropout=0.5)
    m.eval()
    a, b = m(x)[0].numpy(), m(x)[0].numpy()
    np.testing.assert_array_equal(a, b)
    m.train()
    c, d = m(x)[0].numpy(), m(x)[0].numpy()
    assert not np.array_equal(c, a) and not np.array_equal(c, d)


def test_rnn_errors():
    with pytest.raises(LayerConfigError, match="hidden_size must be positive"):
        tfl.nn.RNN(3, 0)
    with pytest.raises(ValueError):  # LayerConfigError is a ValueError, as PyTorch raises
        tfl.nn.LSTM(3, 4, num_layers=0)
    with pytest.raises(ValueError, match="dropout must be in"):
        tfl.nn.GRU(3, 4, dropout=1.0)
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        tfl.nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(TypeError):
        tfl.nn.LSTM(3, 4)(tfl.tensor(np.zeros((2, 1, 3), np.float32)), tfl.tensor(np.zeros((1, 1, 4), np.float32)))
    with pytest.raises(ShapeError, match=r"expects input of shape \(seq, batch, 3\)"):
        tfl.nn.GRU(3, 4)(tfl.tensor(np.zeros((2, 1, 5), np.float32)))
    with pytest.raises(ShapeError, match="expects h0 of shape 1x1x4"):
        tfl.nn.RNN(3, 4)(tfl.tensor(np.zeros((2, 1, 3), np.float32)), tfl.tensor(np.zeros((2, 1, 4), np.float32)))
