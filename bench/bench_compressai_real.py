"""bench_compressai_real.py - CompressAI's real rANS backend vs the mirror vs entcode, C++ calls.

Driver of bench/compressai_real_harness.cpp (built by scripts/bench_compressai_real.sh
from a CompressAI checkout). Frame of bench/bench_gaussian.cpp: 1.1 M symbols,
CompressAI's float32 tables, indexes uniform over 0..63 or 0..20, symbols
round(N(0, scale)); the cdfs padded to the longest row as entropy_models.py passes
them. Prints each path's median CPU ms and the ratios real / path.

    taskset -c 1 /usr/bin/python3 bench/bench_compressai_real.py HARNESS_DIR BUILD_DIR/python [--reps 7]
"""
import argparse
import sys

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("harness_dir")
ap.add_argument("python_dir", nargs="?", default="build/python")
ap.add_argument("--reps", type=int, default=7)
ap.add_argument("--n", type=int, default=1100000)
opt = ap.parse_args()
sys.path[:0] = [opt.harness_dir, opt.python_dir]
import compressai_real_harness  # noqa: E402
import entcode  # noqa: E402

gc = entcode.GaussianConditional("compressai_f32")
cdfs, sizes, offsets = gc.quantized_cdf.tolist(), gc.cdf_length.tolist(), gc.offset.tolist()
print(f"{opt.n} symbols, median of {opt.reps}, CPU ms; ratio = real CompressAI / path")
for top in (63, 20):
    rng = np.random.default_rng(42)
    idx = rng.integers(0, top + 1, opt.n).astype(np.int32)
    sym = np.rint(rng.normal(size=opt.n) * gc.scale_table[idx]).astype(np.int32)
    r = compressai_real_harness.run(sym.tolist(), idx.tolist(), cdfs, sizes, offsets, "compressai_f32", opt.reps)
    print(f"indexes 0..{top}")
    for op in ("encode", "decode"):
        real = r["real " + op]
        print("  " + "  ".join(f"{who} {op} {r[who + ' ' + op]:7.2f} ms ({real / r[who + ' ' + op]:5.2f}x)"
                               for who in ("real", "mirror", "entcode")))
