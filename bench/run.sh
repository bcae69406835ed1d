#!/usr/bin/env bash
# The benchmark suite in one command (bench/README.md):
#   bench/run.sh                 build (Release), install the references into build/bench-venv, run
#                                every case; writes build/bench/results.{json,txt} and docs/img plots
#   bench/run.sh --quick         the regression mode only (what ctest runs): ratios against raw refs
#   bench/run.sh --no-install    skip the PyPI step (use what the venv has)
#   bench/run.sh --detail        also run the older single-topic benchmarks in build/bench/
# Other arguments go to bench/driver.py (e.g. --only 'sgemm|mlp', --reps 9).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TFL_BUILD_DIR:-$root/build}
install=1 detail=0 quick=0 args=()
for a in "$@"; do
  case $a in
    --no-install) install=0 ;;
    --detail) detail=1 ;;
    --quick) quick=1; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
"$root/scripts/build.sh"
if (( quick )); then
  exec python3 "$root/bench/driver.py" --build "$build" --check "$root/bench/baseline.json" "${args[@]}"
fi
(( install )) && "$root/bench/setup_refs.sh"
mkdir -p "$build/bench"
python3 "$root/bench/driver.py" --build "$build" --json "$build/bench/results.json" --text "$build/bench/results.txt" "${args[@]}"
py=$build/bench-venv/bin/python
if [[ -x $py ]] && "$py" -c "import matplotlib" 2>/dev/null; then
  "$py" "$root/bench/plot.py" "$build/bench/results.json" "$root/docs/img"
else
  echo "run.sh: matplotlib not available; plots skipped"
fi
if (( detail )); then
  shopt -s nullglob
  for b in "$build"/bench/*; do
    [[ -x $b && -f $b ]] || continue
    echo "== $(basename "$b")"
    "$b" || true
  done
fi
