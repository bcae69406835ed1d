"""tfl.save / tfl.load: dictionaries of named tensors (or a module's state) as safetensors files, readable
and writable by the `safetensors` Python package."""

import os
from collections import OrderedDict
from typing import Any, Dict, Mapping, Optional, Union

from ._lib import api, ffi
from ._tensor import Tensor, _as_tensor, _wrap

PathLike = Union[str, "os.PathLike[str]"]


def save(obj: Any, path: PathLike, metadata: Optional[Mapping[str, str]] = None) -> None:
    """Writes a dict of name -> tensor (anything tfl.tensor accepts), or a Module's state_dict(), to a
    safetensors file (written to a temporary file renamed into place). metadata: str -> str pairs stored in
    the header's "__metadata__" (default {"format": "pt"}, as PyTorch's safetensors files have)."""
    from .nn.module import Module

    state = obj.state_dict() if isinstance(obj, Module) else obj
    if not isinstance(state, Mapping):
        raise TypeError("tfl.save expects a dict of name -> tensor or a tfl.nn.Module, got %s" % type(obj).__name__)
    names, handles, keep = [], [], []
    for name, value in state.items():
        if not isinstance(name, str):
            raise TypeError("tfl.save: tensor names must be str, got %s" % type(name).__name__)
        t = value if isinstance(value, Tensor) else _as_tensor(value, None)
        keep.append(t)
        names.append(ffi.new("char[]", name.encode("utf-8")))
        handles.append(t._h)
    meta = {"format": "pt"} if metadata is None else dict(metadata)
    keys = [ffi.new("char[]", str(k).encode("utf-8")) for k in meta]
    values = [ffi.new("char[]", str(v).encode("utf-8")) for v in meta.values()]
    api.safetensors_save(os.fspath(path), names, handles, keys, values)


def load(path: PathLike, with_metadata: bool = False) -> Any:
    """Reads a safetensors file into an ordered dict of name -> Tensor (with_metadata: also returns the
    header's metadata as a dict)."""
    f = api.safetensors_from_file(os.fspath(path))
    try:
        out: Dict[str, Tensor] = OrderedDict()
        for i in range(api.safetensors_count(f)):
            out[api.safetensors_name(f, i)] = _wrap(api.safetensors_tensor(f, i))
        if not with_metadata:
            return out
        meta = {}
        for i in range(api.safetensors_metadata_count(f)):
            k, v = api.safetensors_metadata_entry(f, i)
            meta[k] = v
        return out, meta
    finally:
        api.close(f)
