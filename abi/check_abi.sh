#!/usr/bin/env bash
# Compares a built libtenflowers.so against the baseline ABI dump of the last release with
# abi-dumper + abi-compliance-checker (RECIPES.md §C). Exit 0 = compatible; 1 = an ABI break.
#   abi/check_abi.sh <libtenflowers.so> <public include dir> <baseline dump> <report dir>
set -euo pipefail
lib=$1 include=$2 baseline=$3 out=$4
mkdir -p "$out"
abi-dumper "$lib" -o "$out/current.dump" -lver current -public-headers "$include" -sort -quiet >"$out/dumper.log" 2>&1 || {
  echo "abi-dumper failed:"; cat "$out/dumper.log"; exit 2; }
set +e
abi-compliance-checker -l tenflowers -old "$baseline" -new "$out/current.dump" -report-path "$out/compat_report.html" \
  >"$out/checker.log" 2>&1
rc=$?
set -e
grep -E "Binary compatibility|Source compatibility|Total" "$out/checker.log" || true
if [[ $rc -ne 0 ]]; then
  echo "ABI BREAK (rc=$rc): report at $out/compat_report.html"
  exit 1
fi
echo "ABI compatible with the baseline; report at $out/compat_report.html"
