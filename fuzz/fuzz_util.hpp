// fuzz_util.hpp — small helpers shared by the fuzz targets: a byte-consuming
// parameter reader (so a target's parameters come from its first input bytes),
// the input size cap, a deterministic sample of the inputs (for checks too slow
// to run on every input: other ISAs, worker threads, big tables), tiling a short
// input into a big one, a reusable output buffer, and a hard failure that
// libFuzzer and the standalone driver both report.
// Speed rule (doc/security.md): every target must run >= 5,000 exec/s under
// ASan + UBSan, so a target reads at most kMaxInput bytes and builds no table
// that does not depend on the input more than once per process.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include <sanitizer/asan_interface.h>  // ASAN_(UN)POISON_MEMORY_REGION: no-ops without ASan

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
// sample, so a finding reproduces. Samples with different salts are independent
// of each other and of sampled_isa().
inline bool sampled(std::span<const std::uint8_t> bytes, std::uint32_t n, std::uint32_t salt = 0) {
  std::uint32_t h = hash(bytes) + (salt + 1) * 0x9e3779b9u;  // then murmur3's finaliser
  h = (h ^ (h >> 16)) * 0x85ebca6bu;
  h = (h ^ (h >> 13)) * 0xc2b2ae35u;
  return (h ^ (h >> 16)) % n == 0;
}

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

// An output buffer reused by every input: get(n) hands out exactly n bytes and
// poisons the rest of the buffer for ASan, so a write or read past them is
// reported as for an exact-size allocation (one before them hits the heap
// redzone), while an input pays neither an allocation nor fresh pages (outputs
// > 128 KiB are mmap'ed and page-faulted in afresh on every call under ASan).
// Its bytes keep whatever the previous input left: fill() them where a check
// must not see stale data.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() { ASAN_UNPOISON_MEMORY_REGION(buf_.data(), buf_.size()); }

  std::span<std::uint8_t> get(std::size_t n) {
    ASAN_UNPOISON_MEMORY_REGION(buf_.data(), buf_.size());
    if (buf_.size() < n) buf_.resize(n);
    ASAN_POISON_MEMORY_REGION(buf_.data() + n, buf_.size() - n);
    return {buf_.data(), n};
  }

  // get(n) filled with one marker byte, as a fresh buffer would be zeroed: for outputs a
  // decoder must write in full, so no earlier input's bytes can stand in for missed ones.
  std::span<std::uint8_t> get_filled(std::size_t n) {
    const auto out = get(n);
    std::fill(out.begin(), out.end(), std::uint8_t{0xa5});
    return out;
  }

 private:
  std::vector<std::uint8_t> buf_;
};

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz target failure: %s\n", what);
  std::abort();
}

}  // namespace entcode::fuzz
