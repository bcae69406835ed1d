"""Gradient-flow tracking: per-layer gradient and weight norms over training steps, with warnings when
gradients vanish or explode.

    tracker = tfl.diagnostics.GradientFlowTracker(model)
    for xb, yb in batches:
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad(); loss.backward()
        tracker.record()                 # after backward, before (or after) opt.step()
        opt.step()
    for f in tracker.findings: print(f)

A "layer" is the module that owns a parameter (the parameter name without its last component:
"features.0.weight" belongs to layer "features.0"); its gradient norm is the L2 norm of all its
parameters' gradients taken together.
"""

import math
import warnings
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .._autograd import no_grad


class GradientFlowWarning(UserWarning):
    """Base class of the warnings the gradient-flow tracker issues (filter them with
    warnings.simplefilter("ignore", tfl.diagnostics.GradientFlowWarning))."""


class VanishingGradientWarning(GradientFlowWarning):
    """A layer's gradient norm stayed below the vanishing threshold, or is tiny next to the other layers'."""


class ExplodingGradientWarning(GradientFlowWarning):
    """A layer's gradient norm is above the exploding threshold, grew by the growth factor within a few
    steps, or is not finite."""


@dataclass(frozen=True)
class Finding:
    """One diagnosis: kind ("vanishing" or "exploding"), the layer, the step it was first seen at, the
    gradient norm then and a sentence saying why."""

    kind: str
    layer: str
    step: int
    value: float
    message: str

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> Dict[str, Any]:
        return {"kind": self.kind, "layer": self.layer, "step": self.step, "value": self.value,
                "message": self.message}


