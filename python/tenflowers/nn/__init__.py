"""tfl.nn: layers and losses. The Module/Parameter classes arrive with the C module API (tfl_module);
tfl.nn.functional already offers the stateless functions of the core."""

from . import functional

__all__ = ["functional"]
