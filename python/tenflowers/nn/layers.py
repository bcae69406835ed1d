"""The core layers of tenflowers as tfl.nn Modules: each wraps a tfl_module handle built by the C API,
so it runs in the core (and inside a core Sequential) while behaving as any Python Module."""

import itertools
import weakref
from collections import OrderedDict
from typing import Any, Callable, Dict, Iterable, Optional, Sequence, Tuple, Union

from .._dtype import as_dtype, float32
from .._lib import LayerConfigError, TenflowersError, api, ffi, lib
from .._tensor import Tensor, _as_tensor, _wrap
from .module import Module, RemovableHandle, _as_args
from .parameter import _parameter_from_handle

IntPair = Union[int, Tuple[int, int]]


def _pair(v: IntPair) -> Tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _named(fn, *args) -> Tuple[Any, str]:
    """Calls a C listing function that writes a name into a caller buffer, growing the buffer if needed."""
    cap = 128
    while True:
        t, raw, n = fn(cap, *args)
        if n < cap:
            return t, raw[:n].decode("utf-8")
        cap = n + 1


def _dt(dtype: Any) -> int:
    return (float32 if dtype is None else as_dtype(dtype)).code


# ---- module hooks: Python callables as C callbacks ----------------------------------------------------

_hook_keys = itertools.count(1)
_hooks: Dict[int, Tuple[Any, Callable]] = {}  # key -> (weak reference to the Module, hook)
_callbacks: Dict[str, Any] = {}


def _fail(e: BaseException) -> int:
    api.set_callback_error(e)  # re-raised by the wrapper of the failing C call (forward or backward)
    status = getattr(e, "status", 0)
    return status if isinstance(e, TenflowersError) and isinstance(status, int) and status > 0 else lib.TFL_ERR_INTERNAL


def _lookup(user_data) -> Tuple["CoreModule", Callable]:
    ref, fn = _hooks[int(ffi.cast("intptr_t", user_data))]
    return ref(), fn


def _borrowed(ptrs, n: int) -> Tuple[Optional[Tensor], ...]:
    return tuple(None if ptrs[i] == ffi.NULL else _wrap(api.borrow_tensor(ptrs[i])) for i in range(n))


def _give(t: Any) -> Any:
    """A new reference to t's handle for the C library to take over."""
    h = _as_tensor(t, None)._h
    api.tensor_retain(h)
    return h


def _pre_hook(replacements, inputs, n, user_data) -> int:
    try:
        module, fn = _lookup(user_data)
        r = fn(module, _borrowed(inputs, n))
        if r is not None:
            r = _as_args(r)
            if len(r) != n:
                raise ValueError("forward pre-hook returned %d inputs for a call with %d" % (len(r), n))
            for i, t in enumerate(r):
                if t is not None:
                    replacements[i] = _give(t)
        return 0
    except BaseException as e:
        return _fail(e)


def _fwd_hook(replacement, inputs, n, output, user_data) -> int:
    try:
        module, fn = _lookup(user_data)
        r = fn(module, _borrowed(inputs, n), _wrap(api.borrow_tensor(output)))
        if r is not None:
            replacement[0] = _give(r)
        return 0
    except BaseException as e:
        return _fail(e)


def _bwd_hook(replacements, grad_input, ngi, grad_output, ngo, user_data) -> int:
    try:
        module, fn = _lookup(user_data)
        r = fn(module, _borrowed(grad_input, ngi), _borrowed(grad_output, ngo))
        if r is not None:
            r = _as_args(r)
            if len(r) != ngi:
                raise ValueError("backward hook returned %d gradients for %d inputs" % (len(r), ngi))
            for i, t in enumerate(r):
                if t is not None:
                    replacements[i] = _give(t)
        return 0
    except BaseException as e:
        return _fail(e)


def _on_error(exc_type, exc_value, tb) -> None:
    api.set_callback_error(exc_value)


