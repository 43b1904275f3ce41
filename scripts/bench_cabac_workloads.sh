#!/bin/sh
# bench_cabac_workloads.sh — CABAC engine speed on the standard bin-script workloads
# (context-coded, bypass runs of 8, mixed; decode and encode), two entcode builds
# side by side in interleaved rounds, pinned, so their ratio is a same-run figure.
#
#   scripts/bench_cabac_workloads.sh WORKLOADS_DIR BASE_TREE NEW_TREE [ROUNDS]
#
# WORKLOADS_DIR holds gen_script.c, spec_cabac.c, binscript.h and entcode_cabac.cpp
# (the driver, used unchanged); each TREE is a directory with include/ and libentcode.a
# (e.g. `git archive REV include | tar -x -C T` plus build/libentcode.a of that REV).
# Every stream is checked byte for byte against spec_cabac (the H.265 9.3.4.3
# transcription) by the driver itself. Prints, per workload, the median over ROUNDS
# (default 5) of each run's median Mbins/s (ORACLE_BENCH_RUNS runs per round,
# default 5) and NEW/BASE. Results of doc/perf.md "CABAC engine on bin-script workloads".
set -eu
W=$1 BASE=$2 NEW=$3 ROUNDS=${4:-5}
T=${TMPDIR:-/tmp}/cabac_workloads.$$
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
cc -O2 -o "$T/gen_script" "$W/gen_script.c"
cc -O2 -o "$T/spec_cabac" "$W/spec_cabac.c"
for b in base new; do
  tree=$BASE; [ $b = new ] && tree=$NEW
  g++ -std=c++20 -O3 -march=native -I"$tree/include" -I"$W" "$W/entcode_cabac.cpp" "$tree/libentcode.a" -o "$T/ec_$b"
done
"$T/gen_script" -n 20000000 -k 64 -p 0.8 -s 1 "$T/context.cbs"
"$T/gen_script" -n 20000000 -b 1 -r 8:8 -s 2 "$T/bypass.cbs"
"$T/gen_script" -n 2000000 -k 64 -p 0.8 -b 0.6 -r 1:16 -t 0.01 -s 3 "$T/mixed.cbs"
for w in context bypass mixed; do "$T/spec_cabac" encode "$T/$w.cbs" "$T/$w.bin" >/dev/null 2>&1; done
export ORACLE_BENCH_RUNS=${ORACLE_BENCH_RUNS:-5}
for r in $(seq "$ROUNDS"); do
  for w in context bypass mixed; do
    for mode in bench bench-encode; do
      for b in base new; do
        m=$(taskset -c 1 "$T/ec_$b" $mode "$T/$w.cbs" "$T/$w.bin" | cut -d' ' -f1)
        echo "$w $mode $b $m" >>"$T/results"
      done
    done
  done
done
echo "workload      op      base   new   new/base  (Mbins/s, median of $ROUNDS rounds)"
for w in context bypass mixed; do
  for mode in bench bench-encode; do
    med() { grep "^$w $mode $1 " "$T/results" | cut -d' ' -f4 | sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
    b=$(med base) n=$(med new)
    op=decode; [ $mode = bench-encode ] && op=encode
    printf '%-12s %-6s %6.1f %6.1f  %5.2fx\n' "$w" "$op" "$b" "$n" "$(echo "$n / $b" | bc -l)"
  done
done
