"""The int8, int16, uint16, uint32 and uint64 dtypes from Python: objects and names, NumPy and DLPack round
trips, promotion (result_type / can_cast against literal tables), and ops checked against NumPy."""
import numpy as np
import pytest

import tenflowers as tfl

NEW = [("int8", np.int8), ("int16", np.int16), ("uint16", np.uint16), ("uint32", np.uint32), ("uint64", np.uint64)]
ALL_NAMES = ["float32", "float64", "float16", "bfloat16", "int32", "int64", "uint8", "bool", "int8", "int16",
             "uint16", "uint32", "uint64"]


def test_dtype_objects():
    assert [tfl.as_dtype(n).code for n in ALL_NAMES] == list(range(13))
    for name, np_t in NEW:
        d = getattr(tfl, name)
        assert d is tfl.as_dtype(name) and d is tfl.as_dtype(np_t) and d is tfl.as_dtype(np.dtype(np_t))
        assert d == name and str(d) == name and repr(d) == "tenflowers." + name
        assert d.itemsize == np.dtype(np_t).itemsize
        assert d.is_integer and not d.is_floating_point
        assert d.is_signed == (name[0] == "i")
    assert tfl.as_dtype("i8") is tfl.int8 and tfl.as_dtype("u64") is tfl.uint64


def test_numpy_round_trips_share_memory():
    for name, np_t in NEW:
        info = np.iinfo(np_t)
        a = np.array([info.min, 0, 1, info.max], dtype=np_t)
        t = tfl.from_numpy(a)  # zero copy now that the dtype is native
        assert t.dtype == name
        a[1] = 7
        assert t[1].item() == 7
        back = t.numpy()
        assert back.dtype == np_t and np.shares_memory(back, a)
        c = tfl.tensor(a)  # a copy, same dtype
        assert c.dtype == name and c.tolist() == a.tolist()
        assert np.array_equal(np.from_dlpack(c), a)


def test_python_lists_and_scalars_keep_full_range():
    u = tfl.tensor([2**64 - 1, 2**63, 0], dtype="uint64")
    assert u.tolist() == [2**64 - 1, 2**63, 0]
    assert tfl.tensor(2**64 - 1, dtype=tfl.uint64).item() == 2**64 - 1
    assert tfl.tensor([-128, 127], dtype=tfl.int8).tolist() == [-128, 127]
    assert tfl.zeros(3, dtype=tfl.uint32).dtype == tfl.uint32
    assert tfl.full((2,), 300, dtype="int16").tolist() == [300, 300]
    assert tfl.arange(0, 6, 2, dtype="uint16").tolist() == [0, 2, 4]


def test_repr_names_the_dtype():
    assert repr(tfl.tensor([1, 2], dtype="int8")) == "tensor([1, 2], dtype=int8)"
    assert repr(tfl.tensor([2**64 - 1], dtype="uint64")) == "tensor([18446744073709551615], dtype=uint64)"