def _callback(kind: str):
    cb = _callbacks.get(kind)
    if cb is None:
        ctype, py = {"pre": ("tfl_module_forward_pre_hook_fn", _pre_hook),
                     "fwd": ("tfl_module_forward_hook_fn", _fwd_hook),
                     "bwd": ("tfl_module_backward_hook_fn", _bwd_hook)}[kind]
        cb = _callbacks[kind] = ffi.callback(ctype, py, error=lib.TFL_ERR_INTERNAL, onerror=_on_error)
    return cb


# ---- the wrapper --------------------------------------------------------------------------------------


class CoreModule(Module):
    """A Module backed by a core tfl_module handle: forward, hooks and train/eval go through the C API;
    parameters and buffers are the module's own tensors (no copies)."""

    def __init__(self, handle: Any) -> None:
        super().__init__()
        object.__setattr__(self, "_h", handle)
        self._sync_tensors()

    def _sync_tensors(self) -> None:
        h = self._h
        params: "OrderedDict[str, Any]" = OrderedDict()
        for i in range(api.module_named_parameters_size(h, True)):
            t, name = _named(api.module_named_parameter, h, i, True)
            params[name] = _parameter_from_handle(t)
        bufs: "OrderedDict[str, Any]" = OrderedDict()
        for i in range(api.module_named_buffers_size(h, True)):
            t, name = _named(api.module_named_buffer, h, i, True)
            bufs[name] = _wrap(t)
        self.__dict__["_parameters"] = params
        self.__dict__["_buffers"] = bufs

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dict__.get("_parameters", ()) or name in self.__dict__.get("_buffers", ()):
            raise AttributeError("'%s' belongs to the core layer %s: update it in place (with tfl.no_grad(): "
                                 "layer.%s.copy_(value)) or with load_state_dict" % (name, type(self).__name__, name))
        super().__setattr__(name, value)

    def __call__(self, *args: Any) -> Tensor:
        hs = [(a if isinstance(a, Tensor) else _as_tensor(a, None))._h for a in args]
        return _wrap(api.module_forward(self._h, hs))

    forward = __call__

    def train(self, mode: bool = True) -> "Module":
        api.module_train(self._h, bool(mode))
        return super().train(mode)

    def _register(self, register, kind: str, fn: Callable) -> RemovableHandle:
        if not callable(fn):
            raise TypeError("a hook must be callable, got %s" % type(fn).__name__)
        key = next(_hook_keys)
        _hooks[key] = (weakref.ref(self), fn)
        try:
            hid = register(self._h, _callback(kind), ffi.cast("void *", key))
        except BaseException:
            del _hooks[key]
            raise
        mref = weakref.ref(self)

        def remove() -> None:
            if _hooks.pop(key, None) is not None and mref() is not None:
                api.hook_remove(hid)
        weakref.finalize(self, _hooks.pop, key, None)
        return RemovableHandle(remove)

    def register_forward_pre_hook(self, hook: Callable) -> RemovableHandle:
        return self._register(api.module_register_forward_pre_hook, "pre", hook)

    def register_forward_hook(self, hook: Callable) -> RemovableHandle:
        return self._register(api.module_register_forward_hook, "fwd", hook)

    def register_full_backward_hook(self, hook: Callable) -> RemovableHandle:
        return self._register(api.module_register_backward_hook, "bwd", hook)

    register_backward_hook = register_full_backward_hook

    @property
    def type_name(self) -> str:
        return api.module_type_name(self._h)

    def __repr__(self) -> str:
        if self._modules:
            return super().__repr__()
        raw, n = api.module_to_string(0, self._h)
        raw, n = api.module_to_string(n + 1, self._h)
        return raw[:n].decode("utf-8")


# ---- layers -------------------------------------------------------------------------------------------


