// parameter_sets.hpp — the VPS, SPS, PPS and IDR slice header this encoder
// writes (H.265 §7.3.2, §7.3.6), and a strict parser for the same subset.
//
// Fixed choices: Main profile, 8-bit 4:2:0, 16x16 CTBs = minimum CB size
// (no CU split), TBs 4..16 with up to 2 intra transform-tree levels,
// transquant_bypass_enabled_flag = 1, no deblocking (pps_deblocking_filter_disabled_flag),
// no SAO, no PCM, no scaling lists, no tiles/WPP, one slice per picture,
// SliceQpY = 26, every picture an IDR_W_RADL I slice.
// The coded size is the picture size rounded up to 16; the conformance
// window crops it back (offsets in chroma samples, so sizes must be even).
// The parser accepts exactly this subset and reports `unsupported_version`
// for anything else it reads (other tools, bit depths, block sizes).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "entcode/status.hpp"

namespace hevc_lossless {

inline constexpr int kCtbLog2 = 4;
inline constexpr int kCtbSize = 1 << kCtbLog2;
inline constexpr int kMinTbLog2 = 2;
inline constexpr int kMaxTbLog2 = 4;
inline constexpr int kMaxTrafoDepthIntra = 2;
inline constexpr int kSliceQp = 26;

struct SequenceInfo {
  int width = 0;   // output (cropped) size, even
  int height = 0;
  [[nodiscard]] int coded_width() const noexcept { return (width + kCtbSize - 1) / kCtbSize * kCtbSize; }
  [[nodiscard]] int coded_height() const noexcept { return (height + kCtbSize - 1) / kCtbSize * kCtbSize; }
};

std::vector<std::uint8_t> write_vps();
std::vector<std::uint8_t> write_sps(const SequenceInfo& seq);
std::vector<std::uint8_t> write_pps();
// The IDR slice segment header including byte_alignment().
std::vector<std::uint8_t> write_slice_header();

entcode::errc parse_vps(std::span<const std::uint8_t> rbsp);
entcode::Result<SequenceInfo> parse_sps(std::span<const std::uint8_t> rbsp);
entcode::errc parse_pps(std::span<const std::uint8_t> rbsp);
// Returns the header's size in bytes (slice_segment_data() starts there).
entcode::Result<std::size_t> parse_slice_header(std::span<const std::uint8_t> rbsp);

}  // namespace hevc_lossless
