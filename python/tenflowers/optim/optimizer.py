"""tfl.optim optimizers: each parameter group wraps a core tfl_optimizer over a fixed list of parameters."""

import os
import tempfile
from collections.abc import MutableMapping
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from .._lib import InvalidArgumentError, api
from .._tensor import Tensor


def _tensor_list(params: Any, what: str) -> List[Tensor]:
    if isinstance(params, Tensor):
        raise TypeError("%s must be an iterable of tensors (e.g. model.parameters()), got a single Tensor" % what)
    ps = list(params)
    for p in ps:
        if not isinstance(p, Tensor):
            raise TypeError("optimizer parameters must be tensors, got %s" % type(p).__name__)
    return ps


def _group_specs(params: Any) -> List[Dict[str, Any]]:
    """The constructor's params as a list of group dicts (PyTorch style: an iterable of tensors is one group,
    an iterable of dicts with a "params" key is one group each)."""
    if isinstance(params, Tensor):
        raise TypeError("params must be an iterable of tensors (e.g. model.parameters()), got a single Tensor")
    items = list(params)
    if not items:
        raise ValueError("optimizer got an empty parameter list")
    if not isinstance(items[0], dict):
        return [{"params": _tensor_list(items, "params")}]
    groups = []
    for g in items:
        if not isinstance(g, dict) or "params" not in g:
            raise TypeError("parameter groups must all be dicts with a 'params' key")
        groups.append(dict(g))
    return groups


# Hyperparameters PyTorch groups with a tuple, stored by the core as separate values.
_TUPLES = {"betas": ("beta1", "beta2")}


class _ParamGroup(MutableMapping):
    """One entry of optimizer.param_groups: its parameters and hyperparameters. Each group is a core
    tfl_optimizer of its own; the hyperparameters are read and written through it, so a change (by the
    user or a scheduler) takes effect at the next step. Keys other than hyperparameters are kept as given."""

    def __init__(self, opt: "Optimizer", handle: Any, params: List[Tensor], extra: Dict[str, Any]) -> None:
        self._opt = opt
        self._h = handle
        self._params = params
        self._extra = extra

    def _tuple_keys(self) -> Tuple[str, ...]:
        return tuple(k for k, parts in _TUPLES.items() if all(p in self._opt._hyper for p in parts))

    def __getitem__(self, key: str) -> Any:
        if key == "params":
            return list(self._params)
        if key in self._opt._hyper:
            return api.optimizer_hyperparameter(self._h, key)
        if key in _TUPLES and key in self._tuple_keys():
            return tuple(api.optimizer_hyperparameter(self._h, k) for k in _TUPLES[key])
        if key in self._extra:
            return self._extra[key]
        raise KeyError(key)

    def __setitem__(self, key: str, value: Any) -> None:
        if key == "params":
            raise TypeError("the parameters of a group cannot be replaced; create a new optimizer")
        if key in self._opt._hyper:
            api.optimizer_set_hyperparameter(self._h, key, float(value))
        elif key in _TUPLES and key in self._tuple_keys():
            for k, v in zip(_TUPLES[key], value):
                api.optimizer_set_hyperparameter(self._h, k, float(v))
        elif key in self._opt._known or key in _TUPLES:
            raise KeyError("%s has no hyperparameter %r (it has %s)" % (type(self._opt).__name__, key,
                                                                        ", ".join(self._opt._hyper)))
        else:
            self._extra[key] = value

    def __delitem__(self, key: str) -> None:
        if key in self._extra:
            del self._extra[key]
            return
        raise TypeError("hyperparameters cannot be deleted")

    def __iter__(self) -> Iterator[str]:
        return iter(("params",) + self._opt._hyper + self._tuple_keys() + tuple(self._extra))

    def __len__(self) -> int:
        return 1 + len(self._opt._hyper) + len(self._tuple_keys()) + len(self._extra)

    def __repr__(self) -> str:
        return repr({k: (self[k] if k != "params" else "<%d tensors>" % len(self._params)) for k in self})


# Keys of a group dict that name hyperparameters of some optimizer (so a typo in one is an error, not an
# extra key).
_ALL_HYPER = {"lr", "momentum", "dampening", "weight_decay", "nesterov", "beta1", "beta2", "betas", "eps",
              "amsgrad", "alpha", "centered", "lr_decay", "initial_accumulator_value", "rho", "momentum_decay",
              "decoupled_weight_decay"}


