#!/usr/bin/env python3
"""plot_bench.py — plot benchmark results.

Usage: /usr/bin/python3 scripts/plot_bench.py rans.json doc/bench_rans.svg
(rans.json from: taskset -c 1 build/bench/bench_rans --benchmark_repetitions=5
 --benchmark_report_aggregates_only=true --benchmark_out=rans.json)
One panel per input (label prefix), bars = MB/s (median when aggregates exist),
encode and decode side by side for every coder (entcode per ISA/order, htscodecs).

Usage: /usr/bin/python3 scripts/plot_bench.py sweep.txt doc/bench_sweep.svg
(sweep.txt from: taskset -c 1 build/apps/entcode/entcode bench -r 5 > sweep.txt)
Reads the `@ratio` lines of `entcode bench`: per input, entcode / best htscodecs
mode of the same order vs block size (speed ratios; size difference in %), with
the issue-13 targets drawn as dashed lines.
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


def load_sweep(path):
    data = collections.defaultdict(lambda: collections.defaultdict(list))  # input -> order -> rows
    for line in open(path):
        if line.startswith("@ratio\t"):
            _, sample, block, order, enc, dec, size = line.rstrip("\n").split("\t")
            data[sample][int(order)].append((block, float(enc), float(dec), float(size)))
    return data


def plot_sweep(data, out):
    fig, axes = plt.subplots(len(data), 2, figsize=(12, 3.2 * len(data)), squeeze=False)
    for (ax, ax_size), (sample, orders) in zip(axes, data.items()):
        for order, rows in sorted(orders.items()):
            blocks = [r[0] for r in rows]
            ax.plot(blocks, [r[1] for r in rows], "o-", label=f"order-{order} encode")
            ax.plot(blocks, [r[2] for r in rows], "s--", label=f"order-{order} decode")
            ax_size.plot(blocks, [r[3] for r in rows], "o-", label=f"order-{order}")
        ax.axhline(1.3, color="grey", ls=":", lw=1)
        ax.axhline(1.2, color="grey", ls=":", lw=1)
        ax.axhline(1.0, color="black", lw=0.8)
        ax_size.axhline(0.0, color="black", lw=0.8)
        ax.set_ylabel("speed / best htscodecs")
        ax_size.set_ylabel("size vs smallest htscodecs (%)")
        ax.set_title(sample, fontsize=8)
        ax_size.set_title("size: " + sample, fontsize=8)
        ax.legend(fontsize=6)
        ax_size.legend(fontsize=6)
    axes[-1, 0].set_xlabel("block size (one call per block)")
    axes[-1, 1].set_xlabel("block size (one call per block)")
    fig.tight_layout()
    fig.savefig(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    if not sys.argv[1].endswith(".json"):
        plot_sweep(load_sweep(sys.argv[1]), sys.argv[2])
        return
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
