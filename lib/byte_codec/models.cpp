// byte_codec/models.cpp — counting and normalising byte models (see models.hpp).
#include "models.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "../rans/kernels.hpp"
#include "../rans/nonzero_symbols.hpp"
#include "../rans/normalise.hpp"
#include "runs.hpp"
#include "entcode/rans/interleaved.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

// A loop the compiler vectorises (most of the 256 order-1 contexts of a small
// block are unused; ContextCounts and early-exit searches are serial scans).
bool context_unused(const std::uint32_t* c) noexcept {
  std::uint32_t any = 0;
  for (unsigned s = 0; s < 256; ++s) any |= c[s];
  return any == 0;
}

namespace {

// Byte counts by 8 tables, one per byte of a 64-bit load: repeated symbols
// (skewed data) then rarely increment the same counter back to back
// (store-to-load stalls).
class TableCounts {
 public:
  void add(std::span<const std::uint8_t> src) noexcept {
    std::size_t i = 0;
    for (; i + 8 <= src.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, src.data() + i, 8);
      for (unsigned k = 0; k < 8; ++k) ++c_[k][(w >> (8 * k)) & 0xff];
    }
    for (; i < src.size(); ++i) ++c_[0][src[i]];
  }
  void add_to(std::uint32_t* counts) const noexcept {
    for (unsigned s = 0; s < 256; ++s)
      for (const auto& t : c_) counts[s] += t[s];
  }

 private:
  std::array<std::array<std::uint32_t, 256>, 8> c_{};
};

void add_by_tables(std::span<const std::uint8_t> src, std::uint32_t* counts) noexcept {
  TableCounts t;
  t.add(src);
  t.add_to(counts);
}

// Few distinct bytes (binned quality strings, DNA) are counted by the ISA's
// compares (rans/kernels.hpp CountFew) from the bytes of a first sample; a
// chunk holding another byte is counted by tables and joins it to them, while
// they stay few (then the rest by tables).
constexpr std::size_t kFewSample = 1024;
constexpr std::size_t kFewMissChunk = 64;  // >= every kernel's chunk

// Whether the first `probe` bytes of src hold at most kMaxFewSymbols distinct
// ones. count_order0 probes kFewProbe bytes before its sample (text and
// binaries then skip the sample's table pass: 16 KiB of machine code, ~5% of
// its order-0 encode).
constexpr std::size_t kFewProbe = 64;
bool few_distinct(std::span<const std::uint8_t> src, std::size_t probe) noexcept {
  std::uint64_t seen[4] = {};
  for (std::size_t i = 0; i < std::min(src.size(), probe); ++i) seen[src[i] >> 6] |= std::uint64_t{1} << (src[i] & 63);
  int k = 0;
  for (const std::uint64_t w : seen) k += std::popcount(w);
  return k <= static_cast<int>(rans::detail::kMaxFewSymbols);
}

// counts (of src's first `pos` bytes) completed with the rest of src.
void count_rest(std::span<const std::uint8_t> src, std::size_t pos, std::uint32_t* counts, Isa isa) noexcept {
  while (pos < src.size()) {
    std::uint8_t symbols[256];
    const unsigned k = rans::detail::nonzero_symbols(counts, symbols);
    const rans::detail::CountFew count_few = rans::detail::count_few_kernel(isa, k);
    if (count_few == nullptr) return add_by_tables(src.subspan(pos), counts);
    pos += count_few(src.data() + pos, src.size() - pos, symbols, k, counts);
    const std::size_t miss = std::min(src.size() - pos, kFewMissChunk);
    add_by_tables(src.subspan(pos, miss), counts);
    pos += miss;
  }
}

