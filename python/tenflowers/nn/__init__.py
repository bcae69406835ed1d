"""tfl.nn: Module (subclassable in Python, as in PyTorch), the core layers, losses, functional and utils."""

from . import functional, utils
from .parameter import Parameter
from .module import Module, RemovableHandle, IncompatibleKeys
from .layers import (AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, CoreModule, Dropout,
                     Embedding, Flatten, GELU, GroupNorm, Identity, LayerNorm, LeakyReLU, Linear, Mamba, MaxPool2d,
                     ModuleList, MultiheadAttention, ReLU, RMSNorm, Sequential, Sigmoid, SiLU, Softmax, Tanh)
from .transformer import (InstanceNorm1d, InstanceNorm2d, TransformerDecoderLayer, TransformerEncoderLayer,
                          generate_square_subsequent_mask)
from .rnn import GRU, LSTM, RNN
from .loss import (BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss)

__all__ = ["functional", "utils", "Parameter", "Module", "RemovableHandle", "IncompatibleKeys", "CoreModule",
           "Linear", "Sequential", "ModuleList", "Identity", "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d",
           "AdaptiveAvgPool2d", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "RMSNorm", "GroupNorm", "Dropout",
           "Embedding", "Flatten", "ReLU", "LeakyReLU", "GELU", "SiLU", "Tanh", "Sigmoid", "Softmax",
           "MultiheadAttention", "Mamba", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss",
           "NLLLoss", "BCEWithLogitsLoss", "KLDivLoss"]

# --- linear state-space layer (issue 9) ---
from .state_space import StateSpaceModel  # noqa: E402

__all__ += ["StateSpaceModel"]

# --- core parameter marking (issue 9) ---
from .parameter import is_parameter  # noqa: E402

__all__ += ["is_parameter"]
__all__ += ["InstanceNorm1d", "InstanceNorm2d", "TransformerEncoderLayer", "TransformerDecoderLayer",
            "generate_square_subsequent_mask"]
__all__ += ["RNN", "LSTM", "GRU"]
