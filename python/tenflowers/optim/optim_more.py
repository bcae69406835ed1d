"""More optimizers on the core (capi/optim_more.cpp): AdaBelief, RAdam, NAdam, Adadelta. Adam and AdamW
take amsgrad=True for their AMSGrad variants (tfl.optim.Adam). Each accepts parameter groups like the others
(tfl.optim.Optimizer)."""

from typing import Any, Dict, Iterable, List, Tuple

from .._lib import api
from .optimizer import Optimizer


class AdaBelief(Optimizer):
    """AdaBelief (Zhuang et al. 2020, the authors' adabelief-pytorch with rectify off): Adam whose second
    moment is the variance of the gradient around its running mean. decoupled_weight_decay=True is the
    reference's weight_decouple (AdamW-style decay)."""

    _hyper = ("lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "decoupled_weight_decay")

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-16, weight_decay: float = 0.0, amsgrad: bool = False,
                 decoupled_weight_decay: bool = True) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, decoupled_weight_decay=decoupled_weight_decay))

    def _create(self, hs: List[Any], g: Dict[str, Any]) -> Any:
        b1, b2 = g["betas"]
        return api.optim_adabelief_create(hs, g["lr"], b1, b2, g["eps"], g["weight_decay"], bool(g["amsgrad"]),
                                          bool(g["decoupled_weight_decay"]))


class RAdam(Optimizer):
    """RAdam (Liu et al. 2019) with torch.optim.RAdam's rule."""

    _hyper = ("lr", "beta1", "beta2", "eps", "weight_decay", "decoupled_weight_decay")

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, decoupled_weight_decay: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _create(self, hs: List[Any], g: Dict[str, Any]) -> Any:
        b1, b2 = g["betas"]
        return api.optim_radam_create(hs, g["lr"], b1, b2, g["eps"], g["weight_decay"],
                                      bool(g["decoupled_weight_decay"]))


class NAdam(Optimizer):
    """NAdam (Dozat 2016) with torch.optim.NAdam's rule (momentum schedule with momentum_decay)."""

    _hyper = ("lr", "beta1", "beta2", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay")

    def __init__(self, params: Iterable[Any], lr: float = 2e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay))

    def _create(self, hs: List[Any], g: Dict[str, Any]) -> Any:
        b1, b2 = g["betas"]
        return api.optim_nadam_create(hs, g["lr"], b1, b2, g["eps"], g["weight_decay"], g["momentum_decay"],
                                      bool(g["decoupled_weight_decay"]))


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012) with torch.optim.Adadelta's rule."""

    _hyper = ("lr", "rho", "eps", "weight_decay")

    def __init__(self, params: Iterable[Any], lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))

    def _create(self, hs: List[Any], g: Dict[str, Any]) -> Any:
        return api.optim_adadelta_create(hs, g["lr"], g["rho"], g["eps"], g["weight_decay"])
