// gaussian/cdf_tables.cpp — table validation, lookup data and double-precision builders
// (see include/entcode/gaussian/cdf_tables.hpp).
#include "entcode/gaussian/cdf_tables.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace entcode {
inline namespace v0 {
namespace gaussian {

namespace {

constexpr std::uint32_t kOne = 1u << kPrecision;
constexpr unsigned kMinGuideBits = 4;
constexpr unsigned kMaxGuideBits = 12;
constexpr unsigned kGuideSlackBits = 5;       // at most 2^5 buckets per bin (bounds the memory)
constexpr std::uint32_t kSearchSlotsMax = 128;  // = 2^16 / 512: slots in searched buckets

std::uint32_t fnv1a(std::uint32_t h, std::uint32_t v) noexcept {
  for (int b = 0; b < 4; ++b) h = (h ^ ((v >> (8 * b)) & 0xffu)) * 16777619u;
  return h;
}

// Slots lying in buckets of width 2^(16 - g) that hold two or more inner bin boundaries.
std::uint32_t search_slots(std::span<const std::int32_t> row, unsigned g) noexcept {
  const unsigned shift = kPrecision - g;
  const std::uint32_t mask = (1u << shift) - 1;
  std::uint32_t slots = 0;
  std::uint32_t bucket = ~0u;
  unsigned inner = 0;
  for (std::size_t s = 1; s + 1 < row.size(); ++s) {
    const auto c = static_cast<std::uint32_t>(row[s]);
    if ((c & mask) == 0) continue;
    if (c >> shift != bucket) {
      bucket = c >> shift;
      inner = 0;
    }
    if (++inner == 2) slots += mask + 1;
  }
  return slots;
}

// log2 of the guide size of a table (see cdf_tables.hpp).
unsigned guide_bits(std::span<const std::int32_t> row) noexcept {
  unsigned cap = kMinGuideBits;
  while (cap < kMaxGuideBits && (std::size_t{1} << cap) < (row.size() - 1) << kGuideSlackBits) ++cap;
  unsigned g = kMinGuideBits;
  while (g < cap && search_slots(row, g) > kSearchSlotsMax) ++g;
  return g;
}

bool valid_row(std::span<const std::int32_t> row) noexcept {
  if (row.front() != 0 || row.back() != static_cast<std::int32_t>(kOne)) return false;
  for (std::size_t s = 0; s + 1 < row.size(); ++s)
    if (row[s + 1] <= row[s]) return false;
  return true;
}

// The SlotPair of a bucket whose first slot is in bin s (of `bins`).
SlotPair slot_pair(const std::uint32_t* cdf, std::uint32_t s, std::uint32_t bins) noexcept {
  const std::uint32_t last = s + 1 < bins ? cdf[s + 2] - 1 : kOne - 1;
  return {static_cast<std::uint16_t>(cdf[s]), static_cast<std::uint16_t>(cdf[s + 1] - 1), static_cast<std::uint16_t>(last),
          static_cast<std::uint16_t>(s)};
}

// The DecodeWindow of a table with CDF c and escape bin esc (cdf_tables.hpp).
DecodeWindow decode_window(const std::uint32_t* c, std::uint32_t esc, std::int32_t offset) noexcept {
  if (esc < 3) return {};
  std::uint32_t mode = 0;
  for (std::uint32_t s = 1; s < esc; ++s)
    if (c[s + 1] - c[s] > c[mode + 1] - c[mode]) mode = s;
  const std::uint32_t a = std::min(mode == 0 ? 0 : mode - 1, esc - 3);
  if (c[a + 3] - c[a] < kWindowMinWidth) return {};
  DecodeWindow w{c[a], c[a + 3] - c[a], {c[a + 1], c[a + 2]}, static_cast<std::int32_t>(static_cast<std::uint32_t>(offset) + a), 0, {}};
  for (std::uint32_t k = 0; k < 3; ++k) w.bin[k] = (c[a + k + 1] - c[a + k]) | std::uint64_t{c[a + k]} << 32;
  return w;
}

double std_normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace

__extension__ using U128 = unsigned __int128;  // GCC/Clang; __extension__: no -Wpedantic warning

Enc64Entry make_enc64_entry(std::uint32_t start, std::uint32_t freq) noexcept {
  constexpr std::uint32_t kOneBin = 1u << kPrecision;
  const auto cmpl = static_cast<std::uint16_t>(kOneBin - freq);
  if (freq <= 1) return {~std::uint64_t{0}, start + kOneBin - 1, cmpl, 0, 0};
  const auto l = static_cast<unsigned>(std::bit_width(freq - 1));  // ceil(log2 freq)
  const auto rcp = static_cast<std::uint64_t>((U128{1} << (63 + l)) / freq + 1);
  return {rcp, start, cmpl, static_cast<std::uint8_t>(l - 1), 0};
}

Result<CdfTables> CdfTables::create(std::span<const std::int32_t> cdfs, std::size_t row_stride,
                                    std::span<const std::int32_t> cdf_lengths,
                                    std::span<const std::int32_t> offsets) {
  const std::size_t tables = cdf_lengths.size();
  if (tables == 0 || offsets.size() != tables || row_stride == 0) return errc::invalid_argument;
  if (tables > kMaxTables) return errc::too_large;
  if (cdfs.size() / row_stride < tables) return errc::invalid_argument;
  CdfTables t;
  t.info_.resize(tables);
  std::uint32_t h = fnv1a(2166136261u, static_cast<std::uint32_t>(tables));
  std::size_t guide_total = 0;
  for (std::size_t i = 0; i < tables; ++i) {
    const std::int32_t len = cdf_lengths[i];
    if (len < 2 || static_cast<std::size_t>(len) > std::min(row_stride, kMaxCdfLength)) return errc::invalid_argument;
    const auto row = cdfs.subspan(i * row_stride, static_cast<std::size_t>(len));
    if (!valid_row(row)) return errc::invalid_argument;
    // The last in-range value offset + len - 3 must be an int32 (kernels.hpp relies on it).
    if (std::int64_t{offsets[i]} + len - 3 > std::numeric_limits<std::int32_t>::max()) return errc::invalid_argument;
    const unsigned g = guide_bits(row);
    t.info_[i] = TableInfo{static_cast<std::uint32_t>(t.cdf_.size()), static_cast<std::uint32_t>(guide_total),
                           offsets[i], static_cast<std::uint16_t>(len - 2), static_cast<std::uint8_t>(kPrecision - g), 0};
    h = fnv1a(fnv1a(h, static_cast<std::uint32_t>(len)), static_cast<std::uint32_t>(offsets[i]));
    for (const std::int32_t v : row) {
      t.cdf_.push_back(static_cast<std::uint32_t>(v));
      h = fnv1a(h, static_cast<std::uint32_t>(v));
    }
    guide_total += std::size_t{1} << g;
    if (t.cdf_.size() > std::numeric_limits<std::uint32_t>::max()) return errc::too_large;
  }
  t.fingerprint_ = h;
  t.enc_.resize(t.cdf_.size());
  t.dec_.resize(t.cdf_.size());
  t.enc64_.resize(t.cdf_.size());
  t.guide_.resize(guide_total + 3);  // + 3: SIMD decoders read entries with 16-byte loads
  t.pairs_.resize(guide_total);
  for (const TableInfo& info : t.info_) {
    const std::uint32_t* c = t.cdf_.data() + info.base;
    const std::uint32_t bins = std::uint32_t{info.max_value} + 1;
    t.windows_.push_back(decode_window(c, info.max_value, info.offset));
    for (std::uint32_t s = 0; s < bins; ++s) {
      const std::uint32_t freq = c[s + 1] - c[s];
      t.enc_[info.base + s] = rans::make_enc_symbol(c[s], freq, kPrecision);
      t.enc64_[info.base + s] = make_enc64_entry(c[s], freq);
      t.dec_[info.base + s] = DecEntry{c[s], freq, static_cast<std::int32_t>(static_cast<std::uint32_t>(info.offset) + s),
                                       s == info.max_value ? 1u : 0u};
    }
    const std::uint32_t width = 1u << info.guide_shift;
    std::uint32_t s = 0;
    for (std::uint32_t slot = 0; slot < kOne; slot += width) {
      while (c[s + 1] <= slot) ++s;
      const bool search = s + 1 < bins && c[s + 2] < slot + width;  // 2+ inner boundaries
      const std::uint32_t next = std::min(c[s + 1] - slot, width);  // width: no boundary inside
      const std::uint32_t bucket = info.guide_base + (slot >> info.guide_shift);
      t.guide_[bucket] = GuideEntry{static_cast<std::uint16_t>(s), search ? kGuideSearch : static_cast<std::uint16_t>(next)};
      t.pairs_[bucket] = slot_pair(c, s, bins);
    }
  }
  return t;
}

std::size_t CdfTables::max_cdf_length() const noexcept {
  std::size_t m = 0;
  for (std::size_t t = 0; t < size(); ++t) m = std::max(m, cdf_length(t));
  return m;
}

std::vector<std::int32_t> CdfTables::padded_cdfs() const {
  const std::size_t stride = max_cdf_length();
  std::vector<std::int32_t> out(stride * size(), 0);
  for (std::size_t t = 0; t < size(); ++t) std::ranges::copy(cdf(t), out.begin() + static_cast<std::ptrdiff_t>(t * stride));
  return out;
}

std::vector<std::int32_t> CdfTables::cdf_lengths() const {
  std::vector<std::int32_t> out(size());
  for (std::size_t t = 0; t < size(); ++t) out[t] = static_cast<std::int32_t>(cdf_length(t));
  return out;
}

std::vector<std::int32_t> CdfTables::offsets() const {
  std::vector<std::int32_t> out(size());
  for (std::size_t t = 0; t < size(); ++t) out[t] = offset(t);
  return out;
}

Result<std::vector<std::uint32_t>> pmf_to_quantized_cdf(std::span<const double> pmf) {
  if (pmf.empty() || pmf.size() > kOne) return errc::invalid_argument;
  std::vector<std::uint64_t> f(pmf.size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < pmf.size(); ++i) {
    const double p = pmf[i];
    if (!(p >= 0.0 && p <= 1.0)) return errc::invalid_argument;  // also rejects NaN
    f[i] = static_cast<std::uint64_t>(std::floor(p * kOne + 0.5));
    total += f[i];
  }
  if (total == 0) return errc::invalid_argument;
  std::vector<std::uint32_t> cdf(pmf.size() + 1, 0);
  for (std::size_t i = 0; i < pmf.size(); ++i) cdf[i + 1] = cdf[i] + static_cast<std::uint32_t>(kOne * f[i] / total);
  cdf.back() = kOne;
  for (std::size_t i = 0; i + 1 < cdf.size(); ++i) {
    if (cdf[i] != cdf[i + 1]) continue;
    std::uint32_t best = ~0u;
    std::size_t steal = cdf.size();
    for (std::size_t j = 0; j + 1 < cdf.size(); ++j) {
      const std::uint32_t w = cdf[j + 1] - cdf[j];
      if (w > 1 && w < best) {
        best = w;
        steal = j;
      }
    }
    if (steal == cdf.size()) return errc::invalid_argument;  // more bins than 2^16
    if (steal < i) {
      for (std::size_t j = steal + 1; j <= i; ++j) --cdf[j];
    } else {
      for (std::size_t j = i + 1; j <= steal; ++j) ++cdf[j];
    }
  }
  return cdf;
}

std::vector<double> log_scale_table(double lo, double hi, std::size_t levels) {
  std::vector<double> out(levels);
  if (levels == 0) return out;
  const double a = std::log(lo);
  const double b = std::log(hi);
  const double step = levels > 1 ? (b - a) / static_cast<double>(levels - 1) : 0.0;
  for (std::size_t i = 0; i < levels; ++i) out[i] = std::exp(i + 1 == levels ? b : a + static_cast<double>(i) * step);
  return out;
}

double tail_multiplier(double tail_mass) {
  // Bisection on Phi(-m) = tail_mass / 2 down to adjacent doubles.
  double lo = 0.0;
  double hi = 40.0;
  const double target = tail_mass / 2;
  while (true) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) return hi;
    (std_normal_cdf(-mid) > target ? lo : hi) = mid;
  }
}

Result<CdfTables> build_gaussian_tables(std::span<const double> scales, CenterRule rule, double tail_mass) {
  if (scales.empty() || scales.size() > kMaxTables || !(tail_mass > 0.0 && tail_mass < 1.0)) return errc::invalid_argument;
  const double multiplier = tail_multiplier(tail_mass);
  std::vector<std::vector<std::uint32_t>> rows;
  std::vector<std::int32_t> lengths;
  std::vector<std::int32_t> offsets;
  double previous = 0.0;
  for (const double s : scales) {
    if (!(s > previous) || !std::isfinite(s)) return errc::invalid_argument;
    previous = s;
    std::int64_t c = 8;
    if (rule == CenterRule::tail_mass) {
      const double half = std::ceil(s * multiplier);
      if (half > static_cast<double>(kMaxCdfLength / 2 - 2)) return errc::invalid_argument;
      c = static_cast<std::int64_t>(half);
    } else {
      for (std::int64_t i = 8; i >= 2; --i)
        if (std_normal_cdf(static_cast<double>(i) / s) > 0.9999) c = i;
    }
    std::vector<double> pmf;
    for (std::int64_t k = 0; k <= 2 * c; ++k) {
      const double v = static_cast<double>(k > c ? k - c : c - k);
      pmf.push_back(std_normal_cdf((0.5 - v) / s) - std_normal_cdf((-0.5 - v) / s));
    }
    pmf.push_back(2.0 * std_normal_cdf((-0.5 - static_cast<double>(c)) / s));
    auto cdf = pmf_to_quantized_cdf(pmf);
    if (!cdf) return cdf.error();
    lengths.push_back(static_cast<std::int32_t>(cdf->size()));
    offsets.push_back(static_cast<std::int32_t>(-c));
    rows.push_back(std::move(*cdf));
  }
  const std::size_t stride = static_cast<std::size_t>(*std::ranges::max_element(lengths));
  std::vector<std::int32_t> flat(stride * rows.size(), 0);
  for (std::size_t t = 0; t < rows.size(); ++t)
    std::ranges::transform(rows[t], flat.begin() + static_cast<std::ptrdiff_t>(t * stride),
                           [](std::uint32_t v) { return static_cast<std::int32_t>(v); });
  return CdfTables::create(flat, stride, lengths, offsets);
}

}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
