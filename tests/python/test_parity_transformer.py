"""Parity of tfl.nn.InstanceNorm1d/2d and TransformerEncoderLayer/TransformerDecoderLayer with PyTorch:
the PyTorch layer's weights are copied by name (its packed in_proj_weight split into q/k/v), dropout is 0,
and outputs, input gradients and parameter gradients of sum(y * g) are compared for pre/post norm, causal
and padding masks, both layouts. Where PyTorch is not importable the reference is an independent JAX
implementation of PyTorch's documented math (F.multi_head_attention_forward, layer_norm, instance_norm)
written here; neither being importable is a failure, as in test_parity.py.
"""
import numpy as np
import pytest

import tenflowers as tfl

try:
    import torch
except ImportError:
    torch = None
try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
except ImportError:
    jax = None

REF = "torch" if torch is not None else ("jax" if jax is not None else None)
E, H, FF = 8, 2, 12
TOL = dict(rtol=1e-9, atol=1e-10)


def test_reference_is_importable():
    assert REF is not None, "neither PyTorch nor JAX is importable (pip install torch, or scripts/setup.sh)"


# ---- the reference --------------------------------------------------------------------------------------

def _torch_params(kind, norm_first, activation, seed):
    """PyTorch-named f64 parameters: from a seeded torch layer when torch is there, else random arrays of
    the same names and shapes (LayerNorm weights near 1)."""
    rng = np.random.default_rng(seed)
    attn = ["self_attn"] + (["multihead_attn"] if kind == "decoder" else [])
    norms = ["norm1", "norm2"] + (["norm3"] if kind == "decoder" else [])
    shapes = {}
    for a in attn:
        shapes.update({a + ".in_proj_weight": (3 * E, E), a + ".in_proj_bias": (3 * E,),
                       a + ".out_proj.weight": (E, E), a + ".out_proj.bias": (E,)})
    shapes.update({"linear1.weight": (FF, E), "linear1.bias": (FF,), "linear2.weight": (E, FF), "linear2.bias": (E,)})
    for n in norms:
        shapes.update({n + ".weight": (E,), n + ".bias": (E,)})
    return {k: (rng.uniform(0.5, 1.5, s) if k.startswith("norm") and k.endswith("weight") else rng.uniform(-0.6, 0.6, s))
            for k, s in shapes.items()}


def _additive(mask, dtype=np.float64):
    if mask is None:
        return None
    return np.where(mask, -np.inf, 0.0) if mask.dtype == bool else mask.astype(dtype)


