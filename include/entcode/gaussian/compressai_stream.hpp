// gaussian/compressai_stream.hpp — CompressAI-compatible stream mode: the bytes of
// CompressAI's RansEncoder.encode_with_indexes / RansDecoder.decode_with_indexes.
//
// Format (CompressAI rans_interface.cpp over F. Giesen's rans64.h, re-derived):
// one 64-bit rANS state, L = 2^31, 32-bit little-endian words, precision 16.
// Symbols are encoded from the last to the first, so the decoder reads them in
// order. For symbol i with table t = indexes[i], max = cdf_length[t] - 2,
// v = symbols[i] - offset[t]:
//   in range (0 <= v < max): one step with bin v;
//   otherwise the escape bin max, then (decoder order) the chunk count of
//   raw = (v < 0 ? -2v - 1 : 2(v - max)) as 4-bit "bits" steps (15 = add 15 and
//   continue), then the raw value's 4-bit chunks, least significant first.
//   A 4-bit step is a rANS step with start = value, freq = 1, precision 4.
// Encoder step: x >= freq << 47 -> emit (u32) x, x >>= 32; then
//   x = (x / freq) << prec + x % freq + start.
// Flush: the final state as two words, low then high, at the front:
//   stream = [x_lo][x_hi][words in decoder order].
// Decoder: x = x_lo | x_hi << 32; per step slot = x & (2^prec - 1),
//   x = freq * (x >> prec) + slot - start, then if x < L: x = x << 32 | next word.
// Unlike CompressAI this handles zero and one symbols (CompressAI's buffer
// overflows for one symbol and asserts for none), never reads past the input
// (truncated), and checks the end: final state L and every word read (corrupt
// otherwise; CompressAI cannot detect corruption). Escapes must use the fewest
// chunks, as CompressAI's encoder writes them (a zero top chunk is corrupt). Like
// CompressAI's decoder it accepts an initial state >= 2^63 (the encoder's are < L * 2^32),
// which decodes to symbols whose own stream differs: every other accepted stream is the
// one the encoder writes for its symbols (fuzz/fuzz_gaussian_decode.cpp). Values whose raw form needs
// more than 8 chunks (int32 overflow in CompressAI) still round-trip here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/export.hpp"
#include "entcode/gaussian/cdf_tables.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace compressai {

inline constexpr std::uint64_t kStateLow = std::uint64_t{1} << 31;

// Always enough for n symbols (8 bytes of state plus at most 12 words per symbol).
ENTCODE_API std::size_t encode_bound(std::size_t n) noexcept;

// A run of symbols coded with one table set. CompressAI's BufferedRansEncoder
// takes several encode_with_indexes calls, each with its own tables, and flushes
// them as one stream: the segments in order, as if concatenated.
struct Segment {
  const CdfTables* tables = nullptr;
  std::span<const std::int32_t> symbols;
  std::span<const std::int32_t> indexes;
};

// symbols.size() == indexes.size(), every index in [0, tables.size()) (per segment;
// checked as the symbols are coded, last to first: invalid_argument, or
// output_too_small if the stream outgrew dst before the bad index was reached).
// The span overloads write the stream to the front of dst (which may need up to
// encode_bound(n) bytes while encoding: the stream is built from its end); the
// vector overloads return exactly the stream (built in uninitialised scratch,
// only the touched pages are ever faulted in, then copied out).
ENTCODE_API Result<std::size_t> encode_with_indexes(const CdfTables& tables, std::span<const std::int32_t> symbols,
                                        std::span<const std::int32_t> indexes, std::span<std::byte> dst);
ENTCODE_API Result<std::vector<std::byte>> encode_with_indexes(const CdfTables& tables, std::span<const std::int32_t> symbols,
                                                   std::span<const std::int32_t> indexes);
ENTCODE_API Result<std::size_t> encode_segments(std::span<const Segment> segments, std::span<std::byte> dst);
ENTCODE_API Result<std::vector<std::byte>> encode_segments(std::span<const Segment> segments);

// out.size() == indexes.size(). The indexes are checked while decoding: a bad one
// gives invalid_argument with out partly written (after any error of the stream's start).
ENTCODE_API errc decode_with_indexes(const CdfTables& tables, std::span<const std::byte> src,
                         std::span<const std::int32_t> indexes, std::span<std::int32_t> out) noexcept;
ENTCODE_API Result<std::vector<std::int32_t>> decode_with_indexes(const CdfTables& tables, std::span<const std::byte> src,
                                                      std::span<const std::int32_t> indexes);

// Incremental decoding (CompressAI's RansDecoder.set_stream + decode_stream):
// decode() calls continue where the previous one stopped, each with its own
// tables. The decoder views `src` (the caller keeps it alive). The first error
// sticks: later calls return it. decode_with_indexes() is start + decode + finish.
class ENTCODE_API StreamDecoder {
 public:
  StreamDecoder() noexcept = default;
  // Reads the initial state: truncated (short or not a multiple of 4 bytes) or corrupt.
  errc start(std::span<const std::byte> src) noexcept;
  errc decode(const CdfTables& tables, std::span<const std::int32_t> indexes, std::span<std::int32_t> out) noexcept;
  // ok when every word was read and the state is back at the encoder's initial one.
  [[nodiscard]] errc finish() const noexcept;

 private:
  friend errc decode_with_indexes(const CdfTables&, std::span<const std::byte>, std::span<const std::int32_t>,
                                  std::span<std::int32_t>) noexcept;
  // decode() after its argument checks; top = the largest index (< tables.size()).
  errc decode_checked(const CdfTables& tables, std::span<const std::int32_t> indexes, std::span<std::int32_t> out,
                      std::uint32_t top) noexcept;
  std::span<const std::byte> src_;
  std::size_t pos_ = 0;
  std::uint64_t x_ = 0;
  errc error_ = errc::invalid_argument;  // until start()
};

}  // namespace compressai
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
