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
    -Dexamples=false -Dpython=disabled -Dbenchmarks=disabled -Db_lundef=false -Dcpp_args="$flags" -Dcpp_link_args="$flags" >/dev/null
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
cov=(-instr-profile="$out/merged.profdata" "${objects[@]:1}" -ignore-filename-regex='/\.\./(fuzz|tests)/|^/usr/')
llvm-cov-14 report "${cov[@]}" >"$out/summary.txt" 2>"$out/llvm-cov.log"
llvm-cov-14 show "${cov[@]}" -format=html -output-dir="$out/html" 2>>"$out/llvm-cov.log"
# Decoder functions' line ranges (from the JSON export), then the lines in them whose
# execution count (text view, all binaries merged) is 0.
llvm-cov-14 export "${cov[@]}" -skip-expansions >"$out/export.json" 2>>"$out/llvm-cov.log"
llvm-cov-14 show "${cov[@]}" -show-line-counts >"$out/lines.txt" 2>>"$out/llvm-cov.log"
/usr/bin/python3 - "$out" "$decoder_regex" "$PWD/" <<'PY' >"$out/uncovered.txt"
import json, os, re, sys
out, regex, root = sys.argv[1], re.compile(sys.argv[2]), sys.argv[3]
def rel(f): return os.path.relpath(os.path.realpath(f), root)
ranges = {}  # file -> set of lines inside decoder functions
for data in json.load(open(os.path.join(out, "export.json")))["data"]:
    for fn in data["functions"]:
        if not regex.search(fn["name"]): continue
        own = [r for r in fn["regions"] if r[5] == 0]
        if own: ranges.setdefault(rel(fn["filenames"][0]), set()).update(range(min(r[0] for r in own), max(r[2] for r in own) + 1))
current = None
for line in open(os.path.join(out, "lines.txt"), errors="replace"):
    if line.startswith("/") and line.rstrip().endswith(":"):
        current = rel(line.rstrip()[:-1]); continue
    m = re.match(r"^ *(\d+)\| *0\|(.*)$", line.rstrip("\n"))
    if current and m and int(m.group(1)) in ranges.get(current, ()):
        print(f"{current}:{m.group(1)}: {m.group(2).strip()}")
PY
grep '^TOTAL' "$out/summary.txt" | awk '{ print "total: regions " $4 " covered, functions " $7 ", lines " $10 }'
echo "uncovered decoder lines per file ($out/uncovered.txt):"
cut -d: -f1 "$out/uncovered.txt" | sort | uniq -c | sort -rn
