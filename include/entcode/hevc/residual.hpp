// hevc/residual.hpp — HEVC residual_coding() (H.265 §7.3.8.11), encoder and
// decoder, written once as templates over the common Encoder/Decoder
// concepts of stream.hpp: on the CABAC backend the bins are exactly the
// standard's; on the rANS backend the same bins are coded with rANS.
//
// Covered: transform_skip_flag, last_sig_coeff_{x,y}_{prefix,suffix} (with the
// vertical-scan swap), coded_sub_block_flag, sig_coeff_flag (with the inferred
// DC flag), coeff_abs_level_greater{1,2}_flag, coeff_sign_flag with sign data
// hiding, coeff_abs_level_remaining (TR prefix cMax 4 << k + EG(k+1) suffix,
// Rice update, §9.3.3.11), scans diagonal/horizontal/vertical, TB sizes 4..32,
// luma and chroma. Not covered (their enable flags must be 0): RExt tools
// (explicit/implicit RDPCM, extended precision, persistent Rice adaptation,
// bypass alignment, transform-skip contexts) and cross-component prediction.
//
// Coefficients are TransCoeffLevel[xC][yC] stored row-major: c[(yC << log2) + xC].
// Invariants: the encoder codes nothing and returns `invalid_argument` for a
// block it cannot represent (all zero, a level outside int16, or, with sign
// data hiding active, a hidden sign that disagrees with the level parity).
// The decoder writes exactly (1 << 2*log2) coefficients, never loops more than
// a fixed bound per coefficient, and reports `corrupt` for levels outside the
// int16 range or an over-long coeff_abs_level_remaining prefix, else the
// backend's sticky status (e.g. `truncated`).
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <utility>

#include "entcode/hevc/contexts.hpp"
#include "entcode/hevc/scan.hpp"
#include "entcode/status.hpp"
#include "entcode/stream.hpp"

