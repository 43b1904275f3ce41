#!/usr/bin/env python3
"""plot_bench.py — turn bench_rans' Google Benchmark JSON into a bar chart.

Usage: /usr/bin/python3 scripts/plot_bench.py rans.json doc/bench_rans.svg
(rans.json from: taskset -c 1 build/bench/bench_rans --benchmark_repetitions=5
 --benchmark_report_aggregates_only=true --benchmark_out=rans.json)
One panel per input (label prefix), bars = MB/s (median when aggregates exist),
encode and decode side by side for every coder (entcode per ISA/order, htscodecs).
"""
import collections
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    runs = json.load(open(path))["benchmarks"]
    medians = [r for r in runs if r.get("aggregate_name") == "median"]
    rows = medians or [r for r in runs if r.get("run_type", "iteration") == "iteration"]
    data = collections.defaultdict(dict)  # input -> coder -> {encode, decode}
    for r in rows:
        label = r.get("label", "")
        if not label or "error_occurred" in r:
            continue
        words = label.split()
        sample, direction, coder = words[0], words[-1], " ".join(words[1:-1])
        data[sample].setdefault(coder, {})[direction] = r["bytes_per_second"] / 1e6
    return data


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data = load(sys.argv[1])
    fig, axes = plt.subplots(len(data), 1, figsize=(11, 3.2 * len(data)), squeeze=False)
    for ax, (sample, coders) in zip(axes[:, 0], sorted(data.items())):
        names = list(coders)
        xs = range(len(names))
        ax.bar([x - 0.2 for x in xs], [coders[n].get("encode", 0) for n in names], 0.4, label="encode")
        ax.bar([x + 0.2 for x in xs], [coders[n].get("decode", 0) for n in names], 0.4, label="decode")
        ax.set_xticks(list(xs))
        ax.set_xticklabels(names, rotation=30, ha="right", fontsize=7)
        ax.set_ylabel("MB/s")
        ax.set_title(sample)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(sys.argv[2])


if __name__ == "__main__":
    main()