// Blocks of 256 KiB or more of many distinct bytes are modelled from a
// sample: one piece per kSampleGroup bytes, half of them below 1 MiB, a
// quarter below 4 MiB, an eighth from there (sample_share), at an offset that
// varies with the group (data with a period of kSampleGroup bytes must not be
// sampled at one phase: sample_offset), each count scaled by the share's
// inverse, and every byte the pieces missed counted once, found by the ISA's
// set lookups (rans/kernels.hpp SkipMembers). The histogram (~1 cycle a byte)
// was ~40% of an order-0 encode at 256 KiB and ~30% at 1 MiB. Measured on the
// bench's text and geometric bytes (Intel Xeon, doc/perf.md), size / encode:
// half at 256 KiB +0.020% / +9% (text), +0.002% / +16% (geometric); a quarter
// at 1 MiB +0.0013% / +14%, +0.0007% / +12%; an eighth at 4 MiB +0.0003% / +7%,
// +0.0005% / +8%. Coarser costs more than it saves: a quarter at 256 KiB text
// +0.034% (its rare bytes), an eighth at 1 MiB +0.010% for +2%.
constexpr std::size_t kMinSampled = std::size_t{256} << 10;
constexpr std::size_t kSampleGroup = 1024;
std::size_t sample_share(std::size_t n) noexcept {  // the sample's share of the block: 1 / sample_share(n)
  return n >= (std::size_t{4} << 20) ? 8 : n >= (std::size_t{1} << 20) ? 4 : 2;
}

// The piece of a group starts at a multiple of 64 and wraps around the group's
// end: every byte of a group is in it for the same share of the 16 starts.
std::size_t sample_offset(std::size_t group) noexcept {
  return (static_cast<std::uint32_t>(group * 0x9E3779B1u) >> 16) % (kSampleGroup / 64) * 64;
}

// The set lookup rows (SkipMembers) of the bytes with a non-zero count.
std::array<std::uint8_t, 32> member_rows(const std::uint32_t* counts) noexcept {
  std::array<std::uint8_t, 32> rows{};
  for (unsigned b = 0; b < 256; ++b)
    if (counts[b] != 0) rows[(b & 8) * 2 + (b >> 4)] |= static_cast<std::uint8_t>(1u << (b & 7));
  return rows;
}

void count_sampled(std::span<const std::uint8_t> src, std::uint32_t* counts, rans::detail::SkipMembers skip_members) noexcept {
  TableCounts sample;
  const std::size_t share = sample_share(src.size()), piece = kSampleGroup / share;
  for (std::size_t group = 0; (group + 1) * kSampleGroup <= src.size(); ++group) {
    const auto bytes = src.subspan(group * kSampleGroup, kSampleGroup);
    const std::size_t start = sample_offset(group), first = std::min(piece, kSampleGroup - start);
    sample.add(bytes.subspan(start, first));
    sample.add(bytes.first(piece - first));
  }
  std::uint32_t sampled[256] = {};
  sample.add_to(sampled);
  for (unsigned b = 0; b < 256; ++b) counts[b] += sampled[b] * static_cast<std::uint32_t>(share);
  auto rows = member_rows(counts);
  for (std::size_t pos = 0; pos < src.size();) {
    pos += skip_members(src.data() + pos, src.size() - pos, rows.data());
    const std::size_t end = std::min(src.size(), pos + kFewMissChunk);
    for (; pos < end; ++pos)
      if (counts[src[pos]] == 0) {
        counts[src[pos]] = 1;
        rows = member_rows(counts);
      }
  }
}

}  // namespace

void count_order0(std::span<const std::uint8_t> src, std::uint32_t* counts, Isa isa) noexcept {
  std::fill_n(counts, 256, 0);
  if (!few_distinct(src, kFewProbe)) return add_by_tables(src, counts);
  const std::size_t pos = std::min(src.size(), kFewSample);
  add_by_tables(src.first(pos), counts);
  count_rest(src, pos, counts, isa);
}

void order0_model_counts(std::span<const std::uint8_t> src, std::uint32_t* counts, Isa isa) noexcept {
  const rans::detail::SkipMembers skip_members = rans::detail::skip_members_kernel(isa);
  if (src.size() < kMinSampled || skip_members == nullptr || few_distinct(src, kFewSample))
    return count_order0(src, counts, isa);
  std::fill_n(counts, 256, 0);
  count_sampled(src, counts, skip_members);
}

