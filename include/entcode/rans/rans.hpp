// rans/rans.hpp — the scalar reference rANS coder: the specification of the format.
//
// State: 32-bit x with L = 2^16 <= x < 2^32 between symbols; the encoder starts
// and the decoder must end at x = L. Renormalisation moves 16-bit words: the
// encoder emits x & 0xffff and shifts while x > x_max_m1 (at most once per
// symbol); the decoder shifts in one word when x < L (at most once per symbol).
// Encode:  x' = (x / freq) * M + x % freq + start   (by reciprocal, model.hpp)
// Decode:  slot = x & (M - 1); s = symbol owning slot; x' = freq * (x >> p) + slot - start.
//
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
// References: J. Duda, "Asymmetric numeral systems" (arXiv:1311.2540, 2013);
// F. Giesen, "Interleaved entropy coders" (arXiv:1402.3392) and ryg_rans (2014).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "entcode/rans/model.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {

inline constexpr std::uint32_t kStateLow = 1u << 16;  // L
inline constexpr unsigned kDefaultLanes = 32;
inline constexpr unsigned kMaxLanes = 256;

// --- single-state steps -----------------------------------------------------

// Encoder step: renormalise (possibly emitting one word), then push the symbol.
// Returns true when `word` was emitted.
inline bool encode_step(std::uint32_t& x, const EncSymbol& s, std::uint16_t& word) noexcept {
  const bool emit = x > s.x_max_m1;
  word = static_cast<std::uint16_t>(x);
  if (emit) x >>= 16;
  x = x + s.bias + reciprocal_quotient(x, s) * s.cmpl_freq;
  return emit;
}

// Decoder step for a symbol with (start, freq) already identified from the slot.
inline std::uint32_t decode_advance(std::uint32_t x, std::uint32_t start, std::uint32_t freq,
                                    unsigned precision) noexcept {
  const std::uint32_t mask = (1u << precision) - 1;
  return freq * (x >> precision) + (x & mask) - start;
}

// --- interleaved reference (arbitrary per-symbol tables) ----------------------

inline constexpr std::size_t interleaved_bound(std::size_t n, unsigned lanes) noexcept {
  return 4 * std::size_t{lanes} + 2 * n;
}

// Encodes n symbols over `lanes` states into dst; enc_for(i) -> const EncSymbol&.
// Returns the stream size, or output_too_small / invalid_argument.
template <class EncFor>
Result<std::size_t> interleaved_encode(std::size_t n, unsigned lanes, EncFor&& enc_for, std::span<std::byte> dst) {
  if (lanes == 0 || lanes > kMaxLanes) return errc::invalid_argument;
  std::vector<std::uint32_t> x(lanes, kStateLow);
  std::size_t pos = dst.size();  // words are written backwards from the end
  for (std::size_t i = n; i-- > 0;) {
    std::uint16_t word;
    if (encode_step(x[i % lanes], enc_for(i), word)) {
      if (pos < 2 + 4 * std::size_t{lanes}) return errc::output_too_small;
      pos -= 2;
      dst[pos] = static_cast<std::byte>(word);
      dst[pos + 1] = static_cast<std::byte>(word >> 8);
    }
  }
  if (pos < 4 * std::size_t{lanes}) return errc::output_too_small;
  for (unsigned lane = lanes; lane-- > 0;) {
    pos -= 4;
    for (int b = 0; b < 4; ++b) dst[pos + b] = static_cast<std::byte>(x[lane] >> (8 * b));
  }
  const std::size_t size = dst.size() - pos;
  std::memmove(dst.data(), dst.data() + pos, size);
  return size;
}

// Decodes n symbols; step(i, x) -> x' decodes symbol i from state x (storing it
// wherever the caller wants) and returns the state before renormalisation.
template <class Step>
errc interleaved_decode(std::span<const std::byte> src, std::size_t n, unsigned lanes, Step&& step) {
  if (lanes == 0 || lanes > kMaxLanes) return errc::invalid_argument;
  auto byte_at = [&](std::size_t k) { return std::uint32_t{std::to_integer<std::uint8_t>(src[k])}; };
  if (src.size() < 4 * std::size_t{lanes}) return errc::truncated;
  std::vector<std::uint32_t> x(lanes);
  for (unsigned lane = 0; lane < lanes; ++lane) {
    const std::size_t k = 4 * std::size_t{lane};
    x[lane] = byte_at(k) | byte_at(k + 1) << 8 | byte_at(k + 2) << 16 | byte_at(k + 3) << 24;
    if (x[lane] < kStateLow) return errc::corrupt;
  }
  std::size_t pos = 4 * std::size_t{lanes};
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t& xi = x[i % lanes];
    xi = step(i, xi);
    if (xi < kStateLow) {
      if (src.size() - pos < 2) return errc::truncated;
      xi = xi << 16 | byte_at(pos) | byte_at(pos + 1) << 8;
      pos += 2;
    }
  }
  for (const std::uint32_t xl : x)
    if (xl != kStateLow) return errc::corrupt;
  return pos == src.size() ? errc::ok : errc::corrupt;
}

// --- order-0 byte convenience wrappers (one model for all symbols) -----------

// model must have <= 256 symbols and freq >= 1 for every byte value in data.
Result<std::size_t> encode_bytes(std::span<const std::uint8_t> data, const SymbolModel& model, unsigned lanes,
                                 std::span<std::byte> dst);
errc decode_bytes(std::span<const std::byte> src, const SymbolModel& model, unsigned lanes,
                  std::span<std::uint8_t> out);

}  // namespace rans
}  // namespace v0
}  // namespace entcode
