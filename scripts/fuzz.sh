#!/usr/bin/env bash
# fuzz.sh [seconds] [target...] — builds every libFuzzer target with clang-14 +
# ASan + UBSan in build-san/ (clang_build.sh) and runs each for `seconds` (default 60) in turn,
# starting from a scratch copy of fuzz/corpus/<target>/ (the checked-in corpus
# is not modified). Prints exec/s, coverage and findings per target; crash
# inputs are kept in build-san/findings/<target>/ — add them to
# fuzz/corpus/<target>/ once fixed, so the test suite replays them forever.
# ThreadSanitizer: scripts/tsan.sh runs the multithreaded tests under TSan.
# Exit status 1 if any target found something.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
bash scripts/bootstrap.sh
builddir=${BUILD_DIR:-build-san}
bash scripts/clang_build.sh "$builddir" || exit 1

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for exe in "$builddir"/fuzz/fuzz_*; do [ -f "$exe" ] && [ -x "$exe" ] && targets+=("$(basename "$exe" | sed 's/^fuzz_//')"); done
fi

export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
found=0
summary="$builddir/fuzz-summary.txt"
: >"$summary"
printf '%-26s %8s %10s %8s %s\n' target seconds 'exec/s' cov result
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  mkdir -p "$work/corpus" "$builddir/findings/$t"
  [ -d "fuzz/corpus/$t" ] && cp -r "fuzz/corpus/$t/." "$work/corpus/"
  log="$builddir/findings/$t.log"
  "$builddir/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$builddir/findings/$t/" -print_final_stats=1 "$work/corpus" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'exec/s: [0-9]*' "$log" | tail -n 1 | awk '{print $2}')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | awk '{print $2}')
  result=ok
  if [ $rc -ne 0 ]; then result="FINDING (see $log)"; found=1; fi
  printf '%-26s %8s %10s %8s %s\n' "$t" "$seconds" "${execs:-?}" "${cov:-?}" "$result"
  if [ $rc -ne 0 ]; then  # the report and the crash input (base64), so a CI log alone reproduces it
    grep -E 'ERROR|failure|SUMMARY|^ +#[0-9]+ .* in entcode|Base64|Test unit written' "$log" | head -n 30 | sed 's/^/    /'
  fi
  echo "$t ${result%% *}" >>"$summary"
  rm -rf "$work"
done
exit $found
