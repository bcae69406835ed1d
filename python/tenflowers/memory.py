"""tfl.memory: the host allocator's counters, its limit and cache, and the memory profiler.

    tfl.memory.stats()["peak_bytes"]
    with tfl.memory.profile():          # records every allocation and free until the block ends
        loss = model(x).sum(); loss.backward()
    print("\\n".join(tfl.memory.findings()))
    tfl.memory.plot_timeline("memory.png")   # needs matplotlib
"""

import contextlib
import json
from typing import Any, Dict, Iterator, List, Optional

from ._lib import api, lib

# Counter names, indexed by tfl_memory_counter (the C enum is the source of the numbering).
_COUNTERS = (
    ("live_bytes", lib.TFL_MEMORY_LIVE_BYTES),
    ("peak_bytes", lib.TFL_MEMORY_PEAK_BYTES),
    ("allocations", lib.TFL_MEMORY_ALLOCATIONS),
    ("frees", lib.TFL_MEMORY_FREES),
    ("cache_hits", lib.TFL_MEMORY_CACHE_HITS),
    ("cache_misses", lib.TFL_MEMORY_CACHE_MISSES),
    ("cached_bytes", lib.TFL_MEMORY_CACHED_BYTES),
    ("limit_bytes", lib.TFL_MEMORY_LIMIT_BYTES),
)
_CAPACITY = max(code for _, code in _COUNTERS) + 1


def stats() -> Dict[str, int]:
    """The allocator's counters read at one instant: live_bytes, peak_bytes, allocations, frees,
    cache_hits, cache_misses, cached_bytes, limit_bytes (0: no limit)."""
    values = api.memory_stats(_CAPACITY)
    return {name: int(values[code]) for name, code in _COUNTERS}


def reset_peak() -> None:
    """Restarts peak_bytes from the current live bytes."""
    api.memory_reset_peak()


def empty_cache() -> None:
    """Returns every cached free block to the system (memory in use by tensors is not touched)."""
    api.memory_empty_cache()


def set_limit(nbytes: Optional[int]) -> None:
    """Caps the live bytes: an allocation beyond the limit raises tfl.OutOfMemoryError (a MemoryError).
    None or 0 removes the limit."""
    api.memory_set_limit(0 if nbytes is None else int(nbytes))


def get_limit() -> Optional[int]:
    """The limit set with set_limit, or None when there is none."""
    v = int(api.memory_stat(lib.TFL_MEMORY_LIMIT_BYTES))
    return v or None


# ---- profiler ------------------------------------------------------------------------------------


def start() -> None:
    """Starts a recording of every allocation and free (with the op and module that made it)."""
    api.memory_profiler_start()


def stop() -> None:
    """Ends the recording; its timeline stays available to snapshot(), findings() and plot_timeline()."""
    api.memory_profiler_stop()


def is_recording() -> bool:
    return bool(api.memory_profiler_recording())


@contextlib.contextmanager
def profile() -> Iterator[None]:
    """Records allocations while the block runs (start() on entry, stop() on exit, also on error)."""
    start()
    try:
        yield
    finally:
        stop()


def _text(fn, *extra: Any) -> str:
    """Calls a sized-text C function twice: once for the length, then with a buffer of that size. The
    text can grow between the calls while a recording runs, so a too-small buffer is retried."""
    _, n = fn(0, *extra)
    for _ in range(8):
        cap = n + 1 + max(256, n // 4)
        try:
            buf, n = fn(cap, *extra)
        except ValueError:  # InvalidArgumentError: capacity became too small; take the new length
            _, n = fn(0, *extra)
            continue
        return buf[:n].decode("utf-8", "replace")
    raise RuntimeError("tfl.memory: the profiler's text kept growing while it was read; stop() first")


def snapshot() -> Dict[str, Any]:
    """The profiler's snapshot as a dict: devices (counters), cache (per size class), recording (peak and
    its op/module, bytes by op and by module), timeline (one event per allocation and free), autograd
    (bytes held by saved tensors), findings."""
    return json.loads(_text(api.memory_profiler_snapshot_json, -1))


def findings() -> List[str]:
    """Short sentences about the last recording one can act on (peak and where it was reached, the largest
    allocating op and module, cache, fragmentation, tensors kept alive by autograd graphs)."""
    return [line for line in _text(api.memory_profiler_findings).splitlines() if line.strip()]


@contextlib.contextmanager
def module_scope(name: str) -> Iterator[None]:
    """Tags the allocations made inside the block with a module name in the profiler's totals."""
    api.memory_push_module(name)
    try:
        yield
    finally:
        api.memory_pop_module()


def plot_timeline(path: str, snap: Optional[Dict[str, Any]] = None) -> str:
    """Plots live and cached bytes over the last recording's timeline into an image file (PNG, SVG, ...
    from the extension) with matplotlib, marking the peak. Returns path."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("tfl.memory.plot_timeline needs matplotlib, which is not installed: "
                          "pip install matplotlib") from e
    snap = snapshot() if snap is None else snap
    events = snap.get("timeline", [])
    if events:
        t0 = events[0]["t_ns"]
        t = [(e["t_ns"] - t0) * 1e-6 for e in events]
        live = [e["live_bytes"] / 2 ** 20 for e in events]
        cached = [e["cached_bytes"] / 2 ** 20 for e in events]
    else:
        t, live, cached = [], [], []
    fig, ax = plt.subplots(figsize=(8, 3.5))
    try:
        ax.step(t, live, where="post", label="live (tensors)")
        ax.step(t, cached, where="post", label="cached (free, kept)", alpha=0.7)
        if live:
            i = max(range(len(live)), key=live.__getitem__)
            rec = snap.get("recording", {})
            where = " / ".join(str(x) for x in (rec.get("peak_op"), rec.get("peak_module")) if x)
            ax.annotate("peak %.2f MiB%s" % (live[i], " (" + where + ")" if where else ""), (t[i], live[i]),
                        xytext=(5, 5), textcoords="offset points", fontsize=8)
        ax.set_xlabel("time since the recording started (ms)")
        ax.set_ylabel("MiB")
        ax.set_title("tenflowers memory timeline (%d events)" % len(events))
        ax.legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path


__all__ = ["stats", "reset_peak", "empty_cache", "set_limit", "get_limit", "start", "stop", "is_recording",
           "profile", "snapshot", "findings", "module_scope", "plot_timeline"]
