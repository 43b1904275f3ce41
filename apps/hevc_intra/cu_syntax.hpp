// cu_syntax.hpp — coding-unit level syntax shared by the slice encoder and
// decoder: the CU/transform-tree contexts (H.265 Tables 9-4 .. 9-37, the
// elements this encoder uses), the MPM candidate list (§8.4.2), the chroma
// mode derivation (§8.4.3) and the transform tree shape of one CU.
//
// The CU is always 16x16 = one CTB, PART_2Nx2N; cu_transquant_bypass_flag = 1
// in lossless streams, 0 (or absent) in lossy ones. Transform tree: 16x16, or four 8x8, each of which may split into four 4x4
// (max_transform_hierarchy_depth_intra = 2); chroma TBs are half size, and the
// four 4x4 luma TBs of an 8x8 node share one 4x4 chroma TB per component.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "entcode/hevc/contexts.hpp"
#include "entcode/hevc/residual.hpp"
#include "entcode/stream.hpp"
#include "intra.hpp"
#include "parameter_sets.hpp"

namespace hevc_intra {

namespace cu_init {
// [initType][ctxIdx]
inline constexpr std::uint8_t transquant_bypass[3][1] = {{154}, {154}, {154}};
inline constexpr std::uint8_t part_mode[3][1] = {{184}, {154}, {154}};  // first bin only
inline constexpr std::uint8_t prev_intra_luma_pred[3][1] = {{184}, {154}, {183}};
inline constexpr std::uint8_t intra_chroma_pred_mode[3][1] = {{63}, {152}, {152}};
inline constexpr std::uint8_t split_transform[3][3] = {{153, 138, 138}, {124, 138, 94}, {224, 167, 122}};
inline constexpr std::uint8_t cbf_luma[3][2] = {{111, 141}, {153, 111}, {153, 111}};
inline constexpr std::uint8_t cbf_chroma[3][4] = {{94, 138, 182, 154}, {149, 107, 167, 154}, {149, 92, 167, 154}};
}  // namespace cu_init

// Every context of an I slice of this encoder (initType 0, initialised for SliceQpY).
template <class Ctx>
struct SliceContexts {
  std::array<Ctx, 1> transquant_bypass;
  std::array<Ctx, 1> part_mode;
  std::array<Ctx, 1> prev_intra_luma_pred;
  std::array<Ctx, 1> intra_chroma_pred_mode;
  std::array<Ctx, 3> split_transform;  // ctxInc = 5 - log2TrafoSize
  std::array<Ctx, 2> cbf_luma;         // ctxInc = trafoDepth == 0 ? 1 : 0
  std::array<Ctx, 4> cbf_chroma;       // ctxInc = trafoDepth
  entcode::hevc::ResidualContexts<Ctx> residual;

