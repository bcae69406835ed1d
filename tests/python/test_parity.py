"""Parity harness: values and gradients of the core ops against PyTorch (when importable) or JAX (CPU),
on the same inputs, with per-dtype tolerances. Gradients are those of sum(f(x) * g) for a random
cotangent g, so every output element's backward path is exercised.

No reference importable is a failure, not a skip: scripts/setup.sh installs JAX when PyTorch is absent.
"""
import numpy as np
import pytest

import tenflowers as tfl
from tenflowers._lib import api
from tenflowers._tensor import _wrap


def _load_reference():
    try:
        import torch

        return TorchRef(torch)
    except ImportError:
        pass
    try:
        import jax

        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")
        return JaxRef(jax)
    except ImportError:
        return None


class TorchRef:
    name = "torch"

    def __init__(self, torch):
        self.t = torch
        self.F = torch.nn.functional
        self.ops = {
            "exp": torch.exp, "log": torch.log, "sin": torch.sin, "cos": torch.cos, "tanh": torch.tanh,
            "sqrt": torch.sqrt, "abs": torch.abs, "neg": torch.neg, "sigmoid": torch.sigmoid, "relu": torch.relu,
            "silu": self.F.silu, "square": torch.square, "log1p": torch.log1p, "expm1": torch.expm1,
            "rsqrt": torch.rsqrt,
            "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow": torch.pow,
            "maximum": torch.maximum, "minimum": torch.minimum, "atan2": torch.atan2,
            "sum": lambda x, axis=None, keepdims=False: x.sum() if axis is None else x.sum(axis, keepdims),
            "mean": lambda x, axis=None, keepdims=False: x.mean() if axis is None else x.mean(axis, keepdims),
            "max": lambda x, axis=None, keepdims=False: x.max() if axis is None else x.amax(axis, keepdims),
            "prod": lambda x, axis=None, keepdims=False: x.prod() if axis is None else x.prod(axis, keepdims),
            "logsumexp": lambda x, axis=None, keepdims=False: torch.logsumexp(
                x.reshape(-1) if axis is None else x, 0 if axis is None else axis, keepdims),
            "matmul": torch.matmul,
            "softmax": lambda x, axis: torch.softmax(x, axis), "log_softmax": lambda x, axis: torch.log_softmax(x, axis),
            "conv2d": lambda x, w, b, stride, pad, dil, groups: self.F.conv2d(x, w, b, stride, pad, dil, groups),
            "max_pool2d": lambda x, k, s, p: self.F.max_pool2d(x, k, s, p),
            "avg_pool2d": lambda x, k, s, p: self.F.avg_pool2d(x, k, s, p, count_include_pad=True),
        }

    def value_and_grads(self, op, arrays, grad_out_seed, **kw):
        ts = [self.t.from_numpy(a.copy()).requires_grad_(a.dtype.kind == "f") for a in arrays]
        y = self.ops[op](*ts, **kw)
        g = _cotangent(tuple(y.shape), y.detach().numpy().dtype, grad_out_seed)
        grads = self.t.autograd.grad((y * self.t.from_numpy(g)).sum(), ts, allow_unused=True)
        return y.detach().numpy(), [None if gr is None else gr.numpy() for gr in grads]


