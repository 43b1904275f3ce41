#!/usr/bin/env bash
# demo.sh — from a fresh Debian 12 machine to entcode's main job on a built-in
# default input: installs the dependencies, builds release in build/, then runs
# `entcode bench` (built-in corpus, entcode vs htscodecs, verified round trips,
# sizes, ratios, MB/s). Arguments go to `entcode bench` (e.g. files to bench).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
exec ./build/apps/entcode/entcode bench "$@"
