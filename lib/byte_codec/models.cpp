// byte_codec/models.cpp — counting and normalising byte models (see models.hpp).
#include "models.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

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

void count_order0(std::span<const std::uint8_t> src, std::uint32_t* counts) noexcept {
  // 8 tables, one per byte of a 64-bit load: repeated symbols (skewed data)
  // then rarely increment the same counter back to back (store-to-load stalls).
  std::array<std::array<std::uint32_t, 256>, 8> c{};
  std::size_t i = 0;
  for (; i + 8 <= src.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, src.data() + i, 8);
    for (unsigned k = 0; k < 8; ++k) ++c[k][(w >> (8 * k)) & 0xff];
  }
  for (; i < src.size(); ++i) ++c[0][src[i]];
  for (unsigned s = 0; s < 256; ++s) {
    counts[s] = 0;
    for (const auto& t : c) counts[s] += t[s];
  }
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

}  // namespace

// Long runs (runs.hpp next_long_run: the quality strings of a long read can hold
// a million '#') add their pairs at once: one counter's chain of increments was
// ~45% of such a block's order-1 encode.
void count_pairs(std::span<const std::uint8_t> src, std::vector<std::uint32_t>& counts,
                 std::vector<std::uint32_t>& spare) {
  if (src.empty()) return;
  const std::size_t n = src.size();
  ++counts[src[0]];
  const bool two_tables = n >= kMinPairsForTwoTables;
  if (two_tables) spare.assign(counts.size(), 0);
  std::uint32_t* other = two_tables ? spare.data() : counts.data();
  std::size_t i = 1;
  for (ByteRun run = next_long_run(src, 0); run.size() != 0; run = next_long_run(src, run.end)) {
    count_pair_span(src.data(), i, run.begin + 1, counts.data(), other);  // up to the pair entering the run
    counts[std::size_t{src[run.begin]} * 257] += static_cast<std::uint32_t>(run.size() - 1);
    i = run.end;
  }
  count_pair_span(src.data(), i, n, counts.data(), other);
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
