// byte_codec/context.hpp — what a byte_codec::Context holds (lib-internal; see
// entcode/byte_codec.hpp): buffers reused across blocks. Order-1 tables are
// megabytes, and allocating them per block costs page faults comparable to
// coding a small block. Sizes: counts/spare/freqs <= 256 x 256 u32 each,
// tables <= rans::ByteTables for 1 and for 256 contexts at 12 bits, tables_section
// ~256 KiB (~6 MiB in all).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "entcode/byte_codec.hpp"
#include "entcode/rans/interleaved.hpp"
#include "grid_model.hpp"
#include "tables.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

struct Scratch {
  std::vector<std::uint32_t> counts, spare;
  // Rows (contexts) of counts an order-1 block may have left non-zero: its
  // bytes and context 0 (the next block zeroes only those, not 256 KiB).
  std::array<bool, 256> count_rows{};
  // The block's byte counts (counts summed over contexts; the same after
  // move_lane_starts, which moves a pair between contexts, not between bytes).
  std::array<std::uint32_t, 256> bytes{};
  std::vector<std::uint32_t> freqs[2];  // by order: 256 and 256 x 256
  std::array<bool, 256> freq_rows{};    // rows of freqs[1] the last normalise wrote
  ModelForm form;                       // how an order-0 block stores freqs[0]
  // By order: blocks of both orders in turn keep the order-1 slots (and their
  // unused-context fill) instead of rebuilding them after every order-0 block.
  rans::ByteTables tables[2];
  // An order-0 block tried against an order-1 one is written here first.
  std::vector<std::byte> trial;
  // An order-1 block's tables, raw and coded, before the smaller is written.
  std::vector<std::byte> tables_section;
  // Decoding order 1: the block's frequencies (256 x 256) and their support
  // (its rows the next block zeroes; the rest stay 0), and the coded tables
  // section's tables and bytes.
  std::vector<std::uint32_t> dec_freqs;
  rans::ByteTables::Support dec_support;
  SectionScratch section;
};

// The Context of the overloads without one: one per thread (documented in
// entcode/byte_codec.hpp), lib/byte_codec/block.cpp.
Context& thread_context();

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
