"""tfl.nn.Module: the base class of layers, subclassable in Python as in PyTorch (attributes register
parameters, buffers and children; __call__ runs hooks around forward)."""

import itertools
from collections import OrderedDict
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple

from .._autograd import no_grad
from .._lib import CheckpointError
from .._tensor import Tensor
from .parameter import Parameter

_hook_ids = itertools.count(1)


class IncompatibleKeys(NamedTuple):
    missing_keys: List[str]
    unexpected_keys: List[str]


class RemovableHandle:
    """Returned by the register_*_hook methods; remove() unregisters the hook."""

    def __init__(self, remove_fn: Callable[[], None]) -> None:
        self._remove_fn: Optional[Callable[[], None]] = remove_fn

    def remove(self) -> None:
        fn, self._remove_fn = self._remove_fn, None
        if fn is not None:
            fn()

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def _as_args(result: Any) -> Tuple[Any, ...]:
    return result if isinstance(result, tuple) else (result,)


class Module:
    """Base class of all layers. Subclasses set parameters (tfl.nn.Parameter), buffers (register_buffer)
    and submodules as attributes in __init__ (after super().__init__()) and define forward()."""

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_backward_hooks", OrderedDict())

    # ---- registration by attribute -----------------------------------------------------------------

    def _require_init(self) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameters or modules before Module.__init__() is called "
                                 "(call super().__init__() first in %s.__init__)" % type(self).__name__)

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if isinstance(value, Parameter):
            self._require_init()
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            self._require_init()
            self._discard(name)
            d["_modules"][name] = value
        elif "_parameters" in d and name in d["_parameters"]:
            if value is not None:
                raise TypeError("cannot assign %s as parameter '%s' (a tfl.nn.Parameter or None is required)"
                                % (type(value).__name__, name))
            d["_parameters"][name] = None
        elif "_modules" in d and name in d["_modules"]:
            if value is not None:
                raise TypeError("cannot assign %s as child module '%s' (a tfl.nn.Module or None is required)"
                                % (type(value).__name__, name))
            d["_modules"][name] = None
        elif "_buffers" in d and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError("cannot assign %s as buffer '%s' (a Tensor or None is required)"
                                % (type(value).__name__, name))
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            s = d.get(store)
            if s is not None and name in s:
                return s[name]
        raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, name))

    def __delattr__(self, name: str) -> None:
        for store in ("_parameters", "_buffers", "_modules"):
            s = self.__dict__.get(store)
            if s is not None and name in s:
                del s[name]
                return
        object.__delattr__(self, name)

    def _discard(self, name: str) -> None:
        for store in ("_parameters", "_buffers", "_modules"):
            self.__dict__[store].pop(name, None)
        self.__dict__.pop(name, None)

    def register_parameter(self, name: str, param: Optional[Parameter]) -> None:
        self._require_init()
        if "." in name or not name:
            raise KeyError("parameter name must be non-empty and contain no '.', got '%s'" % name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError("register_parameter expects a tfl.nn.Parameter or None, got %s" % type(param).__name__)
        self._discard(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Optional[Tensor], persistent: bool = True) -> None:
        self._require_init()
        if "." in name or not name:
            raise KeyError("buffer name must be non-empty and contain no '.', got '%s'" % name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError("register_buffer expects a Tensor or None, got %s" % type(tensor).__name__)
        self._discard(name)
        self._buffers[name] = tensor
        if not persistent:
            self.__dict__.setdefault("_non_persistent", set()).add(name)

    def add_module(self, name: str, module: Optional["Module"]) -> None:
        self._require_init()
        if module is not None and not isinstance(module, Module):
            raise TypeError("add_module expects a tfl.nn.Module, got %s" % type(module).__name__)
        self._discard(name)
        self._modules[name] = module

    register_module = add_module

    # ---- calling -----------------------------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("%s must define forward()" % type(self).__name__)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        for hook in list(self._forward_pre_hooks.values()):
            r = hook(self, args)
            if r is not None:
                args = _as_args(r)
        bw = self._backward_hooks
        if bw:
            args, state = _begin_backward_hooks(self, args)
        out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            r = hook(self, args, out)
            if r is not None:
                out = r
        if bw:
            out = _end_backward_hooks(self, state, out)
        return out

    def _add_hook(self, store: "OrderedDict[int, Callable]", fn: Callable) -> RemovableHandle:
        if not callable(fn):
            raise TypeError("a hook must be callable, got %s" % type(fn).__name__)
        key = next(_hook_ids)
        store[key] = fn
        return RemovableHandle(lambda: store.pop(key, None))

    def register_forward_pre_hook(self, hook: Callable) -> RemovableHandle:
        """hook(module, args) runs before forward; it may return new args (a tuple or one value)."""
        return self._add_hook(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook: Callable) -> RemovableHandle:
        """hook(module, args, output) runs after forward; it may return a new output."""
        return self._add_hook(self._forward_hooks, hook)

    def register_full_backward_hook(self, hook: Callable) -> RemovableHandle:
        """hook(module, grad_input, grad_output) runs when the gradients w.r.t. the module's inputs are
        computed (tuples; None for inputs that need no gradient); it may return a tuple of replacements
        for grad_input. Exceptions raised by the hook propagate out of backward()."""
        return self._add_hook(self._backward_hooks, hook)

    register_backward_hook = register_full_backward_hook

    # ---- traversal ---------------------------------------------------------------------------------

    def named_modules(self, memo: Optional[set] = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[Tuple[str, "Module"]]:
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self) -> Iterator["Module"]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[Tuple[str, "Module"]]:
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator["Module"]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, store: str, prefix: str, recurse: bool) -> Iterator[Tuple[str, Tensor]]:
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        for mprefix, m in mods:
            for name, t in getattr(m, store).items():
                if t is None or id(t) in seen:
                    continue
                seen.add(id(t))
                yield mprefix + ("." if mprefix else "") + name, t

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[Tuple[str, Parameter]]:
        return self._named_members("_parameters", prefix, recurse)  # type: ignore[return-value]

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[Tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def num_parameters(self, trainable_only: bool = False) -> int:
        return sum(p.numel() for p in self.parameters() if p.requires_grad or not trainable_only)

    def apply(self, fn: Callable[["Module"], None]) -> "Module":
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients -----------------------------------------------------------------------

    def train(self, mode: bool = True) -> "Module":
        object.__setattr__(self, "training", bool(mode))
        for m in self.children():
            m.train(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            else:
                g = p.grad
                if g is not None:
                    g.zero_()

    # ---- state dict --------------------------------------------------------------------------------

    def _state_items(self, prefix: str = "") -> Iterator[Tuple[str, Tensor]]:
        # PyTorch's order: per module its parameters, then its persistent buffers, then each child.
        skip = self.__dict__.get("_non_persistent", ())
        for name, p in self._parameters.items():
            if p is not None:
                yield prefix + name, p
        for name, b in self._buffers.items():
            if b is not None and name not in skip:
                yield prefix + name, b
        for name, m in self._modules.items():
            if m is not None:
                yield from m._state_items(prefix + name + ".")

    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Parameters and persistent buffers by dotted name: detached views of the module's tensors
        (they change when the module is trained; clone them for a snapshot)."""
        out: "OrderedDict[str, Tensor]" = OrderedDict()
        for name, t in self._state_items(prefix):
            out[name] = t if keep_vars else t.detach()
        return out

    def load_state_dict(self, state_dict: Dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copies tensors into the module's parameters and buffers (no autograd recording). Every entry
        is checked first, so a failing load (shape mismatch, or missing/unexpected keys with strict)
        leaves the module unchanged."""
        from .._creation import tensor as to_tensor

        own = OrderedDict(self._state_items())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise CheckpointError("[load_state_dict] error(s) in loading state_dict for %s: missing keys %s, "
                                  "unexpected keys %s" % (type(self).__name__, missing, unexpected))
        pairs = []
        for k, dst in own.items():
            if k not in state_dict:
                continue
            src = state_dict[k]
            src = src if isinstance(src, Tensor) else to_tensor(src)
            if tuple(src.shape) != tuple(dst.shape):
                raise CheckpointError("[load_state_dict] size mismatch for %s: the checkpoint has shape %s, the "
                                      "module %s" % (k, tuple(src.shape), tuple(dst.shape)))
            pairs.append((dst, src))
        with no_grad():
            for dst, src in pairs:
                dst.copy_(src)
        return IncompatibleKeys(missing, unexpected)

    # ---- printing ----------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = []
        for name, m in self._modules.items():
            sub = repr(m).replace("\n", "\n  ")
            lines.append("(%s): %s" % (name, sub))
        head = type(self).__name__ + "(" + self.extra_repr()
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))


# ---- backward hooks of Python-defined modules --------------------------------------------------------


def _begin_backward_hooks(module: Module, args: Tuple[Any, ...]):
    """Routes each input that requires grad through a recorded identity (clone), whose tensor hook sees the
    gradient w.r.t. that input; the output's hook records the gradient w.r.t. the output first."""
    state = {"grad_output": None, "grad_input": [None] * len(args), "pending": 0, "slots": []}
    new_args = list(args)
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and a.requires_grad:
            alias = a.clone()
            new_args[i] = alias
            state["slots"].append((i, alias))
    return tuple(new_args), state


def _call_backward_hooks(module: Module, state) -> Optional[Tuple[Any, ...]]:
    gi = tuple(state["grad_input"])
    go = state["grad_output"] if state["grad_output"] is not None else (None,)
    result = None
    for hook in list(module._backward_hooks.values()):
        r = hook(module, gi, go)
        if r is not None:
            result = gi = _as_args(r)
    return result


def _end_backward_hooks(module: Module, state, out: Any) -> Any:
    if not isinstance(out, Tensor) or not out.requires_grad:
        return out
    slots = state["slots"]

    def on_output(grad):
        state["grad_output"] = (grad,)
        state["pending"] = len(slots)
        state["grad_input"] = [None] * len(state["grad_input"])
        if not slots:
            _call_backward_hooks(module, state)
        return None

    def make_input_hook(index):
        def on_input(grad):
            state["grad_input"][index] = grad
            state["pending"] -= 1
            if state["pending"] > 0:
                return None
            # The last input gradient to arrive runs the hooks; a replacement can change only the gradient
            # being delivered now (for a single-input module, that is the whole grad_input).
            r = _call_backward_hooks(module, state)
            return None if r is None else r[index]
        return on_input

    out.register_hook(on_output)
    for i, alias in slots:
        alias.register_hook(make_input_hook(i))
    return out
