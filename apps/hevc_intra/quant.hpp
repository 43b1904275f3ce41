// apps/hevc_intra/quant.hpp — HEVC flat quantisation: the decoder's scaling process
// (H.265 §8.6.3, scaling_list_enabled_flag = 0 so m = 16), a matching
// dead-zone quantiser for encoders, and the chroma QP mapping (§8.6.1,
// Table 8-10, ChromaArrayType = 1).
//
// dequantize(): d = Clip3(-2^15, 2^15 - 1, (level · 16 · levelScale[qP % 6]
//   << (qP / 6)) + (1 << (bdShift - 1))) >> bdShift), bdShift = BitDepth +
//   log2(nTbS) - 5, computed in 64 bits (exact for every int16 level).
// quantize(): level = sign(c) · min(2^15 - 1, (|c| · quantScale[qP % 6] + f) >>
//   qBits), qBits = 14 + qP / 6 + (15 - BitDepth - log2 nTbS), f = the
//   rounding offset (rounding_q9 / 512 of a step; 171 ≈ 1/3 suits intra);
//   quantScale[i] = round(2^20 / levelScale[i]) so dequantize(quantize(c)) ≈ c
//   for coefficients from forward_transform() (transform.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace hevc {

inline constexpr std::array<int, 6> kLevelScale = {40, 45, 51, 57, 64, 72};
inline constexpr std::array<int, 6> kQuantScale = {26214, 23302, 20560, 18396, 16384, 14564};
inline constexpr int kMaxQp = 51;  // 8-bit video: QpBdOffset = 0

// Table 8-10: QpC from qPi for ChromaArrayType = 1.
constexpr int chroma_qp_from_qpi(int qpi) noexcept {
  constexpr int kTable[14] = {29, 30, 31, 32, 33, 33, 34, 34, 35, 35, 36, 36, 37, 37};  // qPi 30..43
  if (qpi < 30) return qpi;
  if (qpi > 43) return qpi - 6;
  return kTable[qpi - 30];
}

// §8.6.1 Qp'Cb / Qp'Cr for 8-bit 4:2:0: qPi = Clip3(0, 57, QpY + offset), mapped by Table 8-10.
constexpr int chroma_qp(int qp_y, int qp_offset) noexcept {
  const int qpi = qp_y + qp_offset < 0 ? 0 : (qp_y + qp_offset > 57 ? 57 : qp_y + qp_offset);
  return chroma_qp_from_qpi(qpi);
}

// §8.6.3 scaling of one TB's TransCoeffLevel values (row-major, 1 << 2*log2_size
// of them) into d. qp 0..51, log2_size 2..5, bit_depth 8..12; errors: invalid_argument.
errc dequantize(std::span<const std::int16_t> levels, int log2_size, int qp, std::span<std::int16_t> scaled,
                int bit_depth = 8) noexcept;

// Quantises forward_transform() coefficients into levels; returns the number
// of nonzero levels, or -1 for invalid arguments (same ranges as dequantize,
// rounding_q9 in 0..511).
int quantize(std::span<const std::int32_t> coeffs, int log2_size, int qp, int rounding_q9,
             std::span<std::int16_t> levels, int bit_depth = 8) noexcept;

}  // namespace hevc
}  // namespace v0
}  // namespace entcode