def _layer_of(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else "(root)"


def _sq_norm(t) -> float:
    """Squared L2 norm of a tensor with one fused reduction (a dot product of the flattened tensor with
    itself; the reshape is a view for the contiguous gradients and parameters autograd produces)."""
    flat = t.reshape(-1)
    return float(flat.dot(flat))


class GradientFlowTracker:
    """Records per-parameter and per-layer gradient L2 norms (and weight norms and the update ratio) of
    model at each record() call, and flags vanishing and exploding gradients.

    Thresholds (all per layer):
      vanishing: norm < vanish_threshold for patience consecutive records, or norm / median layer norm
                 < vanish_ratio for patience consecutive records;
      exploding: norm > explode_threshold, a non-finite norm, or norm > growth_factor times the median
                 of the growth_window records before the rise, for growth_patience records in a row (and
                 at least growth_min_norm, so that small, noisy gradients early in training do not count).
    Each (kind, layer) pair is warned about once (warnings.warn with VanishingGradientWarning or
    ExplodingGradientWarning) and listed once in findings.

    The update ratio is lr * |grad| / |weight| (the size of a plain gradient step next to the weight) when
    lr or optimizer is given, else |grad| / |weight|.
    """

    def __init__(self, model: Any, *, every: int = 1, vanish_threshold: float = 1e-7, vanish_ratio: float = 1e-4,
                 patience: int = 3, explode_threshold: float = 1e3, growth_factor: float = 10.0,
                 growth_window: int = 5, growth_min_norm: float = 1.0, growth_patience: int = 2, lr: Optional[float] = None,
                 optimizer: Any = None, warn: bool = True) -> None:
        if every < 1 or patience < 1 or growth_window < 1 or growth_patience < 1:
            raise ValueError("GradientFlowTracker: every, patience, growth_window and growth_patience must be >= 1")
        self.model = model
        self.every = every
        self.vanish_threshold = vanish_threshold
        self.vanish_ratio = vanish_ratio
        self.patience = patience
        self.explode_threshold = explode_threshold
        self.growth_factor = growth_factor
        self.growth_window = growth_window
        self.growth_min_norm = growth_min_norm
        self.growth_patience = growth_patience
        self._growth_streak: Dict[str, int] = {}
        self.lr = lr
        self.optimizer = optimizer
        self.warn = warn
        self.steps: List[int] = []
        self.param_grad_norms: Dict[str, List[float]] = {}
        self.layer_grad_norms: Dict[str, List[float]] = {}
        self.layer_weight_norms: Dict[str, List[float]] = {}
        self.layer_update_ratios: Dict[str, List[float]] = {}
        self.findings: List[Finding] = []
        self._flagged: set = set()
        self._low_streak: Dict[str, int] = {}
        self._ratio_streak: Dict[str, int] = {}
        self._calls = 0
        self._params: List[Tuple[str, Any]] = list(model.named_parameters())
        self.layers: List[str] = []
        for name, _ in self._params:
            layer = _layer_of(name)
            if layer not in self.layers:
                self.layers.append(layer)

    def _current_lr(self) -> Optional[float]:
        if self.optimizer is not None:
            lr = getattr(self.optimizer, "lr", None)
            if lr is None and getattr(self.optimizer, "param_groups", None):
                lr = self.optimizer.param_groups[0].get("lr")
            return None if lr is None else float(lr)
        return self.lr

    def record(self, step: Optional[int] = None) -> bool:
        """Reads the gradients now (call it after backward()). Records only every `every`-th call; returns
        whether this call recorded. step defaults to the number of calls so far."""
        self._calls += 1
        step = self._calls - 1 if step is None else int(step)
        if (self._calls - 1) % self.every:
            return False
        grad_sq: Dict[str, float] = {}
        weight_sq: Dict[str, float] = {}
        with no_grad():
            for name, p in self._params:
                g = p.grad
                layer = _layer_of(name)
                w2 = _sq_norm(p)
                weight_sq[layer] = weight_sq.get(layer, 0.0) + w2
                if g is None:
                    continue
                g2 = _sq_norm(g)
                self.param_grad_norms.setdefault(name, []).append(math.sqrt(g2) if g2 >= 0 else float("nan"))
                grad_sq[layer] = grad_sq.get(layer, 0.0) + g2
        if not grad_sq:
            return False
        self.steps.append(step)
        lr = self._current_lr()
        norms = {layer: math.sqrt(v) if v >= 0 else float("nan") for layer, v in grad_sq.items()}
        for layer, n in norms.items():
            w = math.sqrt(weight_sq.get(layer, 0.0))
            self.layer_grad_norms.setdefault(layer, []).append(n)
            self.layer_weight_norms.setdefault(layer, []).append(w)
            ratio = (n / w if w > 0 else float("inf")) * (lr if lr is not None else 1.0)
            self.layer_update_ratios.setdefault(layer, []).append(ratio)
        self._check(step, norms)
        return True

    # ---- diagnosis -------------------------------------------------------------------------------

    def _flag(self, kind: str, layer: str, step: int, value: float, message: str) -> None:
        if (kind, layer) in self._flagged:
            return
        self._flagged.add((kind, layer))
        f = Finding(kind, layer, step, value, message)
        self.findings.append(f)
        if self.warn:
            cls = VanishingGradientWarning if kind == "vanishing" else ExplodingGradientWarning
            warnings.warn(message, cls, stacklevel=3)

    def _check(self, step: int, norms: Dict[str, float]) -> None:
        finite = sorted(v for v in norms.values() if math.isfinite(v))
        median = finite[len(finite) // 2] if len(finite) % 2 else (
            0.5 * (finite[len(finite) // 2 - 1] + finite[len(finite) // 2]) if finite else 0.0)
        for layer, n in norms.items():
            hist = self.layer_grad_norms[layer]
            if not math.isfinite(n):
                self._flag("exploding", layer, step, n, "exploding gradients in layer '%s': the gradient norm is %s "
                           "at step %d" % (layer, n, step))
                continue
            if n > self.explode_threshold:
                self._flag("exploding", layer, step, n, "exploding gradients in layer '%s': gradient norm %.3g > %g "
                           "at step %d" % (layer, n, self.explode_threshold, step))
            # Growth: the norm stays above growth_factor x the median of the records before the rise for
            # growth_patience records in a row (a single spike from one hard batch is not an explosion).
            streak = self._growth_streak.get(layer, 0)
            prev = [v for v in hist[-1 - streak - self.growth_window:-1 - streak] if math.isfinite(v)]
            base = sorted(prev)[len(prev) // 2] if prev else 0.0
            if prev and n >= self.growth_min_norm and n > self.growth_factor * base:
                streak += 1
            else:
                streak = 0
            self._growth_streak[layer] = streak
            if streak >= self.growth_patience:
                self._flag("exploding", layer, step, n, "exploding gradients in layer '%s': gradient norm grew "
                           "from %.3g to %.3g (x%.3g) and stayed above x%g for %d steps (at step %d)"
                           % (layer, base, n, n / max(base, 1e-300), self.growth_factor, streak, step))
            self._low_streak[layer] = self._low_streak.get(layer, 0) + 1 if n < self.vanish_threshold else 0
            if self._low_streak[layer] >= self.patience:
                self._flag("vanishing", layer, step, n, "vanishing gradients in layer '%s': gradient norm %.3g "
                           "< %g for %d consecutive steps (at step %d)"
                           % (layer, n, self.vanish_threshold, self.patience, step))
            tiny = len(norms) > 1 and median > 0 and n / median < self.vanish_ratio
            self._ratio_streak[layer] = self._ratio_streak.get(layer, 0) + 1 if tiny else 0
            if self._ratio_streak[layer] >= self.patience:
                self._flag("vanishing", layer, step, n, "vanishing gradients in layer '%s': gradient norm %.3g is "
                           "%.2g times the median layer's (%.3g) for %d consecutive steps (at step %d)"
                           % (layer, n, n / median, median, self.patience, step))

    # ---- queries ---------------------------------------------------------------------------------

    def vanishing(self) -> List[Finding]:
        return [f for f in self.findings if f.kind == "vanishing"]

    def exploding(self) -> List[Finding]:
        return [f for f in self.findings if f.kind == "exploding"]

    def healthy(self) -> bool:
        return not self.findings

    def summary(self) -> List[Dict[str, Any]]:
        """Per layer: the last, mean, min and max gradient norm, the last weight norm and update ratio."""
        rows = []
        for layer in self.layers:
            g = self.layer_grad_norms.get(layer)
            if not g:
                continue
            fin = [v for v in g if math.isfinite(v)] or [float("nan")]
            rows.append({"layer": layer, "last": g[-1], "mean": sum(fin) / len(fin), "min": min(fin),
                         "max": max(fin), "weight_norm": self.layer_weight_norms[layer][-1],
                         "update_ratio": self.layer_update_ratios[layer][-1]})
        return rows

    def to_dict(self) -> Dict[str, Any]:
        """Everything recorded as plain lists and dicts (the report's input)."""
        return {"steps": list(self.steps), "layers": [l for l in self.layers if l in self.layer_grad_norms],
                "grad_norms": {k: list(v) for k, v in self.layer_grad_norms.items()},
                "weight_norms": {k: list(v) for k, v in self.layer_weight_norms.items()},
                "update_ratios": {k: list(v) for k, v in self.layer_update_ratios.items()},
                "param_grad_norms": {k: list(v) for k, v in self.param_grad_norms.items()},
                "findings": [f.to_dict() for f in self.findings], "summary": self.summary()}


__all__: Sequence[str] = ["GradientFlowTracker", "GradientFlowWarning", "VanishingGradientWarning",
                          "ExplodingGradientWarning", "Finding"]
