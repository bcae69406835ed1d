"""Forward values of the ops against NumPy, gradients against central finite differences."""

import numpy as np
import pytest

import tenflowers as tfl

rng = np.random.default_rng(0)

UNARY = {
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos, "tan": np.tan, "tanh": np.tanh,
    "abs": np.abs, "neg": np.negative, "square": np.square, "floor": np.floor, "ceil": np.ceil,
    "expm1": np.expm1, "log1p": np.log1p, "sign": np.sign, "rsqrt": lambda x: 1 / np.sqrt(x),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "relu": lambda x: np.maximum(x, 0),
}
POSITIVE = {"log", "sqrt", "rsqrt", "log1p"}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_matches_numpy(name, dtype):
    x = rng.uniform(0.1, 2.0, (3, 4)) if name in POSITIVE else rng.uniform(-2.0, 2.0, (3, 4))
    x = x.astype(dtype)
    got = getattr(tfl, name)(tfl.tensor(x)).numpy()
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, UNARY[name](x), rtol=1e-5 if dtype == "float32" else 1e-12, atol=1e-6)


BINARY = {
    "add": (np.add, lambda a, b: a + b), "sub": (np.subtract, lambda a, b: a - b),
    "mul": (np.multiply, lambda a, b: a * b), "div": (np.divide, lambda a, b: a / b),
    "maximum": (np.maximum, tfl.maximum), "minimum": (np.minimum, tfl.minimum),
    "pow": (np.power, lambda a, b: a ** b), "atan2": (np.arctan2, tfl.atan2),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_broadcasting_matches_numpy(name):
    a = rng.uniform(0.5, 2.0, (2, 3, 4))
    b = rng.uniform(0.5, 2.0, (3, 1))
    ref, op = BINARY[name]
    np.testing.assert_allclose(op(tfl.tensor(a), tfl.tensor(b)).numpy(), ref(a, b), rtol=1e-12)


def test_scalar_and_reflected_operators():
    a = rng.uniform(0.5, 2.0, (5,))
    t = tfl.tensor(a)
    for got, want in [(t + 2, a + 2), (2 + t, 2 + a), (t - 2, a - 2), (2 - t, 2 - a), (t * 3, a * 3),
                      (3 * t, 3 * a), (t / 4, a / 4), (4 / t, 4 / a), (t ** 2, a ** 2), (2 ** t, 2 ** a),
                      (t // 0.5, a // 0.5), (3 // t, 3 // a), (t % 0.7, a % 0.7), (3 % t, 3 % a), (-t, -a)]:
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    assert t.dtype == tfl.float64 and (t + 1).dtype == tfl.float64  # Python scalars keep the tensor's dtype


def test_comparisons_and_logical():
    a = np.array([1.0, 2.0, 3.0])
    t = tfl.tensor(a)
    assert (t > 2).tolist() == [False, False, True]
    assert (2 < t).tolist() == [False, False, True]
    assert (t == tfl.tensor([1.0, 0.0, 3.0])).tolist() == [True, False, True]
    assert (t != 2).tolist() == [True, False, True]
    assert ((t > 1) & (t < 3)).tolist() == [False, True, False]
    assert ((t < 2) | (t > 2)).tolist() == [True, False, True]
    assert (~(t > 1)).tolist() == [True, False, False]


def test_inplace_operators_write_into_the_same_memory():
    a = np.ones((2, 3), dtype=np.float32)
    t = tfl.from_numpy(a)
    t += 1
    t *= tfl.tensor([1.0, 2.0, 3.0])
    t -= 0.5
    t /= 2
    np.testing.assert_allclose(a, ((np.ones((2, 3)) + 1) * [1, 2, 3] - 0.5) / 2)


def test_matmul_and_reductions():
    a = rng.normal(size=(3, 4))
    b = rng.normal(size=(4, 5))
    ta, tb = tfl.tensor(a), tfl.tensor(b)
    np.testing.assert_allclose((ta @ tb).numpy(), a @ b, rtol=1e-12)
    np.testing.assert_allclose(tfl.matmul(ta, tb).numpy(), a @ b, rtol=1e-12)
    np.testing.assert_allclose((a @ tb).numpy(), a @ b, rtol=1e-12)  # reflected through __rmatmul__
    np.testing.assert_allclose(ta.sum().item(), a.sum())
    np.testing.assert_allclose(ta.sum(axis=1).numpy(), a.sum(axis=1))
    np.testing.assert_allclose(ta.mean(axis=(0, 1), keepdims=True).numpy(), a.mean(axis=(0, 1), keepdims=True))
    np.testing.assert_allclose(ta.max(axis=0).numpy(), a.max(axis=0))
    np.testing.assert_allclose(ta.std(correction=1).item(), a.std(ddof=1))
    np.testing.assert_allclose(ta.var(axis=1).numpy(), a.var(axis=1))
    assert ta.argmax(axis=1).tolist() == a.argmax(axis=1).tolist()
    np.testing.assert_allclose(tfl.cumsum(ta, axis=1).numpy(), np.cumsum(a, axis=1))
    np.testing.assert_allclose(ta.softmax(axis=1).numpy(), np.exp(a) / np.exp(a).sum(1, keepdims=True), rtol=1e-12)


def test_shape_functions():
    a = rng.normal(size=(2, 3, 4))
    t = tfl.tensor(a)
    np.testing.assert_array_equal(t.reshape(4, 6).numpy(), a.reshape(4, 6))
    np.testing.assert_array_equal(t.T.numpy(), a.T)
    np.testing.assert_array_equal(tfl.permute_dims(t, (2, 0, 1)).numpy(), a.transpose(2, 0, 1))
    np.testing.assert_array_equal(tfl.concat([t, t], axis=1).numpy(), np.concatenate([a, a], axis=1))
    np.testing.assert_array_equal(tfl.stack([t, t], axis=0).numpy(), np.stack([a, a]))
    np.testing.assert_array_equal(tfl.flip(t, 1).numpy(), np.flip(a, 1))
    np.testing.assert_array_equal(tfl.expand_dims(t, 1).numpy(), a[:, None])
    np.testing.assert_array_equal(tfl.where(t > 0, t, 0.0).numpy(), np.where(a > 0, a, 0.0))
    np.testing.assert_array_equal(tfl.sort(t, axis=-1).numpy(), np.sort(a, axis=-1))
    assert [p.shape for p in t.split(2, axis=2)] == [(2, 3, 2), (2, 3, 2)]


def test_creation():
    assert tfl.zeros((2, 3)).tolist() == [[0.0] * 3] * 2
    assert tfl.ones(3, dtype=tfl.int32).tolist() == [1, 1, 1]
    assert tfl.full((2,), 7).dtype == tfl.int64
    assert tfl.arange(5).tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(tfl.arange(0, 1, 0.25).numpy(), np.arange(0, 1, 0.25))
    np.testing.assert_allclose(tfl.linspace(0, 1, 5).numpy(), np.linspace(0, 1, 5))
    np.testing.assert_array_equal(tfl.eye(3).numpy(), np.eye(3))
    assert tfl.tensor([[1, 2], [3, 4]]).dtype == tfl.int64
    assert tfl.tensor([1.5, 2]).dtype == tfl.float32
    assert tfl.tensor([True, False]).dtype == tfl.bool_
    assert tfl.tensor(2 ** 62).item() == 2 ** 62
    assert tfl.zeros(()).shape == () and tfl.zeros((0, 3)).shape == (0, 3)
    tfl.random.seed(7)
    a = tfl.random.randn(3, 3).tolist()
    tfl.random.seed(7)
    assert tfl.random.randn(3, 3).tolist() == a
    u = tfl.random.uniform(2.0, 3.0, size=(1000,)).numpy()
    assert u.min() >= 2.0 and u.max() < 3.0


def test_dtypes_astype_and_conversions():
    t = tfl.tensor([1.7, -2.2])
    assert t.astype(tfl.int32).tolist() == [1, -2]
    assert t.to("float64").dtype == tfl.float64
    assert t.astype("bfloat16").astype(tfl.float32).tolist() == pytest.approx([1.7, -2.2], rel=1e-2)
    assert t.astype(tfl.float16).numpy().dtype == np.float16
    one = tfl.tensor([[3.5]])
    assert float(one) == 3.5 and int(one) == 3 and bool(one) and one.item() == 3.5
    assert tfl.tensor(5).item() == 5 and isinstance(tfl.tensor(5).item(), int)
    with pytest.raises(ValueError, match="ambiguous"):
        bool(t)


def test_repr_and_str_are_numpy_like():
    t = tfl.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert repr(t) == "tensor([[1., 2.],\n        [3., 4.]])"
    assert str(t) == "[[1. 2.]\n [3. 4.]]"
    assert repr(tfl.tensor([1, 2], dtype=tfl.int32)) == "tensor([1, 2], dtype=int32)"
    assert "requires_grad=True" in repr(tfl.ones(2, requires_grad=True))
    assert "<pre>" in t._repr_html_() and "shape=(2, 2)" in t._repr_html_()


def test_iteration_len():
    t = tfl.arange(6).reshape(3, 2)
    assert len(t) == 3
    assert [r.tolist() for r in t] == [[0, 1], [2, 3], [4, 5]]
    with pytest.raises(TypeError):
        len(tfl.tensor(1.0))
