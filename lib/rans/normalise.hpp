// rans/normalise.hpp — the one frequency normaliser (lib-internal): counts of the
// present symbols scaled to frequencies summing exactly to 2^q, every present
// symbol >= 1. Used by rans::normalize_frequencies (lib/rans/model.cpp) and the
// byte codec's order-0 and per-context order-1 models (lib/byte_codec/block.cpp).
//
// Method: symbols whose share is below one slot get 1; the others share the
// rest in proportion (rounded, >= 1). The rounding error is then corrected by
// unit steps, each to the symbol where it costs least by the first-order
// estimate of the code-length change, count / freq (no logarithms, so 256
// order-1 contexts per block stay cheap).
// Requires 1 <= present <= 2^q, n = sum of the present counts >= 1, q <= 31.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace entcode {
inline namespace v0 {
namespace rans::detail {

// Rounding errors of at most this many units are corrected by scans, larger ones by a heap.
inline constexpr std::uint64_t kScanUnits = 16;

// counts[s] for s in present[0..k), n their sum; writes freqs[s] for those s only.
template <class Count, class Symbol>
void normalise(const Count* counts, const Symbol* present, unsigned k, std::uint64_t n, unsigned q,
               std::uint32_t* freqs) {
  const std::uint64_t total = std::uint64_t{1} << q;
  auto below_one = [&](std::uint64_t c) { return static_cast<double>(c) * static_cast<double>(total) < static_cast<double>(n); };
  std::uint64_t ones = 0, ones_count = 0;
  for (unsigned i = 0; i < k; ++i)
    if (const std::uint64_t c = counts[present[i]]; below_one(c)) {
      ++ones;
      ones_count += c;
    }
  const double scale = n == ones_count ? 0 : static_cast<double>(total - ones) / static_cast<double>(n - ones_count);
  std::uint64_t sum = 0;
  for (unsigned i = 0; i < k; ++i) {
    const auto s = present[i];
    const std::uint64_t c = counts[s];
    freqs[s] = below_one(c) ? 1 : std::max(1u, static_cast<std::uint32_t>(static_cast<double>(c) * scale + 0.5));
    sum += freqs[s];
  }
  if (sum == total) return;
  const bool grow = sum < total;
  // Growing: the largest c / f gains most; shrinking: the smallest c / (f - 1) loses least.
  auto key = [&](std::size_t s) {
    const double r = static_cast<double>(counts[s]) / static_cast<double>(grow ? freqs[s] : freqs[s] - 1);
    return grow ? r : -r;
  };
  struct Entry {  // not std::pair: its constructor would zero the 4 KiB array below on every call
    double key;
    std::size_t s;
  };
  auto before = [](const Entry& a, const Entry& b) { return a.key < b.key || (a.key == b.key && a.s < b.s); };
  Entry small[256];
  std::vector<Entry> big(k > 256 ? k : 0);  // alphabets above bytes (model.hpp)
  auto* const h = k > 256 ? big.data() : small;
  unsigned m = 0;
  for (unsigned i = 0; i < k; ++i)
    if (const std::size_t s = present[i]; grow || freqs[s] > 1) h[m++] = {key(s), s};
  // Each unit goes to the greatest entry under `before` (a strict order: symbols are
  // unique), which then gets its new key or, at frequency 1 when shrinking, leaves.
  auto take = [&](Entry& e) {
    const std::size_t s = e.s;
    freqs[s] = grow ? freqs[s] + 1 : freqs[s] - 1;
    if (!grow && freqs[s] == 1) return false;  // no key: it would divide by freq - 1 = 0
    e.key = key(s);
    return true;
  };
  std::uint64_t left = grow ? total - sum : sum - total;
  if (left <= kScanUnits) {  // the usual case, |sum - total| ~ sqrt(k): a scan per unit beats a heap's branches
    for (; left > 0; --left) {
      unsigned best = 0;
      for (unsigned i = 1; i < m; ++i)
        if (before(h[best], h[i])) best = i;
      if (!take(h[best])) h[best] = h[--m];
    }
    return;
  }
  std::make_heap(h, h + m, before);
  for (; left > 0; --left) {
    std::pop_heap(h, h + m, before);
    if (take(h[m - 1])) std::push_heap(h, h + m, before);
    else --m;
  }
}

}  // namespace rans::detail
}  // namespace v0
}  // namespace entcode
