#!/usr/bin/env bash
# Proves the ABI check bites: rebuilds the library with one function removed (tfl_tensor_numel) and one
# parameter type changed (tfl_tensor_arange's step: double -> float) and expects abi/check_abi.sh to
# report both as a break.
#   tests/abi/abi_break_detected.sh <build dir> <source root>
set -euo pipefail
build=$(cd "$1" && pwd) root=$(cd "$2" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# A changed copy of capi/tensor.cpp.
python3 - "$root/capi/tensor.cpp" "$tmp/tensor.cpp" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
start = src.index("/// Number of elements.")
end = src.index("/// Element type.")
src = src[:start] + src[end:]                                  # remove tfl_tensor_numel
src, n = re.subn(r"(tfl_tensor_arange\([^)]*?)double step", r"\1float step", src)
assert n == 1, "tfl_tensor_arange's signature changed: update this test"
open(sys.argv[2], "w").write(src)
PY

# Compile it with the build's own flags, then link it with the build's other objects.
cmd=$(python3 - "$build/compile_commands.json" "$root/capi/tensor.cpp" "$tmp/tensor.cpp" "$tmp/tensor.o" <<'PY'
import json, shlex, sys
db, src, new_src, obj = sys.argv[1:]
for e in json.load(open(db)):
    if e["file"] == src and "tenflowers.dir" in e.get("output", e["command"]):
        args = shlex.split(e["command"])
        args = [new_src if a == src or a.endswith("capi/tensor.cpp") else a for a in args]
        i = args.index("-o"); args[i + 1] = obj
        print(shlex.join(args)); break
PY
)
[[ -n $cmd ]] || { echo "capi/tensor.cpp not found in compile_commands.json"; exit 1; }
(cd "$build" && eval "$cmd")
# The library's objects as the build knows them (compile_commands.json), not every .o on disk: objects
# left from another configuration (e.g. before TFL_CUDA was switched on) would clash.
objects=$(python3 - "$build/compile_commands.json" <<'PY'
import json, os, shlex, sys
for e in json.load(open(sys.argv[1])):
    args = shlex.split(e["command"])
    out = os.path.join(e["directory"], args[args.index("-o") + 1])
    if ("CMakeFiles/tfl_core.dir/" in out or "CMakeFiles/tenflowers.dir/capi/" in out) and \
            not out.endswith("capi/tensor.cpp.o"):
        print(out)
PY
)
[[ -n $objects ]] || { echo "no library objects found in compile_commands.json"; exit 1; }
grep -v 'tfl_tensor_numel;' "$root/abi/libtenflowers.map" >"$tmp/changed.map"
g++ -shared -o "$tmp/libtenflowers.so.0" "$tmp/tensor.o" $objects -Wl,--version-script="$tmp/changed.map" \
  -Wl,-soname,libtenflowers.so.0 -lpthread -ldl

set +e
"$root/abi/check_abi.sh" "$tmp/libtenflowers.so.0" "$root/include/tenflowers" "$root/abi/baseline.dump" "$tmp/report" >"$tmp/out" 2>&1
rc=$?
set -e
cat "$tmp/out"
[[ $rc -eq 1 ]] || { echo "expected the ABI check to fail with 1, got $rc"; exit 1; }
grep -q "tfl_tensor_numel" "$tmp/report/compat_report.html" || { echo "removed tfl_tensor_numel not reported"; exit 1; }
grep -q "tfl_tensor_arange" "$tmp/report/compat_report.html" || { echo "changed tfl_tensor_arange not reported"; exit 1; }
echo "the ABI check reports the removed function and the changed parameter type"
echo "1 passed, 0 failed"
