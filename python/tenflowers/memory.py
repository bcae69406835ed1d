"""tfl.memory: the host allocator's counters, the memory profiler (snapshot, findings) and a timeline plot."""

import contextlib
import json
from typing import Any, Dict, Iterator, List, Optional

from ._lib import api

COUNTERS = ("live_bytes", "peak_bytes", "allocations", "frees", "cache_hits", "cache_misses", "cached_bytes",
            "limit_bytes")


def stats() -> Dict[str, int]:
    """The allocator's counters at one instant: live_bytes, peak_bytes, allocations, frees, cache_hits,
    cache_misses, cached_bytes, limit_bytes."""
    values = api.memory_stats(len(COUNTERS))
    return {name: int(v) for name, v in zip(COUNTERS, values)}


def reset_peak() -> None:
    api.memory_reset_peak()


def empty_cache() -> None:
    api.memory_empty_cache()


def set_limit(nbytes: int) -> None:
    """Caps the live bytes (allocations beyond it raise tfl.OutOfMemoryError)."""
    api.memory_set_limit(int(nbytes))


def start() -> None:
    """Starts a profiler recording (every allocation and free, with its op and module)."""
    api.memory_profiler_start()


def stop() -> None:
    api.memory_profiler_stop()


def recording() -> bool:
    return api.memory_profiler_recording()


@contextlib.contextmanager
def profile() -> Iterator[None]:
    """with tfl.memory.profile(): ... records the block; read snapshot()/findings() afterwards."""
    start()
    try:
        yield
    finally:
        stop()


def _text(fn, *args) -> str:
    _, n = fn(0, *args)
    raw, n = fn(n + 4096, *args)  # room for growth while a recording runs
    return raw[:n].decode("utf-8")


def snapshot() -> Dict[str, Any]:
    """The profiler's snapshot (devices' counters, cache, recording summary, timeline, autograd, findings)
    as a dict parsed from its JSON."""
    return json.loads(_text(api.memory_profiler_snapshot_json, 0))


def findings() -> List[str]:
    """Short, actionable sentences about the last recording (peak and where, largest allocators, ...)."""
    return [line for line in _text(api.memory_profiler_findings).split("\n") if line]


def plot(path: Optional[str] = None, snap: Optional[Dict[str, Any]] = None):
    """Plots the live and cached bytes of the recording's timeline with matplotlib (when installed);
    saves to path when given, and returns the figure."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    snap = snapshot() if snap is None else snap
    tl = snap.get("timeline", [])
    t0 = tl[0]["t_ns"] if tl else 0
    xs = [(e["t_ns"] - t0) / 1e6 for e in tl]
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.plot(xs, [e["live_bytes"] / 2 ** 20 for e in tl], label="live")
    ax.plot(xs, [e["cached_bytes"] / 2 ** 20 for e in tl], label="cached")
    ax.set_xlabel("ms")
    ax.set_ylabel("MiB")
    ax.legend()
    if path is not None:
        fig.savefig(path, bbox_inches="tight")
    return fig
