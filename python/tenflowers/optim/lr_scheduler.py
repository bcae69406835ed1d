"""tfl.optim.lr_scheduler: learning-rate schedules, each wrapping a core tfl_scheduler over an optimizer.
Call scheduler.step() after optimizer.step()."""

import os
from typing import Any, Dict, List, Optional

from .._lib import api
from .optimizer import Optimizer, _load_via_file, _state_via_file


class LRScheduler:
    def __init__(self, optimizer: Optimizer, handle: Any) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError("a scheduler needs a tfl.optim optimizer, got %s" % type(optimizer).__name__)
        self.optimizer = optimizer
        self._h = handle

    def step(self) -> None:
        api.scheduler_step(self._h)

    def get_last_lr(self) -> List[float]:
        return [api.scheduler_last_lr(self._h)]

    @property
    def last_epoch(self) -> int:
        return api.scheduler_last_epoch(self._h)

    def save(self, path: str) -> None:
        api.scheduler_state_save(self._h, os.fspath(path))

    def load(self, path: str) -> None:
        api.scheduler_state_load(self._h, os.fspath(path))

    def state_dict(self) -> Dict[str, Any]:
        return _state_via_file(self.save)

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        _load_via_file(self.load, state)


class StepLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer, api.sched_step_create(optimizer._h, step_size, gamma))


class ExponentialLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        super().__init__(optimizer, api.sched_exponential_create(optimizer._h, gamma))


class CosineAnnealingLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        super().__init__(optimizer, api.sched_cosine_create(optimizer._h, T_max, eta_min))


class LinearWarmup(LRScheduler):
    """lr rises linearly from start_factor * base to base over warmup_steps, then follows `after` (another
    scheduler over the same optimizer, its epochs counted from the end of the warm-up) or stays at base."""

    def __init__(self, optimizer: Optimizer, warmup_steps: int, start_factor: float = 1.0 / 3,
                 after: Optional[LRScheduler] = None) -> None:
        self.after = after
        super().__init__(optimizer, api.sched_linear_warmup_create(optimizer._h, warmup_steps, start_factor,
                                                                   None if after is None else after._h))


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
        super().__init__(optimizer, api.sched_one_cycle_create(
            optimizer._h, max_lr, total_steps, pct_start, 0 if anneal_strategy == "cos" else 1, div_factor,
            final_div_factor, bool(three_phase), bool(cycle_momentum), base_momentum, max_momentum))


__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "LinearWarmup", "OneCycleLR"]
