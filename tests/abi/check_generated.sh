#!/usr/bin/env bash
# Runs tfl-gen into a temporary directory and fails when the committed outputs differ from it. Every
# file the generator writes is compared, so a new emitter is covered without editing this script.
set -euo pipefail
gen=$1 build=$2 root=$3; shift 3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$gen" -p "$build" --root "$root" --out-dir "$tmp/out" "$@" >/dev/null
status=0 count=0
while IFS= read -r f; do
  count=$((count + 1))
  if ! diff -u "$root/$f" "$tmp/out/$f" >"$tmp/diff" 2>&1; then
    echo "$f is stale: run 'cmake --build build --target regenerate' and commit"; head -40 "$tmp/diff"; status=1
  fi
done < <(cd "$tmp/out" && find . -type f | sed 's|^\./||' | sort)
if ((count < 10)); then echo "tfl-gen wrote only $count files"; status=1; fi
[[ $status -eq 0 ]] && echo "all $count generated files match a fresh tfl-gen run"
exit $status
