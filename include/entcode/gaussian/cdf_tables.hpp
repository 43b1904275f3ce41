// gaussian/cdf_tables.hpp — indexed CDF tables for Gaussian-conditional latents
// (CompressAI's form) and the double-precision builders of such tables.
//
// A table set holds T >= 1 quantised CDFs at 16-bit precision. Table t covers
// the values offset[t] .. offset[t] + cdf_length[t] - 3 (one bin each) plus an
// escape bin, the last one (index max_value = cdf_length - 2): values outside
// the range are coded as the escape bin followed by raw 4-bit chunks.
// Invariants checked on construction: 2 <= cdf_length <= 65537, cdf[0] = 0,
// offset + cdf_length - 3 <= INT32_MAX,
// cdf[cdf_length - 1] = 2^16, strictly increasing (every bin has freq >= 1).
// Derived lookup data (shared by every coder and kernel), indexed globally:
//   enc[base + s]  rANS encoder entry (rans/model.hpp) of bin s of the table
//   dec[base + s]  decoder entry of bin s: start, freq, value (offset + s), escape flag
//   enc64[base + s]  the bin's entry for 64-bit states (CompressAI stream encoder)
//   cdf[base + s]  the CDF value itself (s = 0 .. cdf_length - 1)
//   guide[guide_base + (slot >> guide_shift)]  a per-table slot table at reduced
//   resolution (2^g buckets, 4 <= g <= 12, the smallest g whose buckets with two or
//   more bin boundaries hold <= 1/512 of the slots, at most 32 per bin): the bin
//   owning the bucket's first slot and where in the bucket the next bin starts, so
//   the bin of a slot is `bin + (slot % width >= next)` without a loop (bin_at());
//   buckets with 2+ boundaries are marked (next = kGuideSearch) and searched
//   forward over the CDF.
//   pairs[guide_base + (slot >> guide_shift)]  the same buckets for the scalar
//   CompressAI stream decoder and the SIMD ECGL decoders: the bounds of the
//   bucket's first two bins in one 8-byte load, so the state chain has one
//   dependent load and a select (SlotPair; slots beyond them search the CDF).
//   windows[t]  the three most probable adjacent bins of table t (DecodeWindow):
//   a slot inside them decodes through two compares and selects on data loaded
//   off the state chain; width 0 when they hold less than 3/4 of the slots.
// Builders compute in double precision; the built-in sets are checked-in
// constants (scripts/gen_gaussian_tables.py) so they are identical on every CPU.
// References: J. Ballé et al., "Variational image compression with a scale
// hyperprior" (ICLR 2018); CompressAI GaussianConditional; DCVC-RT (CVPR 2025).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/export.hpp"
#include "entcode/rans/model.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {

inline constexpr unsigned kPrecision = 16;
inline constexpr std::size_t kMaxTables = std::size_t{1} << 16;
inline constexpr std::size_t kMaxCdfLength = (std::size_t{1} << kPrecision) + 1;

// Per-table lookup data (16 bytes).
struct TableInfo {
  std::uint32_t base;        // first entry of the table in cdf_data() / enc_data() / dec_data()
  std::uint32_t guide_base;  // first entry of the table in guide_data()
  std::int32_t offset;       // value of bin 0
  std::uint16_t max_value;   // escape bin = cdf_length - 2
  std::uint8_t guide_shift;  // 16 - log2(guide entries)
  std::uint8_t reserved;
};
static_assert(sizeof(TableInfo) == 16);

// Decoder entry of one bin (16 bytes: four 32-bit fields a SIMD decoder transposes).
struct DecEntry {
  std::uint32_t start;   // cdf[s]
  std::uint32_t freq;    // cdf[s + 1] - cdf[s]
  std::int32_t value;    // offset + s (wrapping; the escape bin's is replaced by the escape)
  std::uint32_t escape;  // 1 for the escape bin, else 0
};
static_assert(sizeof(DecEntry) == 16);

