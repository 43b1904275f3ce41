// byte_codec/stream.hpp — the byte codec's rANS streams (lib-internal; doc/format.md
// "Byte codec container"): the interleaved streams of rans/interleaved.hpp,
// seeded when the content has at least kMinSeeded bytes: its last
// rans::detail::kSeedBytes bytes are not coded but become the lanes' initial
// states (L + u16 LE each, lib/rans/kernels.hpp), which the decoder finds in
// its final states, and their final states are written compactly (3 or 4
// bytes, lib/rans/interleaved.cpp). A plain stream's final states hold L = 2^16
// scaled up, 16 bits per lane that carry nothing; seeding stores 2 content
// bytes there (saving their coded size: ~70 bytes a block on text), and the
// compact states ~24 bytes a block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "../rans/kernels.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

inline constexpr std::size_t kMinSeeded = 2 * rans::detail::kSeedBytes;

// The bytes of n that go into the seed; the models are those of the rest.
inline std::size_t seed_size(std::size_t n) noexcept { return n >= kMinSeeded ? rans::detail::kSeedBytes : 0; }
inline std::span<const std::uint8_t> coded_part(std::span<const std::uint8_t> src) noexcept {
  return src.first(src.size() - seed_size(src.size()));
}

// order 0 or 1 with the tables for that order; the stream size or an error (output_too_small).
inline Result<std::size_t> encode_stream(unsigned order, std::span<const std::uint8_t> src, const rans::ByteTables& tables,
                                         std::span<std::byte> dst, Isa isa) {
  const std::size_t seed = seed_size(src.size());
  const auto coded = coded_part(src);
  return order == 0 ? rans::detail::encode_order0_unchecked(coded, tables, dst, isa, src.last(seed))
                    : rans::detail::encode_order1_unchecked(coded, tables, dst, isa, src.last(seed));
}

inline errc decode_stream(unsigned order, std::span<const std::byte> src, const rans::ByteTables& tables,
                          std::span<std::uint8_t> dst, Isa isa) {
  const std::size_t seed = seed_size(dst.size());
  const auto coded = dst.first(dst.size() - seed);
  return order == 0 ? rans::detail::decode_order0(src, tables, coded, isa, dst.last(seed))
                    : rans::detail::decode_order1(src, tables, coded, isa, dst.last(seed));
}

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
