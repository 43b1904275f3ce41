#!/usr/bin/env bash
# coverage.sh [corpus-root] [target...] — clang-14 source-based coverage of entcode
# over the fuzz corpora (doc/security.md, "Coverage").
# Builds build-cov/ (or $BUILD_DIR): clang-14 with -fprofile-instr-generate
# -fcoverage-mapping, the libFuzzer engine, no sanitizers; runs each fuzz target
# once over every input in <corpus-root>/<target>/ (default fuzz/corpus; e.g. the
# corpora a `scripts/fuzz.sh --keep` run left in build-san/corpus) with
# libFuzzer's -runs=0, merges the profiles (llvm-profdata-14) and writes to
# <builddir>/coverage/:
#   summary.txt   llvm-cov-14 report: region / function / line coverage per file of lib/ and include/
#   uncovered.txt the never-executed lines of every decoder function (mangled name
#                 matching $DECODER_REGEX), as "file:line: source"
#   html/         the browsable report
# Prints summary.txt's total line and the number of uncovered decoder lines per file.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus_root=${1:-fuzz/corpus}
[ $# -gt 0 ] && shift
builddir=${BUILD_DIR:-build-cov}
decoder_regex=${DECODER_REGEX:-[Dd]ecod|inspect|peek_block|read_frame_header}
flags='-fprofile-instr-generate -fcoverage-mapping'
if [ ! -f "$builddir/build.ninja" ]; then
  CXX=clang++-14 CC=clang-14 meson setup "$builddir" -Dbuildtype=debug -Dfuzzing_engine=libfuzzer -Dtests=false \
    -Dexamples=false -Dpython=disabled -Dbenchmarks=disabled -Dcpp_args="$flags" -Dcpp_link_args="$flags" >/dev/null
fi
ninja -C "$builddir" >"$builddir/ninja.log" 2>&1 || { tail -n 40 "$builddir/ninja.log"; echo "$0: build failed" >&2; exit 1; }

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for exe in "$builddir"/fuzz/fuzz_*; do [ -f "$exe" ] && [ -x "$exe" ] && targets+=("$(basename "$exe" | sed 's/^fuzz_//')"); done
fi
out="$builddir/coverage"
rm -rf "$out"
mkdir -p "$out/profiles"
objects=()
for t in "${targets[@]}"; do
  [ -d "$corpus_root/$t" ] || { echo "$0: no corpus $corpus_root/$t, skipped" >&2; continue; }
  LLVM_PROFILE_FILE="$out/profiles/$t.profraw" "$builddir/fuzz/fuzz_$t" -runs=0 -max_len=4096 "$corpus_root/$t" \
    >"$out/profiles/$t.log" 2>&1 || { tail -n 20 "$out/profiles/$t.log"; echo "$0: $t failed on its corpus" >&2; exit 1; }
  objects+=(-object "$builddir/fuzz/fuzz_$t")
done
llvm-profdata-14 merge -sparse "$out"/profiles/*.profraw -o "$out/merged.profdata"
# llvm-cov takes the first binary plainly and the others with -object.
cov=(-instr-profile="$out/merged.profdata" "${objects[@]:1}" "${objects[1]}")
sources=("$PWD/lib" "$PWD/include")
llvm-cov-14 report "${cov[@]}" "${sources[@]}" >"$out/summary.txt"
llvm-cov-14 show "${cov[@]}" -format=html -output-dir="$out/html" "${sources[@]}" >/dev/null
# Text view of the decoder functions only; a line whose execution count is 0 was never run.
llvm-cov-14 show "${cov[@]}" -name-regex="$decoder_regex" -show-line-counts "${sources[@]}" |
  awk -v root="$PWD/" '
    /^\/.*:$/ { file = substr($0, 1, length($0) - 1); sub(root, "", file); next }
    match($0, /^ *[0-9]+\| *0\|/) { split($0, f, "|"); line = f[1] + 0; src = substr($0, RLENGTH + 1)
      key = file ":" line; if (!(key in seen)) { seen[key] = 1; print key ": " src } }' |
  sort -t: -k1,1 -k2,2n >"$out/uncovered.txt"
grep '^TOTAL' "$out/summary.txt" | awk '{ print "total: regions " $4 " covered, functions " $7 ", lines " $10 }'
echo "uncovered decoder lines per file ($out/uncovered.txt):"
cut -d: -f1 "$out/uncovered.txt" | sort | uniq -c | sort -rn
