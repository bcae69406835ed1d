"""Build step: pre-compiles the cffi declarations into the pure-Python module _ffi.py (cffi ABI mode,
out-of-line), so that importing tenflowers never parses C.

    python3 _build_ffi.py <output _ffi.py>

Runs standalone (it reads _cdef.py next to it without importing the package, which would load the
library).
"""

import os
import runpy
import sys


def build(output: str) -> None:
    import cffi

    here = os.path.dirname(os.path.abspath(__file__))
    cdef = runpy.run_path(os.path.join(here, "_cdef.py"))["CDEF"]
    builder = cffi.FFI()
    builder.cdef(cdef)
    builder.set_source("tenflowers._lib._ffi", None)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    tmp = output + ".tmp.py"
    builder.emit_python_code(tmp)
    os.replace(tmp, output)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: _build_ffi.py <output _ffi.py>")
    build(sys.argv[1])
