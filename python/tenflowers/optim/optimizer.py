"""tfl.optim optimizers: each wraps a core tfl_optimizer over a fixed list of parameters."""

import os
import tempfile
from collections.abc import MutableMapping
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from .._lib import api
from .._tensor import Tensor


def _params(params: Any) -> List[Tensor]:
    if isinstance(params, Tensor):
        raise TypeError("params must be an iterable of tensors (e.g. model.parameters()), got a single Tensor")
    ps = list(params)
    if ps and isinstance(ps[0], dict):
        if len(ps) != 1:
            raise NotImplementedError("tfl.optim supports one parameter group; create one optimizer per group")
        ps = list(ps[0]["params"])
    if not ps:
        raise ValueError("optimizer got an empty parameter list")
    for p in ps:
        if not isinstance(p, Tensor):
            raise TypeError("optimizer parameters must be tensors, got %s" % type(p).__name__)
    return ps


class _ParamGroup(MutableMapping):
    """param_groups[0]: the optimizer's hyperparameters, read and written through the core."""

    def __init__(self, opt: "Optimizer") -> None:
        self._opt = opt

    def __getitem__(self, key: str) -> Any:
        if key == "params":
            return list(self._opt._params)
        if key not in self._opt._hyper:
            raise KeyError(key)
        return api.optimizer_hyperparameter(self._opt._h, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self._opt._hyper:
            raise KeyError("%s has no hyperparameter %r (it has %s)" % (type(self._opt).__name__, key,
                                                                        ", ".join(self._opt._hyper)))
        api.optimizer_set_hyperparameter(self._opt._h, key, float(value))

    def __delitem__(self, key: str) -> None:
        raise TypeError("hyperparameters cannot be deleted")

    def __iter__(self) -> Iterator[str]:
        return iter(("params",) + self._opt._hyper)

    def __len__(self) -> int:
        return 1 + len(self._opt._hyper)


class Optimizer:
    """Base of the optimizers: step(), zero_grad(), lr, param_groups, state_dict()/load_state_dict()."""

    _hyper: Tuple[str, ...] = ()

    def __init__(self, params: Iterable[Tensor], handle_factory: Callable[[List[Any]], Any]) -> None:
        self._params = _params(params)
        self._h = handle_factory([p._h for p in self._params])
        self.param_groups = [_ParamGroup(self)]

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        loss = None
        if closure is not None:
            from .._autograd import enable_grad

            with enable_grad():
                loss = closure()
        api.optimizer_step(self._h)
        return loss

    def zero_grad(self, set_to_none: bool = True) -> None:
        api.optimizer_zero_grad(self._h, bool(set_to_none))

    @property
    def lr(self) -> float:
        return api.optimizer_lr(self._h)

    @lr.setter
    def lr(self, value: float) -> None:
        api.optimizer_set_lr(self._h, float(value))

    @property
    def name(self) -> str:
        return api.optimizer_name(self._h)

    def save(self, path: str) -> None:
        """Writes the optimizer's state (hyperparameters, steps, buffers) to a safetensors file."""
        api.optimizer_state_save(self._h, os.fspath(path))

    def load(self, path: str) -> None:
        api.optimizer_state_load(self._h, os.fspath(path))

    def state_dict(self) -> Dict[str, Tensor]:
        """The state as name -> tensor (the keys of the core's safetensors state file)."""
        return _state_via_file(self.save)

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        _load_via_file(self.load, state)

    def __repr__(self) -> str:
        g = self.param_groups[0]
        return "%s(%s)" % (type(self).__name__, ", ".join("%s=%g" % (k, g[k]) for k in self._hyper))


def _state_via_file(save: Callable[[str], None]) -> Dict[str, Tensor]:
    from .._serialization import load

    fd, path = tempfile.mkstemp(suffix=".safetensors")
    os.close(fd)
    try:
        save(path)
        return {k: v.clone() for k, v in load(path).items()}  # clone: independent of the file
    finally:
        os.unlink(path)


def _load_via_file(load: Callable[[str], None], state: Dict[str, Any]) -> None:
    from .._serialization import save

    fd, path = tempfile.mkstemp(suffix=".safetensors")
    os.close(fd)
    try:
        save(dict(state), path)
        load(path)
    finally:
        os.unlink(path)


class SGD(Optimizer):
    _hyper = ("lr", "momentum", "dampening", "weight_decay", "nesterov")

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(params, lambda hs: api.optim_sgd_create(hs, lr, momentum, dampening, weight_decay,
                                                                 bool(nesterov)))


class Adam(Optimizer):
    _hyper = ("lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad")
    _create = staticmethod(api.optim_adam_create)

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        create = self._create
        super().__init__(params, lambda hs: create(hs, lr, betas[0], betas[1], eps, weight_decay, bool(amsgrad)))


class AdamW(Adam):
    _create = staticmethod(api.optim_adamw_create)

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)


class RMSprop(Optimizer):
    _hyper = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False) -> None:
        super().__init__(params, lambda hs: api.optim_rmsprop_create(hs, lr, alpha, eps, weight_decay, momentum,
                                                                     bool(centered)))


class Adagrad(Optimizer):
    _hyper = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> None:
        super().__init__(params, lambda hs: api.optim_adagrad_create(hs, lr, lr_decay, weight_decay,
                                                                     initial_accumulator_value, eps))


class Lion(Optimizer):
    _hyper = ("lr", "beta1", "beta2", "weight_decay")

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-4, betas: Tuple[float, float] = (0.9, 0.99),
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lambda hs: api.optim_lion_create(hs, lr, betas[0], betas[1], weight_decay))
