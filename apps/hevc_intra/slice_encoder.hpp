// slice_encoder.hpp — slice_segment_data() of one IDR picture (H.265
// §7.3.8), as a template over the common Encoder concept: on the CABAC
// backend it is the real HEVC payload, on rANS the same bins in rANS.
//
// Per 16x16 CTU (= CU): cu_transquant_bypass_flag (when the PPS enables it),
// part_mode 2Nx2N, the luma mode through the MPM list,
// intra_chroma_pred_mode = 4 (DM), then the transform tree with cbf flags and
// residual_coding() of each TB. What is coded comes from a CuPlan:
// - lossless streams (transquant_bypass_enabled): every CU bypassed, levels =
//   source − prediction (exact: the reconstruction is the source, so the
//   encoder predicts from source samples); mode and tree chosen per CU by an
//   estimate of the residual bits over all 35 modes (or planar/DC/H/V with
//   `fast`), splitting a TB where the estimate says it pays;
// - lossy streams: plan_lossy_cu() (lossy.hpp) at SliceQpY, predicting from
//   and building the reconstruction, which reconstruction() returns.
#pragma once

#include <cstdint>
#include <vector>

#include "cu_syntax.hpp"
#include "entcode/hevc/residual.hpp"
#include "entcode/stream.hpp"
#include "intra.hpp"
#include "lossy.hpp"
#include "parameter_sets.hpp"
#include "picture.hpp"

namespace hevc_intra {

// The lossless plan of the CU at (x0, y0) of `src` (the coded-size picture).
CuPlan plan_lossless_cu(const Picture& src, const ZScan& z, int x0, int y0, int left_mode, bool fast);

template <entcode::Encoder E>
class SliceEncoder {
 public:
  using Ctx = typename E::Context;

  SliceEncoder(E& enc, const Picture& src, const CodingParams& params, bool fast)
      : enc_(enc),
        src_(src),
        rec_(params.transquant_bypass_enabled ? src : Picture(src.width(), src.height())),
        z_(src.width(), src.height()),
        params_(params),
        fast_(fast),
        cx_(params.slice_qp) {}

  // Codes every CTU in raster order, ending with end_of_slice_segment_flag = 1.
  entcode::errc encode() {
    const int w = src_.width();
    const int h = src_.height();
    const LossyOptions lossy{params_.slice_qp, params_.sign_data_hiding, fast_};
    for (int y0 = 0; y0 < h; y0 += kCtbSize) {
      int left_mode = -1;  // unavailable at the picture's left edge
      for (int x0 = 0; x0 < w; x0 += kCtbSize) {
        const CuPlan plan = params_.transquant_bypass_enabled ? plan_lossless_cu(src_, z_, x0, y0, left_mode, fast_)
                                                              : plan_lossy_cu(src_, rec_, z_, x0, y0, left_mode, lossy);
        if (const entcode::errc e = encode_cu(left_mode, plan); e != entcode::errc::ok) return e;
        left_mode = plan.mode;
        enc_.encode_terminate(x0 + kCtbSize >= w && y0 + kCtbSize >= h ? 1 : 0);
      }
    }
    return entcode::errc::ok;
  }

  // The decoder's picture (coded size) after encode().
  [[nodiscard]] const Picture& reconstruction() const { return rec_; }

