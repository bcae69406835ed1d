"""Parity of the core tfl.nn layers and losses with PyTorch's documented math: outputs, the input gradient and
the gradient of every parameter (and, for the losses, of a floating target) of sum(layer(x) * g) for a random
cotangent g, in f32 and f64, on the same inputs and the layer's own (randomised) parameters.

Covered: Linear, Conv1d, Conv2d (stride / padding / dilation / groups), MaxPool2d, AvgPool2d
(count_include_pad), AdaptiveAvgPool2d, BatchNorm1d / 2d (training: batch statistics and the running-stat
update, momentum and cumulative; eval; no running stats), LayerNorm, GroupNorm, RMSNorm, Embedding
(padding_idx receives no gradient), MultiheadAttention (self / cross, bool / float masks, causal, no bias),
the activation modules, Dropout in eval, Flatten, Sequential, and every loss in tfl.nn with each reduction.

The reference is PyTorch's documented math (torch.nn docs and ATen's LossNLL.cpp for the loss corner cases)
written out below with jax.numpy and differentiated with jax.vjp; scripts/setup.sh installs JAX. Unlike
test_parity.py this file has no torch code path: with only PyTorch importable (or neither) the tests fail with
a message saying so, never skip.
"""
import numpy as np
import pytest

import tenflowers as tfl

try:
    import jax
    import jax.numpy as jnp
    from jax import lax

    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
except ImportError:
    jax = None

REF = "jax" if jax is not None else None
DTYPES = [np.float32, np.float64]
TOL = {np.float32: (1e-4, 1e-5), np.float64: (1e-10, 1e-10)}
TFL_DT = {np.float32: tfl.float32, np.float64: tfl.float64}


def test_reference_is_importable():
    assert REF is not None, "layer parity: JAX is not importable; run scripts/setup.sh (it installs jax)"


def _need_ref():
    if REF is None:
        pytest.fail("layer parity: JAX is not importable; run scripts/setup.sh (it installs jax)")


# ---- the harness ----------------------------------------------------------------------------------------


def _np(t):
    return np.array(t.numpy(), copy=True)


def _randomise(m, rng, dtype, init=None):
    """Random values for every parameter of m, written into it; returns {name: array}."""
    vals = {}
    for n, p in m.named_parameters():
        shape = tuple(p.shape)
        if init is not None and init(n) is not None:
            lo, hi = init(n)
        else:
            lo, hi = -1.0, 1.0
        vals[n] = rng.uniform(lo, hi, shape).astype(dtype)
    if vals:
        m.load_state_dict({n: tfl.tensor(v) for n, v in vals.items()}, strict=False)
        for n, p in m.named_parameters():
            np.testing.assert_array_equal(_np(p), vals[n], err_msg="loading parameter " + n)
    return vals


def _tfl_run(m, inputs, diff, cot):
    """Output and gradients (differentiable inputs, then parameters in named_parameters order) of sum(m(*x) * cot)."""
    ts = [tfl.tensor(a, requires_grad=d) for a, d in zip(inputs, diff)]
    y = m(*ts)
    params = [p for _, p in m.named_parameters()]
    leaves = [t for t, d in zip(ts, diff) if d] + params
    yv = _np(y)
    grads = tfl.grad([y], leaves, grad_outputs=[tfl.tensor(cot)], allow_unused=True) if leaves else []
    return yv, grads


XLA_FAST_COMPILE = {"xla_backend_optimization_level": 0, "xla_llvm_disable_expensive_passes": True}


def _jax_run(ref, params, inputs, diff, rng, dtype):
    """ref(params_dict, *inputs) -> y; y and the gradients (differentiable inputs, then params) of sum(y * cot)
    for a random cot, which is returned too. Non-differentiable inputs are closed over as constants."""
    names = list(params)
    idx = [i for i, d in enumerate(diff) if d]
    consts = [jnp.asarray(a) for a in inputs]

    def f(p, *xs):
        full = list(consts)
        for i, x in zip(idx, xs):
            full[i] = x
        return ref(p, *full)

    args = ({n: jnp.asarray(params[n]) for n in names}, [consts[i] for i in idx])
    # One compiled program per case (forward and backward): much faster than JAX's op-by-op dispatch,
    # which compiles every primitive for every new shape.
    shape = jax.eval_shape(lambda a: f(a[0], *a[1]), args).shape
    cot = rng.uniform(-1, 1, tuple(shape)).astype(dtype)

    def fwd_bwd(a, c):
        y, vjp = jax.vjp(lambda p, xs: f(p, *xs), *a)
        return y, vjp(c)

    c = jnp.asarray(cot)
    # These programs are tiny: XLA's backend optimisations would cost more time than they save.
    compiled = jax.jit(fwd_bwd).lower(args, c).compile(XLA_FAST_COMPILE)
    y, (gp, gx) = compiled(args, c)
    return np.asarray(y), [np.asarray(g) for g in gx] + [np.asarray(gp[n]) for n in names], cot