class Linear(CoreModule):
    """y = x W^T + b; weight (out_features, in_features), bias (out_features)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: Any = None) -> None:
        self.in_features, self.out_features = in_features, out_features
        super().__init__(api.nn_linear_create(in_features, out_features, bool(bias), _dt(dtype)))


class Conv1d(CoreModule):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0,
                 dilation: int = 1, groups: int = 1, bias: bool = True, dtype: Any = None) -> None:
        super().__init__(api.nn_conv1d_create(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                                              bool(bias), _dt(dtype)))


class Conv2d(CoreModule):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntPair, stride: IntPair = 1,
                 padding: IntPair = 0, dilation: IntPair = 1, groups: int = 1, bias: bool = True,
                 dtype: Any = None) -> None:
        k, s, p, d = _pair(kernel_size), _pair(stride), _pair(padding), _pair(dilation)
        super().__init__(api.nn_conv2d_create(in_channels, out_channels, k[0], k[1], s[0], s[1], p[0], p[1], d[0],
                                              d[1], groups, bool(bias), _dt(dtype)))


class MaxPool2d(CoreModule):
    def __init__(self, kernel_size: IntPair, stride: Optional[IntPair] = None, padding: IntPair = 0,
                 dilation: IntPair = 1) -> None:
        k = _pair(kernel_size)
        s = k if stride is None else _pair(stride)
        p, d = _pair(padding), _pair(dilation)
        super().__init__(api.nn_max_pool2d_create(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1]))


class AvgPool2d(CoreModule):
    def __init__(self, kernel_size: IntPair, stride: Optional[IntPair] = None, padding: IntPair = 0,
                 count_include_pad: bool = True) -> None:
        k = _pair(kernel_size)
        s = k if stride is None else _pair(stride)
        p = _pair(padding)
        super().__init__(api.nn_avg_pool2d_create(k[0], k[1], s[0], s[1], p[0], p[1], bool(count_include_pad)))


class AdaptiveAvgPool2d(CoreModule):
    def __init__(self, output_size: IntPair) -> None:
        o = _pair(output_size)
        super().__init__(api.nn_adaptive_avg_pool2d_create(o[0], o[1]))


class BatchNorm1d(CoreModule):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = True,
                 track_running_stats: bool = True, dtype: Any = None) -> None:
        super().__init__(api.nn_batch_norm1d_create(num_features, eps, momentum, bool(affine),
                                                    bool(track_running_stats), _dt(dtype)))


class BatchNorm2d(CoreModule):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = True,
                 track_running_stats: bool = True, dtype: Any = None) -> None:
        super().__init__(api.nn_batch_norm2d_create(num_features, eps, momentum, bool(affine),
                                                    bool(track_running_stats), _dt(dtype)))


def _shape_list(s: Union[int, Sequence[int]]) -> list:
    return [int(s)] if isinstance(s, int) else [int(v) for v in s]


class LayerNorm(CoreModule):
    def __init__(self, normalized_shape: Union[int, Sequence[int]], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, dtype: Any = None) -> None:
        super().__init__(api.nn_layer_norm_create(_shape_list(normalized_shape), eps, bool(elementwise_affine),
                                                  bool(bias), _dt(dtype)))


class RMSNorm(CoreModule):
    def __init__(self, normalized_shape: Union[int, Sequence[int]], eps: Optional[float] = None,
                 elementwise_affine: bool = True, dtype: Any = None) -> None:
        super().__init__(api.nn_rms_norm_create(_shape_list(normalized_shape), eps, bool(elementwise_affine),
                                                _dt(dtype)))


class GroupNorm(CoreModule):
    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 dtype: Any = None) -> None:
        super().__init__(api.nn_group_norm_create(num_groups, num_channels, eps, bool(affine), _dt(dtype)))


class Dropout(CoreModule):
    def __init__(self, p: float = 0.5) -> None:
        super().__init__(api.nn_dropout_create(p))


class Embedding(CoreModule):
    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: Optional[int] = None,
                 dtype: Any = None) -> None:
        super().__init__(api.nn_embedding_create(num_embeddings, embedding_dim, padding_idx, _dt(dtype)))


class Flatten(CoreModule):
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__(api.nn_flatten_create(start_dim, end_dim))


class ReLU(CoreModule):
    def __init__(self) -> None:
        super().__init__(api.nn_relu_create())


class LeakyReLU(CoreModule):
    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__(api.nn_leaky_relu_create(negative_slope))


class GELU(CoreModule):
    def __init__(self, approximate: str = "none") -> None:
        if approximate not in ("none", "tanh"):
            raise LayerConfigError("GELU approximate must be 'none' or 'tanh', got %r" % (approximate,))
        super().__init__(api.nn_gelu_create(approximate == "tanh"))


class SiLU(CoreModule):
    def __init__(self) -> None:
        super().__init__(api.nn_silu_create())


class Tanh(CoreModule):
    def __init__(self) -> None:
        super().__init__(api.nn_tanh_create())


class Sigmoid(CoreModule):
    def __init__(self) -> None:
        super().__init__(api.nn_sigmoid_create())


class Softmax(CoreModule):
    def __init__(self, dim: int = -1) -> None:
        super().__init__(api.nn_softmax_create(dim))


class MultiheadAttention(CoreModule):
    """Batch-first multi-head attention: m(x) self-attention, m(q, k, v) or m(q, k, v, mask)."""

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True, causal: bool = False,
                 dtype: Any = None) -> None:
        super().__init__(api.nn_multi_head_attention_create(embed_dim, num_heads, bool(bias), bool(causal),
                                                            _dt(dtype)))


class Mamba(CoreModule):
    """A Mamba selective state-space block: (B, L, d_model) -> (B, L, d_model)."""

    def __init__(self, d_model: int, d_state: int = 16, d_conv: int = 4, expand: int = 2, dt_rank: int = 0,
                 dtype: Any = None) -> None:
        super().__init__(api.nn_mamba_create(d_model, d_state, d_conv, expand, dt_rank, _dt(dtype)))


class Sequential(Module):
    """Runs its modules in order. When every module is a core layer the chain runs as one core Sequential
    (one C call per forward); any Python-defined module makes it run module by module in Python."""

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        object.__setattr__(self, "_h", None)
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), m)

    def add_module(self, name: str, module: Optional[Module]) -> None:
        super().add_module(name, module)
        object.__setattr__(self, "_h", None)  # rebuilt lazily

    def append(self, module: Module) -> "Sequential":
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> "Sequential":
        for m in modules:
            self.append(m)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, i: Union[int, slice]) -> Any:
        mods = list(self._modules.values())
        if isinstance(i, slice):
            return Sequential(*mods[i])
        return mods[i]

    def _core(self):
        h = self._h
        if h is None and self._modules and all(type(m) is not Sequential and isinstance(m, CoreModule)
                                               for m in self._modules.values()):
            h = api.nn_sequential_create()
            for m in self._modules.values():
                api.nn_sequential_append(h, m._h)
            object.__setattr__(self, "_h", h)
        return h

    def forward(self, *args: Any) -> Any:
        h = self._core()
        if h is not None:
            return _wrap(api.module_forward(h, [_as_tensor(a, None)._h for a in args]))
        for m in self._modules.values():
            args = (m(*args),)
        return args[0]


class ModuleList(Module):
    """Holds modules in a list (registered as children "0", "1", ...); it has no forward."""

    def __init__(self, modules: Optional[Iterable[Module]] = None) -> None:
        super().__init__()
        for m in modules or ():
            self.append(m)

    def append(self, module: Module) -> "ModuleList":
        self.add_module(str(len(self._modules)), module)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, i: int) -> Module:
        return list(self._modules.values())[i]


class Identity(Module):
    def forward(self, x: Any) -> Any:
        return x