# The array API standard's promotion table on the integer dtypes (literal; NumPy's np.result_type agrees
# except uint64 with a signed integer, which the standard leaves undefined: X).
INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
X = None
PROMOTE = [
    # i8       i16      i32      i64      u8       u16      u32      u64
    ["int8", "int16", "int32", "int64", "int16", "int32", "int64", X],  # int8
    ["int16", "int16", "int32", "int64", "int16", "int32", "int64", X],  # int16
    ["int32", "int32", "int32", "int64", "int32", "int32", "int64", X],  # int32
    ["int64", "int64", "int64", "int64", "int64", "int64", "int64", X],  # int64
    ["int16", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"],  # uint8
    ["int32", "int32", "int32", "int64", "uint16", "uint16", "uint32", "uint64"],  # uint16
    ["int64", "int64", "int64", "int64", "uint32", "uint32", "uint32", "uint64"],  # uint32
    [X, X, X, X, "uint64", "uint64", "uint64", "uint64"],  # uint64
]


def test_result_type_table_and_ops_follow_it():
    for i, a in enumerate(INTS):
        for j, b in enumerate(INTS):
            want = PROMOTE[i][j]
            if want is None:
                with pytest.raises(tfl.DTypeError):
                    tfl.result_type(a, b)
                with pytest.raises(tfl.DTypeError):
                    tfl.ones(2, dtype=a) + tfl.ones(2, dtype=b)
            else:
                assert tfl.result_type(a, b) == want, (a, b)
                assert (tfl.ones(2, dtype=a) + tfl.ones(2, dtype=b)).dtype == want
                if not (a == "uint64" or b == "uint64"):
                    assert np.result_type(np.dtype(a), np.dtype(b)).name == want
    assert tfl.result_type(tfl.ones(1, dtype="int8"), "uint8", tfl.int32) == tfl.int32
    with pytest.raises(tfl.DTypeError):
        tfl.result_type("int8", "float32")


def test_can_cast_matches_numpy_safe_casting():
    for a in INTS + ["float16", "float32", "float64", "bool"]:
        for b in INTS + ["float16", "float32", "float64", "bool"]:
            want = bool(np.can_cast(np.dtype(a), np.dtype(b), "safe"))
            if a in ("int64", "uint64") and b == "float64":
                want = False  # NumPy calls it safe, but f64's 53-bit significand rounds
            assert tfl.can_cast(a, b) == want, (a, b)
    assert tfl.can_cast(tfl.ones(1, dtype="uint8"), "bfloat16")


def test_casts_wrap_and_saturate():
    # int -> int wraps like NumPy's astype
    a = np.array([200, -200, 32767, -32768], dtype=np.int16)
    assert tfl.tensor(a).astype("int8").tolist() == a.astype(np.int8).tolist()
    b = np.array([-1, 65541, 2**40 + 3], dtype=np.int64)
    for name, np_t in NEW:
        assert tfl.tensor(b).astype(name).tolist() == b.astype(np_t).tolist()
    # float -> int truncates toward zero and saturates; NaN -> 0 (NumPy leaves these undefined)
    f = tfl.tensor([300.7, -300.7, float("nan"), float("inf"), -0.9], dtype="float32")
    assert f.astype("int8").tolist() == [127, -128, 0, 127, 0]
    assert f.astype("uint16").tolist() == [300, 0, 0, 65535, 0]
    assert f.astype("uint64").tolist() == [300, 0, 0, 2**64 - 1, 0]


@pytest.mark.parametrize("name,np_t", NEW)
def test_ops_match_numpy(name, np_t):
    rng = np.random.default_rng(5)
    info = np.iinfo(np_t)
    lo, hi = max(int(info.min), -1000), min(int(info.max), 1000)
    a = rng.integers(lo, hi, size=(3, 4), dtype=np_t)
    b = rng.integers(1, hi, size=(4,), dtype=np_t)  # non-zero divisors
    big = np.array([info.max, info.min, info.max - 1, 3], dtype=np_t)
    ta, tb, tbig = tfl.tensor(a), tfl.tensor(b), tfl.tensor(big)
    with np.errstate(over="ignore"):
        cases = [
            (ta + tb, a + b), (ta - tb, a - b), (ta * tb, a * b), (ta // tb, a // b), (ta % tb, a % b),
            (tbig + tbig, big + big), (tbig * tbig, big * big), (-tbig, -big), (abs(tbig), np.abs(big)),
            (tfl.maximum(ta, tb), np.maximum(a, b)), (ta < tb, a < b), (ta == ta, a == a),
            (tbig > tbig[::-1], big > big[::-1]),
        ]
    for got, want in cases:
        assert got.dtype == want.dtype.name
        np.testing.assert_array_equal(got.numpy(), want)
    # Reductions: sums of the narrow integers are int64 (uint64 stays uint64), as in NumPy on 64-bit Linux
    # except that NumPy sums unsigned into uint64.
    s = ta.sum()
    assert s.dtype == ("uint64" if name == "uint64" else "int64")
    assert s.item() == int(a.astype(object).sum())
    if name == "uint64":  # wraps modulo 2^64
        assert tbig.sum().item() == int(big.astype(object).sum()) % 2**64
    np.testing.assert_array_equal(ta.max(axis=0).numpy(), a.max(axis=0))
    np.testing.assert_array_equal(ta.argmin(axis=1).numpy(), a.argmin(axis=1))
    np.testing.assert_allclose(ta.mean().item(), a.astype(np.float64).mean(), rtol=1e-6)
    np.testing.assert_array_equal(tfl.sort(tbig).numpy(), np.sort(big))
    np.testing.assert_array_equal(ta[1:, ::2].numpy(), a[1:, ::2])
    np.testing.assert_array_equal((ta @ ta.T).numpy(), a @ a.T)  # both wrap modulo 2^bits


def test_randint_new_dtypes():
    for name, np_t in NEW:
        info = np.iinfo(np_t)
        lo = max(int(info.min), -50)
        t = tfl.random.randint(lo, lo + 10, (200,), dtype=name)
        assert t.dtype == name
        v = t.numpy()
        assert v.min() >= lo and v.max() < lo + 10
    with pytest.raises(tfl.InvalidArgumentError, match="int8"):
        tfl.random.randint(0, 300, (2,), dtype="int8")


def test_safetensors_round_trip(tmp_path):
    sd = {name: tfl.tensor(np.array([np.iinfo(np_t).min, np.iinfo(np_t).max], dtype=np_t)) for name, np_t in NEW}
    path = str(tmp_path / "d.safetensors")
    tfl.save(sd, path)
    back = tfl.load(path)
    for name, np_t in NEW:
        assert back[name].dtype == name
        np.testing.assert_array_equal(back[name].numpy(), sd[name].numpy())
