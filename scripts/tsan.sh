#!/usr/bin/env bash
# tsan.sh — builds entcode with clang-14 + ThreadSanitizer in build-tsan/ (or
# $BUILD_DIR) and runs the 'threads' test suite (the tests that exercise the
# multithreaded sub-stream paths) with halt_on_error=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
builddir=${BUILD_DIR:-build-tsan}
if [ ! -f "$builddir/build.ninja" ]; then
  CXX=clang++-14 CC=clang-14 meson setup "$builddir" -Dbuildtype=debugoptimized -Db_sanitize=thread \
    -Db_lundef=false -Dpython=disabled -Dbenchmarks=disabled -Dexamples=false >/dev/null
fi
ninja -C "$builddir" >"$builddir/ninja.log" 2>&1 || { tail -n 40 "$builddir/ninja.log"; echo "$0: build failed" >&2; exit 1; }
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  meson test -C "$builddir" --suite threads --print-errorlogs "$@"