 private:
  entcode::errc encode_cu(int left_mode, const CuPlan& plan) {
    if (params_.transquant_bypass_enabled) enc_.encode_bin(cx_.transquant_bypass[0], plan.bypass ? 1 : 0);
    enc_.encode_bin(cx_.part_mode[0], 1);  // PART_2Nx2N
    const auto mpm = mpm_list(left_mode < 0 ? kDc : left_mode, kDc);  // B lies in the CTB above: DC
    int idx = 0;
    while (idx < 3 && mpm[static_cast<std::size_t>(idx)] != plan.mode) ++idx;
    enc_.encode_bin(cx_.prev_intra_luma_pred[0], idx < 3 ? 1 : 0);
    if (idx < 3) {  // mpm_idx: TR, cMax 2, bypass, bin by bin as the decoder reads it
      enc_.encode_bypass(idx > 0 ? 1 : 0, 1);
      if (idx > 0) enc_.encode_bypass(idx > 1 ? 1 : 0, 1);
    } else {
      enc_.encode_bypass(static_cast<std::uint32_t>(rem_from_mode(mpm, plan.mode)), 5);
    }
    enc_.encode_bin(cx_.intra_chroma_pred_mode[0], 0);  // 4: DM
    plan_ = &plan;
    next_luma_ = 0;
    next_chroma_ = 0;
    return transform_tree(kCtbLog2, 0, 0, true, true);
  }

  // cbf of chroma component c (1, 2) over a 16x16 (depth 0) or 8x8 (depth 1, node blk) luma area.
  bool chroma_cbf(int c, int depth, int blk) const {
    const auto& tbs = plan_->chroma[static_cast<std::size_t>(c - 1)];
    if (depth == 1) return tbs[static_cast<std::size_t>(blk)].cbf;
    for (const TbLevels& t : tbs)
      if (t.cbf) return true;
    return false;
  }

  entcode::errc transform_tree(int log2, int depth, int blk, bool parent_cb, bool parent_cr) {
    const bool split = plan_->tree.split_at(depth, blk);
    if (split_flag_coded(log2, depth)) enc_.encode_bin(cx_.split_transform[static_cast<std::size_t>(5 - log2)], split);
    bool cbf_c[2] = {parent_cb, parent_cr};  // 4x4 luma nodes inherit the parent's chroma cbf
    if (log2 > 2) {
      const bool parents[2] = {parent_cb, parent_cr};
      for (int c = 0; c < 2; ++c) {
        cbf_c[c] = parents[c] && chroma_cbf(c + 1, depth, blk);
        if (depth == 0 || parents[c]) enc_.encode_bin(cx_.cbf_chroma[static_cast<std::size_t>(depth)], cbf_c[c]);
      }
    }
    if (split) {
      for (int i = 0; i < 4; ++i)
        if (const entcode::errc e = transform_tree(log2 - 1, depth + 1, i, cbf_c[0], cbf_c[1]); e != entcode::errc::ok)
          return e;
      return entcode::errc::ok;
    }
    const TbLevels& luma = plan_->luma[next_luma_++];
    enc_.encode_bin(cx_.cbf_luma[depth == 0 ? 1u : 0u], luma.cbf);
    if (luma.cbf)
      if (const entcode::errc e = residual(0, log2, luma); e != entcode::errc::ok) return e;
    if (log2 > 2 || blk == 3) {  // chroma TBs of this node, or of the parent 8x8 after its 4th 4x4 luma TB
      const std::size_t i = next_chroma_++;
      for (int c = 1; c <= 2; ++c) {
        if (!cbf_c[c - 1]) continue;
        if (const entcode::errc e = residual(c, log2 > 2 ? log2 - 1 : 2, plan_->chroma[static_cast<std::size_t>(c - 1)][i]);
            e != entcode::errc::ok)
          return e;
      }
    }
    return entcode::errc::ok;
  }

  entcode::errc residual(int c_idx, int log2, const TbLevels& tb) {
    const std::size_t n = std::size_t{1} << (2 * log2);
    return entcode::hevc::encode_residual(enc_, cx_.residual,
                                          residual_tb(c_idx, log2, plan_->mode, plan_->bypass, params_.sign_data_hiding),
                                          std::span<const std::int16_t>(tb.v.data(), n));
  }

  E& enc_;
  const Picture& src_;
  Picture rec_;
  ZScan z_;
  CodingParams params_;
  bool fast_;
  SliceContexts<Ctx> cx_;
  const CuPlan* plan_ = nullptr;
  std::size_t next_luma_ = 0;
  std::size_t next_chroma_ = 0;
};

}  // namespace hevc_intra
