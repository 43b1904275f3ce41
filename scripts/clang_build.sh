#!/usr/bin/env bash
# clang_build.sh [builddir] — configures (once) and builds the clang-14 tree that
# both scripts/sanitize.sh and scripts/fuzz.sh use: ASan + UBSan, libFuzzer
# coverage instrumentation (-Dfuzzing_engine=libfuzzer), tests enabled, so one
# build serves the sanitizer test run and the fuzz targets. Default: build-san.
set -euo pipefail
cd "$(dirname "$0")/.."
builddir=${1:-build-san}
if [ ! -f "$builddir/build.ninja" ]; then
  CXX=clang++-14 CC=clang-14 meson setup "$builddir" -Dbuildtype=debugoptimized -Dfuzzing_engine=libfuzzer \
    -Db_sanitize=address,undefined -Db_lundef=false -Dpython=disabled -Dbenchmarks=disabled >/dev/null
fi
ninja -C "$builddir" >"$builddir/ninja.log" 2>&1 || { tail -n 40 "$builddir/ninja.log"; echo "$0: build failed" >&2; exit 1; }
