// rans/model.hpp — rANS frequency models: normalisation, encoder and decoder tables.
//
// A model has 2^precision total frequency (1 <= precision <= 16; normalised
// models use 10..16) and `size()` symbols, each with freq >= 1 (zero-count
// symbols absent from the data may get freq 0 and are then not codable).
// Encoder table: division-free encoding by the Granlund–Montgomery
// "round-up + add indicator" reciprocal (Hacker's Delight §10-8): for d >= 2,
//   l = ceil(log2 d), rcp = floor(2^32 (2^l - d) / d) + 1,
//   t = mulhi32(x, rcp), q = (t + ((x - t) >> 1)) >> (l - 1)  ==  x / d
// exact for every 32-bit x. (Giesen's ryg_rans uses a 31-bit reciprocal that is
// exact only for x < 2^31; with L = 2^16 the state reaches 2^32 - 1 and that
// formula is wrong for some freq > 2^(precision-1) — see tests/test_rans_model.cpp.)
// freq == 1 uses ryg's trick: rcp = 2^32 - 1, shift 0, bias = start + M - 1.
// (The step that uses them: lib/rans/step.hpp, reciprocal_quotient.)
// Then x' = x + bias + q * (M - freq) == (x / freq) * M + x % freq + start.
// Decoder table: CDF-slot lookup, slot = x & (M - 1) -> symbol (one entry per slot).
// References: Duda 2013 (arXiv:1311.2540); F. Giesen, ryg_rans notes (2014);
// R. Alverson, "Integer division using reciprocals" (1991); Granlund & Montgomery (1994).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/export.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {

inline constexpr unsigned kMaxPrecision = 16;

// Everything the encoder needs for one symbol (16 bytes, gather-friendly).
struct EncSymbol {
  std::uint32_t x_max_m1;   // renormalise while x > x_max_m1  ((freq << (32 - precision)) - 1)
  std::uint32_t rcp_freq;   // Granlund–Montgomery multiplier
  std::uint32_t bias;       // start, or start + M - 1 when freq == 1
  std::uint16_t cmpl_freq;  // M - freq
  std::uint16_t rcp_shift;  // l - 1 (0 when freq == 1)
};
static_assert(sizeof(EncSymbol) == 16);

// Table entry for (start, freq) in a model of 2^precision (1 <= freq <= 2^precision).
ENTCODE_API EncSymbol make_enc_symbol(std::uint32_t start, std::uint32_t freq, unsigned precision) noexcept;

// Scales counts to frequencies summing to 2^precision (10 <= precision <= 16):
// every symbol with a non-zero count gets freq >= 1; the rounding is then
// corrected greedily by the smallest (first-order) increase of code length, so
// the cost stays within ~0.1% of the counts' entropy on ordinary data. The one
// normaliser of the library (lib/rans/normalise.hpp; the byte codec uses it too).
// Errors: invalid_argument if precision is out of range, all counts are zero,
// or more symbols are present than 2^precision.
ENTCODE_API Result<std::vector<std::uint32_t>> normalize_frequencies(std::span<const std::uint64_t> counts,
                                                         unsigned precision);

// A static model: CDF, encoder table, decoder slot table.
class ENTCODE_API SymbolModel {
 public:
  // From normalised frequencies (sum must be exactly 2^precision, 1 <= precision <= 16).
  static Result<SymbolModel> from_frequencies(std::span<const std::uint32_t> freqs, unsigned precision);
  // From counts (normalised to 2^precision first).
  static Result<SymbolModel> from_counts(std::span<const std::uint64_t> counts, unsigned precision);
  // From a quantised CDF: cdf[0] = 0, cdf.back() = 2^precision, non-decreasing.
  static Result<SymbolModel> from_cdf(std::span<const std::uint32_t> cdf, unsigned precision);

  [[nodiscard]] unsigned precision() const noexcept { return precision_; }
  [[nodiscard]] std::size_t size() const noexcept { return enc_.size(); }
  [[nodiscard]] std::uint32_t start(std::size_t s) const noexcept { return cdf_[s]; }
  [[nodiscard]] std::uint32_t freq(std::size_t s) const noexcept { return cdf_[s + 1] - cdf_[s]; }
  [[nodiscard]] const EncSymbol& enc(std::size_t s) const noexcept { return enc_[s]; }
  [[nodiscard]] std::span<const EncSymbol> enc_table() const noexcept { return enc_; }
  [[nodiscard]] std::span<const std::uint32_t> cdf() const noexcept { return cdf_; }
  // Symbol owning CDF slot `slot` (0 <= slot < 2^precision).
  [[nodiscard]] std::uint32_t symbol_at(std::uint32_t slot) const noexcept { return slot_symbol_[slot]; }

 private:
  unsigned precision_ = 0;
  std::vector<std::uint32_t> cdf_;          // size() + 1 entries
  std::vector<EncSymbol> enc_;              // size() entries
  std::vector<std::uint16_t> slot_symbol_;  // 2^precision entries
};

}  // namespace rans
}  // namespace v0
}  // namespace entcode
