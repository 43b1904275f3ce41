// byte_codec/tables.hpp — the byte codec's frequency headers (lib-internal;
// every byte in doc/format.md "Byte codec container"):
// an order-0 model (symbol set + varint or grid frequencies, one implied) and the
// order-1 tables section (per-context frequency runs at each context's
// resolution, stored raw or order-0 rANS coded, whichever is smaller).
// Readers record any defect in the ByteReader (`corrupt`), never read past it.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/byte_io.hpp"
#include "entcode/isa.hpp"
#include "entcode/rans/interleaved.hpp"
#include "entcode/status.hpp"
#include "grid_model.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

// freq: 256 entries summing to 2^precision, stored in `form` (order0_model's).
void put_model(SpanWriter& w, const std::uint32_t* freq, const ModelForm& form);
void get_model(ByteReader& r, std::uint32_t* freq, unsigned precision);

// freqs: 256 x 256 (scaled to 2^precision), bits[c]: context c's resolution q,
// bytes: the block's byte counts (models.hpp context_possible);
// scratch: reused working memory (grown to ~256 KiB).
void put_order1_tables(SpanWriter& w, const std::vector<std::uint32_t>& freqs, const std::array<std::uint8_t, 256>& bits,
                       const std::uint32_t* bytes, unsigned precision, Isa isa, std::vector<std::byte>& scratch);
// What parse_order1_tables reuses between blocks: a coded section's tables and bytes.
struct SectionScratch {
  rans::ByteTables tables;
  std::vector<std::uint8_t> bytes;
};
// Parses a whole (present) tables section into freqs (256 x 256, zeroed) and
// where they may be non-zero into `support` (its contexts set before any row
// is written: the used contexts, its symbols the alphabet); any defect is `corrupt`.
errc parse_order1_tables(std::span<const std::byte> section, std::uint32_t* freqs, unsigned precision, Isa isa,
                         rans::ByteTables::Support& support, SectionScratch& scratch);

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
