"""Autograd from Python: no_grad/enable_grad, GradientTape, grad(), and tensor hooks (Python callables
as C callbacks whose exceptions propagate to the caller of backward)."""

import functools
import itertools
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from ._lib import api, ffi, lib, TenflowersError
from ._tensor import Tensor, _as_tensor, _wrap


class _GradMode:
    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._prev: List[bool] = []

    def __enter__(self):
        self._prev.append(api.grad_enabled())
        api.grad_set_enabled(self._enabled)
        return self

    def __exit__(self, *exc) -> None:
        api.grad_set_enabled(self._prev.pop())

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager / decorator: ops inside record nothing for autograd."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(_GradMode):
    """Context manager / decorator: turns recording back on inside a no_grad scope."""

    def __init__(self) -> None:
        super().__init__(True)


def is_grad_enabled() -> bool:
    return api.grad_enabled()


def set_grad_enabled(enabled: bool) -> None:
    api.grad_set_enabled(bool(enabled))


class GradientTape:
    """TensorFlow-style tape: `with tfl.GradientTape() as tape: ...; tape.gradient(y, [x])`.

    Tensors that require grad are watched automatically; tape.watch(t) adds others. A non-persistent
    tape answers one gradient() call."""

    def __init__(self, persistent: bool = False) -> None:
        self.persistent = persistent
        self._h = None

    def __enter__(self) -> "GradientTape":
        self._h = api.tape_create(self.persistent)
        return self

    def __exit__(self, *exc) -> None:
        if self._h is not None:
            api.tape_stop(self._h)

    def _require(self):
        if self._h is None:
            raise TenflowersError("[GradientTape] use the tape as a context manager first")
        return self._h

    def watch(self, tensor: Union[Tensor, Sequence[Tensor]]) -> None:
        h = self._require()
        for t in ([tensor] if isinstance(tensor, Tensor) else tensor):
            api.tape_watch(h, t._h)

    def gradient(self, target: Tensor, sources: Union[Tensor, Sequence[Tensor]],
                 output_gradients: Optional[Tensor] = None, unconnected_gradients: str = "none"):
        """Gradients of target with respect to sources (a list, or one tensor for one source). Sources
        target does not depend on give None, or zeros with unconnected_gradients="zero"."""
        h = self._require()
        single = isinstance(sources, Tensor)
        srcs = [sources] if single else list(sources)
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError("unconnected_gradients must be 'none' or 'zero'")
        og = None if output_gradients is None else _as_tensor(output_gradients, target)._h
        handles = api.tape_gradient(len(srcs), h, target._h, [s._h for s in srcs], unconnected_gradients == "zero", og)
        grads = [None if g is None else _wrap(g) for g in handles]
        return grads[0] if single else grads

    def close(self) -> None:
        h, self._h = self._h, None
        api.close(h)


def grad(outputs: Union[Tensor, Sequence[Tensor]], inputs: Union[Tensor, Sequence[Tensor]],
         grad_outputs: Optional[Sequence[Tensor]] = None, retain_graph: bool = False,
         create_graph: bool = False, allow_unused: bool = False, materialize_grads: bool = False) -> List[Optional[Tensor]]:
    """torch.autograd.grad: gradients of sum(outputs * grad_outputs) with respect to inputs."""
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    go = None if grad_outputs is None else [_as_tensor(g, o)._h for g, o in zip(grad_outputs, outs)]
    handles = api.autograd_grad(len(ins), [o._h for o in outs], [i._h for i in ins], go, retain_graph, create_graph,
                                materialize_grads)
    res = [None if h is None else _wrap(h) for h in handles]
    if not allow_unused and not materialize_grads and any(r is None for r in res):
        from ._lib import InvalidArgumentError

        raise InvalidArgumentError("[grad] one of the inputs was not used to compute the outputs "
                                   "(pass allow_unused=True to get None for it)")
    return res


# ---- hooks ----------------------------------------------------------------------------------------

_hooks: Dict[int, Callable] = {}
_hook_keys = itertools.count(1)
_hook_cb = None


def _run_hook(replacement, grad_ptr, user_data) -> int:
    try:
        fn = _hooks[int(ffi.cast("intptr_t", user_data))]
        result = fn(_wrap(api.borrow_tensor(grad_ptr)))
        if result is not None:
            r = _as_tensor(result, None)
            api.tensor_retain(r._h)
            replacement[0] = r._h
        return 0
    except BaseException as e:  # re-raised by the failing C call's wrapper (see _api._raise)
        api.set_callback_error(e)
        return e.status if isinstance(e, TenflowersError) and e.status > 0 else lib.TFL_ERR_INTERNAL


class RemovableHandle:
    """Returned by register_hook; remove() unregisters the hook."""

    def __init__(self, handle: int, key: int) -> None:
        self._handle = handle
        self._key = key

    def remove(self) -> None:
        if self._key in _hooks:
            api.hook_remove(self._handle)
            del _hooks[self._key]


def register_hook(t: Tensor, fn: Callable) -> RemovableHandle:
    global _hook_cb
    if not callable(fn):
        raise TypeError("register_hook expects a callable, got %s" % type(fn).__name__)
    if _hook_cb is None:
        _hook_cb = ffi.callback("tfl_tensor_hook_fn", _run_hook, onerror=_on_callback_error)
    key = next(_hook_keys)
    _hooks[key] = fn
    try:
        handle = api.tensor_register_hook(t._h, _hook_cb, ffi.cast("void *", key))
    except BaseException:
        del _hooks[key]
        raise
    return RemovableHandle(handle, key)


def _on_callback_error(exc_type, exc_value, tb):
    api.set_callback_error(exc_value)
    return lib.TFL_ERR_INTERNAL
