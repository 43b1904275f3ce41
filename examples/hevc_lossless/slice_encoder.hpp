// slice_encoder.hpp — slice_segment_data() of one lossless IDR picture
// (H.265 §7.3.8), as a template over the common Encoder concept: on the CABAC
// backend it is the real HEVC payload, on rANS the same bins in rANS.
//
// Per 16x16 CTU (= CU): cu_transquant_bypass_flag = 1, part_mode 2Nx2N, the
// luma mode through the MPM list, intra_chroma_pred_mode = 4 (DM), then the
// transform tree with cbf flags and residual_coding() of source − prediction
// (exact: in lossless mode the reconstruction is the source, so the encoder
// predicts from source samples). Mode and tree are chosen per CU by an
// estimate of the residual bits over all 35 modes (or planar/DC/H/V with
// `fast`), splitting a TB where the estimate says it pays.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "cu_syntax.hpp"
#include "entcode/hevc/residual.hpp"
#include "entcode/stream.hpp"
#include "intra.hpp"
#include "picture.hpp"

namespace hevc_lossless {

struct CuChoice {
  int mode = kDc;
  TbTree tree;
};

// Chooses the luma mode and transform tree of the CU at (x0, y0) of `src` (the coded-size picture).
CuChoice choose_cu(const Picture& src, const ZScan& z, int x0, int y0, int left_mode, bool fast);

// Residual of one TB: src − intra prediction; returns whether any sample is nonzero.
bool tb_residual(const Picture& src, const ZScan& z, int c_idx, int x, int y, int log2, int mode,
                 std::int16_t* residual);

template <entcode::Encoder E>
class SliceEncoder {
 public:
  using Ctx = typename E::Context;

  SliceEncoder(E& enc, const Picture& src, bool fast)
      : enc_(enc), src_(src), z_(src.width(), src.height()), fast_(fast) {}

  // Codes every CTU in raster order, ending with end_of_slice_segment_flag = 1.
  entcode::errc encode() {
    const int w = src_.width();
    const int h = src_.height();
    for (int y0 = 0; y0 < h; y0 += kCtbSize) {
      int left_mode = -1;  // unavailable at the picture's left edge
      for (int x0 = 0; x0 < w; x0 += kCtbSize) {
        const CuChoice cu = choose_cu(src_, z_, x0, y0, left_mode, fast_);
        if (const entcode::errc e = encode_cu(x0, y0, left_mode, cu); e != entcode::errc::ok) return e;
        left_mode = cu.mode;
        enc_.encode_terminate(x0 + kCtbSize >= w && y0 + kCtbSize >= h ? 1 : 0);
      }
    }
    return entcode::errc::ok;
  }

 private:
  entcode::errc encode_cu(int x0, int y0, int left_mode, const CuChoice& cu) {
    enc_.encode_bin(cx_.transquant_bypass[0], 1);
    enc_.encode_bin(cx_.part_mode[0], 1);  // PART_2Nx2N
    const auto mpm = mpm_list(left_mode < 0 ? kDc : left_mode, kDc);  // B lies in the CTB above: DC
    int idx = 0;
    while (idx < 3 && mpm[static_cast<std::size_t>(idx)] != cu.mode) ++idx;
    enc_.encode_bin(cx_.prev_intra_luma_pred[0], idx < 3 ? 1 : 0);
    if (idx < 3) {  // mpm_idx: TR, cMax 2, bypass, bin by bin as the decoder reads it
      enc_.encode_bypass(idx > 0 ? 1 : 0, 1);
      if (idx > 0) enc_.encode_bypass(idx > 1 ? 1 : 0, 1);
    } else {
      enc_.encode_bypass(static_cast<std::uint32_t>(rem_from_mode(mpm, cu.mode)), 5);
    }
    enc_.encode_bin(cx_.intra_chroma_pred_mode[0], 0);  // 4: DM
    mode_ = cu.mode;
    tree_ = cu.tree;
    return transform_tree(x0, y0, x0, y0, kCtbLog2, 0, 0, true, true);
  }

  // cbf of component c over the luma area (x, y, 1 << log2) at depth `depth` of the tree.
  bool chroma_cbf(int c, int x, int y, int log2, int depth, int blk) {
    if (log2 == 3 || !tree_.split_at(depth, blk)) {
      std::int16_t res[16 * 16];
      return tb_residual(src_, z_, c, x / 2, y / 2, std::max(2, log2 - 1), mode_, res);
    }
    const int half = 1 << (log2 - 1);
    bool any = false;
    for (int i = 0; i < 4; ++i) any |= chroma_cbf(c, x + (i & 1) * half, y + (i >> 1) * half, log2 - 1, depth + 1, i);
    return any;
  }

  entcode::errc transform_tree(int x, int y, int x_base, int y_base, int log2, int depth, int blk, bool parent_cb,
                               bool parent_cr) {
    const bool split = tree_.split_at(depth, blk);
    if (split_flag_coded(log2, depth)) enc_.encode_bin(cx_.split_transform[static_cast<std::size_t>(5 - log2)], split);
    bool cbf_c[2] = {parent_cb, parent_cr};  // 4x4 luma nodes inherit the parent's chroma cbf
    if (log2 > 2) {
      const bool parents[2] = {parent_cb, parent_cr};
      for (int c = 0; c < 2; ++c) {
        cbf_c[c] = parents[c] && chroma_cbf(c + 1, x, y, log2, depth, blk);
        if (depth == 0 || parents[c]) enc_.encode_bin(cx_.cbf_chroma[static_cast<std::size_t>(depth)], cbf_c[c]);
      }
    }
    if (split) {
      const int half = 1 << (log2 - 1);
      for (int i = 0; i < 4; ++i)
        if (const entcode::errc e = transform_tree(x + (i & 1) * half, y + (i >> 1) * half, x, y, log2 - 1, depth + 1,
                                                   i, cbf_c[0], cbf_c[1]);
            e != entcode::errc::ok)
          return e;
      return entcode::errc::ok;
    }
    std::int16_t res[16 * 16];
    const bool cbf_luma = tb_residual(src_, z_, 0, x, y, log2, mode_, res);
    enc_.encode_bin(cx_.cbf_luma[depth == 0 ? 1u : 0u], cbf_luma);
    if (cbf_luma) {
      if (const entcode::errc e = residual(0, log2, res); e != entcode::errc::ok) return e;
    }
    if (log2 > 2 || blk == 3) {  // chroma TBs of this node, or of the parent 8x8 after its 4th 4x4 luma TB
      const int cx = log2 > 2 ? x / 2 : x_base / 2;
      const int cy = log2 > 2 ? y / 2 : y_base / 2;
      const int clog2 = log2 > 2 ? log2 - 1 : 2;
      for (int c = 1; c <= 2; ++c) {
        if (!cbf_c[c - 1]) continue;
        tb_residual(src_, z_, c, cx, cy, clog2, mode_, res);
        if (const entcode::errc e = residual(c, clog2, res); e != entcode::errc::ok) return e;
      }
    }
    return entcode::errc::ok;
  }

  entcode::errc residual(int c_idx, int log2, const std::int16_t* res) {
    const std::size_t n = std::size_t{1} << (2 * log2);
    return entcode::hevc::encode_residual(enc_, cx_.residual, lossless_tb(c_idx, log2, mode_),
                                          std::span<const std::int16_t>(res, n));
  }

  E& enc_;
  const Picture& src_;
  ZScan z_;
  bool fast_;
  SliceContexts<Ctx> cx_;
  int mode_ = kDc;
  TbTree tree_;
};

}  // namespace hevc_lossless
