// gaussian/gaussian_conditional.hpp — the Gaussian-conditional latent coder of
// learned image/video codecs: parameter sets, scale -> table index, quantisation,
// and the bulk multi-lane rANS stream with K sub-streams on K threads.
//
// Symbols are integers round(y - mean); each has a CDF table index (from its
// scale). Values outside a table's range are coded as the escape bin followed
// by the raw value (CompressAI's mapping: v < 0 -> -2v-1, v >= max -> 2(v-max))
// in 4-bit chunks, preceded by their count in 4-bit chunks (15 means "15 more
// and continue").  Index kSkipIndex marks a symbol that is not coded at all
// (DCVC-RT's force-zero skip) and decodes as 0.
//
// Stream ("ECGL" container, every byte in doc/format.md):
//   "ECGL" | version 1 | flags 0 | lanes (1..32) | u32 LE table fingerprint |
//   varint n (symbols incl. skipped) | varint K | K x varint sub-stream size |
//   K sub-streams: varint rans_size | interleaved rANS (rans/reference.hpp layout,
//   32-bit states, L = 2^16, 16-bit words, precision 16, symbol j of the
//   sub-stream on lane j % lanes) | escape nibbles (2 per byte, low first, zero pad)
// Sub-stream k holds coded symbols [k*m/K, (k+1)*m/K) of the m coded ones, so
// the bytes depend on K only, never on the number of threads.
// Decoders return errc (never throw, never read outside the input): truncated
// for a short input, corrupt for inconsistent data, bad_header/unsupported_version
// for the container, invalid_argument for indexes out of range or a table set
// (fingerprint) or symbol count other than the encoder's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "entcode/export.hpp"
#include "entcode/gaussian/cdf_tables.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {

inline constexpr std::int32_t kSkipIndex = -1;
inline constexpr unsigned kMaxSubstreams = 255;
inline constexpr unsigned kMaxEcglLanes = 32;  // lanes of an ECGL sub-stream: 1..32 (doc/lanes.md)

struct CodecOptions {
  unsigned substreams = 1;  // K, 1..255
  unsigned threads = 0;     // 0: min(K, hardware threads); 1: the calling thread only
  unsigned lanes = 0;       // 0: 32, or 1 when a sub-stream has < 1024 symbols; else 1..32
};

// Always enough for encode() of n symbols with these options.
ENTCODE_API std::size_t encode_bound(std::size_t n, const CodecOptions& options = {}) noexcept;

// symbols.size() == indexes.size(); every index in [0, tables.size()) or kSkipIndex.
// Returns the stream size; invalid_argument, output_too_small, too_large.
ENTCODE_API Result<std::size_t> encode(const CdfTables& tables, std::span<const std::int32_t> symbols,
                           std::span<const std::int32_t> indexes, std::span<std::byte> dst,
                           const CodecOptions& options = {});
ENTCODE_API Result<std::vector<std::byte>> encode(const CdfTables& tables, std::span<const std::int32_t> symbols,
                                      std::span<const std::int32_t> indexes, const CodecOptions& options = {});

// out.size() == indexes.size(); `threads` as in CodecOptions.
ENTCODE_API errc decode(const CdfTables& tables, std::span<const std::byte> src, std::span<const std::int32_t> indexes,
            std::span<std::int32_t> out, unsigned threads = 0);
ENTCODE_API Result<std::vector<std::int32_t>> decode(const CdfTables& tables, std::span<const std::byte> src,
                                         std::span<const std::int32_t> indexes, unsigned threads = 0);

// Parameter sets (see scripts/gen_gaussian_tables.py for their derivations).
enum class ParamSet : std::uint8_t {
  compressai,      // 64 scales 0.11..256, tail mass 1e-9, computed in double
  compressai_f32,  // the same as CompressAI's float32 torch path computes it (row 46 differs)
  dcvc,            // DCVC-RT: 128 scales 0.11..16, pmf_center <= 8, int8 symbols
};

// How a scale becomes a table index.
enum class IndexRule : std::uint8_t {
  round_up,    // CompressAI: the first table scale >= scale (the last if none)
  log_floor,   // DCVC-RT: floor((log clamp(scale) - log s0) / log step)
};

class ENTCODE_API GaussianConditional {
 public:
  // The built-in sets (constants, identical on every CPU).
  static const GaussianConditional& builtin(ParamSet set);
  // A CompressAI-style set for any increasing scale table (built in double).
  static Result<GaussianConditional> from_scale_table(std::span<const double> scale_table, double tail_mass = 1e-9);

  [[nodiscard]] const CdfTables& tables() const noexcept { return tables_; }
  [[nodiscard]] std::span<const double> scale_table() const noexcept { return scales_; }
  [[nodiscard]] IndexRule index_rule() const noexcept { return rule_; }

  // DCVC-RT's force-zero threshold: scales <= threshold get kSkipIndex.
  void set_force_zero_threshold(std::optional<double> threshold) noexcept { force_zero_ = threshold; }
  [[nodiscard]] std::optional<double> force_zero_threshold() const noexcept { return force_zero_; }
  // Symbols are clamped to [lo, hi] by quantize() (DCVC: int8).
  [[nodiscard]] std::int32_t symbol_min() const noexcept { return clamp_lo_; }
  [[nodiscard]] std::int32_t symbol_max() const noexcept { return clamp_hi_; }

  // indexes.size() == scales.size(); NaN scales count as the smallest.
  errc build_indexes(std::span<const float> scales, std::span<std::int32_t> indexes) const noexcept;
  // symbols = clamp(round_half_even(y - mean)); means empty (zero) or y.size().
  errc quantize(std::span<const float> y, std::span<const float> means, std::span<std::int32_t> symbols) const noexcept;
  // y = symbol + mean.
  static errc dequantize(std::span<const std::int32_t> symbols, std::span<const float> means,
                         std::span<float> y) noexcept;

 private:
  GaussianConditional(CdfTables tables, std::vector<double> scales, IndexRule rule, std::int32_t lo, std::int32_t hi);

  CdfTables tables_;
  std::vector<double> scales_;
  IndexRule rule_;
  std::int32_t clamp_lo_;
  std::int32_t clamp_hi_;
  std::optional<double> force_zero_;
};

}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
