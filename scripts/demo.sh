#!/usr/bin/env bash
# The main job: set up, build, and run the end-to-end example.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build=${TFL_BUILD_DIR:-$root/build}
# The C example (examples/c/train_digits.c): written against the public C header only.
"$build/examples/train_digits_c" "$root/data/digits.csv" "$build/digits_mlp.safetensors"
