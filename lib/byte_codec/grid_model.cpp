// byte_codec/grid_model.cpp — the grid form of byte codec models (see grid_model.hpp).
#include "grid_model.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <utility>
#include <vector>

#include "../rans/nonzero_symbols.hpp"
#include "exp_golomb.hpp"
#include "models.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

namespace {

// The member that takes the rest: the first with the largest value.
template <class T>
unsigned rest_member(const T* values, const std::uint8_t* members, unsigned k) noexcept {
  unsigned best = 0;
  T largest = values[members[0]];
  for (unsigned i = 1; i < k; ++i)
    if (values[members[i]] > largest) {
      largest = values[members[i]];
      best = i;
    }
  return best;
}

// One model's grid trials, each one pass over the members (by rank): the
// frequencies and size in bits (table + code length) of the best grid so far.
class GridSearch {
 public:
  GridSearch(const std::uint32_t* counts, unsigned precision) noexcept
      : precision_(precision), total_(std::uint32_t{1} << precision) {
    k_ = rans::detail::nonzero_symbols(counts, members_);
    for (unsigned i = 0; i < k_; ++i) n_ += counts[members_[i]];
    const double scale = static_cast<double>(total_) / static_cast<double>(n_);
    rest_ = rest_member(counts, members_, k_);
    double roots = 0;
    for (unsigned i = 0; i < k_; ++i) {
      count_[i] = counts[members_[i]];
      ideal_[i] = count_[i] * scale;
      root_[i] = std::sqrt(ideal_[i]);
      roots += i == rest_ ? 0 : root_[i];
    }
    mean_root_ = roots / std::max(k_ - 1, 1u);
  }
  unsigned members() const noexcept { return k_; }
  std::uint64_t counted() const noexcept { return n_; }
  // Size of the exact form of freq (its q byte, the varints, the code length).
  double exact_bits(const std::uint32_t* freq) const noexcept {
    const Log2Table& log2f = log2_table();
    std::uint64_t bytes = 1;
    double bits = 0;
    for (unsigned i = 0; i < k_; ++i) {
      bytes += i + 1 < k_ ? varint_size(freq[members_[i]] - 1) : 0;
      bits += count_[i] * (precision_ - log2f[freq[members_[i]]]);
    }
    return 8.0 * static_cast<double>(bytes) + bits;
  }
  // Size of grid q (kNever when the rest would not be the reader's rest member:
  // not above a member before it or below one after it); kept if the best.
  double try_grid(std::uint32_t q) noexcept {
    const Log2Table& log2f = log2_table();
    const Grid grid(q);
    // The codes' order: one below the width of the indexes' expected mean (the
    // writer's search gains a few bits at most; a size estimate need not be exact).
    const auto width = static_cast<unsigned>(std::bit_width(static_cast<std::uint64_t>(mean_root_ * grid.root())));
    const unsigned order = std::min(width > 0 ? width - 1 : 0, kMaxCodeOrder);
    std::uint32_t* const f = trial_;
    std::uint32_t sum = 0, before = 0, after = 0, code = 0;
    double log_sum = 0;
    for (unsigned i = 0; i < k_; ++i) {
      if (i == rest_) continue;
      const auto [index, frequency] = grid.nearest(ideal_[i], root_[i]);
      f[i] = static_cast<std::uint32_t>(std::min<std::int64_t>(frequency, total_));
      const auto g = static_cast<std::uint32_t>(grid.smallest(index, frequency));
      trial_index_[i] = g;
      code += code_bits(g - 1, order);
      log_sum += count_[i] * log2f[f[i]];
      sum += f[i];
      (i < rest_ ? before : after) = std::max(i < rest_ ? before : after, f[i]);
    }
    if (sum >= total_) return kNever;
    f[rest_] = total_ - sum;
    if (f[rest_] <= before || f[rest_] < after) return kNever;
    log_sum += count_[rest_] * log2f[f[rest_]];
    const double bits = 8.0 * static_cast<double>(varint_size(q) + 2 + (code + 7) / 8) +
                        static_cast<double>(n_) * precision_ - log_sum;
    if (bits < best_bits_) {
      best_bits_ = bits;
      best_q_ = q;
      std::swap(trial_, best_);
      std::swap(trial_index_, best_index_);
    }
    return bits;
  }
  std::uint32_t best_q() const noexcept { return best_q_; }
  double best_bits() const noexcept { return best_bits_; }
  void copy_best(std::uint32_t* freq, ModelForm& form) const noexcept {
    form.q = best_q_;
    for (unsigned i = 0; i < k_; ++i) {
      freq[members_[i]] = best_[i];
      form.index[members_[i]] = best_index_[i];
    }
  }
  // A lower bound of the exact form's size: >= 1 byte a varint, the counts' entropy.
  double exact_floor(double entropy_bits) const noexcept { return 8.0 * k_ + entropy_bits; }

  static constexpr double kNever = 1e300;

