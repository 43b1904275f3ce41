#!/usr/bin/env bash
# consumer_test.sh — proves a downstream project can use entcode three ways:
#  1. installed (meson install --destdir) and found through pkg-config, seeing no
#     other .pc file, with no -std forced;
#  2. installed and found by CMake's find_package(entcode) (entcode::entcode);
#  3. as a meson subproject with default options, which builds the library only.
# With --without-xsimd (root; CI's last stage, .ci/run), 1 and 2 (and a compile of every
# installed header) run in a private mount namespace where libxsimd-dev's headers, .pc and
# CMake files are hidden, after checking that xsimd really is unreachable there: the
# consumer step of a machine without libxsimd-dev. Nothing outside the namespace changes.
# Usage: consumer_test.sh <entcode source root> [--without-xsimd]
#   (ENTCODE_CONSUMER_WITHOUT_XSIMD=1 in the environment is the same as --without-xsimd)
set -euo pipefail

# xsimd's headers, CMake package and .pc file, wherever a package put them.
xsimd_paths() {
  find /usr /opt -maxdepth 6 -path '*/share/doc' -prune -o \
    \( -type d \( -name xsimd -o -name 'xsimd-*' \) -prune -print \) -o -name xsimd.pc -print 2>/dev/null
}

# Hides every xsimd_paths entry in the current (private) mount namespace: an empty tmpfs
# over a directory, a copy of its directory without it for a file. Then fails unless
# xsimd is unreachable for the compiler, pkg-config and CMake.
hide_xsimd() {
  local p copy n=0
  while read -r p; do
    if [ -d "$p" ]; then
      mount -t tmpfs none "$p"
    else
      copy=$(mktemp -d)
      cp -a "$(dirname "$p")/." "$copy/"
      rm -f "$copy/$(basename "$p")"
      mount --bind "$copy" "$(dirname "$p")"
    fi
    n=$((n + 1))
  done < <(xsimd_paths)
  echo '#include <vector>' | c++ -std=c++20 -x c++ -fsyntax-only - || { echo "the compiler does not work"; exit 1; }
  if echo '#include <xsimd/xsimd.hpp>' | c++ -std=c++20 -x c++ -fsyntax-only - 2>/dev/null; then
    echo "xsimd headers still reachable"; exit 1
  fi
  if pkg-config --exists xsimd; then echo "xsimd.pc still reachable"; exit 1; fi
  if cmake --find-package -DNAME=xsimd -DCOMPILER_ID=GNU -DLANGUAGE=CXX -DMODE=EXIST >/dev/null 2>&1; then
    echo "xsimd's CMake package still reachable"; exit 1
  fi
  echo "consumer: xsimd hidden ($n paths), unreachable for the compiler, pkg-config and CMake"
}

# Steps 1 and 2 against the installation in $work/root.
installed_consumers() {
  local src=$1 work=$2 include pcdir
  include=$(find "$work/root" -type d -path '*/include/entcode' | head -n 1)
  if grep -rq xsimd "$include"; then echo "installed headers use xsimd"; exit 1; fi
  # Every installed header compiles on its own include path alone (no xsimd, no lib/).
  find "$include" -name '*.hpp' -printf '#include <entcode/%P>\n' |
    c++ -std=c++20 -x c++ -fsyntax-only -I"$(dirname "$include")" - || { echo "installed headers do not compile"; exit 1; }

  pcdir=$(dirname "$(find "$work/root" -name entcode.pc | head -n 1)")
  (
    export PKG_CONFIG_LIBDIR="$pcdir"  # only entcode.pc is visible
    export PKG_CONFIG_SYSROOT_DIR="$work/root"
    pkg-config --cflags --libs entcode >/dev/null || { echo "pkg-config entcode fails alone"; exit 1; }
    if pkg-config --cflags entcode | grep -q -- '-std='; then echo "entcode.pc forces -std"; exit 1; fi
    cp -r "$src/examples/consumer" "$work/consumer-pc"
    meson setup "$work/consumer-pc/build" "$work/consumer-pc" >/dev/null
    ninja -C "$work/consumer-pc/build" >/dev/null
    LD_LIBRARY_PATH=$(dirname "$(find "$work/root" -name 'libentcode.so' | head -n 1)") \
      "$work/consumer-pc/build/consumer"
  )

  command -v cmake >/dev/null || { echo "cmake not found: the CMake package is untested"; exit 1; }
  cp -r "$src/examples/consumer" "$work/consumer-cmake"
  cmake -S "$work/consumer-cmake" -B "$work/consumer-cmake/build" -DCMAKE_PREFIX_PATH="$work/root/usr/local" \
    -DCMAKE_CXX_STANDARD=23 >/dev/null
  cmake --build "$work/consumer-cmake/build" >/dev/null
  "$work/consumer-cmake/build/consumer"  # the imported target carries the library path (RPATH)
}

if [ "${1:-}" = --in-namespace ]; then  # internal: consumer_test.sh --in-namespace <src> <work>
  hide_xsimd
  installed_consumers "$2" "$3"
  exit 0
fi

src=$(cd "$1" && pwd)
without_xsimd=${2:-}
[ "${ENTCODE_CONSUMER_WITHOUT_XSIMD:-0}" = 1 ] && without_xsimd=--without-xsimd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The library, built and installed with xsimd available (it is a build dependency).
meson setup "$work/lib" "$src" -Dtests=false -Dexamples=false -Dbenchmarks=disabled \
  -Dpython=disabled --prefix=/usr/local >/dev/null
ninja -C "$work/lib" >/dev/null
DESTDIR="$work/root" meson install -C "$work/lib" --quiet >/dev/null

if [ "$without_xsimd" = --without-xsimd ]; then
  [ "$(xsimd_paths | wc -l)" -gt 0 ] || { echo "no xsimd installed: nothing to hide, wrong machine for this check"; exit 1; }
  unshare --mount --propagation private bash "$0" --in-namespace "$src" "$work"
else
  installed_consumers "$src" "$work"
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
echo "consumer: pkg-config, CMake and subproject builds all work${without_xsimd:+ (installed consumers without xsimd)}"
