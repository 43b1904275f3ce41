"""Drop-in for CompressAI's rANS backend (``compressai.ans``).

Same classes, methods, argument order and stream bytes as CompressAI::

    from entcode.compressai import RansEncoder, RansDecoder, BufferedRansEncoder

Differences: arguments are checked (TypeError / OverflowError / ValueError name
the argument and the first bad position instead of undefined behaviour), corrupt
or truncated streams raise ValueError, NumPy integer arrays are accepted (and
NumPy indexes give NumPy results), and one object may be used from several
threads at once (``set_stream`` / ``decode_stream`` state is per object and
serialised by a lock).
"""
from ._entcode.compressai import BufferedRansEncoder, RansDecoder, RansEncoder

__all__ = ["BufferedRansEncoder", "RansDecoder", "RansEncoder"]
