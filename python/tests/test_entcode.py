"""test_entcode.py - unittest for the Python package `entcode` (run by meson test,
suite 'python', with PYTHONPATH at <build>/python where the package is assembled).

Checks entcode.compressai against a plain-Python model of CompressAI's stream
(reference_compressai_encode, from include/entcode/gaussian/compressai_stream.hpp):
RansEncoder, BufferedRansEncoder (several tables, one flush), RansDecoder
(decode_with_indexes, set_stream + decode_stream), lists / NumPy / bytearray /
memoryview / str inputs; strict argument errors naming argument and position;
one shared object of each kind hammered by 8 threads with different tables; the
ECGL classes and GaussianConditional helpers. When torch is importable it also
regenerates the compressai_f32 tables the way CompressAI computes them.
"""
import os
import sys
import threading
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


def reference_compressai_encode(segments):
    """CompressAI's stream, written here from include/entcode/gaussian/compressai_stream.hpp
    (plain Python, independent of the extension): segments of (symbols, indexes, cdfs,
    sizes, offsets) coded as one stream, as BufferedRansEncoder.flush() does."""
    steps = []  # (start, freq, precision) in symbol order
    for symbols, indexes, cdfs, sizes, offsets in segments:
        for s, t in zip(symbols, indexes):
            cdf, mx = cdfs[t], sizes[t] - 2
            v = s - offsets[t]
            if 0 <= v < mx:
                steps.append((cdf[v], cdf[v + 1] - cdf[v], 16))
                continue
            steps.append((cdf[mx], cdf[mx + 1] - cdf[mx], 16))
            raw = -2 * v - 1 if v < 0 else 2 * (v - mx)
            n = 0
            while raw >> (4 * n):
                n += 1
            steps += [(15, 1, 4)] * (n // 15) + [(n % 15, 1, 4)]
            steps += [((raw >> (4 * j)) & 15, 1, 4) for j in range(n)]
    x, words = 1 << 31, []
    for start, freq, prec in reversed(steps):
        if x >= ((1 << 31 >> prec) << 32) * freq:
            words.append(x & 0xFFFFFFFF)
            x >>= 32
        x = ((x // freq) << prec) + x % freq + start
    words += [x >> 32, x & 0xFFFFFFFF]
    return b"".join(w.to_bytes(4, "little") for w in reversed(words))


def table_lists(gc):
    return ([row[:n].tolist() for row, n in zip(gc.quantized_cdf, gc.cdf_length)],
            gc.cdf_length.tolist(), gc.offset.tolist())


class EntcodeTest(unittest.TestCase):
    def setUp(self):
        self.gc = entcode.GaussianConditional("compressai")
        self.symbols, self.indexes, self.means = synthetic_latent(self.gc)
        self.args = (self.gc.quantized_cdf, self.gc.cdf_length, self.gc.offset)

    def test_package(self):
        self.assertRegex(entcode.__version__, r"^\d+\.\d+\.\d+$")
        self.assertTrue(os.path.exists(os.path.join(os.path.dirname(entcode.__file__), "py.typed")))
        self.assertIn("CompressAI", entcode.compressai.RansDecoder.__doc__)

    def test_roundtrip_ecgl_arrays(self):
        sym = self.symbols.reshape(-1)
        idx = self.indexes.reshape(-1)
        t0 = time.perf_counter()
        stream = entcode.RansEncoder(substreams=2).encode_with_indexes(sym, idx, *self.args)
        t1 = time.perf_counter()
        out = entcode.RansDecoder().decode_with_indexes(stream, idx, *self.args)
        t2 = time.perf_counter()
        self.assertIsInstance(stream, bytes)
        self.assertEqual(out.dtype, np.int32)
        np.testing.assert_array_equal(out, sym)
        print(f"\necgl: {sym.size} symbols, {8 * len(stream) / sym.size:.3f} bits/symbol, "
              f"encode {sym.size / (t1 - t0) / 1e6:.1f} M/s, decode {sym.size / (t2 - t1) / 1e6:.1f} M/s",
              file=sys.stderr)

    def test_compressai_dropin_bytes(self):
        n = 3000
        sym = self.symbols.reshape(-1)[:n].tolist()
        idx = self.indexes.reshape(-1)[:n].tolist()
        cdfs, sizes, offsets = table_lists(self.gc)  # ragged lists, as CompressAI passes them
        expected = reference_compressai_encode([(sym, idx, cdfs, sizes, offsets)])
        enc = entcode.compressai.RansEncoder()
        self.assertEqual(enc.encode_with_indexes(sym, idx, cdfs, sizes, offsets), expected)
        # The same bytes from NumPy arguments, padded 2-D cdfs and the fast API.
        s32, i32 = np.array(sym, np.int32), np.array(idx, np.int32)
        self.assertEqual(enc.encode_with_indexes(s32, i32, *self.args), expected)
        self.assertEqual(enc.encode_with_indexes(s32.astype(np.int64), i32.astype(np.uint16), *self.args), expected)
        self.assertEqual(self.gc.encode(s32, i32, mode="compressai"), expected)
        dec = entcode.compressai.RansDecoder()
        out = dec.decode_with_indexes(expected, idx, cdfs, sizes, offsets)
        self.assertIsInstance(out, list)
        self.assertEqual(out, sym)
        out = dec.decode_with_indexes(bytearray(expected), i32, *self.args)
        self.assertEqual(out.dtype, np.int32)
        self.assertEqual(out.tolist(), sym)
        self.assertEqual(dec.decode_with_indexes(memoryview(expected), idx, cdfs, sizes, offsets), sym)
        self.assertEqual(self.gc.decode(expected, i32, mode="compressai").tolist(), sym)
        # Hand vector (tests/test_gaussian.cpp): one table {-1: 1/4, 0: 1/2, escape: 1/4}.
        small = ([[0, 16384, 49152, 65536]], [4], [-1])
        self.assertEqual(enc.encode_with_indexes([0], [0], *small), bytes([0, 0x40, 0, 0, 1, 0, 0, 0]))
        self.assertEqual(enc.encode_with_indexes([5], [0], *small), bytes([0x81, 0xC0, 0, 0, 0, 2, 0, 0]))
        # str streams are read as their UTF-8 bytes (as CompressAI's std::string argument).
        self.assertEqual(dec.decode_with_indexes("\x00@\x00\x00\x01\x00\x00\x00", [0], *small), [0])

    def test_list_ints_at_digit_boundaries(self):
        # Compact ints (one 30-bit digit) are read without a call, others through
        # the C API: both give the NumPy path's bytes, signs included.
        edge = [0, 1, -1, 2**30 - 1, -(2**30 - 1), 2**30, -(2**30), 2**30 + 1, -(2**30) - 1, 2**31 - 1, -(2**31)]
        sym = edge + [v // 3 for v in edge]
        idx = [t % 64 for t in range(len(sym))]
        enc = entcode.compressai.RansEncoder()
        s32, i32 = np.array(sym, np.int32), np.array(idx, np.int32)
        expected = enc.encode_with_indexes(s32, i32, *self.args)
        self.assertEqual(enc.encode_with_indexes(sym, idx, *self.args), expected)
        out = entcode.compressai.RansDecoder().decode_with_indexes(expected, idx, *self.args)
        self.assertEqual(out, sym)

    def test_buffered_encoder_and_decode_stream(self):
        dcvc = entcode.GaussianConditional("dcvc")
        segs = []
        for k, gc in enumerate((self.gc, dcvc, self.gc)):
            s, i, _ = synthetic_latent(gc, shape=(1, 4, 10, 25), seed=10 + k)
            segs.append((s.reshape(-1).tolist(), i.reshape(-1).tolist(), *table_lists(gc)))
        enc = entcode.compressai.BufferedRansEncoder()
        for seg in segs:
            self.assertIsNone(enc.encode_with_indexes(*seg))
        stream = enc.flush()
        self.assertEqual(stream, reference_compressai_encode(segs))
        self.assertEqual(enc.flush(), reference_compressai_encode([]))  # flushed: empty again
        dec = entcode.compressai.RansDecoder()
        dec.set_stream(stream)
        for symbols, indexes, *tables in segs:
            self.assertEqual(dec.decode_stream(indexes[:7], *tables), symbols[:7])
            self.assertEqual(dec.decode_stream(np.array(indexes[7:]), *tables).tolist(), symbols[7:])
        with self.assertRaisesRegex(ValueError, "truncated"):
            dec.decode_stream(segs[0][1][:50], *segs[0][2:])
        with self.assertRaisesRegex(ValueError, "set_stream"):
            entcode.compressai.RansDecoder().decode_stream([0], *segs[0][2:])

    def test_strict_arguments(self):
        enc = entcode.compressai.RansEncoder()
        dec = entcode.compressai.RansDecoder()
        cdfs, sizes, offsets = table_lists(self.gc)
        with self.assertRaisesRegex(TypeError, r"symbols\[1\].*float"):
            enc.encode_with_indexes([0, 1.7], [0, 0], cdfs, sizes, offsets)
        with self.assertRaisesRegex(TypeError, r"indexes\[0\].*float"):
            enc.encode_with_indexes([0], [0.0], cdfs, sizes, offsets)
        with self.assertRaisesRegex(OverflowError, r"symbols\[2\] = 2147483648"):
            enc.encode_with_indexes([0, 0, 2**31], [0, 0, 0], cdfs, sizes, offsets)
        with self.assertRaisesRegex(OverflowError, r"indexes\[1\] = 4294967298"):
            enc.encode_with_indexes(np.zeros(2, np.int32), np.array([0, 2**32 + 2]), cdfs, sizes, offsets)
        with self.assertRaisesRegex(TypeError, "symbols: expected integers, got a float64 array"):
            enc.encode_with_indexes(np.zeros(2), [0, 0], cdfs, sizes, offsets)
        with self.assertRaisesRegex(TypeError, "symbols"):
            enc.encode_with_indexes("ab", [0, 0], cdfs, sizes, offsets)
        with self.assertRaisesRegex(ValueError, "symbols has 3 values but indexes has 2"):
            enc.encode_with_indexes([0, 0, 0], [0, 0], cdfs, sizes, offsets)
        with self.assertRaisesRegex(ValueError, r"indexes\[1\] = 64 is not in 0..63"):
            enc.encode_with_indexes([0, 0], [0, 64], cdfs, sizes, offsets)
        with self.assertRaisesRegex(ValueError, r"indexes\[0\] = -1"):
            dec.decode_with_indexes(b"\0" * 8, [-1], cdfs, sizes, offsets)
        # The coders check indexes themselves (one pass); the bindings name the bad one on
        # every path, before any stream error (a 3-byte stream is truncated).
        with self.assertRaisesRegex(ValueError, r"indexes\[2\] = 70 is not in 0..63"):
            dec.decode_with_indexes(b"\0" * 3, np.array([0, 5, 70], np.int32), cdfs, sizes, offsets)
        with self.assertRaisesRegex(ValueError, r"indexes\[1\] = 64 is not in 0..63"):
            enc.encode_with_indexes(np.zeros(2, np.int32), np.array([0, 64], np.int32), cdfs, sizes, offsets)
        dec.set_stream(enc.encode_with_indexes([0, 0], [0, 0], cdfs, sizes, offsets))
        with self.assertRaisesRegex(ValueError, r"indexes\[1\] = -3 is not in 0..63"):
            dec.decode_stream([0, -3], cdfs, sizes, offsets)
        self.assertEqual(dec.decode_stream([0, 0], cdfs, sizes, offsets), [0, 0])  # the bad call consumed nothing
        gcd = entcode.GaussianConditional("compressai")
        with self.assertRaisesRegex(ValueError, r"indexes\[0\] = 99 is not in 0..63"):
            gcd.decode(b"\0" * 8, np.array([99], np.int32), mode="compressai")
        with self.assertRaisesRegex(ValueError, r"indexes\[0\] = 99 is not in 0..63"):
            gcd.encode(np.zeros(1, np.int32), np.array([99], np.int32), mode="compressai")
        with self.assertRaisesRegex(ValueError, r"indexes\[1\] = 64 is not in 0..63"):
            gcd.decode(gcd.encode(np.zeros(2, np.int32), np.zeros(2, np.int32)), np.array([0, 64], np.int32))
        bad = [row[:] for row in cdfs]
        bad[3][2] = bad[3][1]
        with self.assertRaisesRegex(ValueError, r"cdfs\[3\]: not strictly increasing at position 2"):
            enc.encode_with_indexes([0], [0], bad, sizes, offsets)
        bad = [row[:] for row in cdfs]
        bad[5][-1] = 65535
        with self.assertRaisesRegex(ValueError, r"cdfs\[5\]: does not end with 65536"):
            enc.encode_with_indexes([0], [0], bad, sizes, offsets)
        with self.assertRaisesRegex(ValueError, "cdfs has 64 rows but cdfs_sizes has 63 values"):
            enc.encode_with_indexes([0], [0], cdfs, sizes[:-1], offsets[:-1])
        with self.assertRaisesRegex(TypeError, r"cdfs\[0\]\[1\]"):
            enc.encode_with_indexes([0], [0], [[0, 0.5, 65536]] + cdfs[1:], sizes, offsets)
        with self.assertRaisesRegex(TypeError, "encoded"):
            dec.decode_with_indexes(12, [0], cdfs, sizes, offsets)
        # Integers of other types convert (numpy scalars, bool), as in CompressAI.
        self.assertEqual(enc.encode_with_indexes([np.int64(1), True], (np.int16(0), 0), cdfs, sizes, offsets),
                         enc.encode_with_indexes([1, 1], [0, 0], cdfs, sizes, offsets))

    def test_shared_objects_from_threads(self):
        """One encoder/decoder of each kind shared by 8 threads, each with its own tables and
        data: every call must give the bytes/values computed single-threaded beforehand."""
        sets = [entcode.GaussianConditional(name) for name in ("compressai", "dcvc", "compressai_f32")]
        work = []
        for k in range(8):
            gc = sets[k % 3]
            s, i, _ = synthetic_latent(gc, shape=(1, 8, 40, 40 + k), seed=100 + k)
            args = (s.reshape(-1).tolist(), i.reshape(-1).tolist(), *table_lists(gc))
            work.append((args, reference_compressai_encode([args])))
        enc = entcode.compressai.RansEncoder()
        dec = entcode.compressai.RansDecoder()
        ecgl_enc, ecgl_dec = entcode.RansEncoder(), entcode.RansDecoder(threads=1)
        ecgl_expected = [ecgl_enc.encode_with_indexes(*args) for args, _ in work]
        failures = []

        def hammer(k):
            args, expected = work[k]
            for _ in range(15):
                if enc.encode_with_indexes(*args) != expected:
                    failures.append(("encode", k))
                if dec.decode_with_indexes(expected, *args[1:]) != args[0]:
                    failures.append(("decode", k))
                if ecgl_enc.encode_with_indexes(*args) != ecgl_expected[k]:
                    failures.append(("ecgl encode", k))
                if ecgl_dec.decode_with_indexes(ecgl_expected[k], *args[1:]).tolist() != args[0]:
                    failures.append(("ecgl decode", k))

        threads = [threading.Thread(target=hammer, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])

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

    def test_table_cache_sees_arrays_changed_in_place(self):
        # The per-object table cache compares a 2-D cdf array in place: the same array
        # object with other values must give the other tables' bytes.
        gc = entcode.GaussianConditional("compressai")
        cdfs, sizes, offsets = gc.quantized_cdf.copy(), gc.cdf_length.copy(), gc.offset.copy()
        sym, idx = np.zeros(50, np.int32), np.full(50, 3, np.int32)
        enc, dec = entcode.compressai.RansEncoder(), entcode.compressai.RansDecoder()
        first = enc.encode_with_indexes(sym, idx, cdfs, sizes, offsets)
        cdfs[3], sizes[3], offsets[3] = cdfs[40], sizes[40], offsets[40]  # table 3 becomes table 40
        second = enc.encode_with_indexes(sym, idx, cdfs, sizes, offsets)
        self.assertNotEqual(first, second)
        self.assertEqual(second, entcode.compressai.RansEncoder().encode_with_indexes(sym, idx, cdfs, sizes, offsets))
        zero = -int(offsets[3])  # the bin of symbol 0, a wide one in the middle
        cdfs[3, zero] += 1  # in place: the same array object, same lengths, other values
        third = enc.encode_with_indexes(sym, idx, cdfs, sizes, offsets)
        self.assertNotEqual(third, second)
        self.assertEqual(third, entcode.compressai.RansEncoder().encode_with_indexes(sym, idx, cdfs, sizes, offsets))
        self.assertEqual(dec.decode_with_indexes(third, idx, cdfs, sizes, offsets).tolist(), sym.tolist())

    def test_errors(self):
        sym = self.symbols.reshape(-1)[:100]
        idx = self.indexes.reshape(-1)[:100].copy()
        stream = self.gc.encode(sym, idx)
        with self.assertRaises(ValueError):
            self.gc.decode(stream[:-1], idx)
        idx[3] = 64
        with self.assertRaisesRegex(ValueError, r"indexes\[3\]"):
            self.gc.encode(sym, idx)
        with self.assertRaises(ValueError):
            self.gc.encode(sym, idx, mode="nope")
        with self.assertRaises(ValueError):
            entcode.RansEncoder(substreams=0)
        self.assertEqual(len(self.gc.decode(self.gc.encode(sym[:0], idx[:0]), idx[:0])), 0)

    def test_compressai_f32_tables_match_torch(self):
        try:
            import torch  # noqa: F401
        except ImportError:
            self.skipTest("torch not installed")
        sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
        import gen_gaussian_tables as gen
        _, centers, rows = gen.compressai_f32()
        f32 = entcode.GaussianConditional("compressai_f32")
        for t, row in enumerate(rows):
            self.assertEqual(f32.quantized_cdf[t, :len(row)].tolist(), row)
        self.assertEqual((-f32.offset).tolist(), centers)


if __name__ == "__main__":
    unittest.main(verbosity=2)