 private:
  unsigned precision_, k_ = 0, rest_ = 0;
  std::uint32_t total_, best_q_ = 0;
  std::uint32_t frequencies_[2][256], indexes_[2][256];  // by member rank
  std::uint32_t *trial_ = frequencies_[0], *best_ = frequencies_[1];
  std::uint32_t *trial_index_ = indexes_[0], *best_index_ = indexes_[1];
  std::uint64_t n_ = 0;
  double count_[256], ideal_[256], root_[256];  // by member rank: count, count * 2^p / n, its square root
  double mean_root_ = 0;                        // over the members but the rest
  std::uint8_t members_[256];
  double best_bits_ = kNever;
};

// The first grid tried: q = kGuess n / 2^p for n counts. The analysis in
// grid_model.hpp gives ~5.3 for members of many counts each; blocks also have
// members of a few counts, which lower the best q: blocks from kMinGridSearch
// counts start at half that (their best was at 0.1-1x the analysis' value on
// the bench's data), smaller ones keep it (text 16 KiB: 0.5-2x).
constexpr double kGuess = 5.3;
// Blocks from kMinGridSearch counts then try q / 2, and go on in that direction
// (else from 2q upwards) by factors of 2 while a grid stays within a slack of
// the best, up to kMaxGridSteps grids: the size is about convex in log q, up
// to a few bytes of rounding luck (quality strings at 1 MiB: q = 678, 339, 170
// give 77,733.1, 77,735.4, 77,721.9 bytes). The slack, n / kCountsPerSlackBit
// bits (>= kMinGridSlackBits), lets larger blocks, where a grid costs less of
// the encode, look further. Smaller blocks keep the first grid: a search gains
// little there (text 16 KiB: 0.5 byte) and costs ~1.3 us a grid of 256
// members, ~5% of a 16 KiB encode.
constexpr std::uint64_t kMinGridSearch = std::uint64_t{1} << 16;
constexpr int kMaxGridSteps = 3;
constexpr double kMinGridSlackBits = 16;
constexpr double kCountsPerSlackBit = 16384;

// The best grid of the search above (its q in search.best_q(), 0 if none is valid).
void search_grids(GridSearch& search, unsigned precision) {
  auto clamp = [](double q) { return static_cast<std::uint32_t>(std::clamp(std::round(q), 1.0, double{kMaxGridQ})); };
  const bool wide = search.counted() >= kMinGridSearch;
  const double guess = kGuess / (wide ? 2 : 1) * static_cast<double>(search.counted()) / static_cast<double>(std::uint32_t{1} << precision);
  search.try_grid(clamp(guess));
  if (!wide) return;
  const double slack = std::max(kMinGridSlackBits, static_cast<double>(search.counted()) / kCountsPerSlackBit);
  const double step = search.try_grid(clamp(guess / 2)) <= search.best_bits() + slack ? 0.5 : 2.0;
  double q = step == 0.5 ? guess / 4 : guess * 2;
  for (int i = 0; i < kMaxGridSteps && search.try_grid(clamp(q)) <= search.best_bits() + slack; ++i) q *= step;
}

}  // namespace

void order0_model(const std::uint32_t* counts, double entropy_bits, unsigned precision, std::vector<std::uint32_t>& freqs,
                  ModelForm& form) {
  GridSearch search(counts, precision);
  if (search.members() >= 2) search_grids(search, precision);
  form.q = 0;
  // A grid below the exact form's floor wins without normalising (small blocks of many symbols).
  if (search.best_q() != 0 && search.best_bits() < search.exact_floor(entropy_bits)) {
    freqs.assign(256, 0);
    return search.copy_best(freqs.data(), form);
  }
  std::array<std::uint8_t, 256> bits{};
  normalise(counts, 1, precision, freqs, bits);
  if (search.best_q() != 0 && search.best_bits() < search.exact_bits(freqs.data())) search.copy_best(freqs.data(), form);
}

void put_grid(SpanWriter& w, const std::uint32_t* freq, const ModelForm& form) {
  std::uint8_t members[256];
  const unsigned k = rans::detail::nonzero_symbols(freq, members);
  const unsigned rest = rest_member(freq, members, k);
  std::uint32_t v[256];  // the codes' values: index - 1
  for (unsigned i = 0, j = 0; i < k; ++i)
    if (i != rest) v[j++] = form.index[members[i]] - 1;
  const unsigned order = best_order(v, k - 1).r;
  w.put_u8(static_cast<std::uint8_t>(rest));
  w.put_u8(static_cast<std::uint8_t>(order));
  BitSink bits(w);
  for (unsigned j = 0; j + 1 < k; ++j) bits.put_code(v[j], order);
  bits.flush();
}

void get_grid(ByteReader& r, const std::array<bool, 256>& present, unsigned k, std::uint32_t q, unsigned precision,
              std::uint32_t* freq) {
  const unsigned rest = r.get_u8(), order = r.get_u8();
  if (!r.ok()) return;
  if (rest >= k || order > kMaxCodeOrder || q == 0 || q > kMaxGridQ) return r.fail(errc::corrupt);
  const std::uint32_t total = std::uint32_t{1} << precision;
  const Grid grid(q);
  std::uint32_t sum = 0;
  unsigned rest_symbol = 0;
  BitSource bits(r);
  for (unsigned s = 0, i = 0; s < 256; ++s) {
    if (!present[s]) continue;
    if (i++ == rest) {
      rest_symbol = s;
      continue;
    }
    std::uint64_t v = 0;
    if (const errc e = bits.get_code(order, v); e != errc::ok) return r.fail(e);
    const std::uint64_t f = v < kMaxGridIndex ? static_cast<std::uint64_t>(grid.frequency(static_cast<std::int64_t>(v) + 1)) : total;
    if (f >= total - sum) return r.fail(errc::corrupt);  // the rest must keep >= 1
    freq[s] = static_cast<std::uint32_t>(f);
    sum += freq[s];
  }
  freq[rest_symbol] = total - sum;
  bits.finish();
}

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
