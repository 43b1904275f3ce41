#!/usr/bin/env bash
# sanitize.sh — builds entcode with clang-14 + AddressSanitizer + UndefinedBehaviorSanitizer
# in build-san/ (or $BUILD_DIR) and runs the test suites (not 'slow', not 'consumer')
# under the 'sanitizer' setup (halt_on_error=1, so any report fails its test).
# The Python module is left out: an ASan library cannot load into an uninstrumented python.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
builddir=${BUILD_DIR:-build-san}
if [ ! -f "$builddir/build.ninja" ]; then
  CXX=clang++-14 CC=clang-14 meson setup "$builddir" -Dbuildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false -Dpython=disabled -Dbenchmarks=disabled >/dev/null
fi
ninja -C "$builddir" >/dev/null
meson test -C "$builddir" --setup sanitizer --no-suite slow --no-suite consumer --print-errorlogs "$@"
