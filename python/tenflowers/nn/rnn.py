"""Recurrent layers tfl.nn.RNN, LSTM and GRU: core layers (C API tfl_nn_*_create) with PyTorch's
arguments, parameter names and return values."""

from typing import Any, Optional, Tuple

from .._lib import api, lib
from .._tensor import Tensor, _as_tensor, _wrap
from .layers import CoreModule, _dt


def _handle(t: Any) -> Any:
    return None if t is None else (t if isinstance(t, Tensor) else _as_tensor(t, None))._h


class _RNNBase(CoreModule):
    """Shared by RNN, LSTM and GRU: input (L, N, input_size), (N, L, input_size) with batch_first, or
    unbatched (L, input_size); states (D * num_layers, N, hidden_size) (unbatched: without N).

    Calling the layer runs the core forward that returns the final states too; module hooks registered
    on it do not run there (the core runs them for tfl_module_forward, which returns the output only)."""

    def __init__(self, handle: Any, input_size: int, hidden_size: int, num_layers: int, bias: bool,
                 batch_first: bool, dropout: float, bidirectional: bool) -> None:
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bool(bias), bool(batch_first), float(dropout)
        self.bidirectional = bool(bidirectional)
        super().__init__(handle)

    def _run(self, input: Any, h0: Any, c0: Any) -> Tuple[Tensor, Tensor, Optional[Tensor]]:
        out, h_n, c_n = api.nn_rnn_forward(self._h, _handle(input), _handle(h0), _handle(c0))
        return _wrap(out), _wrap(h_n), None if c_n is None else _wrap(c_n)

    def __call__(self, input: Any, hx: Any = None) -> Tuple[Tensor, Tensor]:
        out, h_n, _ = self._run(input, hx, None)
        return out, h_n

    forward = __call__


def _checked_args(num_layers: int, dropout: float) -> None:
    # PyTorch accepts an int or float here; anything else is a TypeError before the core sees it.
    if isinstance(num_layers, bool) or not isinstance(num_layers, int):
        raise TypeError("num_layers should be of type int, got: %s" % type(num_layers).__name__)
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)):
        raise TypeError("dropout should be a number, got: %s" % type(dropout).__name__)


class RNN(_RNNBase):
    """Elman RNN (torch.nn.RNN): h_t = tanh or relu(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh).
    Returns (output, h_n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype: Any = None) -> None:
        _checked_args(num_layers, dropout)
        codes = {"tanh": lib.TFL_RNN_TANH, "relu": lib.TFL_RNN_RELU}
        if nonlinearity not in codes:
            raise ValueError("Unknown nonlinearity '%s'. Select from 'tanh' or 'relu'." % (nonlinearity,))
        self.nonlinearity = nonlinearity
        super().__init__(api.nn_rnn_create(input_size, hidden_size, num_layers, codes[nonlinearity], bool(bias),
                                           bool(batch_first), float(dropout), bool(bidirectional), _dt(dtype)),
                         input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)


class LSTM(_RNNBase):
    """torch.nn.LSTM (without proj_size), gates i, f, g, o. Returns (output, (h_n, c_n)); hx is None or
    (h0, c0) (either may be None for zeros)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype: Any = None) -> None:
        _checked_args(num_layers, dropout)
        super().__init__(api.nn_lstm_create(input_size, hidden_size, num_layers, bool(bias), bool(batch_first),
                                            float(dropout), bool(bidirectional), _dt(dtype)),
                         input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)

    def __call__(self, input: Any, hx: Optional[Tuple[Any, Any]] = None
                 ) -> Tuple[Tensor, Tuple[Tensor, Tensor]]:  # type: ignore[override]
        if hx is None:
            h0 = c0 = None
        elif isinstance(hx, (tuple, list)) and len(hx) == 2:
            h0, c0 = hx
        else:
            raise TypeError("LSTM expects hx as a (h0, c0) tuple or None")
        out, h_n, c_n = self._run(input, h0, c0)
        return out, (h_n, c_n)

    forward = __call__


class GRU(_RNNBase):
    """torch.nn.GRU, gates r, z, n with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)). Returns (output, h_n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype: Any = None) -> None:
        _checked_args(num_layers, dropout)
        super().__init__(api.nn_gru_create(input_size, hidden_size, num_layers, bool(bias), bool(batch_first),
                                           float(dropout), bool(bidirectional), _dt(dtype)),
                         input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)

