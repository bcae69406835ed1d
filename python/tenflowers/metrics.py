"""tfl.metrics: classification metrics (not differentiable), matching scikit-learn's definitions.

    tfl.metrics.accuracy(logits, y)                 # argmax over the last axis when pred has one more axis
    tfl.metrics.top_k_accuracy(logits, y, k=5)
    tfl.metrics.confusion_matrix(pred, y, num_classes=10)   # Tensor [C, C], rows = targets
    tfl.metrics.precision_recall_f1(pred, y, average="macro")

pred is labels with target's shape or scores with one more trailing class axis; inputs may be Tensors,
NumPy arrays or nested lists.
"""

from typing import Any, Dict, Optional, Tuple, Union

from ._lib import api, lib
from ._tensor import Tensor, _as_tensor, _wrap

__all__ = ["accuracy", "top_k_accuracy", "confusion_matrix", "precision_recall_f1"]

_AVERAGES = {"macro": lib.TFL_AVERAGE_MACRO, "micro": lib.TFL_AVERAGE_MICRO, "weighted": lib.TFL_AVERAGE_WEIGHTED}


def _t(x: Any) -> Tensor:
    return _as_tensor(x, None)


def _zero_division(z: Any) -> float:
    if isinstance(z, str) and z == "warn":  # scikit-learn's default: 0 (we do not warn)
        return 0.0
    return float(z)


def accuracy(pred: Any, target: Any) -> float:
    """Fraction of samples whose predicted label equals the target."""
    return float(api.metrics_accuracy(_t(pred)._h, _t(target)._h))


def top_k_accuracy(scores: Any, target: Any, k: int = 5) -> float:
    """Fraction of samples whose target is among the k highest scores of its row (scores [N, C])."""
    return float(api.metrics_top_k_accuracy(_t(scores)._h, _t(target)._h, int(k)))


def confusion_matrix(pred: Any, target: Any, num_classes: Optional[int] = None) -> Tensor:
    """int64 Tensor [C, C]: entry [t, p] counts samples with target t predicted as p. num_classes=None:
    one more than the largest label."""
    n = -1 if num_classes is None else int(num_classes)
    return _wrap(api.metrics_confusion_matrix(_t(pred)._h, _t(target)._h, n))


def precision_recall_f1(pred: Any, target: Any, num_classes: Optional[int] = None,
                        average: Optional[str] = None,
                        zero_division: Union[float, str] = 0.0) -> Union[Dict[str, Any], Tuple[float, float, float]]:
    """Precision, recall and F1 as scikit-learn's precision_recall_fscore_support(labels=range(C)).

    average=None: a dict of per-class lists {"precision", "recall", "f1", "support"};
    average="macro" | "micro" | "weighted": a tuple (precision, recall, f1).
    zero_division: the value of a ratio with denominator 0: 0, 1 or float("nan") ("warn" means 0)."""
    n = -1 if num_classes is None else int(num_classes)
    z = _zero_division(zero_division)
    p, t = _t(pred), _t(target)
    if average is None:
        table = _wrap(api.metrics_precision_recall_f1(p._h, t._h, n, z)).tolist()
        return {"precision": table[0], "recall": table[1], "f1": table[2], "support": [int(v) for v in table[3]]}
    if average not in _AVERAGES:
        raise ValueError("average must be None, 'macro', 'micro' or 'weighted', got %r" % (average,))
    pr, rc, f1 = api.metrics_precision_recall_f1_average(p._h, t._h, n, _AVERAGES[average], z)
    return float(pr), float(rc), float(f1)


