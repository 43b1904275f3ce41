// cabac/context.cpp — fixed-context choice and the CDF binarisation tree (see cabac/context.hpp).
#include "entcode/cabac/context.hpp"

#include <algorithm>
#include <cmath>

namespace entcode {
inline namespace v0 {
namespace cabac {

namespace {

bool valid_cdf(std::span<const std::uint32_t> cdf, unsigned precision) noexcept {
  if (precision < 1 || precision > 16 || cdf.size() < 2) return false;
  if (cdf.front() != 0 || cdf.back() != (std::uint32_t{1} << precision)) return false;
  return std::is_sorted(cdf.begin(), cdf.end());
}

// The split m (lo < m < hi) whose CDF value is nearest to the middle of [cdf[lo], cdf[hi]].
std::size_t split_point(std::span<const std::uint32_t> cdf, std::size_t lo, std::size_t hi) noexcept {
  if (cdf[lo] == cdf[hi]) return lo + (hi - lo) / 2;  // no mass: split by index
  const std::uint64_t twice_mid = std::uint64_t{cdf[lo]} + cdf[hi];
  const auto first = cdf.begin() + static_cast<std::ptrdiff_t>(lo + 1);
  const auto last = cdf.begin() + static_cast<std::ptrdiff_t>(hi - 1);
  auto it = std::lower_bound(first, last, twice_mid, [](std::uint32_t c, std::uint64_t t) { return 2 * std::uint64_t{c} < t; });
  if (it != first) {
    const auto dist = [&](auto i) {
      const std::uint64_t c2 = 2 * std::uint64_t{*i};
      return c2 > twice_mid ? c2 - twice_mid : twice_mid - c2;
    };
    if (it == last || dist(it - 1) <= dist(it)) --it;
  }
  return static_cast<std::size_t>(it - cdf.begin());
}

}  // namespace

Context context_for_probability(double p1) noexcept {
  p1 = std::clamp(p1, 0.0, 1.0);
  Context best;
  double best_cost = HUGE_VAL;
  for (unsigned s = 0; s <= kMaxState; ++s) {
    const double q = lps_probability(s);
    for (unsigned mps = 0; mps < 2; ++mps) {
      const double q1 = mps ? 1.0 - q : q;
      const double cost = -p1 * std::log2(q1) - (1.0 - p1) * std::log2(1.0 - q1);
      if (cost < best_cost) {
        best_cost = cost;
        best = Context(CabacState{static_cast<std::uint8_t>(s), static_cast<std::uint8_t>(mps)});
      }
    }
  }
  return best;
}

Result<SymbolModel> SymbolModel::from_cdf(std::span<const std::uint32_t> cdf, unsigned precision) {
  if (!valid_cdf(cdf, precision)) return errc::invalid_argument;
  SymbolModel m;
  m.size_ = cdf.size() - 1;
  if (m.size_ == 1) return m;
  m.nodes_.reserve(m.size_ - 1);
  struct Pending {
    std::size_t node, lo, hi;
  };
  std::vector<Pending> work{{0, 0, m.size_}};
  m.nodes_.push_back({});
  while (!work.empty()) {
    const Pending w = work.back();
    work.pop_back();
    const std::size_t split = split_point(cdf, w.lo, w.hi);
    const std::uint32_t mass = cdf[w.hi] - cdf[w.lo];
    const double p1 = mass ? static_cast<double>(cdf[w.hi] - cdf[split]) / mass : 0.5;
    Node& node = m.nodes_[w.node];
    node.split = static_cast<std::uint32_t>(split);
    node.ctx = context_for_probability(p1);
    const std::size_t bounds[2][2] = {{w.lo, split}, {split, w.hi}};
    for (int side = 0; side < 2; ++side) {
      const std::size_t lo = bounds[side][0], hi = bounds[side][1];
      if (hi - lo == 1) {
        m.nodes_[w.node].child[side] = ~static_cast<std::int32_t>(lo);
        continue;
      }
      m.nodes_[w.node].child[side] = static_cast<std::int32_t>(m.nodes_.size());
      work.push_back({m.nodes_.size(), lo, hi});
      m.nodes_.push_back({});
    }
  }
  return m;
}

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