// The two halves of src at a time: runs of one byte pair (zeros in binaries,
// quality strings) are chains of increments of one counter, and two chains
// overlap. From kMinPairsForTwoTables bytes into two tables (`counts` and
// `spare`, summed at the end); smaller blocks into one (zeroing and summing a
// second costs more than it saves there: 16 KiB 2.4x slower; the crossover is
// near 128 KiB on quality strings, text and binaries), where the halves'
// increments still interleave (16 KiB of quality strings, order-1 encode 5%
// faster than one pass). Four tables were no faster on whole inputs.
constexpr std::size_t kMinPairsForTwoTables = std::size_t{128} << 10;

namespace {

// The pairs ending at bytes [first, last) (first >= 1) into `counts` and `other`
// (the same table or the spare one), the two halves interleaved.
void count_pair_span(const std::uint8_t* src, std::size_t first, std::size_t last, std::uint32_t* counts,
                     std::uint32_t* other) noexcept {
  auto pair = [src](std::size_t i) { return std::size_t{src[i - 1]} * 256 + src[i]; };
  const std::size_t h = (last - first) / 2;  // bytes [first, first + h) and [first + h, first + 2h) side by side
  for (std::size_t j = first; j < first + h; ++j) {
    ++counts[pair(j)];
    ++other[pair(h + j)];
  }
  for (std::size_t i = first + 2 * h; i < last; ++i) ++counts[pair(i)];
}

// Pair counts of a block of at most kMaxSymbols distinct bytes whose pairs are
// mostly one byte repeated (binned quality strings: chains of increments of
// one counter at ~5 cycles each, ~half of a 64 KiB block's order-1 encode):
// each byte gets a rank as it first appears, and pairs of ranks are counted in
// kTables small tables by position, so repeats do not wait for each other.
// add() fails at the (kMaxSymbols + 1)-th byte value. Where repeats are rare
// (DNA) count_pair_span is faster: mostly_repeats() picks.
class SmallAlphabetPairs {
 public:
  static constexpr unsigned kMaxSymbols = 16;

  bool add(const std::uint8_t* src, std::size_t first, std::size_t last) noexcept {  // pairs ending in [first, last)
    // The two halves side by side (as count_pair_span), each into half of the tables.
    const std::size_t h = (last - first) / 2;
    unsigned prev_a = rank_of(src[first - 1]), prev_b = rank_of(src[first + h - 1]);
    if ((prev_a | prev_b) == kNone) return false;  // (ranks < 16 or kNone = 0xff)
    for (std::size_t j = first; j < first + h; ++j) {
      const unsigned a = rank_of(src[j]), b = rank_of(src[h + j]);
      if ((a | b) == kNone) return false;
      ++tables_[j % (kTables / 2)][prev_a * kMaxSymbols + a];
      ++tables_[kTables / 2 + j % (kTables / 2)][prev_b * kMaxSymbols + b];
      prev_a = a;
      prev_b = b;
    }
    for (std::size_t i = first + 2 * h; i < last; ++i) {
      const unsigned prev = rank_of(src[i - 1]), r = rank_of(src[i]);
      if ((prev | r) == kNone) return false;
      ++tables_[0][prev * kMaxSymbols + r];
    }
    return true;
  }
  bool add_run(std::uint8_t b, std::uint32_t pairs) noexcept {  // `pairs` pairs (b, b)
    const unsigned r = rank_of(b);
    if (r == kNone) return false;
    tables_[0][r * kMaxSymbols + r] += pairs;
    return true;
  }
  void add_to(std::uint32_t* counts) const noexcept {
    for (unsigned a = 0; a < size_; ++a)
      for (unsigned b = 0; b < size_; ++b) {
        std::uint32_t n = 0;
        for (const auto& t : tables_) n += t[a * kMaxSymbols + b];
        counts[std::size_t{symbol_[a]} * 256 + symbol_[b]] += n;
      }
  }

