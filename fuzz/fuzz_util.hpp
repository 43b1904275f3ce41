// fuzz_util.hpp — small helpers shared by the fuzz targets: a byte-consuming
// parameter reader (so a target's parameters come from its first input bytes)
// and a hard failure that libFuzzer and the standalone driver both report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

namespace entcode::fuzz {

class Params {
 public:
  Params(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  // Next byte (0 once exhausted).
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint32_t u16() { return byte() | static_cast<std::uint32_t>(byte()) << 8; }
  std::span<const std::uint8_t> rest() const { return {data_ + pos_, size_ - pos_}; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz target failure: %s\n", what);
  std::abort();
}

}  // namespace entcode::fuzz
