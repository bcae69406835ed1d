#!/usr/bin/env bash
# Creates build/bench-venv and installs the suite's references from PyPI: numpy, threadpoolctl and
# matplotlib (plots), PyTorch and TensorFlow CPU. Each is tried with a time limit; one that cannot be
# installed is skipped with the reason printed (the driver then skips its cases). Idempotent.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${TFL_BENCH_VENV:-$root/build/bench-venv}
limit=${TFL_BENCH_INSTALL_TIMEOUT:-1200}
[[ -x $venv/bin/python ]] || python3 -m venv "$venv" || { echo "setup_refs: cannot create $venv"; exit 1; }
py=$venv/bin/python
have() { "$py" -c "import $1" 2>/dev/null; }
install() {  # install <import name> <pip spec...>
  local mod=$1; shift
  if have "$mod"; then echo "setup_refs: $mod already installed"; return 0; fi
  echo "setup_refs: installing $* (time limit ${limit}s)"
  if ! timeout "$limit" "$py" -m pip install -q --progress-bar off "$@" >"$venv/pip-$mod.log" 2>&1; then
    echo "setup_refs: SKIP $mod: pip install $* failed or timed out; last lines of $venv/pip-$mod.log:"
    tail -3 "$venv/pip-$mod.log" | sed 's/^/    /'
    return 1
  fi
}
install numpy numpy threadpoolctl matplotlib
# cffi: the tenflowers Python package (the tfl-py worker) runs in the same interpreter as the references.
install cffi cffi
# PyPI's Linux torch wheel depends on the CUDA runtime wheels (several GB); the suite uses only its CPU path.
install torch torch
# tensorflow-cpu is the CPU-only build; fall back to the full package where it is not published.
install tensorflow tensorflow-cpu || install tensorflow tensorflow
exit 0