class JaxRef:
    name = "jax"

    def __init__(self, jax):
        import jax.numpy as jnp

        self.jax, self.jnp, lax, nn = jax, jnp, jax.lax, jax.nn

        def red(fn):
            return lambda x, axis=None, keepdims=False: fn(x, axis=axis, keepdims=keepdims)

        def conv2d(x, w, b, stride, pad, dil, groups):
            y = lax.conv_general_dilated(x, w, stride, [(pad[0], pad[0]), (pad[1], pad[1])], rhs_dilation=dil,
                                         dimension_numbers=("NCHW", "OIHW", "NCHW"), feature_group_count=groups)
            return y + b.reshape(1, -1, 1, 1)

        def pool(init, fn):
            def run(x, k, s, p):
                pads = [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])]
                return lax.reduce_window(x, init(x.dtype), fn, (1, 1) + tuple(k), (1, 1) + tuple(s), pads)
            return run

        avg_sum = pool(lambda d: jnp.array(0, d), lax.add)
        self.ops = {
            "exp": jnp.exp, "log": jnp.log, "sin": jnp.sin, "cos": jnp.cos, "tanh": jnp.tanh, "sqrt": jnp.sqrt,
            "abs": jnp.abs, "neg": jnp.negative, "sigmoid": nn.sigmoid, "relu": nn.relu, "silu": nn.silu,
            "square": jnp.square, "log1p": jnp.log1p, "expm1": jnp.expm1, "rsqrt": lax.rsqrt,
            "add": jnp.add, "sub": jnp.subtract, "mul": jnp.multiply, "div": jnp.divide, "pow": jnp.power,
            "maximum": jnp.maximum, "minimum": jnp.minimum, "atan2": jnp.arctan2,
            "sum": red(jnp.sum), "mean": red(jnp.mean), "max": red(jnp.max), "prod": red(jnp.prod),
            "logsumexp": red(jax.scipy.special.logsumexp), "matmul": jnp.matmul,
            "softmax": lambda x, axis: nn.softmax(x, axis=axis), "log_softmax": lambda x, axis: nn.log_softmax(x, axis=axis),
            "conv2d": conv2d,
            "max_pool2d": pool(lambda d: jnp.array(-jnp.inf, d), lax.max),
            "avg_pool2d": lambda x, k, s, p: avg_sum(x, k, s, p) / (k[0] * k[1]),
        }

    def value_and_grads(self, op, arrays, grad_out_seed, **kw):
        jnp = self.jnp
        xs = [jnp.asarray(a) for a in arrays]
        fn = lambda *args: self.ops[op](*args, **kw)  # noqa: E731
        y, vjp = self.jax.vjp(fn, *xs)
        g = _cotangent(tuple(y.shape), np.asarray(y).dtype, grad_out_seed)
        grads = vjp(jnp.asarray(g))
        return np.asarray(y), [np.asarray(gr) if a.dtype.kind == "f" else None for gr, a in zip(grads, arrays)]


REF = _load_reference()

# Per-dtype tolerances (rtol, atol); reductions over many terms and convolutions accumulate in another
# order than the reference, hence the looser "acc" row.
TOL = {np.float32: {"ew": (2e-6, 1e-6), "acc": (2e-5, 2e-5)}, np.float64: {"ew": (1e-12, 1e-12), "acc": (1e-10, 1e-10)}}
DTYPES = [np.float32, np.float64]


def _cotangent(shape, dtype, seed):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(dtype)


def _rand(rng, shape, dtype, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, shape).astype(dtype)


