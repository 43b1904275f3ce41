#!/usr/bin/env bash
# bootstrap.sh — installs every Debian package entcode's build, tests, benchmarks,
# fuzzers and examples need. Idempotent: when everything is present it prints
# nothing and touches nothing. Needs root (or sudo) on Debian 12.
set -euo pipefail

packages=(
  meson ninja-build g++ pkg-config git cmake    # build (cmake: the CMake-package consumer test)
  catch2 libxsimd-dev libbenchmark-dev            # tests, SIMD, benchmarks
  libhtscodecs-dev                                # bench peer
  htslib-test gatb-core-testdata                  # real quality data for `entcode bench`
  clang-14 libclang-rt-14-dev                     # fuzzing + sanitizers
  python3 python3-pybind11 python3-numpy python3-matplotlib python3-mesonpy   # bindings, plots, pip install
  patchelf python3-venv                           # pip install: meson-python's RPATH fix-up, the venv (PEP 668)
  ffmpeg libde265-examples                        # HEVC conformance decoders
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
