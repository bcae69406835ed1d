"""repr/str/_repr_html_ of tensors, NumPy-like (through numpy.array2string when NumPy is installed)."""

import html

from ._tensor import Tensor


def _body(t: Tensor, prefix: str) -> str:
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - NumPy is a dependency, but keep repr working without it
        return str(t.tolist())
    a = t.numpy() if t.dtype.typestr is not None else t.astype("float32").numpy()
    return np.array2string(a, separator=", " if prefix else " ", prefix=prefix, threshold=1000, edgeitems=3)


def _suffix(t: Tensor) -> str:
    parts = []
    if t.dtype.name not in ("float32", "int64", "bool"):
        parts.append("dtype=%s" % t.dtype.name)
    if t.size == 0 and t.ndim != 1:
        parts.append("shape=%s" % (t.shape,))
    if t.device != "cpu":
        parts.append("device=%s" % t.device)
    if t.requires_grad:
        parts.append("requires_grad=True")
    return "".join(", " + p for p in parts)


def tensor_repr(t: Tensor) -> str:
    if t._h is None:
        return "tensor(<closed>)"
    return "tensor(" + _body(t, "tensor(") + _suffix(t) + ")"


def tensor_str(t: Tensor) -> str:
    if t._h is None:
        return "tensor(<closed>)"
    return _body(t, "")


def tensor_html(t: Tensor) -> str:
    info = "shape=%s, dtype=%s, device=%s%s" % (t.shape, t.dtype.name, t.device,
                                                 ", requires_grad=True" if t.requires_grad else "")
    return ("<div><small><b>tenflowers.Tensor</b> %s</small><pre>%s</pre></div>"
            % (html.escape(info), html.escape(tensor_str(t))))
