#!/usr/bin/env bash
# Writes the baseline ABI dump for a release (see docs/abi-policy.md): run at release time only.
#   abi/update_baseline.sh <libtenflowers.so> <public include dir>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(head -n1 "$root/VERSION")
abi-dumper "$1" -o "$root/abi/baseline.dump" -lver "$version" -public-headers "$2" -sort -quiet
echo "wrote abi/baseline.dump for $version"
