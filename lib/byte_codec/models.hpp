// byte_codec/models.hpp — counting bytes and normalising the byte codec's
// order-0 and order-1 models (lib-internal; doc/format.md "Byte codec container").
// Order-1 contexts are those of rans/interleaved.hpp (lane segments + tail).
// Each order-1 context gets its own resolution q <= p (context_bits); its
// frequencies sum to 2^q and are stored scaled by 2^(p - q).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/isa.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

// log2(f) for f in [0, 2^12] (log2(0) stored as 0), as floats: exact enough for size
// estimates, and a lookup costs ~1.5 ns against ~10 for std::log2.
using Log2Table = std::array<float, (std::size_t{1} << 12) + 1>;
const Log2Table& log2_table();

// The empirical entropy in bits of k counts: n log2 n - sum c log2 c (log2_table
// below 2^12, std::log2 above).
double bits_of_counts(const std::uint32_t* counts, unsigned k) noexcept;

// True when the 256 counts (or frequencies) of a context are all zero.
bool context_unused(const std::uint32_t* c) noexcept;

// Counts fit 32 bits: blocks hold at most 2^26 bytes. counts: 256 entries,
// by isa's kernels where src has few distinct bytes (the same counts at any isa).
void count_order0(std::span<const std::uint8_t> src, std::uint32_t* counts, Isa isa) noexcept;
// Counts for src's order-0 model: count_order0's, or, for blocks of at least
// 256 KiB with more distinct bytes than the few-symbol kernels take, those of
// half of src counted twice (a quarter 4 times from 1 MiB, an eighth 8 times
// from 4 MiB) plus 1 for every byte the sample missed (models.cpp; ISAs
// without the set lookup kernel: count_order0's). Not the block's counts.
void order0_model_counts(std::span<const std::uint8_t> src, std::uint32_t* counts, Isa isa) noexcept;
// Order-1 counts of src: byte i after context src[i - 1], byte 0 after
// context 0. counts: 256 x 256 zeroed entries (context-major); spare: scratch.
void count_pairs(std::span<const std::uint8_t> src, std::vector<std::uint32_t>& counts,
                 std::vector<std::uint32_t>& spare);
// Pair counts of src -> the contexts of a `lanes`-lane order-1 stream of src
// less its last `tail` bytes (rans/interleaved.hpp): each lane's segment but
// the first starts after context 0, not after its predecessor (undo: back).
// O(lanes), so the counts of another lane count or tail cost no recount.
void move_lane_starts(std::span<const std::uint8_t> src, unsigned lanes, std::size_t tail,
                      std::vector<std::uint32_t>& counts, bool undo) noexcept;

// Normalised frequencies (scaled to 2^precision) of 1 or 256 contexts, and each
// used context's q in bits[c] (precision for order 0). Returns the code length
// in bits of `counts` under them (size estimates; float log2, ~1e-7 relative).
// `bytes` (order 1, optional): the block's byte counts; a context c != 0 with
// bytes[c] = 0 is unused (it never precedes a byte) and its row is not read
// (a 16 KiB block of quality strings has ~40 of 256 rows: scanning the others
// was ~12% of its order-1 encode). Every row of freqs it does not write is 0
// afterwards; `written` (optional, 256 contexts): the rows the previous call on
// these freqs wrote, which are all it zeroes (not 256 KiB), updated to this call's.
double normalise(const std::uint32_t* counts, unsigned contexts, unsigned precision, std::vector<std::uint32_t>& freqs,
                 std::array<std::uint8_t, 256>& bits, const std::uint32_t* bytes = nullptr,
                 std::array<bool, 256>* written = nullptr);
// Zeroes the rows (256 entries each) of a 256 x 256 table marked in `rows`:
// order-1 tables reused across blocks clear only what the last block used.
inline void clear_rows(std::uint32_t* table, const std::array<bool, 256>& rows) noexcept {
  for (unsigned c = 0; c < 256; ++c)
    if (rows[c]) std::fill_n(table + std::size_t{c} * 256, 256, 0u);
}
// Whether order-1 context c can be used in a block with byte counts `bytes` (see normalise).
inline bool context_possible(const std::uint32_t* bytes, unsigned c) noexcept { return c == 0 || bytes[c] != 0; }

// Relative excess of `coded_bits` (normalise's result for order-1 `counts`)
// over the counts' empirical entropy.
double excess(const std::vector<std::uint32_t>& counts, double coded_bits);

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