def check_layer(m, ref, inputs, dtype, *, diff=None, rng=None, init=None, tol_scale=1.0, aux=None, what="layer"):
    """Randomises m's parameters, runs m and ref on the same inputs and parameters, compares the output and
    every gradient. ref gets the parameters by m's names as jnp arrays. aux(params, *inputs), when given, is
    evaluated on the reference side before the tfl forward and returned. Returns (params, aux value)."""
    _need_ref()
    rng = rng if rng is not None else np.random.default_rng(0)
    diff = diff if diff is not None else [a.dtype.kind == "f" for a in inputs]
    params = _randomise(m, rng, dtype, init)
    rtol, atol = TOL[dtype]
    rtol, atol = rtol * tol_scale, atol * tol_scale
    aux_val = None if aux is None else aux({n: jnp.asarray(v) for n, v in params.items()},
                                           *[jnp.asarray(a) for a in inputs])
    ry, rgrads, cot = _jax_run(ref, params, inputs, diff, rng, dtype)
    y, grads = _tfl_run(m, inputs, diff, cot)
    assert y.shape == ry.shape, "%s: output shape %s vs reference %s" % (what, y.shape, ry.shape)
    assert y.dtype == dtype and ry.dtype == dtype, "%s: dtype %s, reference %s" % (what, y.dtype, ry.dtype)
    np.testing.assert_allclose(y, ry, rtol=rtol, atol=atol, err_msg="%s output" % what)
    labels = ["input %d" % i for i, d in enumerate(diff) if d] + ["parameter " + n for n in params]
    assert len(grads) == len(rgrads) == len(labels)
    for lab, g, rg in zip(labels, grads, rgrads):
        assert g is not None, "%s: no gradient for %s" % (what, lab)
        gv = g.numpy()
        assert gv.shape == rg.shape, "%s: gradient of %s has shape %s vs %s" % (what, lab, gv.shape, rg.shape)
        np.testing.assert_allclose(gv, rg, rtol=rtol * 4, atol=atol * 4, err_msg="%s: gradient of %s" % (what, lab))
    return params, aux_val


# ---- PyTorch's documented math in JAX -------------------------------------------------------------------

HI = None  # default precision (CPU computes f32 / f64 exactly enough)


def j_linear(p, x, prefix=""):
    y = jnp.matmul(x, p[prefix + "weight"].T, precision=HI)
    return y + p[prefix + "bias"] if prefix + "bias" in p else y


def j_conv(p, x, stride, pad, dil, groups, nd):
    dn = ("NCH", "OIH", "NCH") if nd == 1 else ("NCHW", "OIHW", "NCHW")
    y = lax.conv_general_dilated(x, p["weight"], stride, [(q, q) for q in pad], rhs_dilation=dil,
                                 dimension_numbers=dn, feature_group_count=groups, precision=HI)
    if "bias" in p:
        y = y + p["bias"].reshape((1, -1) + (1,) * nd)
    return y


