// hevc/contexts.hpp — the context variables of HEVC residual_coding() and
// their initialisation (H.265 §9.3.2.2, Tables 9-4 .. 9-37) and context index
// derivations (§9.3.4.2.3 .. 9.3.4.2.7).
//
// initType 0 = I slices, 1 = P slices (or B with cabac_init_flag), 2 = B
// slices. Context counts: transform_skip_flag 2 (luma, chroma),
// last_sig_coeff_{x,y}_prefix 18 each, coded_sub_block_flag 4,
// sig_coeff_flag 42 (27 luma + 15 chroma; the two RExt transform-skip
// contexts are not used: transform_skip_context_enabled_flag = 0),
// coeff_abs_level_greater1_flag 24 (16 luma + 8 chroma),
// coeff_abs_level_greater2_flag 6 (4 + 2).
// The sig_coeff_flag ctxInc is precomputed per (component, TB size, scan,
// right/below coded-sub-block pattern, sub-block 0 or not) for the 16 scan
// positions of a sub-block: one table row is looked up per sub-block.
#pragma once

#include <array>
#include <cstdint>

#include "entcode/hevc/scan.hpp"
#include "entcode/stream.hpp"

namespace entcode {
inline namespace v0 {
namespace hevc {

// Init values per initType (rows), in the standard's ctxIdx order.
namespace init_values {
inline constexpr std::uint8_t transform_skip[3][2] = {{139, 139}, {139, 139}, {139, 139}};
inline constexpr std::uint8_t last_prefix[3][18] = {
    {110, 110, 124, 125, 140, 153, 125, 127, 140, 109, 111, 143, 127, 111, 79, 108, 123, 63},
    {125, 110, 94, 110, 95, 79, 125, 111, 110, 78, 110, 111, 111, 95, 94, 108, 123, 108},
    {125, 110, 124, 110, 95, 94, 125, 111, 111, 79, 125, 126, 111, 111, 79, 108, 123, 93}};
inline constexpr std::uint8_t coded_sub_block[3][4] = {{91, 171, 134, 141}, {121, 140, 61, 154}, {121, 140, 61, 154}};
inline constexpr std::uint8_t sig_coeff[3][42] = {
    {111, 111, 125, 110, 110, 94,  124, 108, 124, 107, 125, 141, 179, 153, 125, 107, 125, 141, 179, 153, 125,
     107, 125, 141, 179, 153, 125, 140, 139, 182, 182, 152, 136, 152, 136, 153, 136, 139, 111, 136, 139, 111},
    {155, 154, 139, 153, 139, 123, 123, 63,  153, 166, 183, 140, 136, 153, 154, 166, 183, 140, 136, 153, 154,
     166, 183, 140, 136, 153, 154, 170, 153, 123, 123, 107, 121, 107, 121, 167, 151, 183, 140, 151, 183, 140},
    {170, 154, 139, 153, 139, 123, 123, 63,  124, 166, 183, 140, 136, 153, 154, 166, 183, 140, 136, 153, 154,
     166, 183, 140, 136, 153, 154, 170, 153, 138, 138, 122, 121, 122, 121, 167, 151, 183, 140, 151, 183, 140}};
inline constexpr std::uint8_t greater1[3][24] = {
    {140, 92, 137, 138, 140, 152, 138, 139, 153, 74, 149, 92, 139, 107, 122, 152, 140, 179, 166, 182, 140, 227, 122, 197},
    {154, 196, 196, 167, 154, 152, 167, 182, 182, 134, 149, 136, 153, 121, 136, 137, 169, 194, 166, 167, 154, 167, 137, 182},
    {154, 196, 167, 167, 154, 152, 167, 182, 182, 134, 149, 136, 153, 121, 136, 122, 169, 208, 166, 167, 154, 152, 167, 182}};
inline constexpr std::uint8_t greater2[3][6] = {
    {138, 153, 136, 167, 152, 152}, {107, 167, 91, 122, 107, 167}, {107, 167, 91, 107, 107, 167}};
}  // namespace init_values

// Builds every context of an array from its init values (§9.3.2.2).
template <class Ctx, std::size_t N>
void init_contexts(std::array<Ctx, N>& ctxs, const std::uint8_t (&values)[N], int slice_qp) {
  for (std::size_t i = 0; i < N; ++i) ctxs[i] = Ctx(ContextInit{values[i], slice_qp});
}

// The residual_coding() contexts of one slice (one CABAC/rANS stream).
template <class Ctx>
struct ResidualContexts {
  std::array<Ctx, 2> transform_skip;
  std::array<Ctx, 18> last_x;
  std::array<Ctx, 18> last_y;
  std::array<Ctx, 4> coded_sub_block;
  std::array<Ctx, 42> sig;
  std::array<Ctx, 24> greater1;
  std::array<Ctx, 6> greater2;

  // init_type 0..2 (clamped), slice_qp = SliceQpY.
  explicit ResidualContexts(int init_type = 0, int slice_qp = 26) {
    const std::size_t t = init_type < 0 ? 0u : (init_type > 2 ? 2u : static_cast<std::size_t>(init_type));
    init_contexts(transform_skip, init_values::transform_skip[t], slice_qp);
    init_contexts(last_x, init_values::last_prefix[t], slice_qp);
    init_contexts(last_y, init_values::last_prefix[t], slice_qp);
    init_contexts(coded_sub_block, init_values::coded_sub_block[t], slice_qp);
    init_contexts(sig, init_values::sig_coeff[t], slice_qp);
    init_contexts(greater1, init_values::greater1[t], slice_qp);
    init_contexts(greater2, init_values::greater2[t], slice_qp);
  }
};

// §9.3.4.2.3: last_sig_coeff_{x,y}_prefix ctxInc = ctx_offset + (binIdx >> ctx_shift).
struct LastPrefixCtx {
  int offset;
  int shift;
};
constexpr LastPrefixCtx last_prefix_ctx(int log2_size, bool chroma) noexcept {
  if (chroma) return {15, log2_size - 2};
  return {3 * (log2_size - 2) + ((log2_size - 1) >> 2), (log2_size + 1) >> 2};
}

// §9.3.4.2.4: coded_sub_block_flag ctxInc from the right/below sub-blocks' flags.
constexpr int coded_sub_block_ctx(bool right, bool below, bool chroma) noexcept {
  return (chroma ? 2 : 0) + ((right || below) ? 1 : 0);
}

// §9.3.4.2.5: sig_coeff_flag ctxInc (0..41, chroma already offset by 27) at
// position (xC, yC) of a (1 << log2_size) TB; pattern = right | below << 1
// (the prevCsbf of the standard).
constexpr int sig_coeff_ctx(int log2_size, bool chroma, Scan scan, int pattern, int xc, int yc) noexcept {
  constexpr std::uint8_t kCtxIdxMap[16] = {0, 1, 4, 5, 2, 3, 4, 5, 6, 6, 8, 8, 7, 7, 8, 8};
  int sig = 0;
  if (log2_size == 2) {
    sig = kCtxIdxMap[(yc << 2) + xc];
  } else if (xc + yc == 0) {
    sig = 0;
  } else {
    const int xp = xc & 3;
    const int yp = yc & 3;
    switch (pattern) {
      case 0: sig = (xp + yp == 0) ? 2 : (xp + yp < 3) ? 1 : 0; break;
      case 1: sig = (yp == 0) ? 2 : (yp == 1) ? 1 : 0; break;
      case 2: sig = (xp == 0) ? 2 : (xp == 1) ? 1 : 0; break;
      default: sig = 2; break;
    }
    if (!chroma) {
      if ((xc >> 2) + (yc >> 2) > 0) sig += 3;
      sig += log2_size == 3 ? (scan == Scan::diagonal ? 9 : 15) : 21;
    } else {
      sig += log2_size == 3 ? 9 : 12;
    }
  }
  return chroma ? 27 + sig : sig;
}

namespace detail {
// Row [chroma][log2-2][scan][pattern][first][n]: ctxInc for scan position n of
// a sub-block (first = the sub-block at (0, 0); otherwise a representative (1, 0)).
using SigCtxTable = std::array<std::array<std::array<std::array<std::array<std::array<std::uint8_t, 16>, 2>, 4>, 3>, 4>, 2>;
constexpr SigCtxTable make_sig_ctx_table() {
  SigCtxTable t{};
  for (int c = 0; c < 2; ++c)
    for (int l = 2; l <= 5; ++l)
      for (Scan s : {Scan::diagonal, Scan::horizontal, Scan::vertical})
        for (int pat = 0; pat < 4; ++pat)
          for (int first = 0; first < 2; ++first)
            for (int n = 0; n < 16; ++n) {
              const ScanPos p = scan_positions(2, s)[n];
              const int xc = p.x + ((first || l == 2) ? 0 : 4);  // a 4x4 TB has one sub-block
              t[c][l - 2][static_cast<std::size_t>(s)][pat][first][n] =
                  static_cast<std::uint8_t>(sig_coeff_ctx(l, c != 0, s, pat, xc, p.y));
            }
  return t;
}
inline constexpr SigCtxTable kSigCtxTable = make_sig_ctx_table();
}  // namespace detail

// The 16 sig_coeff_flag ctxInc values of a sub-block, indexed by scan position n.
constexpr const std::uint8_t* sig_ctx_row(int log2_size, bool chroma, Scan scan, int pattern, bool first) noexcept {
  return detail::kSigCtxTable[chroma][static_cast<std::size_t>(log2_size - 2)][static_cast<std::size_t>(scan)]
                             [static_cast<std::size_t>(pattern)][first]
                                 .data();
}

// §9.3.4.2.6/7: coeff_abs_level_greater1_flag ctxInc = greater1_ctx_base(ctxSet, chroma) + min(3, greater1Ctx);
// coeff_abs_level_greater2_flag ctxInc = ctxSet (+4 for chroma).
constexpr int greater1_ctx_base(int ctx_set, bool chroma) noexcept { return (chroma ? 16 : 0) + 4 * ctx_set; }
constexpr int greater2_ctx(int ctx_set, bool chroma) noexcept { return (chroma ? 4 : 0) + ctx_set; }

}  // namespace hevc
}  // namespace v0
}  // namespace entcode
