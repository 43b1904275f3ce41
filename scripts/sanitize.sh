#!/usr/bin/env bash
# sanitize.sh — builds entcode with clang-14 + AddressSanitizer + UndefinedBehaviorSanitizer
# in build-san/ (or $BUILD_DIR; see clang_build.sh) and runs the test suites (not 'slow')
# under the 'sanitizer' setup (halt_on_error=1, so any report fails its test).
# The Python module is left out: an ASan library cannot load into an uninstrumented python.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
builddir=${BUILD_DIR:-build-san}
bash scripts/clang_build.sh "$builddir"
meson test -C "$builddir" --setup sanitizer --no-suite slow --print-errorlogs "$@"