// Encoder entry of one bin for a 64-bit rANS state (the CompressAI stream,
// compressai_stream.hpp), 16 bytes: x -> x + bias + q * cmpl with
// q = floor(x / freq) = mulhi64(x, rcp) >> shift, exact for x < 2^63
// (Granlund-Montgomery: l = ceil(log2 freq), rcp = floor(2^(63+l) / freq) + 1,
// shift = l - 1); freq == 1 uses rcp = 2^64 - 1 (q = x - 1), shift 0, bias start + 2^16 - 1.
struct Enc64Entry {
  std::uint64_t rcp;
  std::uint32_t bias;
  std::uint16_t cmpl;  // 2^16 - freq (freq = 2^16 - cmpl)
  std::uint8_t shift;
  std::uint8_t reserved;
};
static_assert(sizeof(Enc64Entry) == 16);
ENTCODE_API Enc64Entry make_enc64_entry(std::uint32_t start, std::uint32_t freq) noexcept;

// One bucket of a table's guide (see above; 4 bytes, so the guides stay cache-sized).
struct GuideEntry {
  std::uint16_t bin;   // the table's bin owning the bucket's first slot
  std::uint16_t next;  // min(cdf[bin + 1] - first slot, bucket width <= 4096), or kGuideSearch
};
static_assert(sizeof(GuideEntry) == 4);
inline constexpr std::uint16_t kGuideSearch = 0xffff;

// One bucket of a table's guide with the bounds of the two bins from its first
// slot on (8 bytes): slots <= split belong to `bin` = [start, split], slots in
// [split + 1, last] to bin + 1. Slots above `last` (only in buckets with 2+ bin
// boundaries; the bins there are narrower than the bucket, so rarely coded) are
// found by searching the CDF forward from bin + 2. When bin is the last bin,
// split = last = 2^16 - 1 (no slot is above it).
struct SlotPair {
  std::uint16_t start;
  std::uint16_t split;
  std::uint16_t last;
  std::uint16_t bin;
};
static_assert(sizeof(SlotPair) == 8);

// Three adjacent bins a, a + 1, a + 2 of one table around its most probable bin,
// none of them the escape bin (one 64-byte cache line). Slot s is in the window iff
// s - lo < width (unsigned); its bin is a + (s >= first[0]) + (s >= first[1]);
// bin[k] = freq | start << 32 of bin a + k. width = 0: no window (fewer than
// three regular bins, or they hold less than kWindowMinWidth slots).
struct alignas(64) DecodeWindow {
  std::uint32_t lo;
  std::uint32_t width;
  std::uint32_t first[2];
  std::int32_t value;  // offset + a (fits: offset + max_value - 1 <= INT32_MAX)
  std::uint32_t reserved;
  std::uint64_t bin[3];
};
static_assert(sizeof(DecodeWindow) == 64);
inline constexpr std::uint32_t kWindowMinWidth = 3u << (kPrecision - 2);

class ENTCODE_API CdfTables {
 public:
  // CompressAI's arguments: `cdfs` row-major, T rows of `row_stride` values
  // (row t holds cdf_lengths[t] <= row_stride valid values), T lengths, T offsets.
  // invalid_argument for any violated invariant; too_large beyond kMaxTables
  // tables or 2^32 - 1 CDF values in all.
  static Result<CdfTables> create(std::span<const std::int32_t> cdfs, std::size_t row_stride,
                                  std::span<const std::int32_t> cdf_lengths,
                                  std::span<const std::int32_t> offsets);

