// intra.hpp — HEVC intra sample prediction (H.265 §8.4.4.2) for 8-bit 4:2:0,
// one slice per picture, no tiles, constrained_intra_pred_flag = 0,
// strong_intra_smoothing_enabled_flag = 0, no range extensions.
//
// - availability of neighbouring samples in z-scan order (§6.4.1) on the
//   coded picture (16x16 CTBs, 4x4 minimum TBs);
// - reference sample substitution (§8.4.4.2.2);
// - [1 2 1] filtering of the references for luma when the mode's distance
//   from horizontal/vertical exceeds the size threshold (§8.4.4.2.3);
// - planar, DC (with its luma edge filter for nTbS < 32) and all 33 angular
//   modes (with the luma boundary filter of modes 10 and 26 for nTbS < 32).
// In cu_transquant_bypass CUs these filters still apply (only
// implicit_rdpcm_enabled_flag, a RExt tool that is off here, disables them).
#pragma once

#include <cstdint>

#include "picture.hpp"

namespace hevc_intra {

inline constexpr int kPlanar = 0;
inline constexpr int kDc = 1;
inline constexpr int kHorizontal = 10;
inline constexpr int kVertical = 26;

// Whether the sample at luma (x_nb, y_nb) is decoded before the block at luma (x_cur, y_cur).
class ZScan {
 public:
  ZScan(int coded_width, int coded_height) : width_(coded_width), height_(coded_height) {}
  [[nodiscard]] bool available(int x_cur, int y_cur, int x_nb, int y_nb) const noexcept {
    if (x_nb < 0 || y_nb < 0 || x_nb >= width_ || y_nb >= height_) return false;
    return address(x_nb, y_nb) < address(x_cur, y_cur);
  }

 private:
  [[nodiscard]] long address(int x, int y) const noexcept;  // MinTbAddrZs
  int width_;
  int height_;
};

// Predicts the (1 << log2_size)^2 block of component c_idx at component
// coordinates (x0, y0) from the reconstructed samples in `recon`, writing
// pred[y * n + x].
void predict_intra(const Plane& recon, const ZScan& z, int c_idx, int x0, int y0, int log2_size, int mode,
                   std::uint8_t* pred);

}  // namespace hevc_intra
