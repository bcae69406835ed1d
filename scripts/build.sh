#!/usr/bin/env bash
# Configures (once) and builds tenflowers into build/ with Ninja. Incremental on later runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TFL_BUILD_DIR:-$root/build}
if [[ ! -f $build/build.ninja ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${TFL_BUILD_TYPE:-Release} >/dev/null
fi
cmake --build "$build"
