#!/usr/bin/env bash
# Builds tenflowers (Release) and runs every benchmark binary in build/bench/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TFL_BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
shopt -s nullglob
status=0
for b in "$build"/bench/*; do
  [[ -x $b && -f $b ]] || continue
  echo "== $(basename "$b")"
  "$b" || status=$?
done
exit $status
