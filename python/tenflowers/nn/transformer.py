"""Instance normalisation and the transformer encoder / decoder layers (PyTorch's names, defaults and mask
conventions), each a core layer behind a tfl_module handle.

Masks follow torch.nn.MultiheadAttention: in a bool mask True means *masked out*; a float mask is added to
the attention scores. Parameter names are PyTorch's except inside the attention blocks, where PyTorch's
packed ``in_proj_weight`` (3E, E) / ``in_proj_bias`` (3E) are split into ``q_proj``, ``k_proj`` and
``v_proj`` (rows [0, E), [E, 2E), [2E, 3E)); ``load_torch_state_dict`` maps a PyTorch state dict onto them.
"""

from typing import Any, Dict, Optional

from .._lib import api, lib
from .._tensor import Tensor, _as_tensor, _wrap
from .layers import CoreModule, _dt

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "TransformerEncoderLayer", "TransformerDecoderLayer",
           "generate_square_subsequent_mask"]


def _h(t: Any) -> Any:
    return None if t is None else (t if isinstance(t, Tensor) else _as_tensor(t, None))._h


def generate_square_subsequent_mask(sz: int, dtype: Any = None) -> Tensor:
    """The additive causal mask (sz, sz): 0 on and below the diagonal, -inf above
    (torch.nn.Transformer.generate_square_subsequent_mask)."""
    return _wrap(api.nn_generate_square_subsequent_mask(int(sz), _dt(dtype)))


class _InstanceNorm(CoreModule):
    _create = None

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = False,
                 track_running_stats: bool = False, dtype: Any = None) -> None:
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        super().__init__(type(self)._create(num_features, eps, momentum, bool(affine), bool(track_running_stats),
                                            _dt(dtype)))


class InstanceNorm1d(_InstanceNorm):
    """Per-sample, per-channel normalisation of (N, C, L) or (C, L) input over L (torch.nn.InstanceNorm1d)."""

    _create = staticmethod(api.nn_instance_norm1d_create)


class InstanceNorm2d(_InstanceNorm):
    """Per-sample, per-channel normalisation of (N, C, H, W) or (C, H, W) input over H, W (torch.nn.InstanceNorm2d)."""

    _create = staticmethod(api.nn_instance_norm2d_create)


_ACTIVATIONS = {"relu": lib.TFL_TRANSFORMER_ACTIVATION_RELU, "gelu": lib.TFL_TRANSFORMER_ACTIVATION_GELU}


def _activation(a: str) -> int:
    if a not in _ACTIVATIONS:
        raise ValueError("activation must be 'relu' or 'gelu', got %r" % (a,))
    return _ACTIVATIONS[a]


class _TransformerLayer(CoreModule):
    _create = None

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str = "relu", layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, dtype: Any = None) -> None:
        self.d_model, self.nhead, self.dim_feedforward = d_model, nhead, dim_feedforward
        self.batch_first, self.norm_first = bool(batch_first), bool(norm_first)
        super().__init__(type(self)._create(d_model, nhead, dim_feedforward, dropout, _activation(activation),
                                            layer_norm_eps, bool(batch_first), bool(norm_first), bool(bias),
                                            _dt(dtype)))

    generate_square_subsequent_mask = staticmethod(generate_square_subsequent_mask)

    def load_torch_state_dict(self, state: Dict[str, Any], strict: bool = True) -> Any:
        """Loads a PyTorch TransformerEncoderLayer / TransformerDecoderLayer state dict (tensors or arrays),
        splitting each attention block's packed in_proj_weight / in_proj_bias into q/k/v projections."""
        import numpy as np

        out: Dict[str, Any] = {}
        for k, v in state.items():
            a = v.detach().cpu().numpy() if hasattr(v, "detach") else np.asarray(v)
            head, _, leaf = k.rpartition(".")
            if leaf in ("in_proj_weight", "in_proj_bias"):
                kind = "weight" if leaf == "in_proj_weight" else "bias"
                for name, part in zip(("q_proj", "k_proj", "v_proj"), np.split(a, 3, axis=0)):
                    out["%s.%s.%s" % (head, name, kind)] = part
            else:
                out[k] = a
        return self.load_state_dict({k: np.ascontiguousarray(v) for k, v in out.items()}, strict=strict)


class TransformerEncoderLayer(_TransformerLayer):
    """torch.nn.TransformerEncoderLayer: self-attention and a feed-forward block, post- or pre-norm
    (norm_first). Call with (src, src_mask=None, src_key_padding_mask=None, is_causal=False)."""

    _create = staticmethod(api.nn_transformer_encoder_layer_create)

    def __call__(self, src: Any, src_mask: Any = None, src_key_padding_mask: Any = None,
                 is_causal: bool = False) -> Tensor:
        return _wrap(api.nn_transformer_encoder_layer_forward(self._h, _h(src), _h(src_mask),
                                                              _h(src_key_padding_mask), bool(is_causal)))

    forward = __call__


class TransformerDecoderLayer(_TransformerLayer):
    """torch.nn.TransformerDecoderLayer: self-attention, cross-attention over memory and a feed-forward
    block, post- or pre-norm. Call with (tgt, memory, tgt_mask=None, memory_mask=None,
    tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False)."""

    _create = staticmethod(api.nn_transformer_decoder_layer_create)

    def __call__(self, tgt: Any, memory: Any, tgt_mask: Any = None, memory_mask: Any = None,
                 tgt_key_padding_mask: Any = None, memory_key_padding_mask: Any = None, tgt_is_causal: bool = False,
                 memory_is_causal: bool = False) -> Tensor:
        return _wrap(api.nn_transformer_decoder_layer_forward(
            self._h, _h(tgt), _h(memory), _h(tgt_mask), _h(memory_mask), _h(tgt_key_padding_mask),
            _h(memory_key_padding_mask), bool(tgt_is_causal), bool(memory_is_causal)))

    forward = __call__
