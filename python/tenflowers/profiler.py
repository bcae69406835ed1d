"""tfl.profiler: the op-level profiler (time and calls per op, module and category, the bottleneck).

    with tfl.profiler.profile() as prof:
        loss = model(x).sum(); loss.backward()
    print(prof.summary())                  # table of ops, categories, modules, and the bottleneck sentence
    prof.report()["categories"]["blas"]    # ns of self time in matrix multiplication

Every op is timed once where it enters the core (total time with nested ops, self time without them);
backward functions appear as "<op>_backward" (category "autograd"). framework_overhead is the recorded
wall time spent outside every op (Python, argument conversion, the C ABI, autograd bookkeeping).
Modules: core modules (nn.Linear, a Sequential of core layers, ...) time themselves under dotted paths
("Sequential.0"); while the profiler runs, Python-defined modules are timed too, named by the attribute
their parent holds them under ("MLP.encoder"). When the profiler is off an op pays one atomic load.
"""

import contextlib
import json
import threading
from typing import Any, Dict, Iterator, Optional

from ._lib import api
from .memory import _text

__all__ = ["start", "stop", "reset", "is_enabled", "report", "summary", "profile", "Profile"]


# ---- module scopes for Python-defined modules ------------------------------------------------------
# Module.__call__ is wrapped only while the profiler runs, so a stopped profiler costs Python nothing.

_tls = threading.local()
_orig_call: Optional[Any] = None
_lock = threading.Lock()


def _runs_in_core(m: Any) -> bool:
    """Whether m's forward runs a core module, which opens its own scope."""
    from .nn.layers import CoreModule, Sequential

    if isinstance(m, CoreModule):
        return True
    return isinstance(m, Sequential) and m._core() is not None


def _install_module_scopes() -> None:
    global _orig_call
    from .nn.module import Module

    with _lock:
        if _orig_call is not None:
            return
        orig = Module.__call__

        def __call__(self: Any, *args: Any, **kwargs: Any) -> Any:
            if _runs_in_core(self):
                return orig(self, *args, **kwargs)
            stack = getattr(_tls, "stack", None)
            if stack is None:
                stack = _tls.stack = []
            if stack:
                parent, parent_path = stack[-1]
                name = next((k for k, v in parent._modules.items() if v is self), type(self).__name__)
                path = parent_path + "." + name
            else:
                path = type(self).__name__
            stack.append((self, path))
            api.memory_push_module(path)
            try:
                return orig(self, *args, **kwargs)
            finally:
                api.memory_pop_module()
                stack.pop()

        _orig_call = orig
        Module.__call__ = __call__


def _remove_module_scopes() -> None:
    global _orig_call
    from .nn.module import Module

    with _lock:
        if _orig_call is not None:
            Module.__call__ = _orig_call
            _orig_call = None


# ---- control ---------------------------------------------------------------------------------------


def start() -> None:
    """Starts (or resumes) timing every op, backward function and module; totals accumulate until reset()."""
    _install_module_scopes()
    api.profiler_start()


def stop() -> None:
    """Stops timing; the totals stay available to report() and summary()."""
    api.profiler_stop()
    _remove_module_scopes()


def reset() -> None:
    """Clears every total (while running, the clock restarts now)."""
    api.profiler_reset()


def is_enabled() -> bool:
    return bool(api.profiler_enabled())


def report() -> Dict[str, Any]:
    """The profile as a dict: total_ns, op_ns, ops [{name, category, calls, total_ns, self_ns, max_ns}] by
    decreasing self time, modules [{path, calls, total_ns, self_ns}], categories {blas, elementwise,
    reduction, nn, memory, optimizer, autograd, other, framework_overhead} (ns of self time), slowest
    (the 10 longest calls with their module), bottleneck (a sentence)."""
    return json.loads(_text(api.profiler_report_json, -1))


def summary(max_rows: int = 20) -> str:
    """The profile as a readable table ending with the bottleneck sentence."""
    return _text(api.profiler_summary, int(max_rows))


class Profile:
    """What profile() yields: report() and summary() of the block (frozen when the block ends)."""

    def __init__(self) -> None:
        self._report: Optional[Dict[str, Any]] = None
        self._summary: Optional[str] = None

    def report(self) -> Dict[str, Any]:
        return self._report if self._report is not None else report()

    def summary(self, max_rows: int = 20) -> str:
        if self._summary is not None and max_rows == 20:
            return self._summary
        return summary(max_rows)

    @property
    def bottleneck(self) -> str:
        return self.report()["bottleneck"]

    def __repr__(self) -> str:
        r = self.report()
        return "<tfl.profiler.Profile %.3f ms, %d ops>" % (r["total_ns"] * 1e-6, len(r["ops"]))


@contextlib.contextmanager
def profile() -> Iterator[Profile]:
    """Profiles the block: reset() and start() on entry, stop() on exit (also on error); the yielded
    Profile keeps the block's report and summary."""
    prof = Profile()
    reset()
    start()
    try:
        yield prof
    finally:
        stop()
        prof._report = report()
        prof._summary = summary()
