"""bench_gaussian_python.py - Python timings the way CompressAI users call the coder.

Frame of bench/bench_gaussian.cpp: 1.1 M symbols, CompressAI's float32 tables
(compressai_f32), indexes uniform over all 64 tables (dist 0) or 0..20 (dist 1),
symbols round(N(0, scale)). Same run, interleaved, median of --reps:
  mirror  compressai_mirror (bench/compressai_mirror_module.cpp): CompressAI's
          backend model behind CompressAI's binding shape (std::vector arguments)
  cai     entcode.compressai drop-in: lists (as CompressAI's entropy_models.py
          passes them) and NumPy int32 arrays
  ecgl    entcode.RansEncoder/RansDecoder (ECGL format, K = 1, one thread), NumPy
The .tolist() conversions happen outside the timings (both sides get lists; the
cdfs as CompressAI's entropy_models.py passes them: all rows padded to the longest).
Bytes of cai equal mirror's (checked). Times are the process's CPU time
(time.process_time: user + system, so page faults count) unless --clock wall:
every path here runs on one thread, and on a shared machine wall time also
counts the time the process waits for the core.

    taskset -c 1 /usr/bin/python3 bench/bench_gaussian_python.py build/python [--reps 7]
"""
import argparse
import statistics
import sys
import time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("path", nargs="?", default="build/python")
ap.add_argument("--reps", type=int, default=7)
ap.add_argument("--n", type=int, default=1100000)
ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
opt = ap.parse_args()
clock = time.process_time if opt.clock == "cpu" else time.perf_counter
sys.path.insert(0, opt.path)
import compressai_mirror  # noqa: E402
import entcode  # noqa: E402
import entcode.compressai  # noqa: E402

gc = entcode.GaussianConditional("compressai_f32")
cdf_lists = gc.quantized_cdf.tolist()  # padded rows, as entropy_models.py passes _quantized_cdf.tolist()
size_list, off_list = gc.cdf_length.tolist(), gc.offset.tolist()
np_tables = (gc.quantized_cdf, gc.cdf_length, gc.offset)
print(f"entcode {entcode.__version__}, {opt.n} symbols, median of {opt.reps} ({opt.clock} ms); ratio = mirror / path")
for dist in (0, 1):
    rng = np.random.default_rng(42)
    idx = rng.integers(0, 64 if dist == 0 else 21, opt.n).astype(np.int32)
    sym = np.rint(rng.normal(size=opt.n) * gc.scale_table[idx]).astype(np.int32)
    sym_l, idx_l = sym.tolist(), idx.tolist()
    me, md = compressai_mirror.RansEncoder(), compressai_mirror.RansDecoder()
    ce, cd = entcode.compressai.RansEncoder(), entcode.compressai.RansDecoder()
    ee, ed = entcode.RansEncoder(substreams=1, threads=1), entcode.RansDecoder(threads=1)
    stream = me.encode_with_indexes(sym_l, idx_l, cdf_lists, size_list, off_list)
    ecgl = ee.encode_with_indexes(sym, idx, *np_tables)
    assert ce.encode_with_indexes(sym, idx, *np_tables) == stream
    paths = {
        "mirror encode lists": lambda: me.encode_with_indexes(sym_l, idx_l, cdf_lists, size_list, off_list),
        "cai encode lists": lambda: ce.encode_with_indexes(sym_l, idx_l, cdf_lists, size_list, off_list),
        "cai encode numpy": lambda: ce.encode_with_indexes(sym, idx, *np_tables),
        "ecgl encode numpy": lambda: ee.encode_with_indexes(sym, idx, *np_tables),
        "mirror decode lists": lambda: md.decode_with_indexes(stream, idx_l, cdf_lists, size_list, off_list),
        "cai decode lists": lambda: cd.decode_with_indexes(stream, idx_l, cdf_lists, size_list, off_list),
        "cai decode numpy": lambda: cd.decode_with_indexes(stream, idx, *np_tables),
        "ecgl decode numpy": lambda: ed.decode_with_indexes(ecgl, idx, *np_tables),
    }
    assert paths["cai decode lists"]() == sym_l
    assert (paths["ecgl decode numpy"]() == sym).all()
    times = {k: [] for k in paths}
    for _ in range(opt.reps):
        for k, f in paths.items():
            t0 = clock()
            f()
            times[k].append(clock() - t0)
    med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    print(f"dist {dist} (indexes 0..{63 if dist == 0 else 20}), {8 * len(stream) / opt.n:.2f} bits/symbol")
    for k, ms in med.items():
        base = med["mirror " + k.split(" ")[1] + " lists"]
        print(f"  {k:22s} {ms:9.2f} ms  {base / ms:6.2f}x")
