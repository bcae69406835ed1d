"""tenflowers: a deep-learning tensor engine (C++ core behind a stable C ABI), from Python.

    import tenflowers as tfl
    x = tfl.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = (x @ x.T).sum()
    y.backward()
    x.grad
"""

from . import _lib
from ._lib import *  # noqa: F401,F403  (the exception classes)
from ._lib import STATUS_ERRORS, TenflowersError
from ._lib._cdef import VERSION as __version__
from ._dtype import (DType, as_dtype, bfloat16, bool_, float16, float32, float64, int32, int64, uint8)
from ._dtype import can_cast, int8, int16, result_type, uint16, uint32, uint64
from ._tensor import Tensor
from ._creation import (arange, asarray, empty, empty_like, eye, full, full_like, linspace, ones, ones_like, scalar,
                        tensor, zeros, zeros_like)
from ._interop import from_numpy
from ._autograd import GradientTape, enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled
from ._functions import *  # noqa: F401,F403
from ._functions import FUNCTION_NAMES as _FUNCTION_NAMES
from . import random
from . import nn, optim, memory, viz
from ._serialization import load, save

bool = bool_  # noqa: A001  (array API name; the builtin stays reachable as builtins.bool)
float = float32  # noqa: A001
double = float64
half = float16
int = int64  # noqa: A001
long = int64


def from_dlpack(x):
    """A tensor sharing the memory of any object with __dlpack__ (NumPy arrays, PyTorch CPU tensors, ...)."""
    from ._dlpack import from_dlpack as impl

    return impl(x)


def library_version() -> str:
    """Version of the loaded libtenflowers."""
    return _lib.api.version()


def set_num_threads(n: "builtins.int") -> None:  # noqa: F821
    _lib.api.threads_set_count(n)


def get_num_threads() -> "builtins.int":  # noqa: F821
    return _lib.api.threads_count()


def manual_seed(seed: "builtins.int") -> None:  # noqa: F821
    random.seed(seed)


__all__ = (["Tensor", "DType", "as_dtype", "tensor", "asarray", "from_numpy", "from_dlpack", "zeros", "ones",
            "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "arange", "linspace", "eye",
            "scalar", "float32", "float64", "float16", "bfloat16", "int32", "int64", "uint8", "bool_",
            "int8", "int16", "uint16", "uint32", "uint64", "result_type", "can_cast",
            "GradientTape", "no_grad", "enable_grad", "grad", "is_grad_enabled", "set_grad_enabled", "random",
            "TenflowersError", "STATUS_ERRORS", "library_version", "set_num_threads", "get_num_threads",
            "manual_seed", "nn", "optim", "memory", "viz", "save", "load"]
           + list(_lib._errors.__all__) + list(_FUNCTION_NAMES))

# --- utilities over the C ABI (issue 9): broadcasting, bytes, summaries, dtype introspection, grad mode,
# default device, tfl.cuda ---
from ._utilities import (broadcast_shapes, can_cast, device_info, finfo, format_bytes, get_default_device,  # noqa: E402
                         iinfo, is_broadcastable, is_grad_enabled, result_type, set_default_device,
                         set_grad_enabled, summary, TensorSummary)
from . import cuda  # noqa: E402

__all__ += ["broadcast_shapes", "is_broadcastable", "format_bytes", "summary", "TensorSummary", "result_type",
            "can_cast", "finfo", "iinfo", "set_default_device", "get_default_device", "device_info", "cuda"]

# Data loading and the numerical check mode (issue 9, error classes).
from . import data  # noqa: E402
from ._numerical import (detect_anomaly, is_numerical_check_enabled, numerical_check,  # noqa: E402
                         set_numerical_check_enabled)

__all__ += ["data", "detect_anomaly", "is_numerical_check_enabled", "numerical_check", "set_numerical_check_enabled"]

# Training diagnostics (issue 9): the op-level profiler and classification metrics.
from . import profiler, metrics  # noqa: E402

__all__ += ["profiler", "metrics"]

# Training diagnostics (gradient flow, progress, the HTML report).
from . import diagnostics  # noqa: E402
__all__ += ["diagnostics"]
