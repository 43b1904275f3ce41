// rans/step.hpp — private: the scalar rANS step, written once. Every scalar
// coder (the reference, rans/reference_coder.hpp; the interleaved byte coder's
// checked edges, interleaved.cpp; the stream backend, stream_coder.cpp; the
// Gaussian kernels' edges, gaussian/kernel_common.hpp) codes with these, and
// every SIMD kernel reproduces them lane by lane (lib/simd/prim.hpp).
//
// State: 32-bit x with L = 2^16 <= x < 2^32 between symbols; encoders start
// and decoders must end at x = L. Renormalisation moves 16-bit words, at most
// one per symbol: the encoder emits x & 0xffff and shifts while x > x_max_m1;
// the decoder shifts a word in when x < L.
//   encode: x' = (x / freq) * M + x % freq + start   (by reciprocal, model.hpp)
//   decode: slot = x & (M - 1); x' = freq * (x >> p) + slot - start
// Invariant: decoding undoes encoding exactly (doc/format.md, "rANS reference").
// Everything is in an anonymous namespace: per-ISA kernel TUs (compiled with
// AVX2 / AVX-512 flags) include this too, and no copy of theirs may replace
// the baseline one at link time (one-definition rule; see entcode/isa.hpp).
// References: J. Duda, "Asymmetric numeral systems" (arXiv:1311.2540, 2013);
// F. Giesen, "Interleaved entropy coders" (arXiv:1402.3392) and ryg_rans (2014).
#pragma once

#include <cstdint>

#include "entcode/rans/model.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {
namespace step {
namespace {

inline constexpr std::uint32_t kStateLow = 1u << 16;  // L
inline constexpr unsigned kWordBits = 16;             // bits per renormalisation word

// x / freq by the entry's reciprocal (exact for all x; model.hpp derives it).
inline std::uint32_t reciprocal_quotient(std::uint32_t x, const EncSymbol& s) noexcept {
  const auto t = static_cast<std::uint32_t>((std::uint64_t{x} * s.rcp_freq) >> 32);
  return (t + ((x - t) >> 1)) >> s.rcp_shift;
}

// Encoder step: renormalise (possibly emitting one word), then push the symbol.
// Returns true when `word` was emitted.
inline bool encode(std::uint32_t& x, const EncSymbol& s, std::uint16_t& word) noexcept {
  const bool emit = x > s.x_max_m1;
  word = static_cast<std::uint16_t>(x);
  if (emit) x >>= kWordBits;
  x = x + s.bias + reciprocal_quotient(x, s) * s.cmpl_freq;
  return emit;
}

// Decoder step for a symbol with (start, freq) already identified from the slot
// (the state before renormalisation).
inline std::uint32_t decode_advance(std::uint32_t x, std::uint32_t start, std::uint32_t freq,
                                    unsigned precision) noexcept {
  const std::uint32_t mask = (1u << precision) - 1;
  return freq * (x >> precision) + (x & mask) - start;
}

// Decoder renormalisation: true when x needs the next word.
inline bool needs_word(std::uint32_t x) noexcept { return x < kStateLow; }
inline std::uint32_t shift_in(std::uint32_t x, std::uint32_t word) noexcept { return x << kWordBits | word; }

}  // namespace
}  // namespace step
}  // namespace rans
}  // namespace v0
}  // namespace entcode
