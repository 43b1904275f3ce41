"""entcode: fast, thread-safe entropy coding of Gaussian-conditional latents.

- ``entcode.compressai``: drop-in for CompressAI's rANS backend (``compressai.ans``):
  ``RansEncoder``, ``BufferedRansEncoder``, ``RansDecoder`` with the same methods,
  argument order and bytes.
- ``entcode.RansEncoder`` / ``entcode.RansDecoder``: the ECGL format (multi-lane rANS,
  independent sub-streams coded on several threads), doc/format.md.
- ``entcode.GaussianConditional``: the built-in parameter sets ('compressai',
  'compressai_f32', 'dcvc') with NumPy in, NumPy out.

All objects may be shared between threads; the GIL is released while coding.
"""
from ._entcode import (
    GaussianConditional,
    RansDecoder,
    RansEncoder,
    __version__,
    pmf_to_quantized_cdf,
)
from . import compressai

__all__ = [
    "GaussianConditional",
    "RansDecoder",
    "RansEncoder",
    "__version__",
    "compressai",
    "pmf_to_quantized_cdf",
]
