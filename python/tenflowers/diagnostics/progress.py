"""Training-progress tracking: loss and metrics per step and per epoch, the best epoch, wall time and
throughput.

    progress = tfl.diagnostics.ProgressTracker(monitor="loss", mode="min")
    for epoch in range(epochs):
        progress.start_epoch()
        for xb, yb in (bar := tqdm(batches)):
            loss = ...
            progress.log_step(loss=loss, n=len(yb))
            bar.set_postfix(progress.postfix())
        progress.end_epoch(val_accuracy=acc)     # epoch-level values beside the step means
    progress.best_epoch()["epoch"]
"""

import math
import time
from typing import Any, Callable, Dict, List, Optional, Sequence


def _to_float(v: Any) -> float:
    return float(v)  # tfl.Tensor, NumPy scalars and numbers all convert


class ProgressTracker:
    """Logs values per step (log_step) and aggregates them per epoch (end_epoch): the sample-weighted mean
    of each step value over the epoch (the plain mean when n is not given), plus epoch-level values passed
    to end_epoch, the epoch's wall time and its throughput in samples per second.

    monitor/mode choose the value best_epoch() compares ("min" for losses, "max" for accuracies).
    clock is time.perf_counter unless given (tests pass a fake one).
    """

    def __init__(self, monitor: str = "loss", mode: str = "min", clock: Optional[Callable[[], float]] = None) -> None:
        if mode not in ("min", "max"):
            raise ValueError("ProgressTracker: mode must be 'min' or 'max', got %r" % (mode,))
        self.monitor = monitor
        self.mode = mode
        self._clock = clock or time.perf_counter
        self.steps: List[Dict[str, Any]] = []  # {"step", "epoch", "n", "time", name: value...}
        self.epochs: List[Dict[str, Any]] = []  # {"epoch", "wall_s", "samples", "steps", "samples_per_s", name: mean...}
        self._epoch_open = False
        self._epoch_start = 0.0
        self._sums: Dict[str, float] = {}
        self._weights: Dict[str, float] = {}
        self._epoch_samples = 0
        self._epoch_steps = 0
        self._t0: Optional[float] = None

    # ---- logging ---------------------------------------------------------------------------------

    def start_epoch(self) -> None:
        """Opens an epoch (log_step opens one by itself when none is open)."""
        if self._epoch_open:
            self.end_epoch()
        now = self._clock()
        if self._t0 is None:
            self._t0 = now
        self._epoch_open = True
        self._epoch_start = now
        self._sums, self._weights = {}, {}
        self._epoch_samples = 0
        self._epoch_steps = 0

    def log_step(self, loss: Any = None, n: Optional[int] = None, **metrics: Any) -> Dict[str, Any]:
        """Records one step's loss (a tensor or a number) and any other named values; n is the number of
        samples in the step (weights the epoch means and counts for the throughput). Returns the entry."""
        if not self._epoch_open:
            self.start_epoch()
        values = dict(metrics)
        if loss is not None:
            values = {"loss": loss, **values}
        entry: Dict[str, Any] = {"step": len(self.steps), "epoch": len(self.epochs) + 1,
                                 "n": n, "time": self._clock() - (self._t0 or 0.0)}
        w = float(n) if n is not None else 1.0
        for k, v in values.items():
            fv = _to_float(v)
            entry[k] = fv
            self._sums[k] = self._sums.get(k, 0.0) + w * fv
            self._weights[k] = self._weights.get(k, 0.0) + w
        self._epoch_samples += int(n) if n is not None else 0
        self._epoch_steps += 1
        self.steps.append(entry)
        return entry

    def end_epoch(self, **epoch_values: Any) -> Dict[str, Any]:
        """Closes the epoch: step means, epoch_values (e.g. val_accuracy=...), wall_s, samples,
        samples_per_s. Returns the epoch's entry."""
        if not self._epoch_open:
            self.start_epoch()
        wall = self._clock() - self._epoch_start
        entry: Dict[str, Any] = {"epoch": len(self.epochs) + 1, "wall_s": wall, "steps": self._epoch_steps,
                                 "samples": self._epoch_samples,
                                 "samples_per_s": self._epoch_samples / wall if wall > 0 else float("nan")}
        for k, s in self._sums.items():
            entry[k] = s / self._weights[k] if self._weights[k] else float("nan")
        for k, v in epoch_values.items():
            entry[k] = _to_float(v)
        self.epochs.append(entry)
        self._epoch_open = False
        return entry

    # ---- queries ---------------------------------------------------------------------------------

    def running(self) -> Dict[str, float]:
        """Means of the current epoch's step values so far."""
        return {k: s / self._weights[k] for k, s in self._sums.items() if self._weights[k]}

    def postfix(self, fmt: str = "%.4f") -> Dict[str, str]:
        """The running means formatted for tqdm: bar.set_postfix(progress.postfix())."""
        return {k: fmt % v for k, v in self.running().items()}

    def best_epoch(self, monitor: Optional[str] = None, mode: Optional[str] = None) -> Optional[Dict[str, Any]]:
        """The epoch entry with the lowest (mode "min") or highest ("max") monitored value, None when no
        epoch has it. The first one wins ties."""
        key, mode = monitor or self.monitor, mode or self.mode
        cand = [e for e in self.epochs if key in e and not math.isnan(e[key])]
        if not cand:
            return None
        pick = min if mode == "min" else max
        return pick(cand, key=lambda e: e[key])

    def series(self, name: str, per: str = "step") -> List[float]:
        """The values of name per step ("step") or per epoch ("epoch"), skipping entries without it."""
        rows = self.steps if per == "step" else self.epochs
        return [r[name] for r in rows if name in r]

    def names(self) -> List[str]:
        """Every value name logged (loss first)."""
        seen: List[str] = []
        for rows in (self.steps, self.epochs):
            for r in rows:
                for k in r:
                    if k not in _RESERVED and k not in seen:
                        seen.append(k)
        return sorted(seen, key=lambda k: (k != "loss", seen.index(k)))

    @property
    def total_time(self) -> float:
        return sum(e["wall_s"] for e in self.epochs)

    @property
    def total_samples(self) -> int:
        return sum(e["samples"] for e in self.epochs)

    def to_dict(self) -> Dict[str, Any]:
        """Everything logged as plain lists and dicts (the report's input)."""
        best = self.best_epoch()
        return {"monitor": self.monitor, "mode": self.mode, "steps": [dict(s) for s in self.steps],
                "epochs": [dict(e) for e in self.epochs], "best_epoch": None if best is None else best["epoch"],
                "total_time_s": self.total_time, "total_samples": self.total_samples}


_RESERVED = ("step", "epoch", "n", "time", "wall_s", "steps", "samples", "samples_per_s")

__all__: Sequence[str] = ["ProgressTracker"]
