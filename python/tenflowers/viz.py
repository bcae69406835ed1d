"""tfl.viz: the autograd graph behind a tensor as Graphviz DOT, and rendered to an image.

    y = (x * w + b).relu().sum()
    print(tfl.viz.to_dot(y))            # DOT text: one box per op, one ellipse per parameter
    tfl.viz.render(y, "graph.svg")      # needs Graphviz's `dot` on PATH
"""

import os
import shutil
import subprocess

from ._lib import api
from ._tensor import Tensor


def to_dot(tensor: Tensor) -> str:
    """The recorded graph that produced tensor as DOT text (an empty digraph when it does not require
    grad): ops are boxes labelled with their name and output shapes and dtypes, leaves that require grad
    are ellipses, edges follow the data flow."""
    if not isinstance(tensor, Tensor):
        raise TypeError("tfl.viz.to_dot expects a tfl.Tensor, got %s" % type(tensor).__name__)
    h = tensor._h
    _, n = api.tensor_graph_dot(0, h)
    buf, n = api.tensor_graph_dot(n + 1, h)
    return buf[:n].decode("utf-8", "replace")


def render(tensor: Tensor, path: str, fmt: str = "") -> str:
    """Renders the graph of tensor into path with Graphviz's `dot` (the format from the extension, e.g.
    .svg, .png, .pdf, unless fmt is given). Returns path. Raises RuntimeError when `dot` is not on PATH
    (install graphviz) or fails."""
    text = to_dot(tensor)
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("tfl.viz.render needs Graphviz's `dot` on PATH (apt-get install graphviz, or "
                           "brew install graphviz); tfl.viz.to_dot(tensor) gives the DOT text without it")
    fmt = fmt or os.path.splitext(path)[1].lstrip(".") or "svg"
    done = subprocess.run([dot, "-T" + fmt, "-o", path], input=text.encode("utf-8"), capture_output=True)
    if done.returncode != 0:
        raise RuntimeError("tfl.viz.render: dot -T%s failed: %s" % (fmt, done.stderr.decode("utf-8", "replace").strip()))
    return path


__all__ = ["to_dot", "render"]
