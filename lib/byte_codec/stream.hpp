// byte_codec/stream.hpp — the byte codec's rANS streams (lib-internal; doc/format.md
// "Byte codec container"): the interleaved streams of rans/interleaved.hpp on
// `lanes` lanes (64, 32 or 16: the block says which; lanes_for is the
// encoder's choice), seeded when the content has at least min_seeded(lanes)
// bytes: its last rans::detail::seed_bytes(lanes) bytes are not coded but
// become the lanes' initial states (L + u16 LE each, lib/rans/kernels.hpp),
// which the decoder finds in its final states, and their final states are
// written compactly (3 or 4 bytes, lib/rans/interleaved.cpp). A plain stream's
// final states hold L = 2^16 scaled up, 16 bits per lane that carry nothing;
// seeding stores 2 content bytes there.
// Each lane still ends in a 3- or 4-byte state (~29 bits with its bitmap bit)
// that gets back only the coded size of its 2 seed bytes: ~2.3 bytes a lane on
// text, ~3.5 on quality strings. Small blocks therefore use fewer lanes (the
// decoder's latency-bound chains then have fewer vectors in flight: lanes_for).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "../rans/kernels.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

inline constexpr std::size_t min_seeded(unsigned lanes) noexcept { return 2 * rans::detail::seed_bytes(lanes); }

// The encoder's lane count for a block of n content bytes (doc/perf.md, "Byte
// codec: lane count per block"): the largest whose states cost little next to
// the block's coded size and that keeps the decoder's chains busy.
inline constexpr std::size_t kMin32Lanes = (std::size_t{64} << 10) + 1;
inline constexpr std::size_t kMin64Lanes = (std::size_t{256} << 10) + 1;
inline unsigned lanes_for(std::size_t n) noexcept { return n >= kMin64Lanes ? 64 : n >= kMin32Lanes ? 32 : 16; }

// The bytes of n that go into the seed; the models are those of the rest.
inline std::size_t seed_size(std::size_t n, unsigned lanes) noexcept {
  return n >= min_seeded(lanes) ? rans::detail::seed_bytes(lanes) : 0;
}
inline std::span<const std::uint8_t> coded_part(std::span<const std::uint8_t> src, unsigned lanes) noexcept {
  return src.first(src.size() - seed_size(src.size(), lanes));
}

// order 0 or 1 with the tables for that order; the stream size or an error (output_too_small).
inline Result<std::size_t> encode_stream(unsigned order, std::span<const std::uint8_t> src, const rans::ByteTables& tables,
                                         std::span<std::byte> dst, Isa isa, unsigned lanes) {
  const auto coded = coded_part(src, lanes);
  const auto seed = src.subspan(coded.size());
  return order == 0 ? rans::detail::encode_order0_unchecked(coded, tables, dst, isa, seed, lanes)
                    : rans::detail::encode_order1_unchecked(coded, tables, dst, isa, seed, lanes);
}

inline errc decode_stream(unsigned order, std::span<const std::byte> src, const rans::ByteTables& tables,
                          std::span<std::uint8_t> dst, Isa isa, unsigned lanes) {
  const auto coded = dst.first(dst.size() - seed_size(dst.size(), lanes));
  const auto seed = dst.subspan(coded.size());
  return order == 0 ? rans::detail::decode_order0(src, tables, coded, isa, seed, lanes)
                    : rans::detail::decode_order1(src, tables, coded, isa, seed, lanes);
}

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