class Optimizer:
    """Base of the optimizers: step(), zero_grad(), lr, param_groups (PyTorch style: pass a list of dicts
    {"params": ..., "lr": ...} to give groups their own hyperparameters), state_dict()/load_state_dict(),
    add_param_group()."""

    _hyper: Tuple[str, ...] = ()
    _known = frozenset(_ALL_HYPER)

    def __init__(self, params: Iterable[Tensor], defaults: Dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.param_groups: List[_ParamGroup] = []
        for spec in _group_specs(params):
            self.add_param_group(spec)

    def _create(self, handles: List[Any], hyper: Dict[str, Any]) -> Any:
        raise NotImplementedError

    def add_param_group(self, param_group: Dict[str, Any]) -> None:
        """Adds a group of parameters with its own hyperparameters (defaults for the ones it omits)."""
        if not isinstance(param_group, dict) or "params" not in param_group:
            raise TypeError("a parameter group must be a dict with a 'params' key")
        ps = _tensor_list(param_group["params"], "a group's params")
        if not ps:
            raise ValueError("optimizer got an empty parameter list")
        seen = {id(p) for g in self.param_groups for p in g._params}
        if any(id(p) in seen for p in ps):
            raise ValueError("some parameters appear in more than one parameter group")
        hyper = dict(self.defaults)
        extra = {}
        for k, v in param_group.items():
            if k == "params":
                continue
            if k in hyper:
                hyper[k] = v
            elif k in self._known:
                raise KeyError("%s has no hyperparameter %r (it has %s)" % (type(self).__name__, k,
                                                                            ", ".join(self.defaults)))
            else:
                extra[k] = v
        h = self._create([p._h for p in ps], hyper)
        self.param_groups.append(_ParamGroup(self, h, ps, extra))

    @property
    def _h(self) -> Any:
        """The core optimizer of the first group (single-group callers)."""
        return self.param_groups[0]._h

    @property
    def _params(self) -> List[Tensor]:
        return [p for g in self.param_groups for p in g._params]

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        loss = None
        if closure is not None:
            from .._autograd import enable_grad

            with enable_grad():
                loss = closure()
        for g in self.param_groups:
            api.optimizer_step(g._h)
        return loss

    def zero_grad(self, set_to_none: bool = True) -> None:
        for g in self.param_groups:
            api.optimizer_zero_grad(g._h, bool(set_to_none))

    @property
    def lr(self) -> float:
        """The learning rate of the first group; setting it sets every group's."""
        return api.optimizer_lr(self._h)

    @lr.setter
    def lr(self, value: float) -> None:
        for g in self.param_groups:
            api.optimizer_set_lr(g._h, float(value))

    @property
    def name(self) -> str:
        return api.optimizer_name(self._h)

    def save(self, path: str) -> None:
        """Writes the optimizer's state (hyperparameters, steps, buffers) to a safetensors file."""
        if len(self.param_groups) == 1:
            api.optimizer_state_save(self._h, os.fspath(path))
            return
        from .._serialization import save

        save(self.state_dict(), os.fspath(path))

    def load(self, path: str) -> None:
        if len(self.param_groups) == 1:
            api.optimizer_state_load(self._h, os.fspath(path))
            return
        from .._serialization import load

        self.load_state_dict(load(os.fspath(path)))

    def state_dict(self) -> Dict[str, Tensor]:
        """The state as name -> tensor, keyed as the core's safetensors state file: "param_groups.<g>.<name>"
        per group and "state.<k>.<name>" per parameter, k counting parameters across the groups in order."""
        if len(self.param_groups) == 1:
            return _state_via_file(self.save)
        out: Dict[str, Tensor] = {}
        offset = 0
        for gi, g in enumerate(self.param_groups):
            part = _state_via_file(lambda path, h=g._h: api.optimizer_state_save(h, path))
            for k, v in part.items():
                out[_shift_key(k, gi, offset)] = v
            offset += len(g._params)
        return out

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        if len(self.param_groups) == 1:
            _load_via_file(self.load, state)
            return
        parts: List[Dict[str, Any]] = [{} for _ in self.param_groups]
        bounds = []
        offset = 0
        for g in self.param_groups:
            bounds.append((offset, offset + len(g._params)))
            offset += len(g._params)
        for k, v in state.items():
            head, _, rest = k.partition(".")
            index, _, name = rest.partition(".")
            if head not in ("param_groups", "state") or not index.isdigit() or not name:
                raise InvalidArgumentError("[load_state_dict] unexpected key '%s'" % k)
            i = int(index)
            if head == "param_groups":
                if i >= len(parts):
                    raise InvalidArgumentError("[load_state_dict] key '%s' names group %d, the optimizer has %d"
                                               % (k, i, len(parts)))
                parts[i]["param_groups.0." + name] = v
            else:
                gi = next((g for g, (lo, hi) in enumerate(bounds) if lo <= i < hi), None)
                if gi is None:
                    raise InvalidArgumentError("[load_state_dict] key '%s' names parameter %d, the optimizer has %d"
                                               % (k, i, offset))
                parts[gi]["state.%d.%s" % (i - bounds[gi][0], name)] = v
        # Each group's part is checked by its core optimizer (which changes nothing on a bad part).
        for g, part in zip(self.param_groups, parts):
            if "param_groups.0.num_params" not in part:
                raise InvalidArgumentError("[load_state_dict] the state dict has no group %d"
                                           % self.param_groups.index(g))
        for g, part in zip(self.param_groups, parts):
            _load_via_file(lambda path, h=g._h: api.optimizer_state_load(h, path), part)

    def __repr__(self) -> str:
        lines = []
        for i, g in enumerate(self.param_groups):
            lines.append("  group %d: %s" % (i, ", ".join("%s=%g" % (k, g[k]) for k in self._hyper)))
        if len(lines) == 1:
            return "%s(%s)" % (type(self).__name__, lines[0].split(": ", 1)[1])
        return "%s(\n%s\n)" % (type(self).__name__, "\n".join(lines))


def _shift_key(key: str, group: int, offset: int) -> str:
    head, _, rest = key.partition(".")
    index, _, name = rest.partition(".")
    if head == "param_groups":
        return "param_groups.%d.%s" % (group, name)
    if head == "state" and index.isdigit():
        return "state.%d.%s" % (int(index) + offset, name)
    return key


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

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov))

    def _create(self, hs: List[Any], g: Dict[str, Any]) -> Any:
        return api.optim_sgd_create(hs, g["lr"], g["momentum"], g["dampening"], g["weight_decay"],
                                    bool(g["nesterov"]))