  [[nodiscard]] std::size_t size() const noexcept { return info_.size(); }
  [[nodiscard]] std::int32_t offset(std::size_t t) const noexcept { return info_[t].offset; }
  [[nodiscard]] std::uint32_t max_value(std::size_t t) const noexcept { return info_[t].max_value; }
  [[nodiscard]] std::size_t cdf_length(std::size_t t) const noexcept { return std::size_t{info_[t].max_value} + 2; }
  [[nodiscard]] std::span<const std::uint32_t> cdf(std::size_t t) const noexcept {
    return std::span(cdf_).subspan(info_[t].base, cdf_length(t));
  }
  // Probability of bin s of table t, in units of 2^-16.
  [[nodiscard]] std::uint32_t freq(std::size_t t, std::size_t s) const noexcept {
    return cdf_[info_[t].base + s + 1] - cdf_[info_[t].base + s];
  }
  // The bin of table t owning `slot` (0 <= slot < 2^16), through the guide.
  [[nodiscard]] std::uint32_t bin_at(std::size_t t, std::uint32_t slot) const noexcept {
    const TableInfo& ti = info_[t];
    const GuideEntry g = guide_[ti.guide_base + (slot >> ti.guide_shift)];
    if (g.next != kGuideSearch) return g.bin + ((slot & ((1u << ti.guide_shift) - 1)) >= g.next ? 1u : 0u);
    std::uint32_t s = g.bin;
    while (cdf_[ti.base + s + 1] <= slot) ++s;
    return s;
  }
  [[nodiscard]] std::span<const TableInfo> info() const noexcept { return info_; }
  [[nodiscard]] std::span<const std::uint32_t> cdf_data() const noexcept { return cdf_; }
  [[nodiscard]] std::span<const rans::EncSymbol> enc_data() const noexcept { return enc_; }
  [[nodiscard]] std::span<const DecEntry> dec_data() const noexcept { return dec_; }
  [[nodiscard]] std::span<const Enc64Entry> enc64_data() const noexcept { return enc64_; }
  [[nodiscard]] std::span<const GuideEntry> guide_data() const noexcept { return guide_; }
  [[nodiscard]] std::span<const SlotPair> pair_data() const noexcept { return pairs_; }
  [[nodiscard]] std::span<const DecodeWindow> window_data() const noexcept { return windows_; }
  // FNV-1a over lengths, offsets and CDF values: streams record it so a
  // decoder given other tables fails cleanly instead of producing garbage.
  [[nodiscard]] std::uint32_t fingerprint() const noexcept { return fingerprint_; }

  // The same tables in CompressAI's argument form (rows padded with zeros to the longest).
  [[nodiscard]] std::size_t max_cdf_length() const noexcept;
  [[nodiscard]] std::vector<std::int32_t> padded_cdfs() const;
  [[nodiscard]] std::vector<std::int32_t> cdf_lengths() const;
  [[nodiscard]] std::vector<std::int32_t> offsets() const;

 private:
  std::vector<TableInfo> info_;
  std::vector<std::uint32_t> cdf_;
  std::vector<rans::EncSymbol> enc_;
  std::vector<DecEntry> dec_;
  std::vector<Enc64Entry> enc64_;
  std::vector<GuideEntry> guide_;
  std::vector<SlotPair> pairs_;
  std::vector<DecodeWindow> windows_;
  std::uint32_t fingerprint_ = 0;
};

// --- builders (double precision) ---------------------------------------------

// CompressAI's pmf_to_quantized_cdf at 16 bits: round, rescale to 2^16, prefix
// sums, last = 2^16, then every zero-width bin steals one unit from the bin
// with the smallest width > 1. pmf.size() + 1 values. invalid_argument if the
// pmf is empty, has more than 2^16 entries, or sums to nothing after rounding.
ENTCODE_API Result<std::vector<std::uint32_t>> pmf_to_quantized_cdf(std::span<const double> pmf);

// exp(linspace(log lo, log hi, levels)) in double (last value exactly hi).
ENTCODE_API std::vector<double> log_scale_table(double lo, double hi, std::size_t levels);

// -Phi^-1(tail_mass / 2): CompressAI's pmf_center multiplier (6.1094102... for 1e-9).
ENTCODE_API double tail_multiplier(double tail_mass);

// How the half-width (pmf_center) of each table follows from its scale.
enum class CenterRule : std::uint8_t {
  tail_mass,  // CompressAI: ceil(scale * tail_multiplier(tail_mass))
  dcvc,       // DCVC-RT: the smallest i in 2..8 with Phi(i / scale) > 0.9999, else 8
};

// One table per scale: pmf[k] = Phi((0.5 - |k - c|) / s) - Phi((-0.5 - |k - c|) / s)
// for k = 0 .. 2c, escape = 2 Phi((-0.5 - c) / s), quantised; offset = -c.
// invalid_argument for an empty or unsorted table, scales <= 0, or a table whose
// CDF would exceed kMaxCdfLength.
ENTCODE_API Result<CdfTables> build_gaussian_tables(std::span<const double> scales, CenterRule rule, double tail_mass = 1e-9);

}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
