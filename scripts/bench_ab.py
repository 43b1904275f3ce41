#!/usr/bin/env python3
"""bench_ab.py — same-run A/B of entcode library builds under one Google Benchmark binary.

    scripts/bench_ab.py BENCH FILTER ROUNDS ISAS NAME=LIBDIR [NAME=LIBDIR ...]

Runs BENCH (e.g. build/bench/bench_gaussian) pinned to core 1 (taskset -c 1) with
--benchmark_filter=FILTER once per round, ISA (ENTCODE_ISA, comma-separated list)
and library (LD_LIBRARY_PATH=LIBDIR, a directory holding that build's
libentcode.so.0), the libraries alternating inside every round, so all of them see
the same machine load. Prints per benchmark, ISA and library the median CPU time
per iteration over the rounds and items/s, and each library's ratio to the first.
Figures of doc/perf.md ("Gaussian kernels on lib/simd").
"""
import json
import os
import statistics
import subprocess
import sys


def run(bench, flt, isa, libdir):
    env = dict(os.environ, ENTCODE_ISA=isa, LD_LIBRARY_PATH=libdir)
    out = subprocess.run(["taskset", "-c", "1", bench, "--benchmark_filter=" + flt, "--benchmark_min_time=0.2",
                          "--benchmark_format=json"], env=env, check=True, capture_output=True, text=True).stdout
    return {b["name"]: (b["cpu_time"], b["time_unit"], b.get("items_per_second", 0.0))
            for b in json.loads(out)["benchmarks"]}


def main():
    bench, flt, rounds, isas = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
    libs = [a.split("=", 1) for a in sys.argv[5:]]
    times = {}  # (name, isa, lib) -> [cpu times]
    units = {}
    for _ in range(rounds):
        for isa in isas:
            for lib, path in libs:
                for name, (t, unit, _) in run(bench, flt, isa, path).items():
                    times.setdefault((name, isa, lib), []).append(t)
                    units[name] = unit
    names = sorted({k[0] for k in times}, key=lambda n: list(units).index(n))
    for name in names:
        for isa in isas:
            med = {lib: statistics.median(times[(name, isa, lib)]) for lib, _ in libs if (name, isa, lib) in times}
            if not med:
                continue
            first = med[libs[0][0]]
            cells = "  ".join(f"{lib} {m:8.3f} {units[name]} ({first / m:4.2f}x)" for lib, m in med.items())
            print(f"{name:45s} {isa:7s} {cells}")


if __name__ == "__main__":
    main()
