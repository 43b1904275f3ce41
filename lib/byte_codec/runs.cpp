// byte_codec/runs.cpp — long runs of one byte in a chunk (see runs.hpp).
#include "runs.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "models.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

namespace {

// Runs are scanned a block of kScanBlock bytes at a time by memcmp against a
// block of the run's byte (vectorised by the C library), then byte by byte.
constexpr std::size_t kScanBlock = 64;
using Pattern = std::array<std::uint8_t, kScanBlock>;

// The end of the run of pattern[0] starting at `from`.
std::size_t run_end(std::span<const std::uint8_t> src, std::size_t from, const Pattern& pattern) noexcept {
  std::size_t i = from;
  while (src.size() - i >= kScanBlock && std::memcmp(src.data() + i, pattern.data(), kScanBlock) == 0) i += kScanBlock;
  while (i < src.size() && src[i] == pattern[0]) ++i;
  return i;
}

// The start of the run of pattern[0] ending at `to` (exclusive).
std::size_t run_begin(std::span<const std::uint8_t> src, std::size_t to, const Pattern& pattern) noexcept {
  std::size_t i = to;
  while (i >= kScanBlock && std::memcmp(src.data() + i - kScanBlock, pattern.data(), kScanBlock) == 0) i -= kScanBlock;
  while (i > 0 && src[i - 1] == pattern[0]) --i;
  return i;
}

}  // namespace

std::size_t run_end(std::span<const std::uint8_t> src, std::size_t from) noexcept {
  Pattern pattern;
  pattern.fill(src[from]);
  return run_end(src, from, pattern);
}

// A run of at least kMinSplitRun bytes holds a whole window [i, i + kMinSplitRun / 2)
// for some i that is a multiple of kMinSplitRun / 2 (its first such i is at most
// kMinSplitRun / 2 - 1 past its start): only those windows are probed, by their
// two ends first.
ByteRun next_long_run(std::span<const std::uint8_t> src, std::size_t from) noexcept {
  constexpr std::size_t half = kMinSplitRun / 2;
  for (std::size_t i = (from + half - 1) / half * half; i + half <= src.size(); i += half) {
    if (src[i] != src[i + half - 1]) continue;
    Pattern pattern;
    pattern.fill(src[i]);
    const std::size_t end = run_end(src, i, pattern);
    if (end < i + half) continue;
    const ByteRun run{std::max(from, run_begin(src, i, pattern)), end};
    if (run.size() >= kMinSplitRun) return run;
  }
  return {};
}

bool RunSplitter::worth_splitting(const ByteRun& run) noexcept {
  if (run.size() == chunk_.size()) return true;  // the whole chunk: a run block, no counts needed
  if (!counted_) {
    count_order0(chunk_, counts_, isa_);
    counted_ = true;
  }
  const double before = bits_of_counts(counts_, 256);
  const auto members = static_cast<double>(std::count_if(std::begin(counts_), std::end(counts_), [](std::uint32_t c) { return c != 0; }));
  std::uint32_t* const c = &counts_[chunk_[run.begin]];
  *c -= static_cast<std::uint32_t>(run.size());
  if (before - bits_of_counts(counts_, 256) >= 8 * (kSplitGainBytes + 2 * members)) return true;  // stays out of the counts
  *c += static_cast<std::uint32_t>(run.size());
  return false;
}

ByteRun RunSplitter::next(std::size_t from) noexcept {
  for (ByteRun run = next_long_run(chunk_, from); run.size() != 0; run = next_long_run(chunk_, run.end))
    if (worth_splitting(run)) return run;
  return {};
}

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
