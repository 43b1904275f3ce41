"""test_entcode.py - unittest for the `entcode` Python module (run by meson test
with PYTHONPATH at the module's build directory).

Encodes a synthetic latent tensor (log-normal scales, Laplacian-ish values, a
few large escapes) through CompressAI's call signature, in both stream modes,
from lists and NumPy arrays, and checks the helpers and error reporting. When
torch is importable it also regenerates the compressai_f32 tables the way
CompressAI computes them (scripts/gen_gaussian_tables.py) and compares.
"""
import os
import sys
import time
import unittest

import numpy as np

import entcode

HERE = os.path.dirname(os.path.abspath(__file__))


def synthetic_latent(gc, shape=(1, 192, 17, 30), seed=1):
    rng = np.random.default_rng(seed)
    scales = rng.lognormal(0.0, 1.2, size=shape).astype(np.float32)
    means = rng.normal(0.0, 0.5, size=shape).astype(np.float32)
    y = (means + rng.laplace(0.0, 1.0, size=shape) * scales / np.sqrt(2)).astype(np.float32)
    flat = y.reshape(-1)
    flat[rng.integers(0, flat.size, 20)] = rng.integers(-(1 << 20), 1 << 20, 20)
    return gc.quantize(y, means), gc.build_indexes(scales), means


class EntcodeTest(unittest.TestCase):
    def setUp(self):
        self.gc = entcode.GaussianConditional("compressai")
        self.symbols, self.indexes, self.means = synthetic_latent(self.gc)
        self.args = (self.gc.quantized_cdf, self.gc.cdf_length, self.gc.offset)

    def test_roundtrip_both_modes_arrays(self):
        sym = self.symbols.reshape(-1)
        idx = self.indexes.reshape(-1)
        for mode, kw in (("ecgl", {"substreams": 2}), ("compressai", {})):
            enc = entcode.RansEncoder(mode=mode, **kw)
            dec = entcode.RansDecoder(mode=mode)
            t0 = time.perf_counter()
            stream = enc.encode_with_indexes(sym, idx, *self.args)
            t1 = time.perf_counter()
            out = dec.decode_with_indexes(stream, idx, *self.args)
            t2 = time.perf_counter()
            self.assertIsInstance(stream, bytes)
            self.assertEqual(out.dtype, np.int32)
            np.testing.assert_array_equal(out, sym)
            print(f"\n{mode}: {sym.size} symbols, {8 * len(stream) / sym.size:.3f} bits/symbol, "
                  f"encode {sym.size / (t1 - t0) / 1e6:.1f} M/s, decode {sym.size / (t2 - t1) / 1e6:.1f} M/s",
                  file=sys.stderr)

    def test_lists_like_compressai(self):
        sym = self.symbols.reshape(-1)[:5000].tolist()
        idx = self.indexes.reshape(-1)[:5000].tolist()
        cdfs = [row[:n].tolist() for row, n in zip(self.gc.quantized_cdf, self.gc.cdf_length)]  # ragged
        lengths = self.gc.cdf_length.tolist()
        offsets = self.gc.offset.tolist()
        stream = entcode.RansEncoder(mode="compressai").encode_with_indexes(sym, idx, cdfs, lengths, offsets)
        self.assertEqual(stream, self.gc.encode(np.array(sym, np.int32), np.array(idx, np.int32), mode="compressai"))
        out = entcode.RansDecoder(mode="compressai").decode_with_indexes(stream, idx, cdfs, lengths, offsets)
        self.assertEqual(out.tolist(), sym)

    def test_gaussian_conditional_helpers(self):
        stream = self.gc.encode(self.symbols, self.indexes, substreams=3)
        out = self.gc.decode(stream, self.indexes, threads=2)
        np.testing.assert_array_equal(out, self.symbols.reshape(-1))
        y_hat = self.gc.dequantize(out.reshape(self.symbols.shape), self.means)
        self.assertEqual(y_hat.shape, self.symbols.shape)
        self.assertEqual(len(self.gc.scale_table), 64)
        self.assertEqual(int(self.gc.offset[0]), -1)
        self.assertEqual(entcode.pmf_to_quantized_cdf([0.5, 0.5]), [0, 32768, 65536])
        dcvc = entcode.GaussianConditional("dcvc")
        dcvc.force_zero_threshold = 0.2
        idx = dcvc.build_indexes(np.array([0.1, 0.5, 4.0], np.float32))
        self.assertEqual(int(idx[0]), -1)
        sym = dcvc.quantize(np.array([300.0, -2.0, 3.0], np.float32))
        self.assertEqual(sym.tolist(), [127, -2, 3])
        out = dcvc.decode(dcvc.encode(sym, idx), idx)
        self.assertEqual(out.tolist(), [0, -2, 3])

    def test_errors(self):
        sym = self.symbols.reshape(-1)[:100]
        idx = self.indexes.reshape(-1)[:100].copy()
        stream = self.gc.encode(sym, idx)
        with self.assertRaises(ValueError):
            self.gc.decode(stream[:-1], idx)
        idx[3] = 64
        with self.assertRaises(ValueError):
            self.gc.encode(sym, idx)
        with self.assertRaises(ValueError):
            entcode.RansEncoder(mode="nope")
        self.assertEqual(len(self.gc.decode(self.gc.encode(sym[:0], idx[:0]), idx[:0])), 0)

    def test_compressai_f32_tables_match_torch(self):
        try:
            import torch  # noqa: F401
        except ImportError:
            self.skipTest("torch not installed")
        sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
        import gen_gaussian_tables as gen
        _, centers, rows = gen.compressai_f32()
        f32 = entcode.GaussianConditional("compressai_f32")
        for t, row in enumerate(rows):
            self.assertEqual(f32.quantized_cdf[t, :len(row)].tolist(), row)
        self.assertEqual((-f32.offset).tolist(), centers)


if __name__ == "__main__":
    unittest.main(verbosity=2)