def _tfl_value_and_grads(fn, arrays, seed):
    ts = [tfl.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    y = fn(*ts)
    yv = y.numpy().copy()
    g = tfl.tensor(_cotangent(yv.shape, yv.dtype, seed))
    leaves = [t for t in ts if t.requires_grad]
    grads = iter(tfl.grad((y * g).sum(), leaves, allow_unused=True))
    return yv, [next(grads) if t.requires_grad else None for t in ts]


def check(op, fn, arrays, kind="ew", **kw):
    """Compares tenflowers' fn(*tensors) with the reference's op(*arrays, **kw): values and gradients."""
    if REF is None:
        pytest.fail("parity harness: neither PyTorch nor JAX is importable; run scripts/setup.sh (it installs "
                    "jax) or pip install torch")
    dtype = arrays[0].dtype.type
    rtol, atol = TOL[dtype][kind]
    y, grads = _tfl_value_and_grads(fn, arrays, seed=7)
    ry, rgrads = REF.value_and_grads(op, arrays, 7, **kw)
    assert y.shape == ry.shape, "%s: shape %s vs %s %s" % (op, y.shape, REF.name, ry.shape)
    assert y.dtype == ry.dtype, "%s: dtype %s vs %s %s" % (op, y.dtype, REF.name, ry.dtype)
    np.testing.assert_allclose(y, ry, rtol=rtol, atol=atol, err_msg="%s value vs %s" % (op, REF.name))
    for i, (g, rg) in enumerate(zip(grads, rgrads)):
        if rg is None:
            continue
        assert g is not None, "%s: no gradient for input %d" % (op, i)
        np.testing.assert_allclose(g.numpy(), rg, rtol=rtol * 4, atol=atol * 4,
                                   err_msg="%s gradient of input %d vs %s" % (op, i, REF.name))


def test_reference_is_importable():
    assert REF is not None, ("parity harness: neither PyTorch nor JAX is importable; run scripts/setup.sh "
                             "(it installs jax) or pip install torch")


UNARY = {  # op -> input range (kept inside the domain, away from kinks)
    "exp": (-2, 2), "log": (0.2, 3), "sin": (-3, 3), "cos": (-3, 3), "tanh": (-2, 2), "sqrt": (0.2, 3),
    "abs": (0.1, 2), "neg": (-2, 2), "sigmoid": (-4, 4), "relu": (0.1, 2), "silu": (-3, 3), "square": (-2, 2),
    "log1p": (-0.5, 2), "expm1": (-2, 2), "rsqrt": (0.2, 3),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("op", sorted(UNARY))
def test_unary(op, dtype):
    rng = np.random.default_rng(1)
    lo, hi = UNARY[op]
    x = _rand(rng, (3, 5), dtype, lo, hi)
    if op in ("abs", "relu"):  # both signs, away from 0
        x = x * np.where(rng.uniform(size=x.shape) < 0.5, -1, 1).astype(dtype)
    check(op, lambda t: getattr(t, op)(), [x])


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2"])
def test_binary_broadcasting(op, dtype):
    rng = np.random.default_rng(2)
    a = _rand(rng, (4, 1, 3), dtype, 0.5, 2.0)
    b = _rand(rng, (5, 1), dtype, 0.5, 2.5)
    check(op, lambda x, y: getattr(x, op)(y), [a, b])


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("op", ["sum", "mean", "max", "prod", "logsumexp"])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (1, False), (0, True), (-1, True)])
def test_reductions(op, axis, keepdims, dtype):
    rng = np.random.default_rng(3)
    x = _rand(rng, (4, 6), dtype, 0.5, 1.5)  # prod stays O(1); distinct values keep max's gradient unique
    if axis is None:
        check(op, lambda t: getattr(t, op)(), [x], "acc")
    else:
        check(op, lambda t: getattr(t, op)(axis=axis, keepdims=keepdims), [x], "acc", axis=axis, keepdims=keepdims)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("sa,sb", [((3, 4), (4, 5)), ((2, 3, 4), (4, 2)), ((4,), (4, 3)), ((2, 1, 3, 4), (5, 4, 2))])
def test_matmul(sa, sb, dtype):
    rng = np.random.default_rng(4)
    check("matmul", lambda a, b: a @ b, [_rand(rng, sa, dtype), _rand(rng, sb, dtype)], "acc")


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax(op, axis, dtype):
    rng = np.random.default_rng(5)
    x = _rand(rng, (3, 7), dtype, -3, 3)
    check(op, lambda t: getattr(t, op)(axis), [x], "acc", axis=axis)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("stride,pad,dil,groups", [((1, 1), (1, 1), (1, 1), 1), ((2, 1), (0, 2), (1, 1), 1),
                                                   ((1, 1), (1, 1), (2, 2), 1), ((1, 2), (1, 0), (1, 1), 2)])
def test_conv2d(stride, pad, dil, groups, dtype):
    rng = np.random.default_rng(6)
    x = _rand(rng, (2, 4, 7, 6), dtype, -1, 1)
    w = _rand(rng, (6, 4 // groups, 3, 3), dtype, -1, 1)
    b = _rand(rng, (6,), dtype, -1, 1)

    def fn(xt, wt, bt):
        return _wrap(api.tensor_conv2d(xt._h, wt._h, bt._h, stride[0], stride[1], pad[0], pad[1], dil[0], dil[1], groups))
    check("conv2d", fn, [x, w, b], "acc", stride=stride, pad=pad, dil=dil, groups=groups)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("k,s,p", [((2, 2), (2, 2), (0, 0)), ((3, 3), (1, 2), (1, 1))])
def test_pooling(k, s, p, dtype):
    rng = np.random.default_rng(8)
    # A permutation keeps every window's maximum unique, so max pooling's gradient is well defined.
    x = (rng.permutation(2 * 3 * 6 * 7).reshape(2, 3, 6, 7) / 50.0 - 2.0).astype(dtype)

    def mx(t):
        return _wrap(api.tensor_max_pool2d(t._h, k[0], k[1], s[0], s[1], p[0], p[1], 1, 1))

    def avg(t):
        return _wrap(api.tensor_avg_pool2d(t._h, k[0], k[1], s[0], s[1], p[0], p[1], True))
    check("max_pool2d", mx, [x], "acc", k=k, s=s, p=p)
    check("avg_pool2d", avg, [x], "acc", k=k, s=s, p=p)
