// lossy.hpp — the lossy coding path of the example: per TB, intra prediction
// from the RECONSTRUCTED picture, forward transform, flat quantisation (with
// sign data hiding when the PPS enables it), and the decoder's reconstruction
// (H.265 §8.6.2: dequantise, inverse DCT/DST, add, clip), shared by the
// encoder and the decoder so both hold the same picture. Deblocking and SAO
// are off, so this reconstruction is the decoded picture.
//
// Per CU the luma mode and transform tree are chosen by rate-distortion cost
// D + λ·R (SSD, λ = 0.57·2^((QP - 12) / 3), R a coarse level-bit estimate):
// the 4 best modes by SATD of the 16x16 prediction (all 35 considered, or
// planar/DC/H/V with `fast`) plus the 3 MPM candidates, each tried as one
// 16x16 TB or four 8x8 nodes
// that are each one 8x8 TB or four 4x4 TBs. Chroma (DM) follows the tree.
#pragma once

#include <cstdint>

#include "cu_syntax.hpp"
#include "intra.hpp"
#include "picture.hpp"

namespace hevc_intra {

struct LossyOptions {
  int qp = 32;               // SliceQpY
  bool sign_hiding = false;  // sign_data_hiding_enabled_flag
  bool fast = false;
};

// Qp'Y or Qp'Cb/Qp'Cr (Table 8-10, offsets 0) of a TB of component c_idx.
int tb_qp(int slice_qp, int c_idx);

// Reconstructs one TB of an intra CU: rec = Clip1(pred + residual), the residual
// from `levels` (row-major TransCoeffLevel, null when cbf = 0) by §8.6.2.
void reconstruct_tb(Plane& rec, int c_idx, int x, int y, int log2, int qp, const std::uint8_t* pred,
                    const std::int16_t* levels);

// Chooses and codes the CU at luma (x0, y0): returns its plan (bypass = false)
// and leaves its reconstruction in `rec` (the coded-size picture being built).
CuPlan plan_lossy_cu(const Picture& src, Picture& rec, const ZScan& z, int x0, int y0, int left_mode,
                     const LossyOptions& options);

}  // namespace hevc_intra