 private:
  static constexpr unsigned kTables = 8;
  static constexpr unsigned kNone = 0xff;
  unsigned rank_of(std::uint8_t b) noexcept {  // assigns the next rank to a new byte while there is one
    if (rank_[b] == kNone && size_ < kMaxSymbols) {
      symbol_[size_] = b;
      rank_[b] = static_cast<std::uint8_t>(size_++);
    }
    return rank_[b];
  }
  std::array<std::uint8_t, 256> rank_ = filled(kNone);
  std::array<std::uint8_t, kMaxSymbols> symbol_{};
  unsigned size_ = 0;
  std::array<std::array<std::uint32_t, kMaxSymbols * kMaxSymbols>, kTables> tables_{};
  static constexpr std::array<std::uint8_t, 256> filled(std::uint8_t v) noexcept {
    std::array<std::uint8_t, 256> a{};
    a.fill(v);
    return a;
  }
};

// True when at least half of the pairs among src's first kRepeatSample bytes repeat a byte.
constexpr std::size_t kRepeatSample = 1024;
bool mostly_repeats(std::span<const std::uint8_t> src) noexcept {
  const std::size_t n = std::min(src.size(), kRepeatSample);
  std::size_t repeats = 0;
  for (std::size_t i = 1; i < n; ++i) repeats += src[i] == src[i - 1];
  return 2 * repeats >= n;
}

// Long runs (runs.hpp next_long_run: the quality strings of a long read can hold
// a million '#') add their pairs at once: one counter's chain of increments was
// ~45% of such a block's order-1 encode. span(first, last) counts the pairs
// ending in [first, last), run(b, n) n pairs (b, b); false stops the walk.
template <class Span, class Run>
bool walk_pairs(std::span<const std::uint8_t> src, Span&& span, Run&& run) {
  std::size_t i = 1;
  for (ByteRun r = next_long_run(src, 0); r.size() != 0; r = next_long_run(src, r.end)) {
    if (!span(i, r.begin + 1) || !run(src[r.begin], static_cast<std::uint32_t>(r.size() - 1))) return false;  // up to the pair entering the run
    i = r.end;
  }
  return span(i, src.size());
}

}  // namespace

void count_pairs(std::span<const std::uint8_t> src, std::vector<std::uint32_t>& counts,
                 std::vector<std::uint32_t>& spare) {
  if (src.empty()) return;
  ++counts[src[0]];
  SmallAlphabetPairs small;
  if (mostly_repeats(src) && walk_pairs(
          src, [&](std::size_t first, std::size_t last) { return small.add(src.data(), first, last); },
          [&](std::uint8_t b, std::uint32_t n) { return small.add_run(b, n); })) {
    small.add_to(counts.data());
    return;
  }
  const bool two_tables = src.size() >= kMinPairsForTwoTables;
  if (two_tables) spare.assign(counts.size(), 0);
  std::uint32_t* other = two_tables ? spare.data() : counts.data();
  walk_pairs(
      src,
      [&](std::size_t first, std::size_t last) {
        count_pair_span(src.data(), first, last, counts.data(), other);
        return true;
      },
      [&](std::uint8_t b, std::uint32_t n) {
        counts[std::size_t{b} * 257] += n;
        return true;
      });
  if (two_tables)
    for (std::size_t k = 0; k < counts.size(); ++k) counts[k] += spare[k];
}

void move_lane_starts(std::span<const std::uint8_t> src, unsigned lanes, std::size_t tail,
                      std::vector<std::uint32_t>& counts, bool undo) noexcept {
  const std::size_t m = (src.size() - tail) / lanes;
  for (std::size_t k = 1; k < lanes && m > 0; ++k) {
    const std::size_t i = k * m;
    std::uint32_t& after_predecessor = counts[std::size_t{src[i - 1]} * 256 + src[i]];
    std::uint32_t& after_context0 = counts[src[i]];
    if (undo) {
      ++after_predecessor;
      --after_context0;
    } else {
      --after_predecessor;
      ++after_context0;
    }
  }
}

