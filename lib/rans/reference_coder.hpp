// rans/reference_coder.hpp — private: the interleaved reference coder over
// per-symbol tables (the byte layout of entcode/rans/reference.hpp, any lane
// count 1 .. kMaxReferenceLanes). Used by reference.cpp (order-0 bytes), the
// Gaussian coder's reference path (gaussian/kernels_scalar.cpp) and the tests
// that check every SIMD kernel against it. The step is lib/rans/step.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "entcode/rans/reference.hpp"
#include "step.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {
namespace reference {

// Encodes n symbols over `lanes` states into dst; enc_for(i) -> const EncSymbol&.
// Returns the stream size, or output_too_small / invalid_argument.
template <class EncFor>
Result<std::size_t> interleaved_encode(std::size_t n, unsigned lanes, EncFor&& enc_for, std::span<std::byte> dst) {
  if (lanes == 0 || lanes > kMaxReferenceLanes) return errc::invalid_argument;
  std::vector<std::uint32_t> x(lanes, step::kStateLow);
  std::size_t pos = dst.size();  // words are written backwards from the end
  for (std::size_t i = n; i-- > 0;) {
    std::uint16_t word;
    if (step::encode(x[i % lanes], enc_for(i), word)) {
      if (pos < 2 + 4 * std::size_t{lanes}) return errc::output_too_small;
      pos -= 2;
      dst[pos] = static_cast<std::byte>(word);
      dst[pos + 1] = static_cast<std::byte>(word >> 8);
    }
  }
  if (pos < 4 * std::size_t{lanes}) return errc::output_too_small;
  for (unsigned lane = lanes; lane-- > 0;) {
    pos -= 4;
    for (int b = 0; b < 4; ++b) dst[pos + b] = static_cast<std::byte>(x[lane] >> (8 * b));
  }
  const std::size_t size = dst.size() - pos;
  std::memmove(dst.data(), dst.data() + pos, size);
  return size;
}

// Decodes n symbols; step(i, x) -> x' decodes symbol i from state x (storing it
// wherever the caller wants) and returns the state before renormalisation.
template <class Step>
errc interleaved_decode(std::span<const std::byte> src, std::size_t n, unsigned lanes, Step&& step) {
  if (lanes == 0 || lanes > kMaxReferenceLanes) return errc::invalid_argument;
  auto byte_at = [&](std::size_t k) { return std::uint32_t{std::to_integer<std::uint8_t>(src[k])}; };
  if (src.size() < 4 * std::size_t{lanes}) return errc::truncated;
  std::vector<std::uint32_t> x(lanes);
  for (unsigned lane = 0; lane < lanes; ++lane) {
    const std::size_t k = 4 * std::size_t{lane};
    x[lane] = byte_at(k) | byte_at(k + 1) << 8 | byte_at(k + 2) << 16 | byte_at(k + 3) << 24;
    if (step::needs_word(x[lane])) return errc::corrupt;
  }
  std::size_t pos = 4 * std::size_t{lanes};
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t& xi = x[i % lanes];
    xi = step(i, xi);
    if (step::needs_word(xi)) {
      if (src.size() - pos < 2) return errc::truncated;
      xi = step::shift_in(xi, byte_at(pos) | byte_at(pos + 1) << 8);
      pos += 2;
    }
  }
  for (const std::uint32_t xl : x)
    if (xl != step::kStateLow) return errc::corrupt;
  return pos == src.size() ? errc::ok : errc::corrupt;
}

}  // namespace reference
}  // namespace rans
}  // namespace v0
}  // namespace entcode
