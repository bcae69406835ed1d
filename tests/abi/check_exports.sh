#!/usr/bin/env bash
# Fails unless the library exports exactly the functions of the version script, each a tfl_ function
# with a TENFLOWERS_x.y version, and nothing else (no std::, OpenBLAS or CUDA symbols).
set -euo pipefail
lib=$1 map=$2
exports=$(nm -D --defined-only --with-symbol-versions "$lib" | awk '{print $3}' | sort)
bad=$(grep -Ev '^tfl_[a-z0-9_]+@@?TENFLOWERS_[0-9]+\.[0-9]+$|^TENFLOWERS_[0-9]+\.[0-9]+(@@TENFLOWERS_[0-9]+\.[0-9]+)?$' <<<"$exports" || true)
if [[ -n $bad ]]; then
  echo "unexpected exports (not a versioned tfl_ function):"; echo "$bad"; exit 1
fi
exported=$(grep -Eo '^tfl_[a-z0-9_]+' <<<"$exports" | sort -u)
listed=$(grep -Eo '^\s+tfl_[a-z0-9_]+;' "$map" | tr -d ' ;' | sort -u)
if [[ "$exported" != "$listed" ]]; then
  echo "exports and version script differ:"; diff <(echo "$listed") <(echo "$exported") || true; exit 1
fi
echo "$(wc -l <<<"$exported") exported tfl_ functions, all versioned; no other symbol"
echo "1 passed, 0 failed"
