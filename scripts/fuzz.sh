#!/usr/bin/env bash
# fuzz.sh [--long | seconds] [--keep] [target...] — builds every libFuzzer target with
# clang-14 + ASan + UBSan in build-san/ (clang_build.sh) and runs each for `seconds`
# (default 60; --long: 600, the 10-minute run doc/security.md reports) in turn,
# starting from a scratch copy of fuzz/corpus/<target>/ (the checked-in corpus
# is not modified). Inputs are capped at 4096 bytes (fuzz/fuzz_util.hpp kMaxInput).
# Prints exec/s (libFuzzer's, per wall second), exec/cpu-s (per CPU second of the
# fuzzer: the figure that means something on a loaded machine), coverage and
# findings per target; crash
# inputs are kept in build-san/findings/<target>/ — add them to
# fuzz/corpus/<target>/ once fixed, so the test suite replays them forever.
# --keep: the corpus each run ends with is kept in build-san/corpus/<target>/
# (scripts/coverage.sh build-san/corpus measures it; --minimise merges it in).
# fuzz.sh --minimise [target...]: no fuzzing; replaces fuzz/corpus/<target>/ by the
# smallest subset of it and build-san/corpus/<target>/ (if kept) with the same
# coverage (libFuzzer -merge=1); crash-* regression inputs always stay.
# ThreadSanitizer: scripts/tsan.sh runs the multithreaded tests under TSan.
# Exit status 1 if any target found something.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=60 keep=0 minimise=0
while [ $# -gt 0 ]; do
  case $1 in
    --long) seconds=600 ;;
    --keep) keep=1 ;;
    --minimise) minimise=1 ;;
    [0-9]*) seconds=$1 ;;
    *) break ;;
  esac
  shift
done
bash scripts/bootstrap.sh
builddir=${BUILD_DIR:-build-san}
bash scripts/clang_build.sh "$builddir" || exit 1

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for exe in "$builddir"/fuzz/fuzz_*; do [ -f "$exe" ] && [ -x "$exe" ] && targets+=("$(basename "$exe" | sed 's/^fuzz_//')"); done
fi

minimise_corpus() {  # minimise_corpus <target>: see --minimise above
  local t=$1 merged old=0 new
  merged=$(mktemp -d)
  [ -d "fuzz/corpus/$t" ] && old=$(find "fuzz/corpus/$t" -type f | wc -l)
  "$builddir/fuzz/fuzz_$t" -merge=1 -max_len=4096 "$merged" "fuzz/corpus/$t" $( [ -d "$builddir/corpus/$t" ] && echo "$builddir/corpus/$t") \
    >"$builddir/findings/$t.merge.log" 2>&1 || { echo "$t: merge failed (see $builddir/findings/$t.merge.log)"; rm -rf "$merged"; return 1; }
  find "fuzz/corpus/$t" -type f ! -name 'crash-*' -delete
  cp -n "$merged"/* "fuzz/corpus/$t/" 2>/dev/null
  new=$(find "fuzz/corpus/$t" -type f | wc -l)
  printf '%-26s %6s -> %6s files\n' "$t" "$old" "$new"
  rm -rf "$merged"
}

# A 64 MiB quarantine (default 256) still catches a use after free within an input,
# but recycles memory sooner: fresh pages (page faults) dominated short runs.
# (Round 3 tried -entropic=0 and 16 MiB: no consistent gain, slower on cabac_vs_textbook;
# doc/security.md "Round 3".)
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:quarantine_size_mb=64
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
found=0
if [ $minimise = 1 ]; then
  for t in "${targets[@]}"; do mkdir -p "fuzz/corpus/$t" "$builddir/findings" && minimise_corpus "$t" || found=1; done
  exit $found
fi
cpu_times=$(mktemp)
cpu_seconds() {  # sets $cpu: user + system CPU time of this script's finished children, in 1/100 s
  times >"$cpu_times"  # (not in a $(...) subshell: that would report the subshell's own children)
  cpu=$(tail -n 1 "$cpu_times" | awk '{ split($0, f, /[ ms]+/); print int((f[1] * 60 + f[2] + f[3] * 60 + f[4]) * 100) }')
}
summary="$builddir/fuzz-summary.txt"
: >"$summary"
printf '%-26s %8s %10s %11s %8s %s\n' target seconds 'exec/s' 'exec/cpu-s' cov result
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  mkdir -p "$work/corpus" "$builddir/findings/$t"
  [ -d "fuzz/corpus/$t" ] && cp -r "fuzz/corpus/$t/." "$work/corpus/"
  log="$builddir/findings/$t.log"
  cpu_seconds
  cpu0=$cpu
  "$builddir/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$builddir/findings/$t/" -print_final_stats=1 "$work/corpus" >"$log" 2>&1
  rc=$?
  cpu_seconds
  cpu=$(( cpu - cpu0 ))
  execs=$(grep -o 'exec/s: [0-9]*' "$log" | tail -n 1 | awk '{print $2}')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | awk '{print $2}')
  runs=$(grep -o '^stat::number_of_executed_units: *[0-9]*' "$log" | tail -n 1 | awk '{print $2}')
  per_cpu='?'
  [ -n "$runs" ] && [ "$cpu" -gt 0 ] && per_cpu=$(( runs * 100 / cpu ))
  result=ok
  if [ $rc -ne 0 ]; then result="FINDING (see $log)"; found=1; fi
  printf '%-26s %8s %10s %11s %8s %s\n' "$t" "$seconds" "${execs:-?}" "$per_cpu" "${cov:-?}" "$result"
  if [ $rc -ne 0 ]; then  # the report and the crash input (base64), so a CI log alone reproduces it
    grep -E 'ERROR|failure|SUMMARY|^ +#[0-9]+ .* in entcode|Base64|Test unit written' "$log" | head -n 30 | sed 's/^/    /'
  fi
  echo "$t ${result%% *}" >>"$summary"
  if [ $keep = 1 ]; then rm -rf "$builddir/corpus/$t"; mkdir -p "$builddir/corpus" && mv "$work/corpus" "$builddir/corpus/$t"; fi
  rm -rf "$work"
done
rm -f "$cpu_times"
exit $found
