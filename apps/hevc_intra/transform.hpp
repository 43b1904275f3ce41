// apps/hevc_intra/transform.hpp — the HEVC integer transforms (H.265 §8.6.4.2, §8.6.2).
//
// Inverse (the decoder's, bit-exact with the standard): the 4/8/16/32-point
// DCT-like transform and the 4x4 DST of intra luma, columns first, the
// intermediate values clipped to [coeffMin, coeffMax] = [-2^15, 2^15 - 1]
// after (e + 64) >> 7, the residual rounded by bdShift = 20 - BitDepth.
// Forward (this library's own, any forward transform is valid): the
// transposed matrices with rounding shifts log2(N) + BitDepth - 9 (rows) and
// log2(N) + 6 (columns), so a coefficient is about 2^(15 - BitDepth - log2 N)
// times the orthonormal transform's — the scale quant.hpp's quantiser expects.
//
// Blocks are row-major: c[(y << log2) + x], x horizontal (frequency in x for
// coefficients). Matrices: entry (k, n) of the 32-point matrix is
// ±kDctCos[angle] for angle = (2n + 1)k mod 128 in units of pi/64 folded into
// 0..32 (the standard's table, generated); the N-point matrix is rows
// k * 32 / N, columns 0..N-1 of it.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace hevc {

enum class TransformType : std::uint8_t { dct = 0, dst = 1 };

// §8.6.4.2 trType: the DST for 4x4 luma TBs of intra CUs, the DCT otherwise.
constexpr TransformType transform_type(bool intra, int log2_size, int c_idx) noexcept {
  return intra && log2_size == 2 && c_idx == 0 ? TransformType::dst : TransformType::dct;
}

namespace detail {
// 64·√2·cos(a·π/64) as the standard rounds it, a = 0..32 (a = 0 is the DC row's 64).
inline constexpr std::array<int, 33> kDctCos = {64, 90, 90, 90, 89, 88, 87, 85, 83, 82, 80, 78, 75, 73, 70, 67, 64,
                                                 61, 57, 54, 50, 46, 43, 38, 36, 31, 25, 22, 18, 13, 9,  4,  0};
inline constexpr int kDst4[4][4] = {{29, 55, 74, 84}, {74, 74, 0, -74}, {84, -29, -74, 55}, {55, -84, 74, -29}};
}  // namespace detail

// transMatrix entry for basis function k (row) at sample n (column) of the 32-point transform.
constexpr int dct32_coefficient(int k, int n) noexcept {
  int a = ((2 * n + 1) * k) & 127;
  if (a > 64) a = 128 - a;
  return a <= 32 ? detail::kDctCos[static_cast<std::size_t>(a)] : -detail::kDctCos[static_cast<std::size_t>(64 - a)];
}

// Basis function k at sample n of the (1 << log2_size)-point transform of `type`.
constexpr int transform_coefficient(TransformType type, int log2_size, int k, int n) noexcept {
  if (type == TransformType::dst) return detail::kDst4[k][n];
  return dct32_coefficient(k << (5 - log2_size), n);
}

// §8.6.4.2 + §8.6.2: scaled coefficients d (already clipped to int16, see
// dequantize()) -> residual. log2_size 2..5 (dst: 2 only), bit_depth 8..12;
// spans hold at least (1 << 2*log2_size) entries. Errors: invalid_argument.
errc inverse_transform(std::span<const std::int16_t> coeffs, int log2_size, TransformType type,
                       std::span<std::int16_t> residual, int bit_depth = 8) noexcept;

// Forward transform of a residual block (|r| < 2^bit_depth) into coefficients
// at the quantiser's scale (|c| < 2^15). Same arguments and errors.
errc forward_transform(std::span<const std::int16_t> residual, int log2_size, TransformType type,
                       std::span<std::int32_t> coeffs, int bit_depth = 8) noexcept;

}  // namespace hevc
}  // namespace v0
}  // namespace entcode
