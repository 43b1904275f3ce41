// rans/reference.hpp — the scalar reference rANS coder (namespace rans::reference):
// the specification of the format, any lane count, order-0 bytes.
//
// State: 32-bit x with L = 2^16 <= x < 2^32 between symbols, 16-bit
// renormalisation words (the step: lib/rans/step.hpp).
// Interleaved stream (N lanes, symbol i on lane i % N), the byte layout that
// every SIMD kernel reproduces exactly:
//   [N x u32 LE final encoder states, lane 0 first][u16 LE words]
// The words are in decoder order: decoding symbols i = 0, 1, ..., n - 1, the
// lane of symbol i reads the next word right after decoding i if its state fell
// below L. (The encoder runs i = n - 1 down to 0 and writes words backwards.)
// A decoder checks that every initial state is >= L and, at the end, that every
// state is back at L and every word was consumed: `corrupt` otherwise, and
// `truncated` when a word is needed after the input ended.
// Encoded size <= interleaved_bound(n, N) = 4N + 2n bytes.
// The same coder over per-symbol tables (used by the Gaussian coder and the
// tests) is lib/rans/reference_coder.hpp; doc/format.md has the byte layout and
// doc/lanes.md the lane counts. For fast byte coding use byte_codec.hpp or
// rans/interleaved.hpp: this coder is the slow, readable specification.
// References: J. Duda, "Asymmetric numeral systems" (arXiv:1311.2540, 2013);
// F. Giesen, "Interleaved entropy coders" (arXiv:1402.3392) and ryg_rans (2014).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "entcode/export.hpp"
#include "entcode/rans/model.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {
namespace reference {

// Lane counts the reference accepts: 1 .. kMaxReferenceLanes.
inline constexpr unsigned kMaxReferenceLanes = 256;

inline constexpr std::size_t interleaved_bound(std::size_t n, unsigned lanes) noexcept {
  return 4 * std::size_t{lanes} + 2 * n;
}

// Order-0 bytes, one model for all symbols: model must have <= 256 symbols and
// freq >= 1 for every byte value in data (invalid_argument otherwise, or for a
// lane count outside [1, kMaxReferenceLanes]). Returns the stream size, or
// output_too_small.
ENTCODE_API Result<std::size_t> encode_bytes(std::span<const std::uint8_t> data, const SymbolModel& model, unsigned lanes,
                                 std::span<std::byte> dst);
ENTCODE_API errc decode_bytes(std::span<const std::byte> src, const SymbolModel& model, unsigned lanes,
                  std::span<std::uint8_t> out);

}  // namespace reference
}  // namespace rans
}  // namespace v0
}  // namespace entcode
