#!/usr/bin/python3
"""gen_gaussian_tables.py - writes lib/gaussian/tables_data.cpp, the built-in
Gaussian-conditional CDF tables of entcode (doc/format.md, section
"Gaussian-conditional latents (ECGL)", its "Tables" paragraph).

Three parameter sets:
  compressai      CompressAI's GaussianConditional defaults, computed in double
                  precision: scale table exp(linspace(log 0.11, log 256, 64)),
                  tail mass 1e-9, multiplier -Phi^-1(tail/2) = 6.109410204869...,
                  pmf_center = ceil(scale * multiplier), cdf_length = 2*center + 3,
                  pmf[k] = Phi((0.5 - |k - c|)/s) - Phi((-0.5 - |k - c|)/s),
                  escape (tail) = 2 * Phi((-0.5 - c)/s), then pmf_to_quantized_cdf.
  compressai_f32  the same, computed exactly as CompressAI computes it: float32
                  torch tensors (torch.linspace/exp/erfc on the CPU). Needs torch
                  (Debian python3-torch); without it the checked-in rows are kept.
  dcvc            DCVC-RT's GaussianEncoder: 128 scales exp(linspace(log 0.11,
                  log 16, 128)), pmf_center = the smallest i in 2..8 with
                  Phi(i/s) > 0.9999 (else 8), same pmf/escape/quantisation (double).

pmf_to_quantized_cdf (CompressAI ops.cpp / DCVC py_rans.cpp, re-derived):
  f[i] = round(p[i] * 2^16); total = sum f; f[i] = floor(2^16 f[i] / total);
  cdf = prefix sums of f (cdf[0] = 0), cdf[last] = 2^16; then for every
  zero-width bin i (left to right) steal one from the bin j with the smallest
  freq > 1 (first such j): shift cdf[j+1..i] down by one if j < i, else
  cdf[i+1..j] up by one.
Phi(x) = erfc(-x / sqrt 2) / 2 (Python's math.erfc, the same on every platform).

The C++ builder (lib/gaussian/cdf_tables.cpp) implements the double sets too;
tests/test_gaussian.cpp rebuilds them and compares with this file's output.

Usage: scripts/gen_gaussian_tables.py [--check]   (run from the repository root)
"""
import math
import os
import sys

PRECISION = 16
TAIL_MASS = 1e-9
MULTIPLIER = 6.1094102048693975  # -scipy.stats.norm.ppf(1e-9 / 2), double
OUT = os.path.join("lib", "gaussian", "tables_data.cpp")


def phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def linspace_log(lo, hi, levels):
    a, b = math.log(lo), math.log(hi)
    step = (b - a) / (levels - 1)
    return [math.exp(b if i == levels - 1 else a + i * step) for i in range(levels)]


