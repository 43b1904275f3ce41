// byte_codec/stream.hpp — the byte codec's rANS block streams (lib-internal; every
// byte in doc/format.md "Byte codec container"): the interleaved streams of
// rans/interleaved.hpp on `lanes` lanes (64, 48, 32 or 16: the block says which;
// lanes_for is the encoder's choice), seeded when the block has at least
// 4 bytes a lane.
// Seeded: the block's last `tail` bytes are coded by one scalar rANS state with
// the block's own model (order 1: context = the previous byte); that coder's
// final state and its last words in decoder order are read as the lanes' start
// states (compact code, lib/rans/compact_states.hpp: a start carries as many
// content bits as its code is long), its other words are stored after the
// lanes' stream. The decoder writes its lanes' end states (the encoder's
// starts) back into those bits, then decodes the tail. The lanes' final states
// are written with the same code (~27.5 bits each), so a lane costs nothing
// beyond its content on average (container v10's uniform 24-bit seeds cost ~2
// bits a lane); what makes small blocks use fewer lanes (lanes_for) is the
// tail: seeding N lanes takes ~28N bits of its serial code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "../rans/kernels.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

inline constexpr bool seeded(std::size_t n, unsigned lanes) noexcept { return n >= 4 * std::size_t{lanes}; }

// The lanes' start states are read, compactly coded (rans/compact_states.hpp),
// from the seed bits: the tail coder's final state (u32 LE), then its last
// words in decoder order, zero bits after them. Random bits read ~27.5 bits a
// lane: the tail is made long enough to code about kSeedBitsPerLane a lane.
inline constexpr unsigned kTailStateBytes = 4;
inline constexpr std::size_t kSeedBitsPerLane = 28;

// The encoder's lane count for a block of `raw` bytes whose code is about
// `coded` bytes (doc/perf.md, "Byte codec: lane count per block", "container
// v9", "quality strings of ordinary reads" and "container v10"). The rule
// was tuned under v10, when a seeded lane cost ~2 bits beyond its content;
// since v11 it costs ~0 and a lane's price is the ~kSeedBitsPerLane bits of
// serial tail code that seed it (the thresholds were not re-tuned; the sizes
// quoted below are v10's). The decoder is latency-bound: on Zen 5 64
// lanes (four AVX-512 chains, scalar-load lookups) decode ~1.5x faster than 32
// and 32 ~2x faster than 16 (one chain). So:
// - 64 lanes from 64 KiB, whatever the block codes to, both orders (quality
//   strings of ordinary reads, order 0: 64 KiB calls decode 1.04x -> 1.45x
//   htscodecs, a 154 KB call 0.8-0.97x -> 1.6x); from 32 KiB for blocks that
//   code to at least half their size (a file's last, partial block: binary
//   64 KiB calls 1.28x -> 1.43x), and from 16 KiB for blocks that code to at
//   least 2/3 of it (machine code at 16 KiB: order 0 1.10x -> 1.22x);
// - else 48 (three chains) from 16 KiB for blocks that code to at least 1/4 of
//   it (quality strings at 16 KiB, ~0.37: order-0 decode 112 -> 96 us for
//   154 KB against 90 us on 64 lanes, ~5 bytes a block against ~12: their
//   size stays below htscodecs');
// - else 32 for blocks that code to at least 2/5 of their size (16 KiB of
//   binary code at ~0.47: 1.5x, 7 bytes);
// - else 16: small blocks that code to under 2/5 of their size, and 16-64 KiB
//   ones under 1/4 (binned quality strings, ~0.1: each lane costs ~0.3% of a
//   16 KiB block's ~1.7 KB) — but since v11 a seeded lane costs ~0, and on Zen 5
//   one 16-lane chain decoded 16 KiB blocks of binned and HiFi-like quality
//   strings at 0.79x / 0.71x htscodecs: 16-64 KiB blocks under 1/4 take 32 lanes
//   (1.15x / 1.03x, +8 / +5 bytes in 1-2 MiB) while they code to at least
//   kMinCoded32Lanes bytes, enough for the tail to seed 32 lanes (~28 bits each)
//   in under a quarter of the block's code.
inline constexpr std::size_t kMinRawWide = std::size_t{64} << 10;
inline constexpr std::size_t kMinRawDense64Lanes = std::size_t{32} << 10;       // blocks coding to >= half their size
inline constexpr std::size_t kMinRawVeryDense64Lanes = std::size_t{16} << 10;  // blocks coding to >= 2/3 of it
inline constexpr std::size_t kMin48Lanes = std::size_t{16} << 10;              // blocks coding to >= 1/4 of it
inline constexpr std::size_t kMin32Lanes = std::size_t{16} << 10;              // blocks coding to less
inline constexpr std::size_t kMinCoded32Lanes = 4 * 32 * kSeedBitsPerLane / 8;
inline unsigned lanes_for(std::size_t coded, std::size_t raw) noexcept {
  if (raw >= kMinRawWide || (raw >= kMinRawDense64Lanes && 2 * coded >= raw) ||
      (raw >= kMinRawVeryDense64Lanes && 3 * coded >= 2 * raw))
    return 64;
  if (raw >= kMin48Lanes && 4 * coded >= raw) return 48;
  if (raw >= kMin32Lanes && coded >= kMinCoded32Lanes) return 32;
  return 5 * coded >= 2 * raw ? 32 : 16;
}

