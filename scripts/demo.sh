#!/usr/bin/env bash
# The main job: set up, build, and run the end-to-end examples (C, then Python; extra arguments go to
# the Python demo, e.g. --epochs 10 or --quiet).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build=${TFL_BUILD_DIR:-$root/build}
# The C example (examples/c/train_digits.c): written against the public C header only.
echo "== C: examples/c/train_digits.c =="
"$build/examples/train_digits_c" "$root/data/digits.csv" "$build/digits_mlp.safetensors"
# The Python demo (examples/python/train_digits.py): a CNN defined as a tfl.nn.Module subclass on the
# development build (the same environment the Python tests use).
echo
echo "== Python: examples/python/train_digits.py =="
PYTHONPATH="$root/python${PYTHONPATH:+:$PYTHONPATH}" TENFLOWERS_LIBRARY="$build/libtenflowers.so" \
  python3 "$root/examples/python/train_digits.py" --checkpoint "$build/digits_cnn.safetensors" "$@"
