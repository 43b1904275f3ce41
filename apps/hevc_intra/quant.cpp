// quant.cpp — HEVC flat scaling (dequantisation) and quantisation (see hevc/quant.hpp).
#include "quant.hpp"

#include <algorithm>
#include <cstdlib>

namespace entcode {
inline namespace v0 {
namespace hevc {

namespace {

bool valid(std::size_t in, std::size_t out, int log2, int qp, int bit_depth) {
  if (log2 < 2 || log2 > 5 || qp < 0 || qp > kMaxQp + 6 * (bit_depth - 8) || bit_depth < 8 || bit_depth > 12) return false;
  const std::size_t n = std::size_t{1} << (2 * log2);
  return in >= n && out >= n;
}

}  // namespace

errc dequantize(std::span<const std::int16_t> levels, int log2_size, int qp, std::span<std::int16_t> scaled,
                int bit_depth) noexcept {
  if (!valid(levels.size(), scaled.size(), log2_size, qp, bit_depth)) return errc::invalid_argument;
  const int bd_shift = bit_depth + log2_size - 5;
  const std::int64_t scale = std::int64_t{16} * kLevelScale[static_cast<std::size_t>(qp % 6)] << (qp / 6);
  const std::int64_t add = std::int64_t{1} << (bd_shift - 1);
  const std::size_t n = std::size_t{1} << (2 * log2_size);
  for (std::size_t i = 0; i < n; ++i)
    scaled[i] = static_cast<std::int16_t>(std::clamp<std::int64_t>((levels[i] * scale + add) >> bd_shift, -32768, 32767));
  return errc::ok;
}

int quantize(std::span<const std::int32_t> coeffs, int log2_size, int qp, int rounding_q9,
             std::span<std::int16_t> levels, int bit_depth) noexcept {
  if (!valid(coeffs.size(), levels.size(), log2_size, qp, bit_depth) || rounding_q9 < 0 || rounding_q9 > 511) return -1;
  const int q_bits = 14 + qp / 6 + (15 - bit_depth - log2_size);
  const std::int64_t scale = kQuantScale[static_cast<std::size_t>(qp % 6)];
  const std::int64_t offset = std::int64_t{rounding_q9} << (q_bits - 9);
  const std::size_t n = std::size_t{1} << (2 * log2_size);
  int nonzero = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t mag = std::min<std::int64_t>((std::abs(std::int64_t{coeffs[i]}) * scale + offset) >> q_bits, 32767);
    levels[i] = static_cast<std::int16_t>(coeffs[i] < 0 ? -mag : mag);
    nonzero += mag != 0 ? 1 : 0;
  }
  return nonzero;
}

}  // namespace hevc
}  // namespace v0
}  // namespace entcode
