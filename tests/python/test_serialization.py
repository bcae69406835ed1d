"""tfl.save / tfl.load (safetensors) round trips, interop with the safetensors package both ways, and
tfl.memory."""

import numpy as np
import pytest

import tenflowers as tfl
import tenflowers.nn as nn

st = pytest.importorskip("safetensors.numpy")


def test_dict_round_trip_all_dtypes(tmp_path):
    rng = np.random.default_rng(0)
    data = {
        "f32": rng.standard_normal((3, 4)).astype(np.float32),
        "f64": rng.standard_normal(5),
        "f16": rng.standard_normal((2, 2)).astype(np.float16),
        "i32": np.arange(6, dtype=np.int32).reshape(2, 3),
        "i64": np.array([-(2 ** 40), 7], dtype=np.int64),
        "u8": np.array([0, 255], dtype=np.uint8),
        "b": np.array([True, False]),
        "scalar": np.array(3.5, dtype=np.float32),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }
    path = tmp_path / "d.safetensors"
    tfl.save({k: tfl.tensor(v) for k, v in data.items()}, path, metadata={"note": "hi"})
    back, meta = tfl.load(path, with_metadata=True)
    assert meta == {"note": "hi"}
    assert set(back) == set(data)
    for k, v in data.items():
        assert back[k].shape == v.shape
        np.testing.assert_array_equal(back[k].numpy(), v)
    # non-contiguous tensors are written contiguous
    t = tfl.tensor(data["f32"]).T
    tfl.save({"t": t}, path)
    np.testing.assert_array_equal(tfl.load(path)["t"].numpy(), data["f32"].T)


def test_interop_with_safetensors_package(tmp_path):
    rng = np.random.default_rng(1)
    ours = tmp_path / "ours.safetensors"
    theirs = tmp_path / "theirs.safetensors"
    a = rng.standard_normal((4, 3)).astype(np.float32)
    tfl.save({"a": tfl.tensor(a), "n": tfl.tensor([1, 2, 3])}, ours)
    read = st.load_file(str(ours))
    np.testing.assert_array_equal(read["a"], a)
    np.testing.assert_array_equal(read["n"], [1, 2, 3])
    assert read["n"].dtype == np.int64

    b = {"w": rng.standard_normal((2, 5)).astype(np.float64), "h": np.arange(4, dtype=np.float16)}
    st.save_file(b, str(theirs), metadata={"format": "np"})
    loaded, meta = tfl.load(theirs, with_metadata=True)
    assert meta == {"format": "np"}
    for k, v in b.items():
        assert loaded[k].dtype == tfl.as_dtype(v.dtype)
        np.testing.assert_array_equal(loaded[k].numpy(), v)


def test_module_checkpoint_round_trip(tmp_path):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)
            self.bn = nn.BatchNorm2d(2)
            self.fc = nn.Linear(8, 3)

        def forward(self, x):
            return self.fc(self.bn(self.conv(x)).reshape(x.shape[0], -1))

    a = Net()
    x = tfl.tensor(np.random.default_rng(2).standard_normal((2, 1, 4, 4)).astype(np.float32))
    a(x)  # updates the running statistics
    a.eval()
    path = tmp_path / "net.safetensors"
    tfl.save(a, path)
    keys = list(st.load_file(str(path)))
    assert "bn.running_mean" in keys and "bn.num_batches_tracked" in keys and "conv.weight" in keys
    b = Net()
    b.load_state_dict(tfl.load(path))
    b.eval()
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())


def test_save_errors(tmp_path):
    with pytest.raises(TypeError):
        tfl.save([1, 2], tmp_path / "x.safetensors")
    with pytest.raises(OSError):
        tfl.load(tmp_path / "missing.safetensors")


def test_memory_stats_snapshot_findings():
    s = tfl.memory.stats()
    assert set(s) >= {"live_bytes", "peak_bytes", "allocations", "cached_bytes"}
    with tfl.memory.profile():
        assert tfl.memory.is_recording()
        big = tfl.ones((256, 256))
        (big @ big).sum()
    assert not tfl.memory.is_recording()
    snap = tfl.memory.snapshot()
    assert {"devices", "recording", "timeline", "findings"} <= set(snap)
    assert snap["recording"]["peak_bytes"] >= 256 * 256 * 4
    f = tfl.memory.findings()
    assert f and all(isinstance(line, str) and line for line in f)
    assert any("Peak" in line or "peak" in line for line in f)
