"""tenflowers._lib: the private low layer (generated from the C API by tfl-gen, except the loader).

`ffi` and `lib` are the raw cffi objects; `_api` holds one checked wrapper per C function.
"""

from . import _api as api
from . import _errors
from ._errors import *  # noqa: F401,F403
from ._errors import STATUS_ERRORS, TenflowersError
from ._loader import ffi, lib, library_path

__all__ = ["api", "ffi", "lib", "library_path"] + list(_errors.__all__)
