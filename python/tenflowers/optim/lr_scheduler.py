"""tfl.optim.lr_scheduler: learning-rate schedules, each wrapping a core tfl_scheduler over an optimizer.
Call scheduler.step() after optimizer.step()."""

import os
from typing import Any, Callable, Dict, List, Optional

from .._lib import InvalidArgumentError, api
from .optimizer import Optimizer, _load_via_file, _state_via_file


class LRScheduler:
    """A schedule over every parameter group of an optimizer: one core tfl_scheduler per group, each scaling
    that group's base learning rate (its lr when the scheduler was built), as PyTorch's schedulers do."""

    def __init__(self, optimizer: Optimizer, make: Callable[[Any, int], Any]) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError("a scheduler needs a tfl.optim optimizer, got %s" % type(optimizer).__name__)
        self.optimizer = optimizer
        self._hs = [make(g._h, i) for i, g in enumerate(optimizer.param_groups)]

    @property
    def _h(self) -> Any:
        return self._hs[0]

    def step(self) -> None:
        for h in self._hs:
            api.scheduler_step(h)

    def get_last_lr(self) -> List[float]:
        return [api.scheduler_last_lr(h) for h in self._hs]

    @property
    def last_epoch(self) -> int:
        return api.scheduler_last_epoch(self._h)

    def save(self, path: str) -> None:
        if len(self._hs) == 1:
            api.scheduler_state_save(self._h, os.fspath(path))
            return
        from .._serialization import save

        save(self.state_dict(), os.fspath(path))

    def load(self, path: str) -> None:
        if len(self._hs) == 1:
            api.scheduler_state_load(self._h, os.fspath(path))
            return
        from .._serialization import load

        self.load_state_dict(load(os.fspath(path)))

    def state_dict(self) -> Dict[str, Any]:
        """{"last_epoch", "base_lrs"} (base_lrs: one value per group), as the core's state file."""
        if len(self._hs) == 1:
            return _state_via_file(self.save)
        from .._creation import tensor

        parts = [_state_via_file(lambda path, h=h: api.scheduler_state_save(h, path)) for h in self._hs]
        out = dict(parts[0])
        out["base_lrs"] = tensor([float(p["base_lrs"].tolist()[0]) for p in parts], dtype="float64")
        return out

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        if len(self._hs) == 1:
            _load_via_file(self.load, state)
            return
        from .._creation import tensor

        bases = state.get("base_lrs")
        if bases is None or len(bases) != len(self._hs):
            raise InvalidArgumentError("[load_state_dict] base_lrs must hold one value per parameter group (%d)"
                                       % len(self._hs))
        values = tensor(bases, dtype="float64").tolist()
        for h, v in zip(self._hs, values):
            part = dict(state)
            part["base_lrs"] = tensor([v], dtype="float64")
            _load_via_file(lambda path, h=h: api.scheduler_state_load(h, path), part)


def _per_group(value: Any, i: int) -> Any:
    """A per-group argument: a list/tuple gives each group its own value (as PyTorch's max_lr)."""
    return value[i] if isinstance(value, (list, tuple)) else value


class StepLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer, lambda h, i: api.sched_step_create(h, step_size, gamma))


class ExponentialLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        super().__init__(optimizer, lambda h, i: api.sched_exponential_create(h, gamma))


class CosineAnnealingLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        super().__init__(optimizer, lambda h, i: api.sched_cosine_create(h, T_max, eta_min))


class LinearWarmup(LRScheduler):
    """lr rises linearly from start_factor * base to base over warmup_steps, then follows `after` (another
    scheduler over the same optimizer, its epochs counted from the end of the warm-up) or stays at base."""

    def __init__(self, optimizer: Optimizer, warmup_steps: int, start_factor: float = 1.0 / 3,
                 after: Optional[LRScheduler] = None) -> None:
        self.after = after
        if after is not None and len(after._hs) != len(optimizer.param_groups):
            raise ValueError("LinearWarmup: `after` must schedule the same optimizer")
        super().__init__(optimizer, lambda h, i: api.sched_linear_warmup_create(
            h, warmup_steps, start_factor, None if after is None else after._hs[i]))


class OneCycleLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, max_lr: float, total_steps: Optional[int] = None,
                 epochs: Optional[int] = None, steps_per_epoch: Optional[int] = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True, base_momentum: float = 0.85,
                 max_momentum: float = 0.95, div_factor: float = 25.0, final_div_factor: float = 1e4,
                 three_phase: bool = False) -> None:
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR needs total_steps, or epochs and steps_per_epoch")
            total_steps = epochs * steps_per_epoch
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("anneal_strategy must be 'cos' or 'linear', got %r" % (anneal_strategy,))
        super().__init__(optimizer, lambda h, i: api.sched_one_cycle_create(
            h, _per_group(max_lr, i), total_steps, pct_start, 0 if anneal_strategy == "cos" else 1, div_factor,
            final_div_factor, bool(three_phase), bool(cycle_momentum), base_momentum, max_momentum))


__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "LinearWarmup", "OneCycleLR"]
