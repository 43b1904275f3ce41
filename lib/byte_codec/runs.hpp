// byte_codec/runs.hpp — long runs of one byte inside a chunk of content, which
// the frame encoder codes as `run` blocks of their own (lib-internal; an encoder
// choice, doc/format.md "Encoder choices": the format is unchanged).
//
// Why: a run inside a coded block costs log2(n / c) bits a byte (c of the n
// bytes being that byte), and it dilutes every other byte's probability. Real
// quality strings hold such runs (a long read's missing qualities: one run of
// 1,000,647 '#' in the bench's corpus): a 1 MiB block that is 90% '#' coded to
// 77,783 bytes whole, ~55 KB with its run as a block of 7 bytes.
// Invariants: runs found are maximal, at least kMinSplitRun bytes, and in
// increasing order; a run is split off only when the bits it costs in the
// chunk's order-0 model (the entropy of the chunk's counts less that of the
// counts without it) pass kSplitGainBytes + 2 bytes per distinct byte of the
// chunk: the headers, model and lanes' states of the extra coded block. Order-1
// blocks are never split (a run costs ~nothing after itself there, and a
// second tables section costs ~1 KB on text: 30 KB of text around a 20 KB run
// coded to 14.0 KB whole, 15.2 KB split). Chunks without long runs are
// untouched: their scan reads one byte in kMinSplitRun / 2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "entcode/isa.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

inline constexpr std::size_t kMinSplitRun = 4096;
inline constexpr double kSplitGainBytes = 128;

struct ByteRun {
  std::size_t begin = 0, end = 0;  // [begin, end); empty: none
  [[nodiscard]] std::size_t size() const noexcept { return end - begin; }
};

// The end of the run of src[from] that starts at `from` (from < src.size()).
std::size_t run_end(std::span<const std::uint8_t> src, std::size_t from) noexcept;

// The first maximal run of one byte of at least kMinSplitRun bytes starting at
// or after `from` (empty if none).
ByteRun next_long_run(std::span<const std::uint8_t> src, std::size_t from) noexcept;

// Splits chunks into pieces: long runs worth a block of their own, and the
// content between them. Counts the chunk (order 0) once, on the first long run
// that is not the whole chunk.
class RunSplitter {
 public:
  RunSplitter(std::span<const std::uint8_t> chunk, Isa isa) noexcept : chunk_(chunk), isa_(isa) {}
  // The next run to split off at or after `from` (empty if none).
  ByteRun next(std::size_t from) noexcept;

 private:
  bool worth_splitting(const ByteRun& run) noexcept;
  std::span<const std::uint8_t> chunk_;
  Isa isa_;  // of count_order0
  std::uint32_t counts_[256] = {};
  bool counted_ = false;
};

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
