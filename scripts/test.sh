#!/usr/bin/env bash
# test.sh — from a fresh Debian 12 machine to test results: installs the
# dependencies (bootstrap.sh), configures a release build with -Dwerror=true in
# build-test/ (or $BUILD_DIR), builds, and runs every test suite except 'slow'.
# Extra arguments go to `meson test` (e.g. --suite unit, --setup sanitizer).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
builddir=${BUILD_DIR:-build-test}
[ -f "$builddir/build.ninja" ] || meson setup "$builddir" -Dwerror=true ${MESON_ARGS:-} >/dev/null
ninja -C "$builddir" >"$builddir/ninja.log" 2>&1 || { tail -n 40 "$builddir/ninja.log"; echo "$0: build failed" >&2; exit 1; }
meson test -C "$builddir" --no-suite slow --print-errorlogs "$@"
