// rans/kernels.hpp — private interface between the interleaved driver
// (interleaved.cpp, baseline ISA) and the per-ISA kernel TUs (kernels_<isa>.cpp).
//
// A kernel codes whole rows of `lanes` symbols (one per lane; doc/lanes.md),
// lanes one of kLaneCounts (a kernel set per count), and stops early
// when the remaining output (encoder) or input (decoder) is closer than
// kRowSlack bytes to its limit, leaving the rest to the driver's checked
// scalar code; so kernels need no bounds checks of their own and never touch
// memory outside [limit, ...) / [pos, end). Encoders write words backwards and
// may write garbage into at most 32 bytes below the current position (AVX2
// stores a full vector), which later words or the states overwrite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>

#include "entcode/rans/interleaved.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {
namespace detail {

// The lane counts of the byte coder's streams (rans/interleaved.hpp default:
// kByteCoderLanes = the most); the byte codec picks one per block (doc/format.md;
// its lane index is the position here).
inline constexpr unsigned kLaneCounts[] = {64, 32, 16, 48};
inline constexpr unsigned kMaxLanes = kByteCoderLanes;
static_assert(kLaneCounts[0] == kMaxLanes);
constexpr bool valid_lanes(unsigned lanes) noexcept { return lanes == 64 || lanes == 48 || lanes == 32 || lanes == 16; }
// Index of a valid lane count in kLaneCounts.
constexpr unsigned lane_index(unsigned lanes) noexcept {
  return lanes == 64 ? 0 : lanes == 32 ? 1 : lanes == 16 ? 2 : 3;
}

// One row of words of the widest rows + one vector of garbage.
inline constexpr std::size_t kRowSlack = 2 * kMaxLanes + 64;

struct EncCursor {
  std::uint32_t x[kMaxLanes];  // the first `lanes` are used
  std::byte* pos;            // next word goes to pos - 2 (moves down)
  const std::byte* limit;    // lowest byte words may use (after the states)
};

// An order-0 model of at most kMaxFewSymbols symbols, for decoding by compares
// in registers instead of slot lookups (a slot's symbol is the number of
// symbol starts after the first at or below it): binned quality strings and
// DNA bases have 4-5 symbols, and a lookup (16 scalar loads a vector) was most
// of their decoding. Entries past the model's size pad: bound_m1 = INT32_MAX
// (never below a slot), entry 0.
inline constexpr unsigned kMaxFewSymbols = 16;
inline constexpr unsigned kFewSizes[] = {4, 8, 16};  // the kernels' symbol counts
struct FewSymbols {
  std::int32_t bound_m1[kMaxFewSymbols - 1];  // [j] = start of symbol j + 1 - 1 (symbols in byte order)
  std::uint32_t entry[kMaxFewSymbols];        // [i] = SimdSlot::pack(symbol_i, freq_i, 0) - (start_i << 8), mod 2^32
};

// An order-0 model whose symbols all lie in [base, base + kEncWindow) (quality
// strings: '!'..'`' holds them all; DNA bases), for encoding with its entries
// in registers, two-table permutes indexed by symbol - base, instead of 16
// scalar loads and the inserts that assemble them (the order-0 encoder's
// bottleneck on the shuffle port). Entries outside the model are 0.
inline constexpr unsigned kEncWindow = 64;
struct EncWindow {
  std::uint32_t base;
  std::uint32_t rcp[kEncWindow];     // SimdEncSymbol::rcp of symbol base + i
  std::uint32_t packed[kEncWindow];  // SimdEncSymbol::packed
};

struct DecCursor {
  std::uint32_t x[kMaxLanes];  // the first `lanes` are used
  const std::byte* pos;  // next word
  const std::byte* end;  // end of input
};

// The kernels of one lane count (`lanes` below).
struct LaneKernels {
  // Order 0: encodes rows rows-1 down to 0 (row r = data[lanes r, lanes (r + 1))).
  // Returns the number of rows not yet encoded (rows [0, result) remain).
  std::size_t (*enc_o0)(const std::uint8_t* data, std::size_t rows, const SimdEncSymbol* enc, unsigned precision,
                        EncCursor& c);
  // Order 0: decodes rows 0, 1, ... into out; returns the number of rows done.
  std::size_t (*dec_o0)(std::uint8_t* out, std::size_t rows, const std::uint32_t* slots, unsigned precision,
                        DecCursor& c);
  // As dec_o0 for a model of at most kFewSizes[i] symbols; nullptr where the
  // ISA has no register permute of that many entries.
  using DecFew = std::size_t (*)(std::uint8_t* out, std::size_t rows, const FewSymbols& few, unsigned precision,
                                 DecCursor& c);
  DecFew dec_o0_few[std::size(kFewSizes)];
  // As enc_o0 for a model in an EncWindow; nullptr where the ISA has no
  // two-table permute.
  std::size_t (*enc_o0_window)(const std::uint8_t* data, std::size_t rows, const EncWindow& window,
                               unsigned precision, EncCursor& c);
  // Order 1 over `lanes` segments of m bytes: encodes rows j = j_hi - 1 down to j_lo
  // (1 <= j_lo, j_hi <= m; reads only data[k*m + j_lo - 1, k*m + j_hi)).
  // Returns the row j such that rows [j_lo, j) remain.
  std::size_t (*enc_o1)(const std::uint8_t* data, std::size_t m, std::size_t j_lo, std::size_t j_hi,
                        const SimdEncSymbol* enc, unsigned precision, EncCursor& c);
  // Order 1: decodes rows j_lo, j_lo + 1, ... < j_hi (j_lo >= 1, contexts from
  // out[k*m + j_lo - 1]); returns the first row not done.
  std::size_t (*dec_o1)(std::uint8_t* out, std::size_t m, std::size_t j_lo, std::size_t j_hi,
                        const std::uint32_t* slots, unsigned precision, DecCursor& c);
};

// How the kernels look up table entries. Machines disagree by up to 3x, so the
// driver times both once per process (interleaved.cpp, slot_lookup):
// - latency: hardware gathers only where a row has fewer than 3 vectors (one
//   or two dependent chains, latency-bound), else scalar loads, whose
//   throughput is higher where gathers are microcoded (AMD Zen 5: 64-lane
//   order-0 decode 1.30x -> 1.57x htscodecs); few-symbol models by compares;
// - gathers: hardware gathers everywhere (Intel Xeon with AVX512-FP16: 64-lane
//   order-0 decode ~2.8x faster than by scalar loads, and faster than the
//   few-symbol compares), also for the order-1 encoder's entries.
enum class SlotLookup : std::uint8_t { latency = 0, gathers = 1 };

// The decoders' slot lookup at every level from now on (tests, benchmarks);
// nullopt: ENTCODE_SLOT_LOOKUP=latency|gathers, else timed (the default).
void set_slot_lookup(std::optional<SlotLookup> lookup) noexcept;
// The slot lookup of the kernels at `isa` (the level it resolves to): set_slot_lookup's,
// else ENTCODE_SLOT_LOOKUP's, else timed once per process and level. Other
// kernel families with a gathers variant follow it (lib/gaussian/kernels.hpp).
SlotLookup slot_lookup(Isa isa) noexcept;

// Byte counts of a block of few distinct bytes (the byte codec's order-0
// histogram, lib/byte_codec/models.cpp): adds to counts[s] the occurrences of
// symbols[0 .. k) (distinct, k <= the kernel's kFewSizes entry) in the whole
// chunks of src up to the first chunk holding another byte; returns the bytes
// counted. A compare and a popcount per symbol and chunk: binned quality
// strings counted by tables spent ~34% of their order-0 encode there.
using CountFew = std::size_t (*)(const std::uint8_t* src, std::size_t n, const std::uint8_t* symbols, unsigned k,
                                 std::uint32_t* counts);

// The length of the longest prefix of whole chunks of src whose bytes are all
// in a byte set (the byte codec's sampled order-0 counts look for the bytes the
// sample missed): rows[h] / rows[16 + h] hold the members h * 16 + 0..7 /
// 8..15 as bits 0..7. Nibble lookups by pshufb, ~10 B a cycle.
using SkipMembers = std::size_t (*)(const std::uint8_t* src, std::size_t n, const std::uint8_t* rows);

struct Kernels {
  LaneKernels by_lanes[2][std::size(kLaneCounts)];  // [SlotLookup][lane_index(lanes)]
  CountFew count_few[std::size(kFewSizes)];         // nullptr where the ISA has no byte compare to a mask
  SkipMembers skip_members;                         // nullptr likewise
};

// count_few of the kernels at `isa` for k symbols (k <= kMaxFewSymbols), or nullptr.
CountFew count_few_kernel(Isa isa, unsigned k) noexcept;
// skip_members of the kernels at `isa`, or nullptr.
SkipMembers skip_members_kernel(Isa isa) noexcept;

// Seeded streams (the byte codec's, doc/format.md): the encoder's states start
// at given states in [L, 2^32) instead of L, and the final states are written
// compactly (compact_states.hpp); the decoder returns its end states, the
// encoder's starts. The byte codec reads those starts from content bits with
// the same compact code, so a start carries as many bits of content as its
// code is long and a lane costs nothing beyond its content on average (a
// start at L + a uniform 24-bit seed cost ~2 bits a lane, container v10). An
// empty span is the plain stream of rans/interleaved.hpp.

// encode_order0/1 on `lanes` lanes (valid_lanes) without the check that every
// byte is codable (the byte codec builds its tables from the data's own
// counts); starts empty or one a lane.
Result<std::size_t> encode_order0_unchecked(std::span<const std::uint8_t> data, const ByteTables& tables,
                                            std::span<std::byte> dst, Isa isa, std::span<const std::uint32_t> starts,
                                            unsigned lanes);
Result<std::size_t> encode_order1_unchecked(std::span<const std::uint8_t> data, const ByteTables& tables,
                                            std::span<std::byte> dst, Isa isa, std::span<const std::uint32_t> starts,
                                            unsigned lanes);
// decode_order0/1 of a `lanes`-lane stream, seeded when `ends` is not empty
// (one a lane: the final states, >= L); the bytes of src the stream used: all
// of them unless seeded (a seeded stream may be followed by others).
Result<std::size_t> decode_order0(std::span<const std::byte> src, const ByteTables& tables, std::span<std::uint8_t> out,
                                  Isa isa, std::span<std::uint32_t> ends, unsigned lanes);
Result<std::size_t> decode_order1(std::span<const std::byte> src, const ByteTables& tables, std::span<std::uint8_t> out,
                                  Isa isa, std::span<std::uint32_t> ends, unsigned lanes);

// Defined in kernels_<isa>.cpp; nullptr in builds without that ISA (kernels_none.cpp).
const Kernels* kernels_sse2() noexcept;
const Kernels* kernels_avx2() noexcept;
const Kernels* kernels_avx512() noexcept;

}  // namespace detail
}  // namespace rans
}  // namespace v0
}  // namespace entcode
