#!/usr/bin/env bash
# consumer_test.sh — proves a downstream project can use entcode two ways:
#  1. installed (meson install --destdir) and found through pkg-config;
#  2. as a meson subproject (dependency('entcode') via override_dependency).
# Usage: consumer_test.sh <entcode source root>
set -euo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. install + pkg-config
meson setup "$work/lib" "$src" -Dtests=false -Dexamples=false -Dbenchmarks=disabled \
  -Dpython=disabled --prefix=/usr/local >/dev/null
ninja -C "$work/lib" >/dev/null
DESTDIR="$work/root" meson install -C "$work/lib" --quiet >/dev/null
pcdir=$(dirname "$(find "$work/root" -name entcode.pc | head -n 1)")
export PKG_CONFIG_PATH="$pcdir"
export PKG_CONFIG_SYSROOT_DIR="$work/root"
cp -r "$src/examples/consumer" "$work/consumer-pc"
meson setup "$work/consumer-pc/build" "$work/consumer-pc" >/dev/null
ninja -C "$work/consumer-pc/build" >/dev/null
LD_LIBRARY_PATH=$(dirname "$(find "$work/root" -name 'libentcode.so' | head -n 1)") \
  "$work/consumer-pc/build/consumer"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# 2. subproject
cp -r "$src/examples/consumer" "$work/consumer-sub"
mkdir -p "$work/consumer-sub/subprojects"
ln -s "$src" "$work/consumer-sub/subprojects/entcode"
meson setup "$work/consumer-sub/build" "$work/consumer-sub" -Dentcode:tests=false -Dentcode:examples=false \
  -Dentcode:benchmarks=disabled -Dentcode:python=disabled >/dev/null
ninja -C "$work/consumer-sub/build" >/dev/null
"$work/consumer-sub/build/consumer"
echo "consumer: pkg-config and subproject builds both work"
