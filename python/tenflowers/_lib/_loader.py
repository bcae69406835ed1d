"""Finds and loads libtenflowers.so through cffi (ABI mode) and checks its ABI version.

The library is looked up in this order: the TENFLOWERS_LIBRARY environment variable (a file or a
directory; for development against a build tree), then next to the package (the wheel ships it there).
The cffi type tables come pre-built from _ffi.py (written at build time by _build_ffi.py), so import
does not parse C; only when _ffi.py is missing (a source checkout that was never built) are the
declarations of _cdef.py parsed at import.
"""

import os

from ._cdef import ABI_VERSION, VERSION

_LIB_NAMES = ("libtenflowers.so", "libtenflowers.so.0")


def _candidates():
    env = os.environ.get("TENFLOWERS_LIBRARY")
    if env:
        if os.path.isdir(env):
            return [os.path.join(env, n) for n in _LIB_NAMES], True
        return [env], True
    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return [os.path.join(package_dir, n) for n in _LIB_NAMES], False


def _find_library() -> str:
    paths, from_env = _candidates()
    for p in paths:
        if os.path.isfile(p):
            return p
    where = "TENFLOWERS_LIBRARY=" + os.environ["TENFLOWERS_LIBRARY"] if from_env else "the package directory"
    raise ImportError(
        "tenflowers: cannot find libtenflowers.so in %s (looked for %s). Install the wheel "
        "(pip install .) or point TENFLOWERS_LIBRARY at a build, e.g. build/libtenflowers.so."
        % (where, ", ".join(paths))
    )


def _make_ffi():
    try:
        from ._ffi import ffi as prebuilt

        return prebuilt
    except ImportError:
        import cffi

        from ._cdef import CDEF

        parsed = cffi.FFI()
        parsed.cdef(CDEF)
        return parsed


def abi_string(abi: int) -> str:
    return "%d.%d" % (abi // 1000, abi % 1000)


def check_abi(abi: int, found_version: str, path: str, wanted: int = ABI_VERSION) -> None:
    """Raises ImportError unless a library with ABI `abi` can serve a layer generated for `wanted`:
    the same major version, and a minor version at least as new."""
    if abi < wanted or abi // 1000 != wanted // 1000:
        raise ImportError(
            "tenflowers: %s has ABI %s (version %s), but this Python package was generated for ABI %s "
            "(version %s) and needs a library at least that new with the same major version. Rebuild "
            "the library or reinstall the package." % (path, abi_string(abi), found_version, abi_string(wanted),
                                                       VERSION)
        )


def _load():
    path = _find_library()
    try:
        loaded = ffi.dlopen(path)
    except OSError as e:
        raise ImportError("tenflowers: cannot load %s: %s" % (path, e)) from e
    try:
        abi = int(loaded.tfl_version_abi())
    except AttributeError as e:
        raise ImportError("tenflowers: %s is not a tenflowers library (no tfl_version_abi)" % path) from e
    check_abi(abi, ffi.string(loaded.tfl_version()).decode(), path)
    return loaded, path


ffi = _make_ffi()
lib, library_path = _load()
