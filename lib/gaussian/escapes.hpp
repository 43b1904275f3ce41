// gaussian/escapes.hpp — private: the escape nibble section of a Gaussian sub-stream.
//
// For every coded symbol outside its table's range (in symbol order):
//   raw = -2v - 1 if v < 0, else 2(v - max_value)     (v = symbol - offset, 64-bit)
//   chunks = number of 4-bit chunks of raw (0 for raw = 0, at most 9)
//   count nibbles: 15 while count >= 15 (subtracting 15), then the remainder
//   raw nibbles, least significant first (the last one non-zero)
// Nibbles are packed two per byte, low nibble first; an odd count ends with a
// zero high nibble. Same mapping and chunking as CompressAI's bypass mode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/gaussian/cdf_tables.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {

inline constexpr unsigned kMaxEscapeChunks = 9;  // raw < 2^34 for any int32 symbol and offset

// Appends the escape nibbles of symbols [0, n) to out.
void encode_escapes(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx, std::size_t n,
                    std::vector<std::uint8_t>& out);

// Replaces the escape-bin entries of out[0, n) (as written by the rANS decoders)
// by their values; truncated if the nibbles run out, corrupt for junk.
errc decode_escapes(const CdfTables& t, std::span<const std::byte> src, const std::int32_t* idx, std::size_t n,
                    std::int32_t* out) noexcept;

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
