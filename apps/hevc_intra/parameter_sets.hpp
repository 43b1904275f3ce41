// parameter_sets.hpp — the VPS, SPS, PPS and IDR slice header this encoder
// writes (H.265 §7.3.2, §7.3.6), and a strict parser for the same subset.
//
// Fixed choices: Main profile, 8-bit 4:2:0, 16x16 CTBs = minimum CB size
// (no CU split), TBs 4..16 with up to 2 intra transform-tree levels,
// no deblocking (pps_deblocking_filter_disabled_flag), no SAO, no PCM, no
// scaling lists, no transform skip, no cu_qp_delta, chroma QP offsets 0, no
// tiles/WPP, one slice per picture, every picture an IDR_W_RADL I slice.
// Variable (CodingParams): transquant_bypass_enabled_flag (1 in lossless
// streams, 0 in lossy ones), sign_data_hiding_enabled_flag, and SliceQpY =
// 26 + init_qp_minus26 + slice_qp_delta (the writer puts it in the PPS;
// lossless streams use 26).
// The coded size is the picture size rounded up to 16; the conformance
// window crops it back (offsets in chroma samples, so sizes must be even).
// The parser accepts exactly this subset and reports `unsupported_version`
// for anything else it reads (other tools, bit depths, block sizes).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "entcode/status.hpp"

namespace hevc_intra {

inline constexpr int kCtbLog2 = 4;
inline constexpr int kCtbSize = 1 << kCtbLog2;
inline constexpr int kMinTbLog2 = 2;
inline constexpr int kMaxTbLog2 = 4;
inline constexpr int kMaxTrafoDepthIntra = 2;
inline constexpr int kSliceQp = 26;  // SliceQpY of lossless streams

// What the PPS and slice header say about coding the slice data.
struct CodingParams {
  bool transquant_bypass_enabled = true;  // cu_transquant_bypass_flag is coded
  bool sign_data_hiding = false;
  int slice_qp = kSliceQp;  // SliceQpY, 0..51
};

struct SequenceInfo {
  int width = 0;   // output (cropped) size, even
  int height = 0;
  [[nodiscard]] int coded_width() const noexcept { return (width + kCtbSize - 1) / kCtbSize * kCtbSize; }
  [[nodiscard]] int coded_height() const noexcept { return (height + kCtbSize - 1) / kCtbSize * kCtbSize; }
};

std::vector<std::uint8_t> write_vps();
std::vector<std::uint8_t> write_sps(const SequenceInfo& seq);
std::vector<std::uint8_t> write_pps(const CodingParams& params);
// The IDR slice segment header including byte_alignment().
std::vector<std::uint8_t> write_slice_header();  // slice_qp_delta = 0

// The parsers: `why` (optional) receives the refused field and its value when the
// result is unsupported_version.
entcode::errc parse_vps(std::span<const std::uint8_t> rbsp, std::string* why = nullptr);
entcode::Result<SequenceInfo> parse_sps(std::span<const std::uint8_t> rbsp, std::string* why = nullptr);
// The PPS's flags and 26 + init_qp_minus26 (in slice_qp).
entcode::Result<CodingParams> parse_pps(std::span<const std::uint8_t> rbsp, std::string* why = nullptr);
struct SliceHeader {
  std::size_t data_offset;  // header size in bytes: slice_segment_data() starts there
  int slice_qp;             // SliceQpY (given the PPS), checked to be 0..51
};
entcode::Result<SliceHeader> parse_slice_header(std::span<const std::uint8_t> rbsp, const CodingParams& pps,
                                                std::string* why = nullptr);

}  // namespace hevc_intra