// The tail length of a seeded block, a multiple of tail_unit(lanes) = one byte
// a lane (its varint counts units: one byte for tails below 128 a lane, which
// code at least kSeedBitsPerLane bits unless the content codes to under 0.22
// bits a byte; 8-byte units took 2 bytes from 1 KiB): its code under `freqs`
// (contexts x 256 at 2^precision; order 0 or 1) is about kSeedBitsPerLane bits
// a lane (what the starts do not read is stored as words), capped at kMaxTailPerLane
// bytes a lane (the tail decodes one symbol at a time, ~4 ns a byte). Past
// kTailChunkPerLane bytes a lane it grows by chunks of that size only while a
// chunk codes at least one bit per kTailBytesPerBit bytes: the seeds of very
// compressible blocks then stay partly empty rather than cost a long serial
// decode for a few bits (quality strings 1 MiB, order 1: 32 KiB of tail coded
// ~3 bytes more than its first 4 KiB, ~110 us of a ~530 us decode). 0 when not seeded.
constexpr std::size_t tail_unit(unsigned lanes) noexcept { return lanes; }
inline constexpr std::size_t kMaxTailPerLane = 512;
inline constexpr std::size_t kTailChunkPerLane = 64;
inline constexpr std::size_t kTailBytesPerBit = 64;
std::size_t tail_for(std::span<const std::uint8_t> src, const std::uint32_t* freqs, unsigned order, unsigned precision,
                     unsigned lanes) noexcept;
// A first tail for an order-1 block, before its model: tail_for's length
// under the ideal costs of src's pair counts (log2 of context count / pair
// count; `pairs` 256 x 256 before the lanes' starts move to context 0, `bytes`
// the byte counts), plus 1/kTailGuessMarginDivisor for what those costs miss
// (the starts' moves; rare pairs rounded up, which code shorter than ideal).
// A tail too short for the model's seeds means a second model of the block
// (~40% of an order-1 encode of a 178 KB binary); one longer than needed codes
// a few more bytes through the serial tail coder and moves the block's size by
// a few bytes either way (binned qualities, 16-256 KiB blocks: within 0.02%).
inline constexpr std::size_t kTailGuessMarginDivisor = 16;  // 8: binned qualities 64 KiB +0.04%
std::size_t order1_tail_guess(std::span<const std::uint8_t> src, const std::uint32_t* pairs, const std::uint32_t* bytes,
                              unsigned lanes) noexcept;

// The bytes the lanes code (the rest is the tail).
inline std::span<const std::uint8_t> lanes_part(std::span<const std::uint8_t> src, std::size_t tail) noexcept {
  return src.first(src.size() - tail);
}

// The block stream of src (order 0 or 1) with `tables` (Use::encode) and a
// tail of `tail` bytes (0 unless seeded, a multiple of tail_unit(lanes)); its size or
// output_too_small.
Result<std::size_t> encode_stream(unsigned order, std::span<const std::uint8_t> src, std::size_t tail,
                                  const rans::ByteTables& tables, std::span<std::byte> dst, Isa isa, unsigned lanes);
// Decodes a whole block stream into dst; `truncated` when it needs bytes src does not have.
errc decode_stream(unsigned order, std::span<const std::byte> src, const rans::ByteTables& tables,
                   std::span<std::uint8_t> dst, Isa isa, unsigned lanes);

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