def _jax_reference(kind, params, inputs, masks, norm_first, activation, batch_first, g):
    """Value and gradients (inputs and parameters) of sum(layer(...) * g), PyTorch's math in JAX."""
    def ln(x, p, n):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / jnp.sqrt(var + 1e-5) * p[n + ".weight"] + p[n + ".bias"]

    def mha(p, a, q, kv, add):  # batch first (N, L, E); add broadcasts to (N, H, L, S)
        w, b = p[a + ".in_proj_weight"], p[a + ".in_proj_bias"]
        Q, K, V = q @ w[:E].T + b[:E], kv @ w[E:2 * E].T + b[E:2 * E], kv @ w[2 * E:].T + b[2 * E:]
        split = lambda t: t.reshape(t.shape[0], t.shape[1], H, E // H).transpose(0, 2, 1, 3)
        s = split(Q) @ split(K).transpose(0, 1, 3, 2) / np.sqrt(E // H)
        if add is not None:
            s = s + add
        o = (jax.nn.softmax(s, -1) @ split(V)).transpose(0, 2, 1, 3).reshape(q.shape)
        return o @ p[a + ".out_proj.weight"].T + p[a + ".out_proj.bias"]

    def ff(p, x):
        h = x @ p["linear1.weight"].T + p["linear1.bias"]
        h = jax.nn.relu(h) if activation == "relu" else jax.nn.gelu(h, approximate=False)
        return h @ p["linear2.weight"].T + p["linear2.bias"]

    def f(p, *xs):
        xs = [x if batch_first else x.transpose(1, 0, 2) for x in xs]
        x = xs[0]
        if kind == "encoder":
            if norm_first:
                x = x + mha(p, "self_attn", ln(x, p, "norm1"), ln(x, p, "norm1"), masks[0])
                x = x + ff(p, ln(x, p, "norm2"))
            else:
                x = ln(x + mha(p, "self_attn", x, x, masks[0]), p, "norm1")
                x = ln(x + ff(p, x), p, "norm2")
        else:
            m = xs[1]
            if norm_first:
                x = x + mha(p, "self_attn", ln(x, p, "norm1"), ln(x, p, "norm1"), masks[0])
                x = x + mha(p, "multihead_attn", ln(x, p, "norm2"), m, masks[1])
                x = x + ff(p, ln(x, p, "norm3"))
            else:
                x = ln(x + mha(p, "self_attn", x, x, masks[0]), p, "norm1")
                x = ln(x + mha(p, "multihead_attn", x, m, masks[1]), p, "norm2")
                x = ln(x + ff(p, x), p, "norm3")
        y = x if batch_first else x.transpose(1, 0, 2)
        return (y * g).sum(), y

    p = {k: jnp.asarray(v) for k, v in params.items()}
    argnums = tuple(range(len(inputs) + 1))
    (_, y), grads = jax.value_and_grad(f, argnums=argnums, has_aux=True)(p, *[jnp.asarray(x) for x in inputs])
    return np.asarray(y), [np.asarray(gr) for gr in grads[1:]], {k: np.asarray(v) for k, v in grads[0].items()}


def _merged_masks(attn, kpm, causal, n, l, s):
    """One additive (N, H, L, S)-broadcastable mask from PyTorch-convention masks (for the JAX reference)."""
    add = np.zeros((1, 1, l, s))
    if attn is not None:
        add = add + _additive(attn)
    if kpm is not None:
        add = add + _additive(kpm).reshape(n, 1, 1, s)
    if causal:
        add = add + np.where(np.triu(np.ones((l, s), bool), 1), -np.inf, 0.0)
    return add


def _reference(kind, params, inputs, mask_args, norm_first, activation, batch_first, g):
    if REF == "torch":
        cls = torch.nn.TransformerEncoderLayer if kind == "encoder" else torch.nn.TransformerDecoderLayer
        layer = cls(E, H, FF, 0.0, activation, 1e-5, batch_first, norm_first, dtype=torch.float64)
        layer.load_state_dict({k: torch.from_numpy(v) for k, v in params.items()})
        xs = [torch.from_numpy(x).requires_grad_(True) for x in inputs]
        ms = {k: (v if v is None or isinstance(v, bool) else torch.from_numpy(v)) for k, v in mask_args.items()}
        y = layer(*xs, **ms)
        (y * torch.from_numpy(g)).sum().backward()
        return (y.detach().numpy(), [x.grad.numpy() for x in xs],
                {k: v.grad.numpy() for k, v in layer.named_parameters()})
    n = inputs[0].shape[0 if batch_first else 1] if inputs[0].ndim == 3 else 1
    l = inputs[0].shape[1 if batch_first else 0]
    if kind == "encoder":
        masks = [_merged_masks(mask_args.get("src_mask"), mask_args.get("src_key_padding_mask"),
                               mask_args.get("is_causal", False), n, l, l)]
    else:
        s = inputs[1].shape[1 if batch_first else 0]
        masks = [_merged_masks(mask_args.get("tgt_mask"), mask_args.get("tgt_key_padding_mask"),
                               mask_args.get("tgt_is_causal", False), n, l, l),
                 _merged_masks(mask_args.get("memory_mask"), mask_args.get("memory_key_padding_mask"), False, n, l, s)]
    return _jax_reference(kind, params, inputs, masks, norm_first, activation, batch_first, g)


# ---- tenflowers side ----------------------------------------------------------------------------------

def _tfl_run(kind, params, inputs, mask_args, norm_first, activation, batch_first, g):
    cls = tfl.nn.TransformerEncoderLayer if kind == "encoder" else tfl.nn.TransformerDecoderLayer
    layer = cls(E, H, FF, 0.0, activation, 1e-5, batch_first, norm_first, dtype=tfl.float64)
    layer.load_torch_state_dict(params)
    xs = [tfl.tensor(x, requires_grad=True) for x in inputs]
    ms = {k: (v if v is None or isinstance(v, bool) else tfl.tensor(v)) for k, v in mask_args.items()}
    y = layer(*xs, **ms)
    (y * tfl.tensor(g)).sum().backward()
    grads = {k: p.grad.numpy() for k, p in layer.named_parameters()}
    packed = {}
    for a in ("self_attn", "multihead_attn"):
        for kind_ in ("weight", "bias"):
            parts = [grads.pop("%s.%s.%s" % (a, pr, kind_), None) for pr in ("q_proj", "k_proj", "v_proj")]
            if parts[0] is not None:
                packed["%s.in_proj_%s" % (a, kind_)] = np.concatenate(parts, 0)
    grads.update(packed)
    return y.numpy(), [x.grad.numpy() for x in xs], grads


def _compare(kind, mask_args, norm_first, batch_first, activation="relu", seed=0):
    rng = np.random.default_rng(100 + seed)
    N, L, S = 2, 4, 5
    shape = lambda length: (N, length, E) if batch_first else (length, N, E)
    inputs = [rng.uniform(-1.5, 1.5, shape(L))] + ([rng.uniform(-1.5, 1.5, shape(S))] if kind == "decoder" else [])
    g = rng.uniform(-1, 1, shape(L))
    params = _torch_params(kind, norm_first, activation, seed)
    y, gx, gp = _tfl_run(kind, params, inputs, mask_args, norm_first, activation, batch_first, g)
    ry, rgx, rgp = _reference(kind, params, inputs, mask_args, norm_first, activation, batch_first, g)
    np.testing.assert_allclose(y, ry, err_msg="output vs " + REF, **TOL)
    for i, (a, b) in enumerate(zip(gx, rgx)):
        np.testing.assert_allclose(a, b, err_msg="input %d gradient vs %s" % (i, REF), rtol=1e-8, atol=1e-9)
    assert sorted(gp) == sorted(rgp)
    for k in rgp:
        np.testing.assert_allclose(gp[k], rgp[k], err_msg="%s gradient vs %s" % (k, REF), rtol=1e-8, atol=1e-9)


L_, S_ = 4, 5
_PAD = np.array([[False, False, False, True], [False, True, False, False]])
ENCODER_MASKS = {
    "none": {},
    "causal_float": {"src_mask": np.where(np.triu(np.ones((L_, L_), bool), 1), -np.inf, 0.0), "is_causal": True},
    "causal_bool_padding": {"src_mask": np.triu(np.ones((L_, L_), bool), 1), "src_key_padding_mask": _PAD},
    "float_mask_padding": {"src_mask": np.random.default_rng(7).uniform(-1, 1, (L_, L_)), "src_key_padding_mask": _PAD},
}


# Every mask kind with post- and pre-norm; the layouts alternate so both meet every mask kind.
ENCODER_CASES = [(nf, (i + nf) % 2 == 1, m) for i, m in enumerate(sorted(ENCODER_MASKS)) for nf in (False, True)]


@pytest.mark.skipif(REF is None, reason="reported by test_reference_is_importable")
@pytest.mark.parametrize("norm_first,batch_first,masks", ENCODER_CASES)
def test_encoder_layer(norm_first, batch_first, masks):
    _compare("encoder", ENCODER_MASKS[masks], norm_first, batch_first, seed=1)


@pytest.mark.skipif(REF is None, reason="reported by test_reference_is_importable")
def test_encoder_layer_gelu():
    _compare("encoder", ENCODER_MASKS["causal_bool_padding"], True, True, activation="gelu", seed=2)


@pytest.mark.skipif(REF is None, reason="reported by test_reference_is_importable")
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer(norm_first, batch_first):
    causal = np.where(np.triu(np.ones((L_, L_), bool), 1), -np.inf, 0.0)
    masks = {"tgt_mask": causal, "memory_mask": np.random.default_rng(8).uniform(-1, 1, (L_, S_)),
             "tgt_key_padding_mask": _PAD,
             "memory_key_padding_mask": np.array([[False] * 4 + [True], [True] + [False] * 4]), "tgt_is_causal": True}
    _compare("decoder", masks, norm_first, batch_first, seed=3)


def test_generate_square_subsequent_mask():
    m = tfl.nn.TransformerEncoderLayer.generate_square_subsequent_mask(4).numpy()
    np.testing.assert_array_equal(m, np.where(np.triu(np.ones((4, 4), bool), 1), -np.inf, 0.0).astype(np.float32))
    if torch is not None:
        np.testing.assert_array_equal(m, torch.nn.Transformer.generate_square_subsequent_mask(4).numpy())


def test_config_errors():
    with pytest.raises(tfl.LayerConfigError, match="d_model must be a positive multiple of nhead"):
        tfl.nn.TransformerEncoderLayer(6, 4)
    with pytest.raises(ValueError):  # LayerConfigError is a ValueError
        tfl.nn.TransformerDecoderLayer(8, 2, dim_feedforward=0)
    with pytest.raises(tfl.LayerConfigError):
        tfl.nn.InstanceNorm1d(0)
    with pytest.raises(ValueError, match="activation"):
        tfl.nn.TransformerEncoderLayer(8, 2, activation="swish")


# ---- InstanceNorm ----------------------------------------------------------------------------------

def _instance_reference(x, w, b, rm, rv, training, track, momentum, eps, g):
    """(y, dx, dw, db, new running mean, new running var) of sum(instance_norm(x) * g)."""
    if REF == "torch":
        xt = torch.from_numpy(x).requires_grad_(True)
        wt = None if w is None else torch.from_numpy(w).requires_grad_(True)
        bt = None if b is None else torch.from_numpy(b).requires_grad_(True)
        rmt = None if rm is None else torch.from_numpy(rm.copy())
        rvt = None if rv is None else torch.from_numpy(rv.copy())
        y = torch.nn.functional.instance_norm(xt, rmt, rvt, wt, bt, training or not track, momentum, eps)
        (y * torch.from_numpy(g)).sum().backward()
        return (y.detach().numpy(), xt.grad.numpy(), None if w is None else wt.grad.numpy(),
                None if b is None else bt.grad.numpy(), None if rm is None else rmt.numpy(),
                None if rv is None else rvt.numpy())
    axes = tuple(range(2, x.ndim))
    cshape = (1, -1) + (1,) * (x.ndim - 2)
    use_input = training or not track
    n = int(np.prod(x.shape[2:]))

    def f(x_, w_, b_):
        if use_input:
            mu, var = x_.mean(axes, keepdims=True), x_.var(axes, keepdims=True)
        else:
            mu, var = jnp.asarray(rm).reshape(cshape), jnp.asarray(rv).reshape(cshape)
        y = (x_ - mu) / jnp.sqrt(var + eps)
        if w_ is not None:
            y = y * w_.reshape(cshape) + b_.reshape(cshape)
        return (y * g).sum(), y

    if w is None:
        (_, y), gx = jax.value_and_grad(lambda x_: f(x_, None, None), has_aux=True)(jnp.asarray(x))
        gr = (gx,)
    else:
        (_, y), gr = jax.value_and_grad(f, argnums=(0, 1, 2), has_aux=True)(jnp.asarray(x), jnp.asarray(w),
                                                                            jnp.asarray(b))
    new_rm, new_rv = rm, rv
    if track and training:
        new_rm = (1 - momentum) * rm + momentum * x.mean(axes).mean(0)
        new_rv = (1 - momentum) * rv + momentum * (x.var(axes) * n / (n - 1)).mean(0)
    return (np.asarray(y), np.asarray(gr[0]), None if w is None else np.asarray(gr[1]),
            None if w is None else np.asarray(gr[2]), new_rm, new_rv)


@pytest.mark.skipif(REF is None, reason="reported by test_reference_is_importable")
@pytest.mark.parametrize("track", [False, True])
@pytest.mark.parametrize("affine", [False, True])
@pytest.mark.parametrize("dims", [1, 2])
def test_instance_norm(dims, affine, track):
    rng = np.random.default_rng(20 + dims)
    C = 3
    shape = (2, C, 5) if dims == 1 else (2, C, 3, 4)
    cls = tfl.nn.InstanceNorm1d if dims == 1 else tfl.nn.InstanceNorm2d
    m = cls(C, eps=1e-5, momentum=0.3, affine=affine, track_running_stats=track, dtype=tfl.float64)
    w = rng.uniform(0.5, 1.5, C) if affine else None
    b = rng.uniform(-0.5, 0.5, C) if affine else None
    if affine:
        m.load_state_dict({"weight": w, "bias": b}, strict=False)
    rm = np.zeros(C) if track else None
    rv = np.ones(C) if track else None
    for step, training in enumerate([True, True, False]):
        m.train(training)
        x = rng.uniform(-2, 3, shape)
        g = rng.uniform(-1, 1, shape)
        xt = tfl.tensor(x, requires_grad=True)
        y = m(xt)
        (y * tfl.tensor(g)).sum().backward()
        ry, rdx, rdw, rdb, rm, rv = _instance_reference(x, w, b, rm, rv, training, track, 0.3, 1e-5, g)
        np.testing.assert_allclose(y.numpy(), ry, err_msg="output, step %d" % step, **TOL)
        np.testing.assert_allclose(xt.grad.numpy(), rdx, rtol=1e-8, atol=1e-9)
        params = dict(m.named_parameters())
        if affine:
            np.testing.assert_allclose(params["weight"].grad.numpy(), rdw, rtol=1e-8, atol=1e-9)
            np.testing.assert_allclose(params["bias"].grad.numpy(), rdb, rtol=1e-8, atol=1e-9)
            m.zero_grad()
        if track:
            bufs = dict(m.named_buffers())
            np.testing.assert_allclose(bufs["running_mean"].numpy(), rm, **TOL)
            np.testing.assert_allclose(bufs["running_var"].numpy(), rv, **TOL)
    if torch is not None:
        tm = (torch.nn.InstanceNorm1d if dims == 1 else torch.nn.InstanceNorm2d)(C, affine=affine,
                                                                                  track_running_stats=track)
        assert sorted(tm.state_dict()) == sorted(k for k, _ in m.state_dict().items())
