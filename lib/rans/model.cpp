// rans/model.cpp — normalisation and table construction (see rans/model.hpp).
#include "entcode/rans/model.hpp"

#include "normalise.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {

EncSymbol make_enc_symbol(std::uint32_t start, std::uint32_t freq, unsigned precision) noexcept {
  const std::uint32_t total = 1u << precision;
  EncSymbol s{};
  s.x_max_m1 = static_cast<std::uint32_t>((std::uint64_t{freq} << (32 - precision)) - 1);
  s.cmpl_freq = static_cast<std::uint16_t>(total - freq);
  if (freq < 2) {
    s.rcp_freq = ~0u;
    s.rcp_shift = 0;
    s.bias = start + total - 1;
    return s;
  }
  unsigned l = 0;
  while ((1u << l) < freq) ++l;
  s.rcp_freq = static_cast<std::uint32_t>(((std::uint64_t{1} << 32) * ((std::uint64_t{1} << l) - freq)) / freq + 1);
  s.rcp_shift = static_cast<std::uint16_t>(l - 1);
  s.bias = start;
  return s;
}

Result<std::vector<std::uint32_t>> normalize_frequencies(std::span<const std::uint64_t> counts, unsigned precision) {
  if (precision < 10 || precision > kMaxPrecision) return errc::invalid_argument;
  std::uint64_t total = 0;
  std::vector<std::size_t> present;
  for (std::size_t s = 0; s < counts.size(); ++s) {
    if (counts[s] > (~std::uint64_t{0} >> 1) - total) return errc::too_large;
    total += counts[s];
    if (counts[s] != 0) present.push_back(s);
  }
  if (present.empty() || present.size() > (std::size_t{1} << precision)) return errc::invalid_argument;
  std::vector<std::uint32_t> freqs(counts.size(), 0);
  detail::normalise(counts.data(), present.data(), static_cast<unsigned>(present.size()), total, precision, freqs.data());
  return freqs;
}

Result<SymbolModel> SymbolModel::from_frequencies(std::span<const std::uint32_t> freqs, unsigned precision) {
  if (precision < 1 || precision > kMaxPrecision || freqs.empty()) return errc::invalid_argument;
  std::vector<std::uint32_t> cdf(freqs.size() + 1, 0);
  for (std::size_t s = 0; s < freqs.size(); ++s) {
    if (freqs[s] > (1u << precision)) return errc::invalid_argument;
    cdf[s + 1] = cdf[s] + freqs[s];
  }
  return from_cdf(cdf, precision);
}

Result<SymbolModel> SymbolModel::from_counts(std::span<const std::uint64_t> counts, unsigned precision) {
  auto freqs = normalize_frequencies(counts, precision);
  if (!freqs) return freqs.error();
  return from_frequencies(*freqs, precision);
}

Result<SymbolModel> SymbolModel::from_cdf(std::span<const std::uint32_t> cdf, unsigned precision) {
  if (precision < 1 || precision > kMaxPrecision || cdf.size() < 2 || cdf.size() - 1 > 65536) return errc::invalid_argument;
  const std::uint32_t total = 1u << precision;
  if (cdf.front() != 0 || cdf.back() != total) return errc::invalid_argument;
  SymbolModel m;
  m.precision_ = precision;
  m.cdf_.assign(cdf.begin(), cdf.end());
  m.enc_.resize(cdf.size() - 1);
  m.slot_symbol_.resize(total);
  for (std::size_t s = 0; s + 1 < cdf.size(); ++s) {
    if (cdf[s + 1] < cdf[s]) return errc::invalid_argument;
    m.enc_[s] = make_enc_symbol(cdf[s], cdf[s + 1] - cdf[s], precision);
    for (std::uint32_t slot = cdf[s]; slot < cdf[s + 1]; ++slot) m.slot_symbol_[slot] = static_cast<std::uint16_t>(s);
  }
  return m;
}

}  // namespace rans
}  // namespace v0
}  // namespace entcode
