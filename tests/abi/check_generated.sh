#!/usr/bin/env bash
# Runs tfl-gen into a temporary directory and fails when the committed outputs differ from it.
set -euo pipefail
gen=$1 build=$2 root=$3; shift 3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$gen" -p "$build" --root "$root" --out-dir "$tmp" "$@" >/dev/null
status=0
for f in include/tenflowers/tenflowers.h abi/libtenflowers.map abi/api.json docs/c-api.md \
         bindings/rust/src/sys.rs bindings/rust/src/generated.rs \
         bindings/cpp/include/tenflowers/tenflowers.hpp; do
  if ! diff -u "$root/$f" "$tmp/$f" >"$tmp/diff" 2>&1; then
    echo "$f is stale: run 'cmake --build build --target regenerate' and commit"; head -40 "$tmp/diff"; status=1
  fi
done
[[ $status -eq 0 ]] && echo "generated files match a fresh tfl-gen run"
exit $status