class Adam(Optimizer):
    _hyper = ("lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad")
    _create_fn = staticmethod(api.optim_adam_create)

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad))

    def _create(self, hs: List[Any], g: Dict[str, Any]) -> Any:
        b1, b2 = g["betas"]
        return self._create_fn(hs, g["lr"], b1, b2, g["eps"], g["weight_decay"], bool(g["amsgrad"]))


class AdamW(Adam):
    _create_fn = staticmethod(api.optim_adamw_create)

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)


class RMSprop(Optimizer):
    _hyper = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False) -> None:
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered))

    def _create(self, hs: List[Any], g: Dict[str, Any]) -> Any:
        return api.optim_rmsprop_create(hs, g["lr"], g["alpha"], g["eps"], g["weight_decay"], g["momentum"],
                                        bool(g["centered"]))


class Adagrad(Optimizer):
    _hyper = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> None:
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def _create(self, hs: List[Any], g: Dict[str, Any]) -> Any:
        return api.optim_adagrad_create(hs, g["lr"], g["lr_decay"], g["weight_decay"],
                                        g["initial_accumulator_value"], g["eps"])


class Lion(Optimizer):
    _hyper = ("lr", "beta1", "beta2", "weight_decay")

    def __init__(self, params: Iterable[Any], lr: float = 1e-4, betas: Tuple[float, float] = (0.9, 0.99),
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), weight_decay=weight_decay))

    def _create(self, hs: List[Any], g: Dict[str, Any]) -> Any:
        b1, b2 = g["betas"]
        return api.optim_lion_create(hs, g["lr"], b1, b2, g["weight_decay"])
