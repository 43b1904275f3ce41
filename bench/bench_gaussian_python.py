"""bench_gaussian_python.py - times entcode's Python calls on the frame of
bench/bench_gaussian.cpp (1.1 M symbols, CompressAI tables, indexes uniform over
all tables (dist 0) or 0..20 (dist 1), one sub-stream, one thread), best of 15,
to compare with the C++ figures (doc/perf.md). Also times list inputs (CompressAI
passes lists), which pay Python's int conversion.

    taskset -c 1 /usr/bin/python3 bench/bench_gaussian_python.py <build>/python
"""
import sys, time, numpy as np
sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else 'python')
import entcode
gc = entcode.GaussianConditional("compressai")
n = 1100000
cdfs, lens, offs = gc.quantized_cdf, gc.cdf_length, gc.offset
scales = np.array(gc.scale_table)
for dist in (0, 1):
    rng = np.random.default_rng(42)
    idx = rng.integers(0, 64 if dist == 0 else 21, n).astype(np.int32)
    sym = np.rint(rng.normal(size=n) * scales[idx]).astype(np.int32)
    enc = entcode.RansEncoder(substreams=1, threads=1); dec = entcode.RansDecoder(threads=1)
    def best(f, reps=15):
        b = 1e9
        for _ in range(reps):
            t0 = time.perf_counter(); r = f(); b = min(b, time.perf_counter() - t0)
        return b, r
    te, s = best(lambda: enc.encode_with_indexes(sym, idx, cdfs, lens, offs))
    td, out = best(lambda: dec.decode_with_indexes(s, idx, cdfs, lens, offs))
    assert (out == sym).all()
    tl, _ = best(lambda: enc.encode_with_indexes(sym.tolist(), idx.tolist(), cdfs.tolist(), lens.tolist(), offs.tolist()), reps=3)
    print(f"dist {dist}: python numpy encode {te*1e3:.3f} ms ({n/te/1e6:.0f} M/s)  decode {td*1e3:.3f} ms ({n/td/1e6:.0f} M/s); encode from lists {tl*1e3:.1f} ms")
