// codec.hpp — whole-stream encode/decode of the lossless HEVC example.
//
// encode_sequence: VPS, SPS, PPS once, then one IDR_W_RADL NAL unit (one I
// slice) per picture, Annex-B framed. All pictures must share one even size.
// Lossless by default; lossy at SliceQpY = qp when qp >= 0 (then the
// reconstruction, cropped, is what any conforming decoder outputs).
// decode_sequence: parses exactly what encode_sequence writes (strict
// parameter-set check, see parameter_sets.hpp) and returns the cropped pictures.
// slice_payload_size: the slice_segment_data() size of one picture on another
// stream backend (e.g. rANS), for the CABAC-vs-rANS comparison.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "entcode/status.hpp"
#include "picture.hpp"

namespace hevc_intra {

struct EncodeOptions {
  bool fast = false;         // try planar/DC/H/V only instead of all 35 modes
  int qp = -1;               // -1: lossless; 0..51: lossy at this QP
  bool sign_hiding = false;  // lossy: sign_data_hiding_enabled_flag = 1
};

// `reconstruction` (optional) receives the decoded pictures (the source when lossless).
entcode::Result<std::vector<std::uint8_t>> encode_sequence(const std::vector<Picture>& pictures,
                                                           const EncodeOptions& options,
                                                           std::vector<Picture>* reconstruction = nullptr);
// `why` (optional) receives what the stream uses that this decoder does not support
// when the result is unsupported_version (a parameter-set field, a NAL unit type, NxN parts).
entcode::Result<std::vector<Picture>> decode_sequence(std::span<const std::uint8_t> stream, std::string* why = nullptr);

// slice_segment_data() bytes of `picture` on the CABAC and on the rANS backend.
struct PayloadSizes {
  std::size_t cabac;
  std::size_t rans;
};
entcode::Result<PayloadSizes> slice_payload_sizes(const Picture& picture, const EncodeOptions& options);

}  // namespace hevc_intra