namespace entcode {
inline namespace v0 {
namespace hevc {

// One residual_coding(x0, y0, log2TrafoSize, cIdx) call.
struct TransformBlock {
  int log2_size = 2;                    // log2TrafoSize, 2..5
  int c_idx = 0;                        // 0 = luma, 1 = Cb, 2 = Cr
  Scan scan = Scan::diagonal;           // scanIdx (see intra_scan())
  bool transquant_bypass = false;       // cu_transquant_bypass_flag (disables sign hiding)
  bool sign_data_hiding = false;        // sign_data_hiding_enabled_flag
  bool transform_skip_present = false;  // transform_skip_flag is coded (enabled, no bypass, size allowed)
  bool transform_skip = false;          // its value (encoder input)
};

namespace detail {

inline constexpr int kMaxLevel = 32768;         // |TransCoeffLevel| <= 2^15 (CoeffMinY = -2^15)
inline constexpr int kMaxRemainingEscape = 13;  // EG(k+1) prefix ones beyond the 4 TR ones that can be valid

constexpr bool valid_block(const TransformBlock& tb, std::size_t n) noexcept {
  return tb.log2_size >= 2 && tb.log2_size <= 5 && tb.c_idx >= 0 && tb.c_idx <= 2 &&
         n >= (std::size_t{1} << (2 * tb.log2_size)) && static_cast<int>(tb.scan) <= 2;
}

// Last position <-> prefix/suffix (§7.4.9.11, §9.3.3): pos < 4 is its own
// prefix; otherwise pos = ((2 + (prefix & 1)) << ((prefix >> 1) - 1)) + suffix.
struct LastPosCode {
  int prefix;
  int suffix;
  int suffix_bits;
};
constexpr LastPosCode last_pos_code(int pos) noexcept {
  if (pos < 4) return {pos, 0, 0};
  int g = 2;
  while ((pos >> (g + 1)) != 0) ++g;
  const int prefix = 2 * g + ((pos >> (g - 1)) & 1);
  return {prefix, pos - ((2 + (prefix & 1)) << (g - 1)), g - 1};
}

// Per sub-block state shared by encoder and decoder: greater1 ctxSet selection.
struct Greater1State {
  int c1 = 1;  // greater1Ctx after the previous sub-block's last flag (1 before the first)
  int next_ctx_set(int sub_block, bool chroma) {
    const int set = ((sub_block == 0 || chroma) ? 0 : 2) + (c1 == 0 ? 1 : 0);
    c1 = 1;
    return set;
  }
  // Updates greater1Ctx after a flag (kept within 0..3: only min(3, .) is used).
  void update(int flag) {
    if (flag) c1 = 0;
    else if (c1 > 0 && c1 < 3) ++c1;
  }
};

constexpr int rice_update(int rice, int abs_level) noexcept {
  return (abs_level > (3 << rice) && rice < 4) ? rice + 1 : rice;
}

template <Encoder E>
void encode_truncated_unary(E& enc, std::span<typename E::Context> ctxs, LastPrefixCtx c, int value, int cmax) {
  for (int i = 0; i < value; ++i) enc.encode_bin(ctxs[static_cast<std::size_t>(c.offset + (i >> c.shift))], 1);
  if (value < cmax) enc.encode_bin(ctxs[static_cast<std::size_t>(c.offset + (value >> c.shift))], 0);
}

// coeff_abs_level_remaining binarisation (§9.3.3.11) with Rice parameter k.
// Bypass groups match the decoder's reads one for one (the unary prefix bin
// by bin, then the suffix at once): backends such as rANS code a group of n
// bypass bits as one symbol, so a group must be decoded with the same n.
template <Encoder E>
void encode_remaining(E& enc, int value, int k) {
  int ones = value >> k;
  int suffix = value & ((1 << k) - 1);
  int suffix_bits = k;
  if (value >= (4 << k)) {  // TR prefix "1111", then EG(k+1) of the rest
    suffix = value - (4 << k);
    suffix_bits = k + 1;
    ones = 4;
    while (suffix >= (1 << suffix_bits)) {
      suffix -= 1 << suffix_bits;
      ++suffix_bits;
      ++ones;
    }
  }
  for (int i = 0; i < ones; ++i) enc.encode_bypass(1, 1);
  enc.encode_bypass(0, 1);
  enc.encode_bypass(static_cast<std::uint32_t>(suffix), suffix_bits);
}

template <Decoder D>
int decode_truncated_unary(D& dec, std::span<typename D::Context> ctxs, LastPrefixCtx c, int cmax) {
  int v = 0;
  while (v < cmax && dec.decode_bin(ctxs[static_cast<std::size_t>(c.offset + (v >> c.shift))])) ++v;
  return v;
}

template <Decoder D>
int decode_last_pos(D& dec, int prefix) {
  if (prefix < 4) return prefix;
  const int bits = (prefix >> 1) - 1;
  return ((2 + (prefix & 1)) << bits) + static_cast<int>(dec.decode_bypass(bits));
}

// One bypass bin: the backend's single-bin fast path when it has one (CABAC).
template <Decoder D>
int decode_bypass_bin(D& dec) {
  if constexpr (requires { { dec.decode_bypass() } -> std::convertible_to<int>; }) return dec.decode_bypass();
  else return static_cast<int>(dec.decode_bypass(1));
}

// Returns the value, or -1 for a prefix longer than any valid level needs.
template <Decoder D>
int decode_remaining(D& dec, int k) {
  int ones = 0;
  while (ones < 4 + kMaxRemainingEscape + 1 && decode_bypass_bin(dec)) ++ones;
  if (ones < 4) return (ones << k) + static_cast<int>(dec.decode_bypass(k));
  const int escape = ones - 4;
  if (escape > kMaxRemainingEscape) return -1;
  return (((1 << (escape + 1)) + 2) << k) + static_cast<int>(dec.decode_bypass(k + 1 + escape));
}

// Levels of one sub-block in scan order, and where its significant ones are.
struct SubBlockLevels {
  int level[16];
  int sig_pos[16];  // scan positions of nonzero levels, descending
  int num_sig;
};

inline void gather_sub_block(std::span<const std::int16_t> coeffs, int log2, ScanPos sb, const ScanPos* cscan,
                             SubBlockLevels& out) {
  out.num_sig = 0;
  for (int n = 15; n >= 0; --n) {
    const int x = (sb.x << 2) + cscan[n].x;
    const int y = (sb.y << 2) + cscan[n].y;
    const int v = coeffs[static_cast<std::size_t>((y << log2) + x)];
    out.level[n] = v;
    if (v != 0) out.sig_pos[out.num_sig++] = n;
  }
}

constexpr bool sign_hidden(const TransformBlock& tb, int first_sig, int last_sig) noexcept {
  return tb.sign_data_hiding && !tb.transquant_bypass && last_sig - first_sig > 3;
}

}  // namespace detail

// Encodes residual_coding() of one TB. `coeffs` holds at least (1 << 2*log2) levels.
template <Encoder E>
errc encode_residual(E& enc, ResidualContexts<typename E::Context>& cx, const TransformBlock& tb,
                     std::span<const std::int16_t> coeffs) {
  using namespace detail;
  if (!valid_block(tb, coeffs.size())) return errc::invalid_argument;
  const int log2 = tb.log2_size;
  const bool chroma = tb.c_idx > 0;
  const int log2_sb = log2 - 2;
  const ScanPos* sb_scan = scan_positions(log2_sb, tb.scan);
  const ScanPos* cscan = scan_positions(2, tb.scan);
  const int num_sb = 1 << (2 * log2_sb);

  // Validate before coding anything: find the last significant coefficient,
  // check the level range and the hidden signs' parities.
  int last_sb = -1;
  int last_pos = -1;
  SubBlockLevels sbl;
  for (int i = num_sb - 1; i >= 0; --i) {
    gather_sub_block(coeffs, log2, sb_scan[i], cscan, sbl);
    if (sbl.num_sig == 0) continue;
    if (last_sb < 0) {
      last_sb = i;
      last_pos = sbl.sig_pos[0];
    }
    int sum = 0;
    for (int k = 0; k < sbl.num_sig; ++k) sum += std::abs(sbl.level[sbl.sig_pos[k]]);
    const int first = sbl.sig_pos[sbl.num_sig - 1];
    if (sign_hidden(tb, first, sbl.sig_pos[0]) && ((sum & 1) != (sbl.level[first] < 0 ? 1 : 0)))
      return errc::invalid_argument;
  }
  if (last_sb < 0) return errc::invalid_argument;

  if (tb.transform_skip_present) enc.encode_bin(cx.transform_skip[chroma], tb.transform_skip ? 1 : 0);
  int lx = (sb_scan[last_sb].x << 2) + cscan[last_pos].x;
  int ly = (sb_scan[last_sb].y << 2) + cscan[last_pos].y;
  if (tb.scan == Scan::vertical) std::swap(lx, ly);
  const LastPosCode cx_code = last_pos_code(lx);
  const LastPosCode cy_code = last_pos_code(ly);
  const LastPrefixCtx lpc = last_prefix_ctx(log2, chroma);
  encode_truncated_unary(enc, std::span(cx.last_x), lpc, cx_code.prefix, 2 * log2 - 1);
  encode_truncated_unary(enc, std::span(cx.last_y), lpc, cy_code.prefix, 2 * log2 - 1);
  if (cx_code.suffix_bits) enc.encode_bypass(static_cast<std::uint32_t>(cx_code.suffix), cx_code.suffix_bits);
  if (cy_code.suffix_bits) enc.encode_bypass(static_cast<std::uint32_t>(cy_code.suffix), cy_code.suffix_bits);

  std::uint64_t coded = 0;  // coded_sub_block_flag, bit (yS << 3) + xS
  const int sb_max = (1 << log2_sb) - 1;
  Greater1State g1;
  for (int i = last_sb; i >= 0; --i) {
    const ScanPos sb = sb_scan[i];
    gather_sub_block(coeffs, log2, sb, cscan, sbl);
    const bool right = sb.x < sb_max && ((coded >> ((sb.y << 3) + sb.x + 1)) & 1);
    const bool below = sb.y < sb_max && ((coded >> (((sb.y + 1) << 3) + sb.x)) & 1);
    bool infer_dc = false;
    if (i < last_sb && i > 0) {
      enc.encode_bin(cx.coded_sub_block[static_cast<std::size_t>(coded_sub_block_ctx(right, below, chroma))],
                     sbl.num_sig ? 1 : 0);
      if (!sbl.num_sig) continue;
      infer_dc = true;
    }
    coded |= std::uint64_t{1} << ((sb.y << 3) + sb.x);
    const std::uint8_t* sig_ctx = sig_ctx_row(log2, chroma, tb.scan, int{right} | int{below} << 1, i == 0);
    for (int n = (i == last_sb) ? last_pos - 1 : 15; n >= 0; --n) {
      if (n == 0 && infer_dc) break;  // inferred significant
      const int sig = sbl.level[n] != 0;
      enc.encode_bin(cx.sig[sig_ctx[n]], sig);
      if (sig) infer_dc = false;
    }
    if (sbl.num_sig == 0) continue;  // sub-block (0, 0) is inferred coded but may be all zero

    const int ctx_set = g1.next_ctx_set(i, chroma);
    const int g1_base = greater1_ctx_base(ctx_set, chroma);
    const int num_g1 = std::min(sbl.num_sig, 8);
    int g2_k = -1;
    for (int k = 0; k < num_g1; ++k) {
      const int flag = std::abs(sbl.level[sbl.sig_pos[k]]) > 1;
      enc.encode_bin(cx.greater1[static_cast<std::size_t>(g1_base + g1.c1)], flag);
      g1.update(flag);
      if (flag && g2_k < 0) g2_k = k;
    }
    if (g2_k >= 0)
      enc.encode_bin(cx.greater2[static_cast<std::size_t>(greater2_ctx(ctx_set, chroma))],
                     std::abs(sbl.level[sbl.sig_pos[g2_k]]) > 2);

    const bool hidden = sign_hidden(tb, sbl.sig_pos[sbl.num_sig - 1], sbl.sig_pos[0]);
    const int num_signs = sbl.num_sig - (hidden ? 1 : 0);
    std::uint32_t signs = 0;
    for (int k = 0; k < num_signs; ++k) signs = signs << 1 | (sbl.level[sbl.sig_pos[k]] < 0 ? 1u : 0u);
    enc.encode_bypass(signs, num_signs);

    int rice = 0;
    for (int k = 0; k < sbl.num_sig; ++k) {
      const int abs_level = std::abs(sbl.level[sbl.sig_pos[k]]);
      const int base = k < 8 ? 1 + (abs_level > 1) + (k == g2_k && abs_level > 2) : 1;
      const int threshold = k < 8 ? (k == g2_k ? 3 : 2) : 1;
      if (base != threshold) continue;
      encode_remaining(enc, abs_level - base, rice);
      rice = rice_update(rice, abs_level);
    }
  }
  return errc::ok;
}

// Decodes residual_coding() of one TB into `coeffs` (at least (1 << 2*log2)
// entries; all of them are written). transform_skip receives
// transform_skip_flag (false when not present).
template <Decoder D>
errc decode_residual(D& dec, ResidualContexts<typename D::Context>& cx, const TransformBlock& tb,
                     std::span<std::int16_t> coeffs, bool& transform_skip) {
  using namespace detail;
  transform_skip = false;
  if (!valid_block(tb, coeffs.size())) return errc::invalid_argument;
  const int log2 = tb.log2_size;
  const bool chroma = tb.c_idx > 0;
  const int log2_sb = log2 - 2;
  std::fill_n(coeffs.begin(), std::size_t{1} << (2 * log2), std::int16_t{0});

  if (tb.transform_skip_present) transform_skip = dec.decode_bin(cx.transform_skip[chroma]) != 0;
  const LastPrefixCtx lpc = last_prefix_ctx(log2, chroma);
  const int px = decode_truncated_unary(dec, std::span(cx.last_x), lpc, 2 * log2 - 1);
  const int py = decode_truncated_unary(dec, std::span(cx.last_y), lpc, 2 * log2 - 1);
  int lx = decode_last_pos(dec, px);
  int ly = decode_last_pos(dec, py);
  if (tb.scan == Scan::vertical) std::swap(lx, ly);

  const ScanPos* sb_scan = scan_positions(log2_sb, tb.scan);
  const ScanPos* cscan = scan_positions(2, tb.scan);
  const int last_sb = scan_index(log2_sb, tb.scan, lx >> 2, ly >> 2);
  const int last_pos = scan_index(2, tb.scan, lx & 3, ly & 3);
  std::uint64_t coded = 0;
  const int sb_max = (1 << log2_sb) - 1;
  Greater1State g1;
  int sig_pos[16];
  int abs_level[16];
  for (int i = last_sb; i >= 0; --i) {
    const ScanPos sb = sb_scan[i];
    const bool right = sb.x < sb_max && ((coded >> ((sb.y << 3) + sb.x + 1)) & 1);
    const bool below = sb.y < sb_max && ((coded >> (((sb.y + 1) << 3) + sb.x)) & 1);
    bool infer_dc = false;
    if (i < last_sb && i > 0) {
      if (!dec.decode_bin(cx.coded_sub_block[static_cast<std::size_t>(coded_sub_block_ctx(right, below, chroma))]))
        continue;
      infer_dc = true;
    }
    coded |= std::uint64_t{1} << ((sb.y << 3) + sb.x);
    const std::uint8_t* sig_ctx = sig_ctx_row(log2, chroma, tb.scan, int{right} | int{below} << 1, i == 0);
    int num_sig = 0;
    int n = 15;
    if (i == last_sb) {
      sig_pos[num_sig++] = last_pos;
      n = last_pos - 1;
    }
    for (; n > 0; --n) {  // branch-free append
      sig_pos[num_sig] = n;
      num_sig += dec.decode_bin(cx.sig[sig_ctx[n]]);
    }
    if (n == 0) {  // DC of the sub-block: inferred when nothing else is significant
      if ((infer_dc && num_sig == 0) || dec.decode_bin(cx.sig[sig_ctx[0]])) sig_pos[num_sig++] = 0;
    }
    if (num_sig == 0) continue;  // sub-block (0, 0) is inferred coded but may be all zero

    const int ctx_set = g1.next_ctx_set(i, chroma);
    const int g1_base = greater1_ctx_base(ctx_set, chroma);
    const int num_g1 = std::min(num_sig, 8);
    int g2_k = -1;
    for (int k = 0; k < num_g1; ++k) {
      const int flag = dec.decode_bin(cx.greater1[static_cast<std::size_t>(g1_base + g1.c1)]);
      g1.update(flag);
      abs_level[k] = 1 + flag;
      if (flag && g2_k < 0) g2_k = k;
    }
    for (int k = num_g1; k < num_sig; ++k) abs_level[k] = 1;
    if (g2_k >= 0) abs_level[g2_k] += dec.decode_bin(cx.greater2[static_cast<std::size_t>(greater2_ctx(ctx_set, chroma))]);

    const bool hidden = sign_hidden(tb, sig_pos[num_sig - 1], sig_pos[0]);
    const int num_signs = num_sig - (hidden ? 1 : 0);
    const std::uint32_t signs = dec.decode_bypass(num_signs);  // MSB = first in reverse scan

    int rice = 0;
    int sum = 0;
    for (int k = 0; k < num_sig; ++k) {
      int level = abs_level[k];
      const int threshold = k < 8 ? (k == g2_k ? 3 : 2) : 1;
      if (level == threshold) {
        const int rem = decode_remaining(dec, rice);
        if (rem < 0 || rem > kMaxLevel - level) return errc::corrupt;
        level += rem;
        rice = rice_update(rice, level);
      }
      sum += level;
      const bool negative = (k < num_signs) ? ((signs >> (num_signs - 1 - k)) & 1) : (sum & 1);
      if (!negative && level == kMaxLevel) return errc::corrupt;
      const ScanPos p = cscan[sig_pos[k]];
      coeffs[static_cast<std::size_t>((((sb.y << 2) + p.y) << log2) + (sb.x << 2) + p.x)] =
          static_cast<std::int16_t>(negative ? -level : level);
    }
    if (dec.status() != errc::ok) return dec.status();
  }
  return dec.status();
}

template <Decoder D>
errc decode_residual(D& dec, ResidualContexts<typename D::Context>& cx, const TransformBlock& tb,
                     std::span<std::int16_t> coeffs) {
  bool transform_skip = false;
  return decode_residual(dec, cx, tb, coeffs, transform_skip);
}

}  // namespace hevc
}  // namespace v0
}  // namespace entcode
