"""tfl.random: seeded random tensors (one generator per process; seed() makes runs repeatable)."""

from typing import Any, Tuple

from . import _dtype
from ._dtype import as_dtype
from ._lib import api
from ._tensor import Tensor, ShapeLike, _shape_tuple, _wrap

__all__ = ["seed", "get_state", "set_state", "rand", "randn", "uniform", "normal", "randint", "bernoulli",
           "rand_like", "randn_like"]


def _dt(dtype: Any) -> int:
    return (_dtype.default_float if dtype is None else as_dtype(dtype)).code


def seed(value: int) -> None:
    """Seeds the generator: the same seed gives the same sequence of tensors."""
    api.random_seed(value)


def get_state() -> Tuple[int, int]:
    return tuple(api.random_state())  # type: ignore[return-value]


def set_state(state: Tuple[int, int]) -> None:
    api.random_set_state(state[0], state[1])


def rand(*shape: Any, dtype: Any = None) -> Tensor:
    """Uniform on [0, 1)."""
    s = _shape_tuple(shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)
    return _wrap(api.tensor_rand(s, _dt(dtype)))


def randn(*shape: Any, dtype: Any = None) -> Tensor:
    """Standard normal."""
    s = _shape_tuple(shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)
    return _wrap(api.tensor_randn(s, _dt(dtype)))


def uniform(low: float = 0.0, high: float = 1.0, size: ShapeLike = (), dtype: Any = None) -> Tensor:
    return _wrap(api.tensor_uniform(_shape_tuple(size), low, high, _dt(dtype)))


def normal(mean: float = 0.0, std: float = 1.0, size: ShapeLike = (), dtype: Any = None) -> Tensor:
    return _wrap(api.tensor_normal(_shape_tuple(size), mean, std, _dt(dtype)))


def randint(low: int, high: int, size: ShapeLike = (), dtype: Any = None) -> Tensor:
    return _wrap(api.tensor_randint(_shape_tuple(size), low, high, (_dtype.int64 if dtype is None else as_dtype(dtype)).code))


def bernoulli(p: Any, size: ShapeLike = (), dtype: Any = None) -> Tensor:
    if isinstance(p, Tensor):
        return _wrap(api.tensor_bernoulli_probs(p._h, _dt(dtype)))
    return _wrap(api.tensor_bernoulli(_shape_tuple(size), p, _dt(dtype)))


def rand_like(x: Tensor) -> Tensor:
    return _wrap(api.tensor_rand_like(x._h))


def randn_like(x: Tensor) -> Tensor:
    return _wrap(api.tensor_randn_like(x._h))
