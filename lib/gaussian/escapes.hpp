// gaussian/escapes.hpp — private: the escape nibble section of a Gaussian sub-stream.
//
// For every coded symbol outside its table's range (in symbol order), the
// nibbles of its escape (entcode/gaussian/escape.hpp: count, then raw's chunks).
// Nibbles are packed two per byte, low nibble first; an odd count ends with a
// zero high nibble.
// The kernels flag the escapes while coding (kernels.hpp); the scans below serve
// the reference path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/gaussian/cdf_tables.hpp"
#include "entcode/gaussian/escape.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {

inline constexpr std::size_t kMaxEscapeBytes = (1 + escape::kMaxChunks + 1) / 2;  // per escape: its nibbles
inline constexpr std::size_t kEscapeSlack = 8;

// Positions of the flags set in masks[0, (n + 15) / 16) (bit i % 16 of word i / 16), ascending.
std::vector<std::size_t> flagged_positions(const std::uint16_t* masks, std::size_t n);

// Positions of the symbols of [0, n) outside their table's range.
std::vector<std::size_t> find_escapes(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx,
                                      std::size_t n);
// Positions of the decoded escape-bin entries of out[0, n) (as the rANS decoders write them).
std::vector<std::size_t> find_decoded_escapes(const CdfTables& t, const std::int32_t* idx, const std::int32_t* out,
                                              std::size_t n);

// Writes the nibbles of the escapes at `positions` (ascending) to dst (room for
// kMaxEscapeBytes per escape + kEscapeSlack: it stores 8 bytes at a time); returns
// the bytes written.
std::size_t encode_escapes(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx,
                           std::span<const std::size_t> positions, std::uint8_t* dst) noexcept;

// Replaces the escape-bin entries of out at `positions` (ascending) by their
// values; truncated if the nibbles run out, corrupt for junk or unused bytes.
errc decode_escapes(const CdfTables& t, std::span<const std::byte> src, const std::int32_t* idx,
                    std::span<const std::size_t> positions, std::int32_t* out) noexcept;

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
