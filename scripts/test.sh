#!/usr/bin/env bash
# Every test: set up, build, and run the whole suite through ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "${TFL_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j2 "$@"
