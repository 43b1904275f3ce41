from typing import Sequence, Union, overload

import numpy as np
import numpy.typing as npt

_Ints = Union[Sequence[int], npt.NDArray[np.integer]]
_Cdfs = Union[Sequence[Sequence[int]], npt.NDArray[np.integer]]
_Stream = Union[bytes, bytearray, memoryview, str]

class RansEncoder:
    def __init__(self) -> None: ...
    def encode_with_indexes(
        self, symbols: _Ints, indexes: _Ints, cdfs: _Cdfs, cdfs_sizes: _Ints, offsets: _Ints
    ) -> bytes: ...

class BufferedRansEncoder:
    def __init__(self) -> None: ...
    def encode_with_indexes(
        self, symbols: _Ints, indexes: _Ints, cdfs: _Cdfs, cdfs_sizes: _Ints, offsets: _Ints
    ) -> None: ...
    def flush(self) -> bytes: ...

class RansDecoder:
    def __init__(self) -> None: ...
    @overload
    def decode_with_indexes(
        self, encoded: _Stream, indexes: npt.NDArray[np.integer], cdfs: _Cdfs, cdfs_sizes: _Ints, offsets: _Ints
    ) -> npt.NDArray[np.int32]: ...
    @overload
    def decode_with_indexes(
        self, encoded: _Stream, indexes: Sequence[int], cdfs: _Cdfs, cdfs_sizes: _Ints, offsets: _Ints
    ) -> list[int]: ...
    def set_stream(self, encoded: _Stream) -> None: ...
    @overload
    def decode_stream(
        self, indexes: npt.NDArray[np.integer], cdfs: _Cdfs, cdfs_sizes: _Ints, offsets: _Ints
    ) -> npt.NDArray[np.int32]: ...
    @overload
    def decode_stream(self, indexes: Sequence[int], cdfs: _Cdfs, cdfs_sizes: _Ints, offsets: _Ints) -> list[int]: ...
