#!/bin/sh
# bench_compressai_real.sh — CompressAI's real rANS backend vs the mirror and entcode
# (bench/compressai_real_harness.cpp, bench/bench_compressai_real.py), same process,
# pinned to core 1. CompressAI's source is read from a checkout given as the first
# argument (github.com/InterDigitalInc/CompressAI: compressai/cpp_exts/rans and
# third_party/ryg_rans); it is compiled with the flags of its setup.py
# (-std=c++17 -O3 on Python's -DNDEBUG -O2) into a scratch directory, never into
# this repository. Two runs: glibc's allocator as a Python process leaves it (the
# real backend's per-call vectors fault their pages in again on every call), and
# with trimming and mmap off (its memory stays mapped: the C++ work alone).
#   scripts/bench_compressai_real.sh ~/src/CompressAI [build] [reps]
set -eu
CAI=$1
BUILD=${2:-build}
REPS=${3:-7}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
OUT=$(mktemp -d)
ninja -C "$BUILD" libentcode.a python/entcode/_entcode$($PY -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))') >/dev/null
g++ -shared -fPIC -std=c++20 -DNDEBUG -fwrapv -O3 -w \
  -I"$($PY -c 'import pybind11; print(pybind11.get_include())')" \
  -I"$($PY -c 'import sysconfig; print(sysconfig.get_paths()["include"])')" \
  -I"$CAI" -I"$CAI/compressai/cpp_exts/rans" -I"$CAI/third_party/ryg_rans" -I"$ROOT/tests" -I"$ROOT/include" \
  "$ROOT/bench/compressai_real_harness.cpp" "$BUILD/libentcode.a" \
  -o "$OUT/compressai_real_harness$($PY -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
echo "== allocator as Python leaves it"
taskset -c 1 $PY "$ROOT/bench/bench_compressai_real.py" "$OUT" "$BUILD/python" --reps "$REPS"
echo "== MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ = 4 GB (no page faults in the timings)"
MALLOC_MMAP_THRESHOLD_=4000000000 MALLOC_TRIM_THRESHOLD_=4000000000 \
  taskset -c 1 $PY "$ROOT/bench/bench_compressai_real.py" "$OUT" "$BUILD/python" --reps "$REPS"
rm -rf "$OUT"
