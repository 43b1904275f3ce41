// transform.cpp — HEVC inverse/forward integer transforms (see hevc/transform.hpp).
//
// Both are separable matrix products with the generated matrix; a 1-D pass
// computes out[i] = Σ_j M[j][i]·in[j] (inverse: coefficient j weights basis
// row j) or out[k] = Σ_n M[k][n]·in[n] (forward).
#include "transform.hpp"

#include <algorithm>

namespace entcode {
inline namespace v0 {
namespace hevc {

namespace {

constexpr int kMaxN = 32;

struct Matrix {
  int m[kMaxN][kMaxN];
};

constexpr Matrix make_matrix(TransformType type, int log2) {
  Matrix t{};
  const int n = 1 << log2;
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < n; ++i) t.m[k][i] = transform_coefficient(type, log2, k, i);
  return t;
}

// [0] = DST 4x4, [1 + log2 - 2] = DCT of size 1 << log2.
constexpr Matrix kMatrices[5] = {make_matrix(TransformType::dst, 2), make_matrix(TransformType::dct, 2),
                                 make_matrix(TransformType::dct, 3), make_matrix(TransformType::dct, 4),
                                 make_matrix(TransformType::dct, 5)};

bool valid(std::size_t in, std::size_t out, int log2, TransformType type, int bit_depth) {
  if (log2 < 2 || log2 > 5 || bit_depth < 8 || bit_depth > 12) return false;
  if (type == TransformType::dst && log2 != 2) return false;
  const std::size_t n = std::size_t{1} << (2 * log2);
  return in >= n && out >= n;
}

const Matrix& matrix(TransformType type, int log2) {
  return kMatrices[type == TransformType::dst ? 0 : log2 - 1];
}

constexpr std::int64_t round_shift(std::int64_t v, int shift) { return (v + (std::int64_t{1} << (shift - 1))) >> shift; }

}  // namespace

errc inverse_transform(std::span<const std::int16_t> coeffs, int log2_size, TransformType type,
                       std::span<std::int16_t> residual, int bit_depth) noexcept {
  if (!valid(coeffs.size(), residual.size(), log2_size, type, bit_depth)) return errc::invalid_argument;
  const int n = 1 << log2_size;
  const Matrix& t = matrix(type, log2_size);
  // Stage 1: each column x, g[y][x] = Clip3(-2^15, 2^15 - 1, (Σ_j M[j][y]·d[j][x] + 64) >> 7).
  std::int32_t g[kMaxN * kMaxN];
  for (int x = 0; x < n; ++x)
    for (int y = 0; y < n; ++y) {
      std::int64_t e = 0;
      for (int j = 0; j < n; ++j) e += std::int64_t{t.m[j][y]} * coeffs[static_cast<std::size_t>((j << log2_size) + x)];
      g[(y << log2_size) + x] = static_cast<std::int32_t>(std::clamp<std::int64_t>(round_shift(e, 7), -32768, 32767));
    }
  // Stage 2: each row y, r[y][x] = Σ_j M[j][x]·g[y][j], then (r + (1 << (bdShift - 1))) >> bdShift.
  const int bd_shift = 20 - bit_depth;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      std::int64_t r = 0;
      for (int j = 0; j < n; ++j) r += std::int64_t{t.m[j][x]} * g[(y << log2_size) + j];
      residual[static_cast<std::size_t>((y << log2_size) + x)] = static_cast<std::int16_t>(round_shift(r, bd_shift));
    }
  return errc::ok;
}

errc forward_transform(std::span<const std::int16_t> residual, int log2_size, TransformType type,
                       std::span<std::int32_t> coeffs, int bit_depth) noexcept {
  if (!valid(residual.size(), coeffs.size(), log2_size, type, bit_depth)) return errc::invalid_argument;
  const int n = 1 << log2_size;
  const Matrix& t = matrix(type, log2_size);
  const int shift1 = log2_size + bit_depth - 9;
  const int shift2 = log2_size + 6;
  // Rows: h[y][k] = Σ_x M[k][x]·r[y][x] >> shift1 (rounded); columns: c[k][x] = Σ_y M[k][y]·h[y][x] >> shift2.
  std::int64_t h[kMaxN * kMaxN];
  for (int y = 0; y < n; ++y)
    for (int k = 0; k < n; ++k) {
      std::int64_t s = 0;
      for (int x = 0; x < n; ++x) s += std::int64_t{t.m[k][x]} * residual[static_cast<std::size_t>((y << log2_size) + x)];
      h[(y << log2_size) + k] = round_shift(s, shift1);  // shift1 >= 1
    }
  for (int k = 0; k < n; ++k)
    for (int x = 0; x < n; ++x) {
      std::int64_t s = 0;
      for (int y = 0; y < n; ++y) s += t.m[k][y] * h[(y << log2_size) + x];
      coeffs[static_cast<std::size_t>((k << log2_size) + x)] = static_cast<std::int32_t>(round_shift(s, shift2));
    }
  return errc::ok;
}

}  // namespace hevc
}  // namespace v0
}  // namespace entcode
