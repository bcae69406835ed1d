#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a C program against it twice: with pkg-config
# and with CMake's find_package(tenflowers), and a C++ program over the binding; all must run.
#   tests/install/check_install.sh <build dir> <source root>
set -euo pipefail
build=$(cd "$1" && pwd) root=$(cd "$2" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(dirname "$(find "$tmp/prefix" -name tenflowers.pc)")/..
export PKG_CONFIG_PATH=$libdir/pkgconfig
cc -std=c99 -Wall -Wextra -Werror -o "$tmp/with_pkgconfig" "$root/tests/c/tensor_basics.c" \
  $(pkg-config --cflags --libs tenflowers) -Wl,-rpath,"$(pkg-config --variable=libdir tenflowers)"
"$tmp/with_pkgconfig" | tail -1
cmake -S "$root/tests/install/consumer" -B "$tmp/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DTFL_TEST_SOURCE="$root/tests/c/tensor_basics.c" >/dev/null
cmake --build "$tmp/consumer" >/dev/null
"$tmp/consumer/consumer" | tail -1
# The header-only C++ binding installs next to the C header and builds through the same package.
test -f "$tmp/prefix/include/tenflowers/tenflowers.hpp"
cmake -S "$root/tests/install/consumer_cpp" -B "$tmp/consumer_cpp" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer_cpp" >/dev/null
"$tmp/consumer_cpp/consumer_cpp" | tail -1
echo "installed library works through pkg-config and find_package(tenflowers), from C and C++"
