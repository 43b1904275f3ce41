// slice_decoder.hpp — decodes slice_segment_data() of the streams this
// encoder writes (see slice_encoder.hpp), as a template over the common
// Decoder concept, reconstructing into a coded-size picture.
//
// Accepted: PART_2Nx2N CUs with or without cu_transquant_bypass_flag, any
// luma mode (MPM or remaining), any intra_chroma_pred_mode, any transform
// tree within the SPS limits, sign data hiding as the PPS says. Anything else
// (NxN parts) is `unsupported_version`; a wrong end_of_slice_segment_flag is
// `corrupt`; backend errors pass through. Reconstruction = prediction +
// residual clipped to 8 bits, the residual being the levels themselves in
// bypassed CUs, else dequantised and inverse transformed at SliceQpY
// (reconstruct_tb(), lossy.hpp).
#pragma once

#include <algorithm>
#include <cstdint>

#include "cu_syntax.hpp"
#include "entcode/hevc/residual.hpp"
#include "entcode/stream.hpp"
#include "intra.hpp"
#include "lossy.hpp"
#include "parameter_sets.hpp"
#include "picture.hpp"

namespace hevc_intra {

template <entcode::Decoder D>
class SliceDecoder {
 public:
  using Ctx = typename D::Context;

  SliceDecoder(D& dec, Picture& recon, const CodingParams& params)
      : dec_(dec), rec_(recon), z_(recon.width(), recon.height()), params_(params), cx_(params.slice_qp) {}

  entcode::errc decode() {
    using entcode::errc;
    const int w = rec_.width();
    const int h = rec_.height();
    for (int y0 = 0; y0 < h; y0 += kCtbSize) {
      int left_mode = -1;
      for (int x0 = 0; x0 < w; x0 += kCtbSize) {
        if (const errc e = decode_cu(x0, y0, left_mode); e != errc::ok) return e;
        left_mode = luma_mode_;
        const int end = dec_.decode_terminate();
        if (dec_.status() != errc::ok) return dec_.status();
        if (end != (x0 + kCtbSize >= w && y0 + kCtbSize >= h ? 1 : 0)) return errc::corrupt;
      }
    }
    return dec_.finish();
  }

 private:
  entcode::errc decode_cu(int x0, int y0, int left_mode) {
    bypass_ = params_.transquant_bypass_enabled && dec_.decode_bin(cx_.transquant_bypass[0]);
    if (!dec_.decode_bin(cx_.part_mode[0]))
      return dec_.status() != entcode::errc::ok ? dec_.status() : entcode::errc::unsupported_version;
    const auto mpm = mpm_list(left_mode < 0 ? kDc : left_mode, kDc);
    if (dec_.decode_bin(cx_.prev_intra_luma_pred[0])) {
      int idx = static_cast<int>(dec_.decode_bypass(1));
      if (idx) idx += static_cast<int>(dec_.decode_bypass(1));
      luma_mode_ = mpm[static_cast<std::size_t>(idx)];
    } else {
      luma_mode_ = mode_from_rem(mpm, static_cast<int>(dec_.decode_bypass(5)));
    }
    const int chroma_syntax = dec_.decode_bin(cx_.intra_chroma_pred_mode[0]) ? static_cast<int>(dec_.decode_bypass(2)) : 4;
    chroma_mode_ = chroma_mode(chroma_syntax, luma_mode_);
    return transform_tree(x0, y0, x0, y0, kCtbLog2, 0, 0, true, true);
  }

  entcode::errc transform_tree(int x, int y, int x_base, int y_base, int log2, int depth, int blk, bool parent_cb,
                               bool parent_cr) {
    const bool split = split_flag_coded(log2, depth) &&
                       dec_.decode_bin(cx_.split_transform[static_cast<std::size_t>(5 - log2)]);
    bool cbf_c[2] = {parent_cb, parent_cr};
    if (log2 > 2) {
      const bool parents[2] = {parent_cb, parent_cr};
      for (int c = 0; c < 2; ++c)
        cbf_c[c] = (depth == 0 || parents[c]) && dec_.decode_bin(cx_.cbf_chroma[static_cast<std::size_t>(depth)]);
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
    const bool cbf_luma = dec_.decode_bin(cx_.cbf_luma[depth == 0 ? 1u : 0u]) != 0;
    if (const entcode::errc e = reconstruct(0, x, y, log2, luma_mode_, cbf_luma); e != entcode::errc::ok) return e;
    if (log2 > 2 || blk == 3) {
      const int cx = log2 > 2 ? x / 2 : x_base / 2;
      const int cy = log2 > 2 ? y / 2 : y_base / 2;
      const int clog2 = log2 > 2 ? log2 - 1 : 2;
      for (int c = 1; c <= 2; ++c)
        if (const entcode::errc e = reconstruct(c, cx, cy, clog2, chroma_mode_, cbf_c[c - 1]); e != entcode::errc::ok)
          return e;
    }
    return dec_.status();
  }

  entcode::errc reconstruct(int c_idx, int x, int y, int log2, int mode, bool coded) {
    const int n = 1 << log2;
    std::uint8_t pred[16 * 16];
    std::int16_t res[16 * 16] = {};
    Plane& plane = rec_.planes[static_cast<std::size_t>(c_idx)];
    predict_intra(plane, z_, c_idx, x, y, log2, mode, pred);
    if (coded) {
      const entcode::errc e = entcode::hevc::decode_residual(
          dec_, cx_.residual, residual_tb(c_idx, log2, mode, bypass_, params_.sign_data_hiding),
          std::span<std::int16_t>(res, static_cast<std::size_t>(n * n)));
      if (e != entcode::errc::ok) return e;
    }
    if (!bypass_) {
      reconstruct_tb(plane, c_idx, x, y, log2, tb_qp(params_.slice_qp, c_idx), pred, coded ? res : nullptr);
      return entcode::errc::ok;
    }
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i)
        plane.at(x + i, y + j) = static_cast<std::uint8_t>(std::clamp(pred[j * n + i] + res[j * n + i], 0, 255));
    return entcode::errc::ok;
  }

  D& dec_;
  Picture& rec_;
  ZScan z_;
  CodingParams params_;
  SliceContexts<Ctx> cx_;
  bool bypass_ = true;
  int luma_mode_ = kDc;
  int chroma_mode_ = kDc;
};

}  // namespace hevc_intra
