#!/usr/bin/env bash
# consumer_test.sh — proves a downstream project can use entcode three ways:
#  1. installed (meson install --destdir) and found through pkg-config, seeing no
#     other .pc file (as on a machine without libxsimd-dev), with no -std forced;
#  2. installed and found by CMake's find_package(entcode) (entcode::entcode);
#  3. as a meson subproject with default options, which builds the library only.
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
export PKG_CONFIG_LIBDIR="$pcdir"  # only entcode.pc is visible
export PKG_CONFIG_SYSROOT_DIR="$work/root"
pkg-config --cflags --libs entcode >/dev/null || { echo "pkg-config entcode fails alone"; exit 1; }
if pkg-config --cflags entcode | grep -q -- '-std='; then echo "entcode.pc forces -std"; exit 1; fi
if grep -rq xsimd "$work/root/usr/local/include/entcode"; then echo "installed headers use xsimd"; exit 1; fi
cp -r "$src/examples/consumer" "$work/consumer-pc"
meson setup "$work/consumer-pc/build" "$work/consumer-pc" >/dev/null
ninja -C "$work/consumer-pc/build" >/dev/null
LD_LIBRARY_PATH=$(dirname "$(find "$work/root" -name 'libentcode.so' | head -n 1)") \
  "$work/consumer-pc/build/consumer"
unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR

# 2. CMake package
if command -v cmake >/dev/null; then
  cp -r "$src/examples/consumer" "$work/consumer-cmake"
  cmake -S "$work/consumer-cmake" -B "$work/consumer-cmake/build" -DCMAKE_PREFIX_PATH="$work/root/usr/local" \
    -DCMAKE_CXX_STANDARD=23 >/dev/null
  cmake --build "$work/consumer-cmake/build" >/dev/null
  "$work/consumer-cmake/build/consumer"  # the imported target carries the library path (RPATH)
else
  echo "consumer: cmake not found, CMake package not tested"
fi

# 3. subproject
cp -r "$src/examples/consumer" "$work/consumer-sub"
mkdir -p "$work/consumer-sub/subprojects"
ln -s "$src" "$work/consumer-sub/subprojects/entcode"
meson setup "$work/consumer-sub/build" "$work/consumer-sub" >/dev/null
executables=$(meson introspect --targets "$work/consumer-sub/build" |
  python3 -c 'import json, sys; print(sum(t["type"] == "executable" for t in json.load(sys.stdin)))')
if [ "$executables" != 1 ]; then  # the consumer only
  echo "the subproject builds more than the library"; exit 1
fi
ninja -C "$work/consumer-sub/build" >/dev/null
"$work/consumer-sub/build/consumer"
echo "consumer: pkg-config, CMake and subproject builds all work"
