// fuzz_util.hpp — small helpers shared by the fuzz targets: a byte-consuming
// parameter reader (so a target's parameters come from its first input bytes),
// the input size cap, a deterministic sample of the inputs (for checks too slow
// to run on every input: other ISAs, worker threads, big tables), tiling a short
// input into a big one, and a hard failure that libFuzzer and the standalone
// driver both report.
// Speed rule (doc/security.md): every target must run >= 5,000 exec/s under
// ASan + UBSan, so a target reads at most kMaxInput bytes and builds no table
// that does not depend on the input more than once per process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "entcode/isa.hpp"

namespace entcode::fuzz {

// Bytes of input a target looks at (libFuzzer is run with -max_len=kMaxInput too).
inline constexpr std::size_t kMaxInput = 4096;

class Params {
 public:
  // Reads at most kMaxInput bytes.
  Params(const std::uint8_t* data, std::size_t size) : data_(data), size_(size < kMaxInput ? size : kMaxInput) {}
  // Next byte (0 once exhausted).
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint32_t u16() { return byte() | static_cast<std::uint32_t>(byte()) << 8; }
  std::span<const std::uint8_t> rest() const { return {data_ + pos_, size_ - pos_}; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

inline std::span<const std::uint8_t> capped(const std::uint8_t* data, std::size_t size) {
  return {data, size < kMaxInput ? size : kMaxInput};
}

// FNV-1a of the bytes.
inline std::uint32_t hash(std::span<const std::uint8_t> bytes) {
  std::uint32_t h = 2166136261u;
  for (auto b : bytes) h = (h ^ b) * 16777619u;
  return h;
}

// True for about one input in `n`: the same input is always in or out of the
// sample, so a finding reproduces.
inline bool sampled(std::span<const std::uint8_t> bytes, std::uint32_t n) { return hash(bytes) % n == 0; }

// On a 1-in-4 sample of the inputs, one of the ISAs below the best this CPU runs
// (so the kernels a CPU without AVX-512 would use are fuzzed too); else nullopt.
inline std::optional<Isa> sampled_isa(std::span<const std::uint8_t> bytes) {
  const std::uint32_t h = hash(bytes);
  const auto best = static_cast<unsigned>(best_isa());
  if (h % 4 != 0 || best == 0) return std::nullopt;
  return static_cast<Isa>(h / 4 % best);
}

// Makes the library's default kernels those of `isa` (ENTCODE_ISA, read per call
// by selected_isa()), or the best ones for nullopt. Call between coder calls only.
inline void use_isa(std::optional<Isa> isa) {
  if (isa) setenv("ENTCODE_ISA", to_string(*isa), 1);
  else unsetenv("ENTCODE_ISA");
}

// Repeats `bytes` (non-empty) until it holds at least n bytes: cheap inputs for
// paths that only big blocks take (order-1 byte coding needs >= 4 KiB).
inline void tile(std::vector<std::uint8_t>& bytes, std::size_t n) {
  for (const std::size_t period = bytes.size(); bytes.size() < n;) bytes.push_back(bytes[bytes.size() % period]);
}

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz target failure: %s\n", what);
  std::abort();
}

}  // namespace entcode::fuzz
