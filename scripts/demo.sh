#!/usr/bin/env bash
# demo.sh — from a fresh Debian 12 machine to entcode's main job on a built-in
# default input: installs the dependencies, builds release in build/, then
# generates a corpus, compresses and decompresses it, verifies the round trip
# and prints ratio and MB/s.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
exec ./build/examples/rans_demo "$@"
