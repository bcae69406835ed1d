"""Each training error class (issue 9) provoked for real from Python: its type, the built-in it also is,
and its message; plus tfl.data (NumPy interop of load_npy) and the numerical check mode."""

import numpy as np
import pytest

import tenflowers as tfl


def _param(values):
    return tfl.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def test_gradient_error():
    x = tfl.ones(3)
    with pytest.raises(tfl.GradientError, match="does not require grad") as info:
        x.sum().backward()
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, tfl.TenflowersError)
    y = _param([1.0, 2.0]).exp()
    with pytest.raises(tfl.GradientError, match="one-element output"):
        y.backward()
    s = y.sum()
    s.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        s.backward()


def test_numerical_error_and_check_mode():
    x = tfl.tensor(np.array([-1.0, 4.0], dtype=np.float32))
    assert not tfl.is_numerical_check_enabled()
    assert np.isnan(x.sqrt().numpy()[0])  # off: NaN flows silently
    with tfl.numerical_check():
        assert tfl.is_numerical_check_enabled()
        with pytest.raises(tfl.NumericalError, match=r"'sqrt'.*1 NaN") as info:
            x.sqrt()
        assert isinstance(info.value, FloatingPointError) and isinstance(info.value, ArithmeticError)
        z = _param([0.0, 4.0])
        out = z.sqrt().sum()  # finite forward, +Inf gradient at 0
        with pytest.raises(tfl.NumericalError, match="backward of 'sqrt'"):
            out.backward()
    assert not tfl.is_numerical_check_enabled()


def test_tensor_op_error():
    with pytest.raises(tfl.TensorOpError, match="no identity") as info:
        tfl.zeros((0, 3)).max()
    assert isinstance(info.value, RuntimeError)


def test_layer_config_error():
    with pytest.raises(tfl.LayerConfigError, match="in_features") as info:
        tfl.nn.Linear(-1, 3)
    assert isinstance(info.value, ValueError)
    with pytest.raises(tfl.LayerConfigError, match="num_heads"):
        tfl.nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        tfl.nn.Dropout(1.5)


def test_optimizer_error():
    p = _param([1.0, 2.0])
    with pytest.raises(tfl.OptimizerError, match="lr must be >= 0") as info:
        tfl.optim.SGD([p], lr=-0.1)
    assert isinstance(info.value, ValueError)
    with pytest.raises(tfl.OptimizerError, match="beta"):
        tfl.optim.Adam([p], lr=0.1, betas=(1.0, 0.999))
    adam = tfl.optim.Adam([p], lr=0.1)
    p.grad = tfl.ones(2, dtype="float64")
    adam.step()
    sgd = tfl.optim.SGD([p], lr=0.1, momentum=0.9)
    with pytest.raises(tfl.OptimizerError, match="key"):
        sgd.load_state_dict(adam.state_dict())


def test_serialization_error(tmp_path):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{oops")
    with pytest.raises(tfl.SerializationError, match="JSON") as info:
        tfl.load(path)
    assert isinstance(info.value, ValueError)
    with pytest.raises(OSError):  # a missing file stays an I/O failure
        tfl.load(tmp_path / "missing.safetensors")


def test_checkpoint_error():
    a, b = tfl.nn.Linear(2, 3), tfl.nn.Linear(2, 4)
    with pytest.raises(tfl.CheckpointError, match="weight") as info:
        b.load_state_dict(a.state_dict())
    assert isinstance(info.value, RuntimeError)
    sd = a.state_dict()
    sd["extra"] = tfl.ones(1)
    with pytest.raises(tfl.CheckpointError, match="unexpected"):
        a.load_state_dict(sd)


def test_data_loading_error(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.arange(6, dtype=np.float32))
    path.write_bytes(path.read_bytes()[:-8])  # truncated
    with pytest.raises(tfl.DataLoadingError, match="truncated") as info:
        tfl.data.load_npy(path)
    assert isinstance(info.value, OSError)
    np.save(path, np.asfortranarray(np.ones((2, 3))))
    with pytest.raises(tfl.DataLoadingError, match="fortran_order"):
        tfl.data.load_npy(path)
    np.save(path, np.arange(3, dtype=">i4"))
    with pytest.raises(tfl.DataLoadingError, match="big-endian"):
        tfl.data.load_npy(path)
    with pytest.raises(tfl.DataLoadingError, match="first dimension"):
        tfl.data.DataLoader(tfl.ones((4, 2)), tfl.ones(5), batch_size=2)
    with pytest.raises(tfl.DataLoadingError, match="batch_size"):
        tfl.data.DataLoader(tfl.ones((4, 2)), batch_size=0)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_])
def test_load_npy_matches_numpy_save(tmp_path, dtype):
    rng = np.random.default_rng(3)
    for shape in [(), (0,), (5,), (3, 4), (2, 3, 4)]:
        a = (rng.standard_normal(shape) * 50).astype(dtype)
        path = tmp_path / "a.npy"
        np.save(path, a)
        t = tfl.data.load_npy(path)
        assert t.shape == a.shape
        got = t.numpy()
        assert got.dtype == a.dtype
        np.testing.assert_array_equal(got, a)
        # and the other way: numpy.load reads what save_npy wrote, including a non-contiguous view
        if a.ndim == 2:
            tfl.data.save_npy(path, t.T)
            np.testing.assert_array_equal(np.load(path), a.T)


def test_dataloader_iterates_like_torch():
    x = tfl.tensor(np.arange(20, dtype=np.float32).reshape(10, 2))
    y = tfl.tensor(np.arange(10, dtype=np.int64))
    loader = tfl.data.DataLoader(x, y, batch_size=4)
    assert len(loader) == 3
    batches = list(loader)
    assert [tuple(b[0].shape) for b in batches] == [(4, 2), (4, 2), (2, 2)]
    np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in batches]), np.arange(10))
    assert len(tfl.data.DataLoader(x, y, batch_size=4, drop_last=True)) == 2

    shuffled = tfl.data.DataLoader(x, y, batch_size=3, shuffle=True, seed=11)
    epoch1 = np.concatenate([b[1].numpy() for b in shuffled])
    for bx, by in shuffled:
        np.testing.assert_array_equal(bx.numpy()[:, 0], by.numpy() * 2)  # rows stay paired
    epoch2 = np.concatenate([b[1].numpy() for b in shuffled])
    assert sorted(epoch1.tolist()) == list(range(10)) and sorted(epoch2.tolist()) == list(range(10))
    assert epoch1.tolist() != list(range(10))
    replay = np.concatenate([b[1].numpy() for b in tfl.data.DataLoader(x, y, batch_size=3, shuffle=True, seed=11)])
    np.testing.assert_array_equal(epoch1, replay)
