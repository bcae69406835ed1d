#!/usr/bin/env bash
# Installs what building and testing tenflowers needs on Debian 12. Idempotent: when everything is
# already there it only checks (well under a second) and touches no package index.
set -euo pipefail

apt_packages=(
  build-essential cmake ninja-build pkg-config catch2 libopenblas-dev libopenblas0-pthread
  # JSON for the safetensors header and the memory profiler snapshot (header-only)
  nlohmann-json3-dev
  # tfl-gen (Clang LibTooling) and the drift test; find_package(Clang) needs all the clang-14 tools present
  clang-14 clang-tools-14 clang-tidy-14 clang-format-14 clangd-14 llvm-14-dev libclang-14-dev libclang-cpp14-dev
  # the ABI check
  abi-dumper abi-compliance-checker elfutils vtable-dumper universal-ctags
  # the C tests under valgrind; python3 generates the argument tests
  valgrind python3 python3-pip
  # build cache: rebuilds of unchanged sources in a fresh clone are nearly free
  ccache
  # auditwheel's tool for repairing the Python wheel to a manylinux tag
  patchelf
  # headless Chromium renders the training report (tests/python/test_report_chromium.py screenshots it)
  chromium
)
# The Rust binding's tests (cargo test, offline: the crate has no dependencies); a rustup toolchain counts.
command -v cargo >/dev/null || [[ -x $HOME/.cargo/bin/cargo ]] || apt_packages+=(cargo rustc)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Python packages: safetensors + numpy for the safetensors interop test; cffi, pytest and scikit-build-core
# for the Python package and its tests; auditwheel for the wheel test; scikit-learn (the digits data) and
# tqdm for the Python demo. pip runs only for the modules whose import fails.
# One interpreter start, find_spec only (no imports): quick when everything is there.
read -r -a py_missing < <(python3 -c '
import importlib.util as u
need = {"safetensors": "safetensors", "numpy": "numpy", "cffi": "cffi", "pytest": "pytest",
        "scikit_build_core": "scikit-build-core", "auditwheel": "auditwheel", "sklearn": "scikit-learn",
        "tqdm": "tqdm"}
print(" ".join(p for m, p in need.items() if u.find_spec(m) is None))')
if ((${#py_missing[@]})); then
  echo "setup: installing the Python packages ${py_missing[*]}"
  # A Debian-managed interpreter (PEP 668) refuses plain pip installs; fall back to the explicit override.
  python3 -m pip install --quiet "${py_missing[@]}" 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages "${py_missing[@]}"
fi

# The parity harness (tests/python/test_parity.py) compares values and gradients with PyTorch or JAX and
# fails when neither imports. PyTorch is large, so when neither is there the CPU-only JAX wheel (~80 MB
# with jaxlib) is installed.
if ! python3 -c 'import importlib.util as u, sys; sys.exit(0 if u.find_spec("torch") or u.find_spec("jax") else 1)'; then
  echo "setup: installing jax (CPU) for the parity tests"
  python3 -m pip install --quiet jax 2>/dev/null || python3 -m pip install --quiet --break-system-packages jax
fi