def _windows(x, k, s, pad, d, fill):
    """(..., H, W) -> (..., Ho, Wo, k0 * k1): every pooling window's elements (x padded with fill), as
    PyTorch's pooling docs define the windows (no ceil_mode)."""
    H, W = x.shape[-2:]
    ho = (H + 2 * pad[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    wo = (W + 2 * pad[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    xp = jnp.pad(x, [(0, 0)] * (x.ndim - 2) + [(pad[0], pad[0]), (pad[1], pad[1])], constant_values=fill)
    r0, r1 = (ho - 1) * s[0] + 1, (wo - 1) * s[1] + 1
    return jnp.stack([xp[..., i * d[0]:i * d[0] + r0:s[0], j * d[1]:j * d[1] + r1:s[1]]
                      for i in range(k[0]) for j in range(k[1])], -1)


def j_max_pool2d(x, k, s, pad, d):
    return _windows(x, k, s, pad, d, -np.inf).max(-1)


def j_avg_pool2d(x, k, s, pad, count_include_pad):
    total = _windows(x, k, s, pad, (1, 1), 0.0).sum(-1)
    if count_include_pad:
        return total / float(k[0] * k[1])
    return total / _windows(jnp.ones(x.shape[-2:], x.dtype), k, s, pad, (1, 1), 0.0).sum(-1)


def j_adaptive_avg_pool2d(x, out):
    """PyTorch's bins: [floor(i * in / out), ceil((i + 1) * in / out))."""
    H, W = x.shape[-2:]
    rows = []
    for i in range(out[0]):
        h0, h1 = (i * H) // out[0], -((-(i + 1) * H) // out[0])
        cols = []
        for j in range(out[1]):
            w0, w1 = (j * W) // out[1], -((-(j + 1) * W) // out[1])
            cols.append(x[..., h0:h1, w0:w1].mean(axis=(-2, -1)))
        rows.append(jnp.stack(cols, -1))
    return jnp.stack(rows, -2)


def j_batch_norm(p, x, state, training, momentum, eps, affine, track):
    """Returns y and the new (running_mean, running_var, num_batches_tracked)."""
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    rm, rv, nbt = state
    if training or not track:
        mean = x.mean(axes)
        var = ((x - mean.reshape(shape)) ** 2).mean(axes)
        n = x.size // x.shape[1]
        if training and track:
            nbt = nbt + 1
            f = (1.0 / nbt) if momentum is None else momentum
            sm, sv = lax.stop_gradient(mean), lax.stop_gradient(var) * (n / (n - 1.0))
            rm, rv = (1 - f) * rm + f * sm, (1 - f) * rv + f * sv
    else:
        mean, var = jnp.asarray(rm), jnp.asarray(rv)
    y = (x - mean.reshape(shape)) / jnp.sqrt(var.reshape(shape) + eps)
    if affine:
        y = y * p["weight"].reshape(shape) + p["bias"].reshape(shape)
    return y, (rm, rv, nbt)


def j_layer_norm(p, x, nshape, eps):
    axes = tuple(range(x.ndim - len(nshape), x.ndim))
    mu = x.mean(axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axes, keepdims=True)
    y = (x - mu) / jnp.sqrt(var + eps)
    if "weight" in p:
        y = y * p["weight"]
    if "bias" in p:
        y = y + p["bias"]
    return y


def j_group_norm(p, x, groups, eps):
    n, c = x.shape[:2]
    g = x.reshape(n, groups, -1)
    mu = g.mean(-1, keepdims=True)
    var = ((g - mu) ** 2).mean(-1, keepdims=True)
    y = ((g - mu) / jnp.sqrt(var + eps)).reshape(x.shape)
    if "weight" in p:
        shape = (1, c) + (1,) * (x.ndim - 2)
        y = y * p["weight"].reshape(shape) + p["bias"].reshape(shape)
    return y


def j_rms_norm(p, x, nshape, eps):
    axes = tuple(range(x.ndim - len(nshape), x.ndim))
    if eps is None:
        eps = float(jnp.finfo(x.dtype).eps)
    y = x * lax.rsqrt((x * x).mean(axes, keepdims=True) + eps)
    return y * p["weight"] if "weight" in p else y


def j_sigmoid(x):
    return 1.0 / (1.0 + jnp.exp(-x))


def j_softmax(x, dim):
    e = jnp.exp(x - lax.stop_gradient(x.max(dim, keepdims=True)))
    return e / e.sum(dim, keepdims=True)


def j_log_softmax(x, dim):
    z = x - lax.stop_gradient(x.max(dim, keepdims=True))
    return z - jnp.log(jnp.exp(z).sum(dim, keepdims=True))


def j_gelu(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1.0 + jnp.tanh(float(np.sqrt(2.0 / np.pi)) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1.0 + jax.scipy.special.erf(x / float(np.sqrt(2.0))))


ACTIVATIONS = {
    "ReLU": (lambda: tfl.nn.ReLU(), lambda x: jnp.where(x > 0, x, 0.0)),
    "GELU": (lambda: tfl.nn.GELU(), lambda x: j_gelu(x, "none")),
    "GELU-tanh": (lambda: tfl.nn.GELU("tanh"), lambda x: j_gelu(x, "tanh")),
    "SiLU": (lambda: tfl.nn.SiLU(), lambda x: x * j_sigmoid(x)),
    "Sigmoid": (lambda: tfl.nn.Sigmoid(), j_sigmoid),
    "Tanh": (lambda: tfl.nn.Tanh(), jnp.tanh if jax is not None else None),
    "LeakyReLU": (lambda: tfl.nn.LeakyReLU(), lambda x: jnp.where(x > 0, x, 0.01 * x)),
    "LeakyReLU-0.2": (lambda: tfl.nn.LeakyReLU(0.2), lambda x: jnp.where(x > 0, x, 0.2 * x)),
    "Softmax-last": (lambda: tfl.nn.Softmax(), lambda x: j_softmax(x, -1)),
    "Softmax-1": (lambda: tfl.nn.Softmax(1), lambda x: j_softmax(x, 1)),
    "Softmax-0": (lambda: tfl.nn.Softmax(0), lambda x: j_softmax(x, 0)),
}


def _np_log_softmax(x, axis):
    z = x - x.max(axis, keepdims=True)
    return (z - np.log(np.exp(z).sum(axis, keepdims=True))).astype(x.dtype)


def _away_from_zero(rng, shape, dtype, lo=0.1, hi=2.0):
    return (rng.uniform(lo, hi, shape) * np.where(rng.uniform(size=shape) < 0.5, -1, 1)).astype(dtype)


dt_ids = dict(ids=lambda d: d.__name__)


# ---- Linear, convolutions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("xshape,bias", [((5, 4), True), ((2, 3, 4), True), ((4,), True), ((5, 4), False)],
                         ids=["2d", "3d", "1d", "nobias"])
def test_linear(xshape, bias, dtype):
    rng = np.random.default_rng(1)
    m = tfl.nn.Linear(4, 3, bias=bias, dtype=TFL_DT[dtype])
    check_layer(m, lambda p, x: j_linear(p, x), [rng.uniform(-1, 1, xshape).astype(dtype)], dtype, rng=rng,
                what="Linear")


CONV1D = [  # (in, out, k, stride, pad, dil, groups, bias)
    (4, 6, 3, 1, 0, 1, 1, True), (4, 6, 3, 2, 1, 1, 2, True), (4, 4, 3, 1, 2, 2, 4, False), (2, 3, 1, 3, 0, 1, 1, True)]


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("cfg", CONV1D, ids=lambda c: "k%d-s%d-p%d-d%d-g%d%s" % (c[2:7] + ("" if c[7] else "-nobias",)))
def test_conv1d(cfg, dtype):
    cin, cout, k, s, pd, d, g, bias = cfg
    rng = np.random.default_rng(2)
    m = tfl.nn.Conv1d(cin, cout, k, stride=s, padding=pd, dilation=d, groups=g, bias=bias, dtype=TFL_DT[dtype])
    x = rng.uniform(-1, 1, (2, cin, 9)).astype(dtype)
    check_layer(m, lambda p, x: j_conv(p, x, (s,), (pd,), (d,), g, 1), [x], dtype, rng=rng, what="Conv1d")


CONV2D = [  # (in, out, k, stride, pad, dil, groups, bias)
    (4, 6, (3, 3), (1, 1), (1, 1), (1, 1), 1, True), (4, 6, (3, 2), (2, 1), (0, 2), (1, 1), 1, True),
    (4, 6, (3, 3), (1, 1), (1, 1), (2, 2), 1, True), (4, 6, (3, 3), (1, 2), (1, 0), (1, 1), 2, True),
    (4, 4, (3, 3), (2, 2), (1, 1), (1, 2), 4, False), (3, 5, (1, 1), (1, 1), (0, 0), (1, 1), 1, True)]


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("cfg", CONV2D, ids=lambda c: "k%s-s%s-p%s-d%s-g%d%s" % (
    "x".join(map(str, c[2])), "x".join(map(str, c[3])), "x".join(map(str, c[4])), "x".join(map(str, c[5])), c[6],
    "" if c[7] else "-nobias"))
def test_conv2d(cfg, dtype):
    cin, cout, k, s, pd, d, g, bias = cfg
    rng = np.random.default_rng(3)
    m = tfl.nn.Conv2d(cin, cout, k, stride=s, padding=pd, dilation=d, groups=g, bias=bias, dtype=TFL_DT[dtype])
    x = rng.uniform(-1, 1, (2, cin, 7, 6)).astype(dtype)
    check_layer(m, lambda p, x: j_conv(p, x, s, pd, d, g, 2), [x], dtype, rng=rng, what="Conv2d")


# ---- pooling ----------------------------------------------------------------------------------------------


def _distinct(rng, shape, dtype):
    """A permutation: every pooling window has a unique maximum, so max pooling's gradient is well defined."""
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) / (n / 4.0) - 2.0).astype(dtype)


MAXPOOL = [((2, 2), None, (0, 0), (1, 1)), ((3, 3), (2, 2), (1, 1), (1, 1)), ((2, 3), (1, 2), (1, 1), (2, 1)),
           ((3, 2), (2, 1), (0, 1), (1, 2))]


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("cfg", MAXPOOL, ids=lambda c: "k%s-s%s-p%s-d%s" % tuple(
    "x".join(map(str, v)) if v else "k" for v in c))
def test_max_pool2d(cfg, dtype):
    k, s, pd, d = cfg
    rng = np.random.default_rng(4)
    m = tfl.nn.MaxPool2d(k, stride=s, padding=pd, dilation=d)
    x = _distinct(rng, (2, 3, 7, 8), dtype)
    check_layer(m, lambda p, x: j_max_pool2d(x, k, s or k, pd, d), [x], dtype, rng=rng, what="MaxPool2d")


AVGPOOL = [((2, 2), None, (0, 0), True), ((3, 3), (2, 2), (1, 1), True), ((3, 3), (2, 2), (1, 1), False),
           ((3, 2), (1, 2), (1, 1), False), ((2, 3), (2, 1), (0, 1), True)]


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("cfg", AVGPOOL, ids=lambda c: "k%s-s%s-p%s-%s" % (
    "x".join(map(str, c[0])), "x".join(map(str, c[1])) if c[1] else "k", "x".join(map(str, c[2])),
    "incl" if c[3] else "excl"))
def test_avg_pool2d(cfg, dtype):
    k, s, pd, incl = cfg
    rng = np.random.default_rng(5)
    m = tfl.nn.AvgPool2d(k, stride=s, padding=pd, count_include_pad=incl)
    x = rng.uniform(-1, 1, (2, 3, 7, 8)).astype(dtype)
    check_layer(m, lambda p, x: j_avg_pool2d(x, k, s or k, pd, incl), [x], dtype, rng=rng, what="AvgPool2d")


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("insize,out", [((7, 5), (3, 2)), ((6, 6), (2, 3)), ((5, 4), (5, 4)), ((5, 7), (1, 1)),
                                        ((3, 4), (5, 6))], ids=["7x5-3x2", "6x6-2x3", "same", "global", "upsample"])
def test_adaptive_avg_pool2d(insize, out, dtype):
    rng = np.random.default_rng(6)
    m = tfl.nn.AdaptiveAvgPool2d(out)
    x = rng.uniform(-1, 1, (2, 3) + insize).astype(dtype)
    check_layer(m, lambda p, x: j_adaptive_avg_pool2d(x, out), [x], dtype, rng=rng, what="AdaptiveAvgPool2d")


# ---- normalisation ----------------------------------------------------------------------------------------

NORM_INIT = lambda n: (0.5, 1.5) if n.endswith("weight") else None  # noqa: E731

BN = [  # (kind, x shape, momentum, affine, track, training)
    ("1d", (6, 3), 0.1, True, True, True), ("1d", (4, 3, 5), 0.3, True, True, True),
    ("2d", (3, 3, 4, 2), 0.1, True, True, True), ("2d", (3, 3, 4, 2), None, True, True, True),
    ("2d", (3, 3, 4, 2), 0.1, False, True, True), ("1d", (4, 3, 5), 0.1, True, True, False),
    ("2d", (3, 3, 4, 2), 0.1, True, True, False), ("2d", (3, 3, 4, 2), 0.1, True, False, True),
    ("1d", (6, 3), 0.1, True, False, False)]


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("cfg", BN, ids=lambda c: "%s-%s-m%s%s%s-%s" % (
    c[0], "x".join(map(str, c[1])), c[2], "" if c[3] else "-noaffine", "" if c[4] else "-notrack",
    "train" if c[5] else "eval"))
def test_batch_norm(cfg, dtype):
    kind, shape, momentum, affine, track, training = cfg
    rng = np.random.default_rng(7)
    cls = tfl.nn.BatchNorm1d if kind == "1d" else tfl.nn.BatchNorm2d
    m = cls(3, eps=1e-5, momentum=momentum, affine=affine, track_running_stats=track, dtype=TFL_DT[dtype])
    m.train(training)
    state = None
    if track:
        rm = rng.uniform(-0.5, 0.5, 3).astype(dtype)
        rv = rng.uniform(0.5, 1.5, 3).astype(dtype)
        m.load_state_dict({"running_mean": rm, "running_var": rv,
                           "num_batches_tracked": np.array(3, np.int64)}, strict=False)
        state = (rm, rv, 3)
    x = rng.uniform(-1, 2, shape).astype(dtype)

    def run(p, x):
        return j_batch_norm(p, x, state if track else (None, None, 0), training, momentum, 1e-5, affine, track)

    _, aux = check_layer(m, lambda p, x: run(p, x)[0], [x], dtype, rng=rng, init=NORM_INIT, tol_scale=2,
                         aux=lambda p, x: run(p, x)[1], what="BatchNorm" + kind)
    if track:
        rtol, atol = TOL[dtype]
        bufs = {n: _np(b) for n, b in m.named_buffers()}
        assert set(bufs) == {"running_mean", "running_var", "num_batches_tracked"}
        np.testing.assert_allclose(bufs["running_mean"], np.asarray(aux[0]), rtol=rtol, atol=atol,
                                   err_msg="running_mean")
        np.testing.assert_allclose(bufs["running_var"], np.asarray(aux[1]), rtol=rtol, atol=atol,
                                   err_msg="running_var")
        assert int(bufs["num_batches_tracked"]) == int(aux[2])
        assert bufs["running_mean"].dtype == dtype


LN = [((2, 3, 4), [4], True, True), ((2, 3, 4), [3, 4], True, True), ((5, 6), 6, False, True),
      ((2, 3, 4), [4], True, False)]


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("cfg", LN, ids=["last", "last2", "noaffine", "nobias"])
def test_layer_norm(cfg, dtype):
    shape, nshape, affine, bias = cfg
    rng = np.random.default_rng(8)
    m = tfl.nn.LayerNorm(nshape, eps=1e-5, elementwise_affine=affine, bias=bias, dtype=TFL_DT[dtype])
    ns = [nshape] if isinstance(nshape, int) else nshape
    x = rng.uniform(-1, 2, shape).astype(dtype)
    check_layer(m, lambda p, x: j_layer_norm(p, x, ns, 1e-5), [x], dtype, rng=rng, init=NORM_INIT, tol_scale=2,
                what="LayerNorm")


GN = [(2, 4, (3, 4, 5), True), (1, 4, (2, 4, 3, 2), True), (4, 4, (2, 4, 3, 2), True), (3, 6, (2, 6, 4), False)]


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("cfg", GN, ids=["g2-3d", "g1-4d", "g4-4d", "g3-noaffine"])
def test_group_norm(cfg, dtype):
    groups, c, shape, affine = cfg
    rng = np.random.default_rng(9)
    m = tfl.nn.GroupNorm(groups, c, eps=1e-5, affine=affine, dtype=TFL_DT[dtype])
    x = rng.uniform(-1, 2, shape).astype(dtype)
    check_layer(m, lambda p, x: j_group_norm(p, x, groups, 1e-5), [x], dtype, rng=rng, init=NORM_INIT, tol_scale=2,
                what="GroupNorm")


RMS = [((2, 3, 4), 4, None, True), ((2, 3, 4), [3, 4], 1e-6, True), ((5, 6), 6, 1e-3, False)]


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("cfg", RMS, ids=["eps-default", "last2", "noaffine"])
def test_rms_norm(cfg, dtype):
    shape, nshape, eps, affine = cfg
    rng = np.random.default_rng(10)
    m = tfl.nn.RMSNorm(nshape, eps=eps, elementwise_affine=affine, dtype=TFL_DT[dtype])
    ns = [nshape] if isinstance(nshape, int) else nshape
    x = rng.uniform(-1, 2, shape).astype(dtype)
    check_layer(m, lambda p, x: j_rms_norm(p, x, ns, eps), [x], dtype, rng=rng, init=NORM_INIT, tol_scale=2,
                what="RMSNorm")


# ---- Embedding --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("padding_idx,id_dtype", [(None, np.int64), (2, np.int64), (-1, np.int32)],
                         ids=["nopad", "pad2", "pad-1-int32"])
def test_embedding(padding_idx, id_dtype, dtype):
    rng = np.random.default_rng(11)
    num = 6
    m = tfl.nn.Embedding(num, 4, padding_idx=padding_idx, dtype=TFL_DT[dtype])
    ids = rng.integers(0, num, (3, 5)).astype(id_dtype)
    pad = None if padding_idx is None else padding_idx % num
    if pad is not None:
        ids[0, 0] = ids[2, 3] = pad
        ids[1, 1] = (pad + 1) % num

    def ref(p, ids):
        w = p["weight"]
        if pad is not None:  # PyTorch: the padding_idx row does not contribute to the gradient
            w = w.at[pad].set(lax.stop_gradient(w[pad]))
        return w[ids]

    params, _ = check_layer(m, ref, [ids], dtype, rng=rng, what="Embedding")
    if pad is not None:  # explicitly: the padding row's gradient is zero though the row was used
        g = tfl.grad(m(tfl.tensor(ids)).sum(), [m.weight])[0].numpy()
        assert np.all(g[pad] == 0) and np.all(g[(pad + 1) % num] != 0)


# ---- MultiheadAttention -----------------------------------------------------------------------------------

E, HEADS = 8, 2


def j_mha(p, q, k, v, mask, causal):
    """PyTorch's multi_head_attention_forward (batch first, no dropout) with separate q/k/v projections named
    as tfl names them; mask: bool (True = attend) or additive float, broadcast to (B, H, Lq, Lk)."""
    def split(t):
        return t.reshape(t.shape[0], t.shape[1], HEADS, E // HEADS).transpose(0, 2, 1, 3)
    Q, K, V = split(j_linear(p, q, "q_proj.")), split(j_linear(p, k, "k_proj.")), split(j_linear(p, v, "v_proj."))
    s = jnp.matmul(Q, K.transpose(0, 1, 3, 2)) / float(np.sqrt(E // HEADS))
    if mask is not None:
        s = s + (jnp.where(mask, 0.0, -jnp.inf).astype(s.dtype) if mask.dtype == bool else mask)
    if causal:
        s = s + jnp.where(np.tril(np.ones((q.shape[1], k.shape[1]), bool)), 0.0, -jnp.inf).astype(s.dtype)
    o = jnp.matmul(j_softmax(s, -1), V).transpose(0, 2, 1, 3).reshape(q.shape[0], q.shape[1], E)
    return j_linear(p, o, "out_proj.")


MHA = ["self", "cross", "bool-mask", "float-mask", "causal", "causal-cross-nobias"]


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("case", MHA)
def test_multihead_attention(case, dtype):
    rng = np.random.default_rng(12 + MHA.index(case))
    m = tfl.nn.MultiheadAttention(E, HEADS, bias=case != "causal-cross-nobias", causal=case.startswith("causal"),
                                  dtype=TFL_DT[dtype])
    names = [n for n, _ in m.named_parameters()]
    want = [pre + "." + w for pre in ("q_proj", "k_proj", "v_proj", "out_proj") for w in ("weight", "bias")]
    assert names == (want if case != "causal-cross-nobias" else [n for n in want if n.endswith("weight")])
    B, Lq, Lk = 2, 4, 5
    causal = case.startswith("causal")
    if case in ("self", "causal"):
        x = rng.uniform(-1, 1, (B, Lq, E)).astype(dtype)
        check_layer(m, lambda p, x: j_mha(p, x, x, x, None, causal), [x], dtype, rng=rng, tol_scale=2,
                    what="MultiheadAttention " + case)
        return
    Lk = Lq if causal else Lk
    q = rng.uniform(-1, 1, (B, Lq, E)).astype(dtype)
    k = rng.uniform(-1, 1, (B, Lk, E)).astype(dtype)
    v = rng.uniform(-1, 1, (B, Lk, E)).astype(dtype)
    inputs = [q, k, v]
    mask = None
    if case == "bool-mask":
        mask = rng.uniform(size=(B, 1, Lq, Lk)) < 0.7
        mask[..., 0] = True  # every query attends to something
        inputs.append(mask)
    elif case == "float-mask":
        mask = rng.uniform(-2, 0, (1, HEADS, Lq, Lk)).astype(dtype)
        inputs.append(mask)
    diff = [True, True, True] + ([False] if mask is not None else [])
    check_layer(m, lambda p, q, k, v, *mk: j_mha(p, q, k, v, mk[0] if mk else None, causal), inputs, dtype,
                diff=diff, rng=rng, tol_scale=2, what="MultiheadAttention " + case)


# ---- activations, Dropout, Flatten, Sequential ----------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation(name, dtype):
    rng = np.random.default_rng(13)
    make, fn = ACTIVATIONS[name]
    x = _away_from_zero(rng, (3, 4, 5), dtype, 0.05, 3.0)
    check_layer(make(), lambda p, x: fn(x), [x], dtype, rng=rng, what=name)


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("p,train", [(0.5, False), (0.0, True)], ids=["p0.5-eval", "p0-train"])
def test_dropout_identity(p, train, dtype):
    rng = np.random.default_rng(14)
    m = tfl.nn.Dropout(p)
    m.train(train)
    check_layer(m, lambda prm, x: x, [rng.uniform(-1, 1, (4, 5)).astype(dtype)], dtype, rng=rng, what="Dropout")


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("start,end", [(1, -1), (0, -1), (1, 2), (-3, -2), (2, 3)])
def test_flatten(start, end, dtype):
    rng = np.random.default_rng(15)
    x = rng.uniform(-1, 1, (2, 3, 4, 5)).astype(dtype)
    s, e = start % 4, end % 4
    shape = x.shape[:s] + (int(np.prod(x.shape[s:e + 1])),) + x.shape[e + 1:]
    check_layer(tfl.nn.Flatten(start, end), lambda p, x: x.reshape(shape), [x], dtype, rng=rng, what="Flatten")


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
def test_sequential_mlp(dtype):
    rng = np.random.default_rng(16)
    dt = TFL_DT[dtype]
    m = tfl.nn.Sequential(tfl.nn.Linear(5, 7, dtype=dt), tfl.nn.GELU(), tfl.nn.LayerNorm(7, dtype=dt),
                          tfl.nn.Dropout(0.3), tfl.nn.Linear(7, 3, dtype=dt), tfl.nn.Tanh())
    m.eval()

    def sub(p, pre):
        return {n[len(pre):]: v for n, v in p.items() if n.startswith(pre)}

    def ref(p, x):
        h = j_gelu(j_linear(sub(p, "0."), x), "none")
        h = j_layer_norm(sub(p, "2."), h, [7], 1e-5)
        return jnp.tanh(j_linear(sub(p, "4."), h))

    check_layer(m, ref, [rng.uniform(-1, 1, (4, 5)).astype(dtype)], dtype, rng=rng, init=NORM_INIT, tol_scale=2,
                what="Sequential MLP")


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
def test_sequential_convnet(dtype):
    """Conv2d -> BatchNorm2d (training) -> ReLU -> MaxPool2d -> Flatten -> Linear, and a Python-run
    Sequential holding the same modules with an Identity (module by module instead of one core call)."""
    rng = np.random.default_rng(17)
    dt = TFL_DT[dtype]
    conv, bn = tfl.nn.Conv2d(2, 3, 3, padding=1, dtype=dt), tfl.nn.BatchNorm2d(3, dtype=dt)
    lin = tfl.nn.Linear(12, 4, dtype=dt)

    def ref_for(pre):
        def ref(p, x):
            s = lambda k: {n[len(k):]: v for n, v in p.items() if n.startswith(k)}  # noqa: E731
            h = j_conv(s(pre[0]), x, (1, 1), (1, 1), (1, 1), 1, 2)
            h, _ = j_batch_norm(s(pre[1]), h, (jnp.zeros(3, x.dtype), jnp.ones(3, x.dtype), 0), True, 0.1, 1e-5,
                                True, True)
            h = j_max_pool2d(jnp.where(h > 0, h, 0.0), (2, 2), (2, 2), (0, 0), (1, 1))
            return j_linear(s(pre[2]), h.reshape(h.shape[0], -1))
        return ref

    x = rng.uniform(-1, 1, (3, 2, 4, 4)).astype(dtype)
    m = tfl.nn.Sequential(conv, bn, tfl.nn.ReLU(), tfl.nn.MaxPool2d(2), tfl.nn.Flatten(), lin)
    check_layer(m, ref_for(("0.", "1.", "5.")), [x], dtype, rng=rng, init=NORM_INIT, tol_scale=3,
                what="Sequential convnet")
    m2 = tfl.nn.Sequential(conv, tfl.nn.Identity(), bn, tfl.nn.ReLU(), tfl.nn.MaxPool2d(2), tfl.nn.Flatten(), lin)
    bn.load_state_dict({"running_mean": np.zeros(3, dtype), "running_var": np.ones(3, dtype)}, strict=False)
    check_layer(m2, ref_for(("0.", "2.", "6.")), [x], dtype, rng=rng, init=NORM_INIT, tol_scale=3,
                what="Sequential convnet (Python-run)")


# ---- losses -----------------------------------------------------------------------------------------------

REDUCTIONS = ["none", "mean", "sum"]


def _reduce(loss, reduction, denom=None, batch=None):
    """none / sum / mean (over the elements, or sum / denom when denom is given) / batchmean (sum / batch)."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "batchmean":
        return loss.sum() / float(batch)
    return loss.mean() if denom is None else loss.sum() / denom


class _AllReductions(tfl.nn.Module):
    """The loss under each reduction, flattened and concatenated into one vector, so that one compiled
    reference program (and one random cotangent) covers every reduction of a case."""

    def __init__(self, make, reductions):
        super().__init__()
        self.losses = [make(r) for r in reductions]

    def forward(self, x, t):
        return tfl.concat([m(x, t).reshape(-1) for m in self.losses])


def check_loss(make, ref, inputs, dtype, diff, what, reductions=REDUCTIONS, tol_scale=2.0):
    """make(reduction) -> tfl loss module; ref(input, target, reduction) -> the reference loss."""
    m = _AllReductions(make, reductions)
    check_layer(m, lambda p, *a: jnp.concatenate([ref(*a, r).reshape(-1) for r in reductions]), inputs, dtype,
                diff=diff, rng=np.random.default_rng(99), tol_scale=tol_scale,
                what="%s, reductions %s concatenated" % (what, "/".join(reductions)))


def _regression_inputs(rng, dtype, kinks):
    """input and target whose differences stay 0.05 away from the loss's kinks (|d| = each of kinks)."""
    x = rng.uniform(-2, 2, (4, 5)).astype(dtype)
    d = rng.uniform(0.05, 2.5, (4, 5))
    for kk in kinks:
        d = np.where(np.abs(d - kk) < 0.05, kk + 0.1, d)
    d = d * np.where(rng.uniform(size=d.shape) < 0.5, -1, 1)
    return x, (x - d).astype(dtype)


REGRESSION = {  # name -> (module factory, pointwise loss of d = input - target, kinks)
    "mse": (lambda r: tfl.nn.MSELoss(r), lambda d: d * d, [0.0]),
    "l1": (lambda r: tfl.nn.L1Loss(r), lambda d: jnp.abs(d), [0.0]),
    "smooth_l1": (lambda r: tfl.nn.SmoothL1Loss(r), lambda d: jnp.where(jnp.abs(d) < 1.0, 0.5 * d * d,
                                                                      jnp.abs(d) - 0.5), [0.0, 1.0]),
    "smooth_l1-beta0.5": (lambda r: tfl.nn.SmoothL1Loss(r, beta=0.5),
                          lambda d: jnp.where(jnp.abs(d) < 0.5, 0.5 * d * d / 0.5, jnp.abs(d) - 0.25), [0.0, 0.5]),
    "smooth_l1-beta0": (lambda r: tfl.nn.SmoothL1Loss(r, beta=0.0), lambda d: jnp.abs(d), [0.0]),
    "huber": (lambda r: tfl.nn.HuberLoss(r), lambda d: jnp.where(jnp.abs(d) <= 1.0, 0.5 * d * d,
                                                               jnp.abs(d) - 0.5), [0.0, 1.0]),
    "huber-delta0.7": (lambda r: tfl.nn.HuberLoss(r, delta=0.7),
                       lambda d: jnp.where(jnp.abs(d) <= 0.7, 0.5 * d * d, 0.7 * (jnp.abs(d) - 0.35)), [0.0, 0.7]),
}


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("name", sorted(REGRESSION))
def test_regression_loss(name, dtype):
    rng = np.random.default_rng(20)
    make, fn, kinks = REGRESSION[name]
    x, t = _regression_inputs(rng, dtype, kinks)
    check_loss(make, lambda x, t, r: _reduce(fn(x - t), r), [x, t], dtype, [True, True], name)


def _ce_ref(x, t, weight, ignore_index, reduction, smoothing):
    """PyTorch's cross_entropy (LossNLL.cpp: cross_entropy_loss_label_smoothing and the probability-target
    path), class axis 1 (0 for 1-D logits)."""
    cdim = 0 if x.ndim == 1 else 1
    C = x.shape[cdim]
    logp = j_log_softmax(x, cdim)
    wshape = [1] * x.ndim
    wshape[cdim] = C
    w = None if weight is None else jnp.asarray(weight).reshape(wshape)
    if t.dtype.kind == "f":  # class probabilities
        tt = t * (1.0 - smoothing) + smoothing / C if smoothing else t
        loss = -(logp * tt * (w if w is not None else 1.0)).sum(cdim)
        n = loss.size if x.ndim > 1 else 1
        return _reduce(loss, reduction, None if reduction != "mean" else float(n))
    t = np.asarray(t)
    valid = t != ignore_index
    tc = np.where(valid, t, 0)
    picked = jnp.take_along_axis(logp, np.expand_dims(tc, cdim), cdim).squeeze(cdim)
    wt = np.ones(t.shape) if weight is None else np.asarray(weight)[tc]
    wt = np.where(valid, wt, 0.0).astype(x.dtype)
    nll = -picked * wt
    denom = wt.sum()
    loss = _reduce(nll, reduction, denom if reduction == "mean" else None)
    if smoothing:
        smooth = -(logp * (w if w is not None else 1.0)).sum(cdim)
        smooth = jnp.where(valid, smooth, 0.0)
        if reduction == "mean":
            sm = smooth.sum() / (denom if weight is not None else float(valid.sum()))
        else:
            sm = _reduce(smooth, reduction)
        loss = (1.0 - smoothing) * loss + sm * (smoothing / C)
    return loss


CE = {  # name -> (logits shape, target kind, weight, ignore_index, label_smoothing)
    "index": ((6, 5), "index", False, -100, 0.0),
    "index-4d": ((2, 4, 3, 2), "index", False, -100, 0.0),
    "index-1d": ((5,), "index", False, -100, 0.0),
    "weight": ((6, 5), "index", True, -100, 0.0),
    "ignore": ((6, 5), "index", False, -100, 0.0),
    "ignore2-weight-4d": ((2, 4, 3, 2), "index", True, 2, 0.0),
    "smoothing": ((6, 5), "index", False, -100, 0.2),
    "smoothing-weight-ignore": ((6, 5), "index", True, 1, 0.3),
    "probs": ((6, 5), "probs", False, -100, 0.0),
    "probs-4d-weight": ((2, 4, 3, 2), "probs", True, -100, 0.0),
    "probs-smoothing": ((6, 5), "probs", False, -100, 0.25),
}


def _ce_case(name, dtype, rng):
    shape, kind, use_w, ignore, smoothing = CE[name]
    cdim = 0 if len(shape) == 1 else 1
    C = shape[cdim]
    x = rng.uniform(-2, 2, shape).astype(dtype)
    weight = rng.uniform(0.3, 2.0, C).astype(dtype) if use_w else None
    if kind == "probs":
        t = np.exp(_np_log_softmax(rng.uniform(-2, 2, shape).astype(dtype), cdim))
    else:
        tshape = shape[:cdim] + shape[cdim + 1:]
        t = rng.integers(0, C, tshape).astype(np.int64)
        if name.startswith("ignore") or "ignore" in name:
            flat = t.reshape(-1)
            flat[:: 3] = ignore
            flat[1] = 0 if ignore != 0 else 1  # at least one kept target
    return x, t, weight, ignore, smoothing


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("name", list(CE))
def test_cross_entropy(name, dtype):
    rng = np.random.default_rng(21)
    x, t, weight, ignore, smoothing = _ce_case(name, dtype, rng)

    def make(r):
        return tfl.nn.CrossEntropyLoss(weight=None if weight is None else tfl.tensor(weight), ignore_index=ignore,
                                       reduction=r, label_smoothing=smoothing)
    diff = [True, t.dtype.kind == "f"]
    check_loss(make, lambda x, t, r: _ce_ref(x, t, weight, ignore, r, smoothing), [x, t], dtype, diff,
               "cross_entropy " + name)


NLL = {"plain": (False, -100, False), "weight": (True, -100, False), "ignore-weight": (True, 3, False),
       "4d": (False, -100, True)}


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("name", list(NLL))
def test_nll_loss(name, dtype):
    use_w, ignore, four_d = NLL[name]
    rng = np.random.default_rng(22)
    shape = (2, 4, 3, 2) if four_d else (6, 5)
    C = shape[1]
    x = _np_log_softmax(rng.uniform(-2, 2, shape).astype(dtype), 1)
    t = rng.integers(0, C, shape[:1] + shape[2:]).astype(np.int64)
    if ignore != -100:
        t.reshape(-1)[::2] = ignore
    weight = rng.uniform(0.3, 2.0, C).astype(dtype) if use_w else None
    def make(r):
        return tfl.nn.NLLLoss(weight=None if weight is None else tfl.tensor(weight), ignore_index=ignore, reduction=r)

    def ref(x, t, reduction):
        t = np.asarray(t)
        valid = t != ignore
        tc = np.where(valid, t, 0)
        wt = np.where(valid, 1.0 if weight is None else weight[tc], 0.0).astype(dtype)
        loss = -jnp.take_along_axis(x, np.expand_dims(tc, 1), 1).squeeze(1) * wt
        return _reduce(loss, reduction, wt.sum() if reduction == "mean" else None)

    check_loss(make, ref, [x, t], dtype, [True, False], "nll " + name)


BCE = {"plain": (False, False), "weight": (True, False), "pos_weight": (False, True), "both": (True, True)}


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("name", list(BCE))
def test_bce_with_logits(name, dtype):
    use_w, use_pw = BCE[name]
    rng = np.random.default_rng(23)
    x = rng.uniform(-3, 3, (4, 3)).astype(dtype)
    t = rng.uniform(0, 1, (4, 3)).astype(dtype)
    t[0, :2] = (0.0, 1.0)
    w = rng.uniform(0.3, 2.0, (4, 1)).astype(dtype) if use_w else None
    pw = rng.uniform(0.3, 3.0, (3,)).astype(dtype) if use_pw else None
    def make(r):
        return tfl.nn.BCEWithLogitsLoss(weight=None if w is None else tfl.tensor(w), reduction=r,
                                        pos_weight=None if pw is None else tfl.tensor(pw))

    def ref(x, t, reduction):
        log_sig, log_1m_sig = -jnp.logaddexp(0.0, -x), -jnp.logaddexp(0.0, x)
        loss = -((pw if pw is not None else 1.0) * t * log_sig + (1.0 - t) * log_1m_sig)
        if w is not None:
            loss = loss * w
        return _reduce(loss, reduction)

    check_loss(make, ref, [x, t], dtype, [True, True], "bce_with_logits " + name)


@pytest.mark.parametrize("dtype", DTYPES, **dt_ids)
@pytest.mark.parametrize("log_target,zeros", [(False, False), (False, True), (True, False)],
                         ids=["prob-target", "prob-target-zeros", "log-target"])
def test_kl_div(log_target, zeros, dtype):
    rng = np.random.default_rng(24)
    x = _np_log_softmax(rng.uniform(-2, 2, (4, 5)).astype(dtype), 1)
    p = rng.uniform(0.1, 1.0, (4, 5))
    if zeros:
        p[0, 1] = p[2, 4] = 0.0
    p = (p / p.sum(1, keepdims=True)).astype(dtype)
    t = np.log(p).astype(dtype) if log_target else p
    def make(r):
        return tfl.nn.KLDivLoss(r, log_target=log_target)

    def ref(x, t, reduction):
        if log_target:
            loss = jnp.exp(t) * (t - x)
        else:  # xlogy(t, t) - t * x: 0 where t is 0
            safe = jnp.where(t > 0, t, 1.0)
            loss = jnp.where(t > 0, t * jnp.log(safe), 0.0) - t * x
        return _reduce(loss, reduction, batch=x.shape[0])

    # The target's gradient (log t + 1 - x) is infinite where t is 0; compare it only where it is finite.
    check_loss(make, ref, [x, t], dtype, [True, not zeros], "kl_div " + (
        "log_target" if log_target else "zeros" if zeros else "prob"), reductions=REDUCTIONS + ["batchmean"])