  explicit SliceContexts(int slice_qp) : residual(0, slice_qp) {
    using entcode::hevc::init_contexts;
    init_contexts(transquant_bypass, cu_init::transquant_bypass[0], slice_qp);
    init_contexts(part_mode, cu_init::part_mode[0], slice_qp);
    init_contexts(prev_intra_luma_pred, cu_init::prev_intra_luma_pred[0], slice_qp);
    init_contexts(intra_chroma_pred_mode, cu_init::intra_chroma_pred_mode[0], slice_qp);
    init_contexts(split_transform, cu_init::split_transform[0], slice_qp);
    init_contexts(cbf_luma, cu_init::cbf_luma[0], slice_qp);
    init_contexts(cbf_chroma, cu_init::cbf_chroma[0], slice_qp);
  }
};

// §8.4.2 candModeList from the left (A) and above (B) candidates.
constexpr std::array<int, 3> mpm_list(int a, int b) {
  if (a == b) {
    if (a < 2) return {kPlanar, kDc, kVertical};
    return {a, 2 + ((a + 29) % 32), 2 + ((a - 2 + 1) % 32)};
  }
  const int third = (a != kPlanar && b != kPlanar) ? kPlanar : ((a != kDc && b != kDc) ? kDc : kVertical);
  return {a, b, third};
}

// rem_intra_luma_pred_mode <-> mode given the candidates (§8.4.2 steps 4).
constexpr int mode_from_rem(std::array<int, 3> c, int rem) {
  if (c[0] > c[1]) std::swap(c[0], c[1]);
  if (c[0] > c[2]) std::swap(c[0], c[2]);
  if (c[1] > c[2]) std::swap(c[1], c[2]);
  int mode = rem;
  for (int i = 0; i < 3; ++i)
    if (mode >= c[i]) ++mode;
  return mode;
}
constexpr int rem_from_mode(const std::array<int, 3>& c, int mode) {
  int rem = mode;
  for (int i = 0; i < 3; ++i)
    if (c[i] < mode) --rem;
  return rem;
}

// §8.4.3 IntraPredModeC for 4:2:0 from intra_chroma_pred_mode (0..4).
constexpr int chroma_mode(int intra_chroma_pred_mode, int luma_mode) {
  constexpr int kModes[4] = {kPlanar, kVertical, kHorizontal, kDc};
  if (intra_chroma_pred_mode == 4) return luma_mode;
  const int m = kModes[intra_chroma_pred_mode];
  return m == luma_mode ? 34 : m;
}

// Transform tree of one CU: split of the 16x16 node, then of each 8x8 node.
struct TbTree {
  bool split = false;
  std::array<bool, 4> split8{};
  [[nodiscard]] bool split_at(int depth, int blk) const { return depth == 0 ? split : (depth == 1 && split8[static_cast<std::size_t>(blk)]); }
};

// Whether split_transform_flag is coded for a node (§7.3.8.8, IntraSplitFlag = 0).
constexpr bool split_flag_coded(int log2, int depth) {
  return log2 <= kMaxTbLog2 && log2 > kMinTbLog2 && depth < kMaxTrafoDepthIntra;
}

// Visits the TBs of a CU at luma (x0, y0) in coding order: fn(c_idx, x, y, log2)
// in the component's coordinates (luma TB, then the chroma TBs of its node).
template <class F>
void for_each_tb(const TbTree& tree, int x, int y, int x_base, int y_base, int log2, int depth, int blk, F&& fn) {
  if (tree.split_at(depth, blk)) {
    const int half = 1 << (log2 - 1);
    for (int i = 0; i < 4; ++i) for_each_tb(tree, x + (i & 1) * half, y + (i >> 1) * half, x, y, log2 - 1, depth + 1, i, fn);
    return;
  }
  fn(0, x, y, log2);
  if (log2 > 2 || blk == 3) {  // 4:2:0: chroma of an 8x8 node split into 4x4 luma TBs comes after the 4th
    const int cx = log2 > 2 ? x / 2 : x_base / 2;
    const int cy = log2 > 2 ? y / 2 : y_base / 2;
    for (int c = 1; c <= 2; ++c) fn(c, cx, cy, log2 > 2 ? log2 - 1 : 2);
  }
}
template <class F>
void for_each_tb(const TbTree& tree, int x0, int y0, F&& fn) {
  for_each_tb(tree, x0, y0, x0, y0, kCtbLog2, 0, 0, fn);
}

// Levels of one TB (residual samples when bypassed), row-major, and its cbf.
struct TbLevels {
  bool cbf = false;
  std::array<std::int16_t, 16 * 16> v{};
};

// Everything the CU syntax codes: mode, bypass flag, tree and the TBs' levels in coding order.
struct CuPlan {
  int mode = kDc;
  bool bypass = true;  // cu_transquant_bypass_flag
  TbTree tree;
  std::vector<TbLevels> luma;
  std::array<std::vector<TbLevels>, 2> chroma;  // Cb, Cr: one TB, or one per 8x8 node when the 16x16 node splits
  std::vector<TbLevels>& tbs(int c_idx) { return c_idx == 0 ? luma : chroma[static_cast<std::size_t>(c_idx - 1)]; }
};

// Residual TB description for residual_coding() (no transform skip; sign data
// hiding as the PPS says, never in bypassed CUs).
inline entcode::hevc::TransformBlock residual_tb(int c_idx, int log2, int mode, bool bypass, bool sign_data_hiding) {
  entcode::hevc::TransformBlock tb;
  tb.log2_size = log2;
  tb.c_idx = c_idx;
  tb.scan = entcode::hevc::intra_scan(mode, log2, c_idx);
  tb.transquant_bypass = bypass;
  tb.sign_data_hiding = sign_data_hiding;
  return tb;
}

}  // namespace hevc_intra
