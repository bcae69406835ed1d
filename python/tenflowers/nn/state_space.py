"""tfl.nn.StateSpaceModel: the core linear state-space layer (A, B, C, optional D feed-through, initial state)."""

from typing import Any, Optional, Tuple

from .._lib import api
from .._tensor import Tensor, _as_tensor, _wrap
from .layers import CoreModule, _dt


class StateSpaceModel(CoreModule):
    """A linear time-invariant state-space layer on input u (batch, seq, in_features):

        y_t     = C x_t + D u_t        (D only with feedthrough)
        x_{t+1} = A x_t + B u_t

    y_t reads the state before the update by u_t (so y_0 = C x0 + D u_0). Returns (output, final_state):
    output (batch, seq, out_features), final_state x_seq (batch, state_size). x0 defaults to zeros; it
    may be (batch, state_size) or (state_size,). Parameters A (state, state), B (state, in),
    C (out, state), D (out, in). A is initialised with infinity norm 0.9, so its spectral radius is < 1.
    Module hooks run when the layer is called without asking for the state (``forward_output``)."""

    def __init__(self, state_size: int, in_features: int, out_features: int, feedthrough: bool = True,
                 dtype: Any = None) -> None:
        super().__init__(api.nn_state_space_create(int(state_size), int(in_features), int(out_features),
                                                   bool(feedthrough), _dt(dtype)))
        object.__setattr__(self, "state_size", int(state_size))
        object.__setattr__(self, "in_features", int(in_features))
        object.__setattr__(self, "out_features", int(out_features))

    def __call__(self, u: Any, x0: Optional[Any] = None) -> Tuple[Tensor, Tensor]:  # type: ignore[override]
        uh = (u if isinstance(u, Tensor) else _as_tensor(u, None))._h
        xh = None if x0 is None else (x0 if isinstance(x0, Tensor) else _as_tensor(x0, None))._h
        y, state = api.nn_state_space_forward(self._h, uh, xh)
        return _wrap(y), _wrap(state)

    forward = __call__

    def forward_output(self, u: Any, x0: Optional[Any] = None) -> Tensor:
        """The output only, through the module's forward (its hooks run)."""
        return CoreModule.__call__(self, u) if x0 is None else CoreModule.__call__(self, u, x0)
