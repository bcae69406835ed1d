"""The numerical check mode: NaN/Inf produced by an op or a backward function raises NumericalError."""

import contextlib
from typing import Iterator

from ._lib import api


def set_numerical_check_enabled(enabled: bool) -> None:
    """Turns the process-wide numerical check mode on or off (off by default). While on, an op whose
    floating output holds NaN/Inf its inputs did not, or a backward function that returns such a gradient,
    raises NumericalError naming the op (like torch.autograd.detect_anomaly)."""
    api.numerical_check_set_enabled(bool(enabled))


def is_numerical_check_enabled() -> bool:
    return bool(api.numerical_check_enabled())


@contextlib.contextmanager
def numerical_check(enabled: bool = True) -> Iterator[None]:
    """Context manager: the numerical check mode is `enabled` inside, and restored on exit."""
    prev = is_numerical_check_enabled()
    set_numerical_check_enabled(enabled)
    try:
        yield
    finally:
        set_numerical_check_enabled(prev)


detect_anomaly = numerical_check