def pmf_to_quantized_cdf(pmf):
    one = 1 << PRECISION
    f = [int(math.floor(p * one + 0.5)) for p in pmf]
    total = sum(f)
    f = [(one * v) // total for v in f]
    cdf = [0]
    for v in f:
        cdf.append(cdf[-1] + v)
    cdf[-1] = one
    for i in range(len(cdf) - 1):
        if cdf[i] == cdf[i + 1]:
            best, steal = None, -1
            for j in range(len(cdf) - 1):
                w = cdf[j + 1] - cdf[j]
                if w > 1 and (best is None or w < best):
                    best, steal = w, j
            if steal < i:
                for j in range(steal + 1, i + 1):
                    cdf[j] -= 1
            else:
                for j in range(i + 1, steal + 1):
                    cdf[j] += 1
    return cdf


def gaussian_row(scale, center):
    pmf = []
    for k in range(2 * center + 1):
        v = abs(k - center)
        pmf.append(phi((0.5 - v) / scale) - phi((-0.5 - v) / scale))
    pmf.append(2.0 * phi((-0.5 - center) / scale))
    return pmf_to_quantized_cdf(pmf)


def compressai_double():
    scales = linspace_log(0.11, 256.0, 64)
    centers = [int(math.ceil(s * MULTIPLIER)) for s in scales]
    return scales, centers, [gaussian_row(s, c) for s, c in zip(scales, centers)]


def dcvc_double():
    scales = linspace_log(0.11, 16.0, 128)
    centers = []
    for s in scales:
        c = 8
        for i in range(8, 1, -1):
            if phi(i / s) > 0.9999:
                c = i
        centers.append(c)
    return scales, centers, [gaussian_row(s, c) for s, c in zip(scales, centers)]


def compressai_f32():
    """CompressAI's update() on its default scale table, in float32 torch."""
    import torch
    scales = torch.exp(torch.linspace(math.log(0.11), math.log(256.0), 64))
    centers = torch.ceil(scales * MULTIPLIER).int()
    length = 2 * centers + 1
    max_length = int(torch.max(length).item())
    samples = torch.abs(torch.arange(max_length).int() - centers[:, None]).float()
    s = scales.unsqueeze(1).float()
    const = float(-(2 ** -0.5))
    upper = 0.5 * torch.erfc(const * ((0.5 - samples) / s))
    lower = 0.5 * torch.erfc(const * ((-0.5 - samples) / s))
    pmf = upper - lower
    tail = 2 * lower[:, :1]
    rows = []
    for i in range(64):
        prob = torch.cat((pmf[i, : int(length[i])], tail[i]), dim=0)
        rows.append(pmf_to_quantized_cdf(prob.tolist()))
    return scales.tolist(), centers.tolist(), rows


def read_existing_f32():
    """The checked-in compressai_f32 set (when torch is unavailable)."""
    text = open(OUT).read()

    def array(name):
        body = text.split(name + "[] = {", 1)[1].split("};", 1)[0]
        return [x for x in body.replace("\n", " ").split(",") if x.strip()]

    scales = [float(x) for x in array("kCompressaiF32Scales")]
    offsets = [int(x) for x in array("kCompressaiF32Offsets")]
    lengths = [int(x) for x in array("kCompressaiF32Lengths")]
    flat = [int(x) for x in array("kCompressaiF32Cdf")]
    rows, pos = [], 0
    for n in lengths:
        rows.append(flat[pos:pos + n])
        pos += n
    return scales, [-o for o in offsets], rows


def emit_set(name, scales, centers, rows):
    out = []

    def arr(ctype, suffix, values, per_line):
        out.append(f"const {ctype} k{name}{suffix}[] = {{")
        for i in range(0, len(values), per_line):
            out.append("    " + ", ".join(values[i:i + per_line]) + ",")
        out.append("};")

    arr("double", "Scales", [repr(float(s)) for s in scales], 4)
    arr("std::int32_t", "Offsets", [str(-c) for c in centers], 16)
    arr("std::int32_t", "Lengths", [str(len(r)) for r in rows], 16)
    arr("std::uint32_t", "Cdf", [str(v) for row in rows for v in row], 16)
    out.append(f"const BuiltinTableData k{name} = {{k{name}Scales, k{name}Offsets, k{name}Lengths, "
               f"k{name}Cdf, {len(rows)}, {sum(len(r) for r in rows)}}};")
    return "\n".join(out)


def main():
    sets = [("CompressaiDouble", *compressai_double())]
    try:
        sets.append(("CompressaiF32", *compressai_f32()))
    except ImportError:
        print("torch not available: keeping the checked-in compressai_f32 rows", file=sys.stderr)
        sets.append(("CompressaiF32", *read_existing_f32()))
    sets.append(("Dcvc", *dcvc_double()))
    body = "\n\n".join(emit_set(*s) for s in sets)
    text = f"""// tables_data.cpp — GENERATED by scripts/gen_gaussian_tables.py; do not edit.
//
// Built-in Gaussian-conditional CDF tables (CompressAI's form: per table an
// offset = -pmf_center, a cdf_length and cdf_length CDF values with the escape
// bin last). See the script for the exact derivation of each set.
#include "tables_data.hpp"

namespace entcode {{
inline namespace v0 {{
namespace gaussian {{
namespace detail {{

{body}

}}  // namespace detail
}}  // namespace gaussian
}}  // namespace v0
}}  // namespace entcode
"""
    if "--check" in sys.argv:
        same = open(OUT).read() == text
        print("up to date" if same else "DIFFERS")
        return 0 if same else 1
    with open(OUT, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
