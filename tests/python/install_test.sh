#!/usr/bin/env bash
# The wheel: built by pip (scikit-build-core), repaired by auditwheel to a manylinux tag, installed
# into a fresh virtual environment with no build tools, and the installed package (not the source
# tree) imports and runs an op with no TENFLOWERS_LIBRARY. The venv sees the system's site-packages for
# cffi/numpy so the test needs no network; the wheel build reuses the persistent build directory and
# ccache, so after the normal build it is quick.
set -euo pipefail
python=$1 root=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$python" -m pip wheel --quiet --no-build-isolation --no-deps "$root" -w "$tmp/dist" 2>&1 | grep -v "WARNING: Running pip as" || true
# manylinux_2_35: the oldest policy this build's glibc and libstdc++ symbol versions allow (Debian 12).
"$python" -m auditwheel repair --plat manylinux_2_35_x86_64 -w "$tmp/wheelhouse" "$tmp"/dist/tenflowers-*.whl >/dev/null
wheel=$(ls "$tmp"/wheelhouse/tenflowers-*-manylinux_2_35_x86_64.whl)
echo "repaired wheel: $(basename "$wheel")"
"$python" -m venv --system-site-packages "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --no-deps "$wheel" 2>&1 | grep -v "WARNING: Running pip as" || true
cd "$tmp"
env -u TENFLOWERS_LIBRARY -u PYTHONPATH "$tmp/venv/bin/python" - <<'PY'
import os, sys
import tenflowers as tfl
where = os.path.dirname(tfl.__file__)
assert where.startswith(sys.prefix), "imported %s, not the installed package" % where
assert os.path.isfile(os.path.join(where, "libtenflowers.so")), "library not shipped in the package"
assert os.path.isfile(os.path.join(where, "_lib", "_ffi.py")), "pre-built cffi module missing"
assert tfl._lib.library_path.startswith(where)
from tenflowers import _fastpath
assert _fastpath.FAST is not None and _fastpath.FAST.__file__.startswith(where), "compiled fast path not used"
r = (tfl.ones((2, 2)) + tfl.tensor([1.0, 2.0])).tolist()
assert r == [[2.0, 3.0], [2.0, 3.0]], r
x = tfl.tensor([3.0], requires_grad=True)
(x * x).sum().backward()
assert x.grad.tolist() == [6.0]
print("installed tenflowers", tfl.__version__, "from", where, "(compiled fast path) ok")
PY
