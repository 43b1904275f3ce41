// rans/model.cpp — normalisation and table construction (see rans/model.hpp).
#include "entcode/rans/model.hpp"

#include <cmath>
#include <numeric>
#include <queue>

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

namespace {

// Code-length change (in bits, times count) of moving freq f by +-1.
double delta_cost(std::uint64_t count, std::uint32_t from, std::uint32_t to) {
  return static_cast<double>(count) * std::log2(static_cast<double>(from) / static_cast<double>(to));
}

struct Candidate {
  double cost;  // added code length of this step
  std::size_t symbol;
  bool operator<(const Candidate& o) const { return cost > o.cost || (cost == o.cost && symbol > o.symbol); }
};

// Applies |diff| unit steps (+1 if diff > 0, else -1), cheapest first.
void correct_rounding(std::span<const std::uint64_t> counts, std::vector<std::uint32_t>& freqs, std::int64_t diff) {
  const bool grow = diff > 0;
  auto step_cost = [&](std::size_t s) {
    const std::uint32_t f = freqs[s];
    return grow ? delta_cost(counts[s], f, f + 1) : delta_cost(counts[s], f, f - 1);
  };
  std::priority_queue<Candidate> queue;
  for (std::size_t s = 0; s < freqs.size(); ++s)
    if (counts[s] != 0 && (grow || freqs[s] > 1)) queue.push({step_cost(s), s});
  for (std::int64_t left = grow ? diff : -diff; left > 0; --left) {
    const std::size_t s = queue.top().symbol;
    queue.pop();
    freqs[s] = grow ? freqs[s] + 1 : freqs[s] - 1;
    if (grow || freqs[s] > 1) queue.push({step_cost(s), s});
  }
}

}  // namespace

Result<std::vector<std::uint32_t>> normalize_frequencies(std::span<const std::uint64_t> counts, unsigned precision) {
  if (precision < 10 || precision > kMaxPrecision) return errc::invalid_argument;
  const std::uint64_t total_target = std::uint64_t{1} << precision;
  std::uint64_t total = 0;
  std::uint64_t present = 0;
  for (const std::uint64_t c : counts) {
    if (c > (~std::uint64_t{0} >> 1) - total) return errc::too_large;
    total += c;
    present += c != 0;
  }
  if (present == 0 || present > total_target) return errc::invalid_argument;

  std::vector<std::uint32_t> freqs(counts.size(), 0);
  std::int64_t sum = 0;
  const long double scale = static_cast<long double>(total_target) / static_cast<long double>(total);
  for (std::size_t s = 0; s < counts.size(); ++s) {
    if (counts[s] == 0) continue;
    const auto f = static_cast<std::uint64_t>(std::llround(static_cast<long double>(counts[s]) * scale));
    freqs[s] = static_cast<std::uint32_t>(f == 0 ? 1 : f);
    sum += freqs[s];
  }
  correct_rounding(counts, freqs, static_cast<std::int64_t>(total_target) - sum);
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
