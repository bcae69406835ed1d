"""tfl.memory (counters, limit, profiler, snapshot, findings, timeline plot) and tfl.viz (DOT of the graph)."""
import builtins
import shutil
import sys

import pytest

import tenflowers as tfl


def test_stats_counters_follow_allocations():
    s0 = tfl.memory.stats()
    assert set(s0) == {"live_bytes", "peak_bytes", "allocations", "frees", "cache_hits", "cache_misses",
                       "cached_bytes", "limit_bytes"}
    x = tfl.zeros((256, 256))  # 256 KiB
    s1 = tfl.memory.stats()
    assert s1["allocations"] > s0["allocations"]
    assert s1["live_bytes"] >= s0["live_bytes"] + 256 * 256 * 4
    assert s1["peak_bytes"] >= s1["live_bytes"]
    del x
    assert tfl.memory.stats()["frees"] > s1["frees"]


def test_reset_peak_and_empty_cache():
    x = tfl.zeros((512, 512))
    del x
    tfl.memory.reset_peak()
    s = tfl.memory.stats()
    assert s["peak_bytes"] == s["live_bytes"]
    tfl.memory.empty_cache()
    assert tfl.memory.stats()["cached_bytes"] == 0


def test_set_limit_raises_memory_error():
    tfl.memory.set_limit(tfl.memory.stats()["live_bytes"] + (1 << 20))
    try:
        assert tfl.memory.get_limit() is not None
        with pytest.raises(MemoryError):
            tfl.zeros((1 << 22,))  # 16 MiB
        with pytest.raises(tfl.OutOfMemoryError):
            tfl.zeros((1 << 22,))
    finally:
        tfl.memory.set_limit(None)
    assert tfl.memory.get_limit() is None
    assert tfl.memory.stats()["limit_bytes"] == 0
    with pytest.raises(ValueError):
        tfl.memory.set_limit(-1)


def _work():
    a = tfl.ones((64, 64), requires_grad=True)
    with tfl.memory.module_scope("toy"):
        y = (a * a + a).relu().sum()
    y.backward()
    return a


def test_profile_snapshot_and_findings():
    with tfl.memory.profile():
        assert tfl.memory.is_recording()
        _work()
    assert not tfl.memory.is_recording()
    snap = tfl.memory.snapshot()
    for key in ("devices", "cache", "recording", "timeline", "autograd", "findings"):
        assert key in snap
    assert len(snap["timeline"]) > 0
    kinds = {e["kind"] for e in snap["timeline"]}
    assert kinds  # allocation / free events
    assert snap["recording"]["peak_bytes"] >= 64 * 64 * 4
    assert "toy" in str(snap["recording"]["by_module"])  # module_scope tagged the forward's allocations
    f = tfl.memory.findings()
    assert isinstance(f, list) and all(isinstance(s, str) and s for s in f)
    assert f == [s for s in snap["findings"] if s.strip()] or len(f) > 0


def test_profile_stops_on_error():
    with pytest.raises(KeyError):
        with tfl.memory.profile():
            raise KeyError("x")
    assert not tfl.memory.is_recording()


def test_plot_timeline(tmp_path):
    pytest.importorskip("matplotlib")
    with tfl.memory.profile():
        _work()
    out = tfl.memory.plot_timeline(str(tmp_path / "timeline.png"))
    with open(out, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_plot_timeline_without_matplotlib(monkeypatch, tmp_path):
    real_import = builtins.__import__

    def no_mpl(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    for m in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, m)
    monkeypatch.setattr(builtins, "__import__", no_mpl)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        tfl.memory.plot_timeline(str(tmp_path / "t.png"), snap={"timeline": []})


def test_to_dot_names_ops_and_parameters():
    a = tfl.ones((3,), requires_grad=True)
    b = tfl.ones((3,), requires_grad=True)
    y = (a * b + a).relu().sum()
    dot = tfl.viz.to_dot(y)
    assert dot.lstrip().startswith("digraph")
    for op in ("mul", "add", "relu", "sum"):
        assert op in dot
    assert "ellipse" in dot or "parameter" in dot
    assert "->" in dot


def test_to_dot_without_grad_is_empty_digraph():
    dot = tfl.viz.to_dot(tfl.ones((2,)) + 1)
    assert dot.lstrip().startswith("digraph")
    assert "->" not in dot
    with pytest.raises(TypeError):
        tfl.viz.to_dot([1, 2])


def test_render(tmp_path, monkeypatch):
    y = (tfl.ones((2,), requires_grad=True) * 2).sum()
    if shutil.which("dot"):
        out = tfl.viz.render(y, str(tmp_path / "g.svg"))
        assert "<svg" in open(out).read()
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="Graphviz"):
        tfl.viz.render(y, str(tmp_path / "g2.svg"))
