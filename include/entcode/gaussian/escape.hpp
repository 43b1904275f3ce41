// gaussian/escape.hpp — the one escape codec of the Gaussian coders: how a
// symbol outside its table's range is written after its escape bin.
//
// For v = symbol - offset outside [0, max) (max = the table's escape bin):
//   raw = -2v - 1 if v < 0, else 2(v - max)          (64-bit; < 2^34 for int32 input)
//   chunks = number of 4-bit chunks of raw (0 for raw = 0; at most kMaxChunks)
//   nibbles, in decoder order: the chunk count, then the chunks of raw, least
//   significant first (the last one non-zero: canonical).
// The count nibble follows CompressAI's bypass mode, where 15 means "add 15 and
// read another count"; for 32-bit symbols chunks <= 9 < 15, so one count nibble
// always suffices and a decoder reports any count above kMaxChunks as corrupt.
// Every Gaussian stream uses this: the ECGL escape section (lib/gaussian/escapes.cpp,
// nibbles packed two per byte), the CompressAI-compatible stream (compressai_stream.cpp,
// nibbles as 4-bit rANS bypass steps) and the stream front-end (stream_frontend.hpp,
// 4-bit bypass values on any backend). doc/format.md has the byte layouts.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace escape {

inline constexpr unsigned kChunkBits = 4;
inline constexpr std::uint32_t kChunkMask = (1u << kChunkBits) - 1;
inline constexpr unsigned kMaxChunks = 9;  // raw < 2^34 for any int32 symbol and offset
static_assert(kMaxChunks < kChunkMask, "one count nibble must suffice");

// raw of an out-of-range v against the escape bin max.
constexpr std::uint64_t raw_of(std::int64_t v, std::uint32_t max) noexcept {
  return static_cast<std::uint64_t>(v < 0 ? -2 * v - 1 : 2 * (v - max));
}

// v of a raw value (inverse of raw_of).
constexpr std::int64_t value_of(std::uint64_t raw, std::uint32_t max) noexcept {
  const auto half = static_cast<std::int64_t>(raw >> 1);
  return (raw & 1) ? -half - 1 : half + max;
}

constexpr unsigned chunks_of(std::uint64_t raw) noexcept {
  return static_cast<unsigned>((std::bit_width(raw) + kChunkBits - 1) / kChunkBits);
}

// The nibbles of one escape in decoder order: v[0, n).
struct Nibbles {
  std::array<std::uint32_t, 1 + kMaxChunks> v{};
  unsigned n = 0;
};
constexpr Nibbles nibbles_of(std::uint64_t raw) noexcept {
  Nibbles s;
  const unsigned chunks = chunks_of(raw);
  s.v[s.n++] = chunks;
  for (unsigned j = 0; j < chunks; ++j) s.v[s.n++] = static_cast<std::uint32_t>(raw >> (kChunkBits * j)) & kChunkMask;
  return s;
}

// Reads one escape by next(std::uint32_t& nibble) -> bool (false: the input
// ended) into v: ok, truncated, or corrupt (a count above kMaxChunks, or a
// non-canonical zero top chunk).
template <class Next>
errc read(Next&& next, std::uint32_t max, std::int64_t& v) {
  std::uint32_t chunks = 0;
  if (!next(chunks)) return errc::truncated;
  if (chunks > kMaxChunks) return errc::corrupt;
  std::uint64_t raw = 0;
  std::uint32_t c = 0;
  for (unsigned j = 0; j < chunks; ++j) {
    if (!next(c)) return errc::truncated;
    raw |= std::uint64_t{c & kChunkMask} << (kChunkBits * j);
  }
  if (chunks > 0 && c == 0) return errc::corrupt;
  v = value_of(raw, max);
  return errc::ok;
}

}  // namespace escape
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