namespace {

// A context model's resolution: a context seen n times with k distinct symbols
// gets a total of 2^q, q = max(bit_width(n - 1) + kContextExtraBits,
// bit_width(k - 1)) (at most p), a quarter to a half of its count: the table
// then costs less than the coarser model loses (doc/perf.md); its frequencies
// are stored as q-bit values and scaled by 2^(p - q). Order 0 uses q = p.
constexpr int kContextExtraBits = -2;  // measured: 0 / -1 / -2 / -3 -> binary +1.3% / +0.5% / best / +2%

// One context's counts: total and the present symbols.
struct ContextCounts {
  const std::uint32_t* c;
  std::uint64_t n = 0;
  unsigned k = 0;
  std::uint8_t present[256];
  explicit ContextCounts(const std::uint32_t* counts) noexcept : c(counts) {
    k = rans::detail::nonzero_symbols(c, present);
    for (unsigned s = 0; s < 256; ++s) n += c[s];
  }
};

unsigned context_bits(const ContextCounts& cc, unsigned precision) noexcept {
  const int q = std::max(static_cast<int>(std::bit_width(cc.n - 1)) + kContextExtraBits,
                         static_cast<int>(std::bit_width(cc.k - 1u)));
  return std::min(precision, static_cast<unsigned>(q));
}

}  // namespace

const Log2Table& log2_table() {
  static const auto table = [] {
    Log2Table t{};
    for (std::size_t f = 1; f < t.size(); ++f) t[f] = static_cast<float>(std::log2(static_cast<double>(f)));
    return t;
  }();
  return table;
}

double bits_of_counts(const std::uint32_t* counts, unsigned k) noexcept {
  const Log2Table& log2f = log2_table();
  auto x_log2_x = [&](std::uint64_t c) {
    return static_cast<double>(c) * (c < log2f.size() ? log2f[c] : std::log2(static_cast<double>(c)));
  };
  std::uint64_t n = 0;
  double sum = 0;
  for (unsigned s = 0; s < k; ++s) {
    n += counts[s];
    sum += x_log2_x(counts[s]);  // 0 for c = 0 (log2f[0] = 0)
  }
  return x_log2_x(n) - sum;
}

double normalise(const std::uint32_t* counts, unsigned contexts, unsigned precision, std::vector<std::uint32_t>& freqs,
                 std::array<std::uint8_t, 256>& bits, const std::uint32_t* bytes, std::array<bool, 256>* written) {
  const Log2Table& log2f = log2_table();
  if (written == nullptr || freqs.size() != std::size_t{contexts} * 256) {
    freqs.assign(std::size_t{contexts} * 256, 0);
  } else {
    clear_rows(freqs.data(), *written);
  }
  if (written != nullptr) written->fill(false);
  double coded = 0;
  for (unsigned c = 0; c < contexts; ++c) {
    if ((bytes != nullptr && !context_possible(bytes, c)) || context_unused(counts + std::size_t{c} * 256)) continue;
    if (written != nullptr) (*written)[c] = true;
    const ContextCounts cc(counts + std::size_t{c} * 256);
    const unsigned q = contexts == 1 ? precision : context_bits(cc, precision);
    bits[c] = static_cast<std::uint8_t>(q);
    std::uint32_t* f = freqs.data() + std::size_t{c} * 256;
    rans::detail::normalise(cc.c, cc.present, cc.k, cc.n, q, f);
    for (unsigned i = 0; i < cc.k; ++i) {
      const unsigned s = cc.present[i];
      f[s] <<= precision - q;
      coded += static_cast<double>(cc.c[s]) * (static_cast<double>(precision) - log2f[f[s]]);
    }
  }
  return coded;
}

double excess(const std::vector<std::uint32_t>& counts, double coded_bits) {
  double entropy = 0;
  for (unsigned c = 0; c < 256; ++c)
    if (const std::uint32_t* row = counts.data() + std::size_t{c} * 256; !context_unused(row)) entropy += bits_of_counts(row, 256);
  return entropy > 0 ? (coded_bits - entropy) / entropy : 0;
}

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
