// rans/compact_states.hpp — the compact code of rANS states in [L, 2^32)
// (doc/format.md, "Byte codec container", block stream): bits packed LSB first
// (bit i is bit i mod 8 of byte i / 8), per state e = bit_width(x) - 17 in 4
// bits, then the 16 + e bits of x below its top bit.
//
// It is the seeded streams' header (their lanes' final states) and, read the
// other way, how the byte codec turns its tail coder's bits into the lanes'
// start states (lib/byte_codec/stream.cpp). A state log-uniform over
// [2^16, 2^32) costs log2(x) + 3.47 bits under any code, and this one is within
// ~0.03 bits of that: 27.5 bits on average. Every bit string is a valid code
// (x >= L by construction), so reading never fails; a reader treats bits past
// its input as zeros and says how many it read.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace entcode {
inline namespace v0 {
namespace rans::detail {

inline constexpr unsigned kCompactExponentBits = 4;
inline constexpr unsigned kCompactLowBits = 16;  // bit_width(L) - 1
inline constexpr unsigned kMaxCompactStateBits = kCompactExponentBits + 32 - 1;

constexpr std::size_t compact_states_max_bytes(std::size_t states) noexcept {
  return (kMaxCompactStateBits * states + 7) / 8;
}

// x in [L, 2^32).
inline unsigned compact_state_bits(std::uint32_t x) noexcept {
  return kCompactExponentBits + static_cast<unsigned>(std::bit_width(x)) - 1;
}
inline std::size_t compact_state_bits(std::span<const std::uint32_t> x) noexcept {
  std::size_t bits = 0;
  for (const std::uint32_t s : x) bits += compact_state_bits(s);
  return bits;
}

// Writes the states from out on, zero bits up to the next byte; returns the bytes written.
inline std::size_t write_compact_states(std::span<const std::uint32_t> x, std::byte* out) noexcept {
  std::uint64_t acc = 0;  // < 8 pending bits + one state's <= 35
  unsigned held = 0;
  std::byte* const first = out;
  for (const std::uint32_t s : x) {
    const unsigned low = static_cast<unsigned>(std::bit_width(s)) - 1;
    const std::uint64_t below_top = s & ((std::uint64_t{1} << low) - 1);
    acc |= (std::uint64_t{low - kCompactLowBits} | below_top << kCompactExponentBits) << held;
    for (held += compact_state_bits(s); held >= 8; held -= 8, acc >>= 8) *out++ = static_cast<std::byte>(acc);
  }
  if (held > 0) *out++ = static_cast<std::byte>(acc);
  return static_cast<std::size_t>(out - first);
}

// Reads x.size() states from the bits of src (zeros past its end); returns the bits read.
// Each field comes from the 8 bytes at its first bit's byte (one little-endian load
// while they lie in src: a field of <= 31 bits starting at bit 0..7 of it fits).
inline std::size_t read_compact_states(std::span<const std::uint8_t> src, std::span<std::uint32_t> x) noexcept {
  std::size_t bit = 0;
  auto take = [&](unsigned n) {  // n <= 31
    const std::size_t at = bit / 8;
    std::uint64_t word = 0;
    if (at + 8 <= src.size()) {
      std::memcpy(&word, src.data() + at, 8);  // little-endian hosts only (x86-64, aarch64)
    } else {
      for (std::size_t b = at; b < src.size(); ++b) word |= std::uint64_t{src[b]} << (8 * (b - at));
    }
    const auto v = static_cast<std::uint32_t>((word >> (bit % 8)) & ((std::uint64_t{1} << n) - 1));
    bit += n;
    return v;
  };
  for (std::uint32_t& s : x) {
    const unsigned low = kCompactLowBits + take(kCompactExponentBits);
    s = static_cast<std::uint32_t>(std::uint64_t{1} << low) | take(low);
  }
  return bit;
}

}  // namespace rans::detail
}  // namespace v0
}  // namespace entcode
