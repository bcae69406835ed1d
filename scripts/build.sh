#!/usr/bin/env bash
# Configures (once) and builds tenflowers into build/ with Ninja. Incremental on later runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TFL_BUILD_DIR:-$root/build}
if [[ ! -f $build/build.ninja ]]; then
  launcher=()
  # ccache (when installed) makes rebuilds in fresh clones and work trees cheap.
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${TFL_BUILD_TYPE:-Release} "${launcher[@]}" >/dev/null
fi
cmake --build "$build"
