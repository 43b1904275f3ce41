// parameter_sets.cpp — VPS/SPS/PPS/slice header syntax (see parameter_sets.hpp).
//
// Each syntax structure is written once, as a template over an "IO": WriteIO
// writes the values, ParseIO reads them back and checks every fixed field
// against the value this encoder writes (variable fields are read into the
// SequenceInfo). So writer and parser cannot drift apart.
#include "parameter_sets.hpp"

#include <algorithm>
#include <string>

#include "bitstream.hpp"

namespace hevc_intra {

namespace {

using entcode::errc;

struct WriteIO {
  BitWriter w;
  void u(std::uint32_t v, int n, const char*) { w.u(v, n); }
  void ue(std::uint32_t v, const char*) { w.ue(v); }
  void se(std::int32_t v, const char*) { w.se(v); }
  void var_u(int& v, int n) { w.u(static_cast<std::uint32_t>(v), n); }
  void var_ue(int& v) { w.ue(static_cast<std::uint32_t>(v)); }
  void var_se(int& v) { w.se(v); }
  void check(bool, const char*, const char* = nullptr) {}
};

struct ParseIO {
  explicit ParseIO(std::span<const std::uint8_t> rbsp) : r(rbsp) {}
  BitReader r;
  errc mismatch = errc::ok;
  std::string unsupported;  // the first field with a value this parser does not accept, and why
  void check(bool same, const char* what, const std::string& why = "a value hevc_intra does not write") {
    if (same || mismatch != errc::ok) return;
    mismatch = errc::unsupported_version;
    unsupported = std::string(what) + ": " + why;
  }
  void expect(std::int64_t got, std::int64_t want, const char* field) {
    check(got == want, field, std::to_string(got) + " (hevc_intra reads only " + std::to_string(want) + ")");
  }
  void u(std::uint32_t v, int n, const char* field) { expect(r.u(n), v, field); }
  void ue(std::uint32_t v, const char* field) { expect(r.ue(), v, field); }
  void se(std::int32_t v, const char* field) { expect(r.se(), v, field); }
  void var_u(int& v, int n) { v = static_cast<int>(r.u(n)); }
  void var_ue(int& v) { v = static_cast<int>(std::min(r.ue(), std::uint32_t{1} << 24)); }  // no overflow later
  void var_se(int& v) { v = std::clamp(r.se(), -(1 << 24), 1 << 24); }
  [[nodiscard]] errc status() const { return r.error() != errc::ok ? r.error() : mismatch; }
};

int level_idc_for(int luma_samples) {
  struct Level {
    int max_luma_ps;
    int idc;
  };
  constexpr Level kLevels[] = {{36864, 30},    {122880, 60},   {245760, 63},   {552960, 90},
                               {983040, 93},   {2228224, 123}, {8912896, 153}, {35651584, 186}};
  for (const Level& l : kLevels)
    if (luma_samples <= l.max_luma_ps) return l.idc;
  return 186;
}

template <class IO>
void profile_tier_level(IO& io, int& level_idc) {
  io.u(0, 2, "general_profile_space");
  io.u(0, 1, "general_tier_flag");
  io.u(1, 5, "general_profile_idc");  // Main
  io.u(0x60000000, 32, "general_profile_compatibility_flag");  // [1], [2] (Main, Main 10)
  io.u(1, 1, "general_progressive_source_flag");
  io.u(0, 1, "general_interlaced_source_flag");
  io.u(0, 1, "general_non_packed_constraint_flag");
  io.u(1, 1, "general_frame_only_constraint_flag");
  io.u(0, 32, "general_reserved_zero_43bits");
  io.u(0, 11, "general_reserved_zero_43bits");
  io.u(0, 1, "general_inbld_flag");  // or reserved
  io.var_u(level_idc, 8);
}

template <class IO>
void vps_syntax(IO& io) {
  int level = 0;
  io.u(0, 4, "vps_video_parameter_set_id");
  io.u(1, 1, "vps_base_layer_internal_flag");
  io.u(1, 1, "vps_base_layer_available_flag");
  io.u(0, 6, "vps_max_layers_minus1");
  io.u(0, 3, "vps_max_sub_layers_minus1");
  io.u(1, 1, "vps_temporal_id_nesting_flag");
  io.u(0xffff, 16, "vps_reserved_0xffff_16bits");
  profile_tier_level(io, level);
  io.u(1, 1, "vps_sub_layer_ordering_info_present_flag");
  io.ue(0, "vps_max_dec_pic_buffering_minus1");
  io.ue(0, "vps_max_num_reorder_pics");
  io.ue(0, "vps_max_latency_increase_plus1");
  io.u(0, 6, "vps_max_layer_id");
  io.ue(0, "vps_num_layer_sets_minus1");
  io.u(0, 1, "vps_timing_info_present_flag");
  io.u(0, 1, "vps_extension_flag");
}

template <class IO>
void sps_syntax(IO& io, SequenceInfo& seq, int& level) {
  io.u(0, 4, "sps_video_parameter_set_id");
  io.u(0, 3, "sps_max_sub_layers_minus1");
  io.u(1, 1, "sps_temporal_id_nesting_flag");
  profile_tier_level(io, level);
  io.ue(0, "sps_seq_parameter_set_id");
  io.ue(1, "chroma_format_idc");  // 4:2:0
  int coded_w = seq.coded_width();
  int coded_h = seq.coded_height();
  io.var_ue(coded_w);  // pic_width_in_luma_samples
  io.var_ue(coded_h);  // pic_height_in_luma_samples
  int crop = (coded_w != seq.width || coded_h != seq.height) ? 1 : 0;
  io.var_u(crop, 1);  // conformance_window_flag
  int right = (coded_w - seq.width) / 2;
  int bottom = (coded_h - seq.height) / 2;
  if (crop) {
    io.ue(0, "conf_win_left_offset");
    io.var_ue(right);
    io.ue(0, "conf_win_top_offset");
    io.var_ue(bottom);
  } else {
    right = bottom = 0;
  }
  seq.width = coded_w - 2 * right;
  seq.height = coded_h - 2 * bottom;
  io.check(coded_w % kCtbSize == 0 && coded_h % kCtbSize == 0 && seq.width > 0 && seq.height > 0 &&
               coded_w - seq.width < kCtbSize && coded_h - seq.height < kCtbSize,
           "picture size / conformance window", "not a multiple of 16 cropped by less than 16");
  io.ue(0, "bit_depth_luma_minus8");
  io.ue(0, "bit_depth_chroma_minus8");
  io.ue(4, "log2_max_pic_order_cnt_lsb_minus4");
  io.u(1, 1, "sps_sub_layer_ordering_info_present_flag");
  io.ue(0, "sps_max_dec_pic_buffering_minus1");
  io.ue(0, "sps_max_num_reorder_pics");
  io.ue(0, "sps_max_latency_increase_plus1");
  io.ue(kCtbLog2 - 3, "log2_min_luma_coding_block_size_minus3");
  io.ue(0, "log2_diff_max_min_luma_coding_block_size");
  io.ue(kMinTbLog2 - 2, "log2_min_luma_transform_block_size_minus2");
  io.ue(kMaxTbLog2 - kMinTbLog2, "log2_diff_max_min_luma_transform_block_size");
  io.ue(0, "max_transform_hierarchy_depth_inter");
  io.ue(kMaxTrafoDepthIntra, "max_transform_hierarchy_depth_intra");
  io.u(0, 1, "scaling_list_enabled_flag");
  io.u(0, 1, "amp_enabled_flag");
  io.u(0, 1, "sample_adaptive_offset_enabled_flag");
  io.u(0, 1, "pcm_enabled_flag");
  io.ue(0, "num_short_term_ref_pic_sets");
  io.u(0, 1, "long_term_ref_pics_present_flag");
  io.u(0, 1, "sps_temporal_mvp_enabled_flag");
  io.u(0, 1, "strong_intra_smoothing_enabled_flag");
  io.u(0, 1, "vui_parameters_present_flag");
  io.u(0, 1, "sps_extension_present_flag");
}

template <class IO>
void pps_syntax(IO& io, CodingParams& p) {
  int sign_hiding = p.sign_data_hiding ? 1 : 0;
  int init_qp_minus26 = p.slice_qp - 26;
  int bypass = p.transquant_bypass_enabled ? 1 : 0;
  io.ue(0, "pps_pic_parameter_set_id");
  io.ue(0, "pps_seq_parameter_set_id");
  io.u(0, 1, "dependent_slice_segments_enabled_flag");
  io.u(0, 1, "output_flag_present_flag");
  io.u(0, 3, "num_extra_slice_header_bits");
  io.var_u(sign_hiding, 1);  // sign_data_hiding_enabled_flag
  io.u(0, 1, "cabac_init_present_flag");
  io.ue(0, "num_ref_idx_l0_default_active_minus1");
  io.ue(0, "num_ref_idx_l1_default_active_minus1");
  io.var_se(init_qp_minus26);
  io.u(0, 1, "constrained_intra_pred_flag");
  io.u(0, 1, "transform_skip_enabled_flag");
  io.u(0, 1, "cu_qp_delta_enabled_flag");
  io.se(0, "pps_cb_qp_offset");
  io.se(0, "pps_cr_qp_offset");
  io.u(0, 1, "pps_slice_chroma_qp_offsets_present_flag");
  io.u(0, 1, "weighted_pred_flag");
  io.u(0, 1, "weighted_bipred_flag");
  io.var_u(bypass, 1);  // transquant_bypass_enabled_flag
  io.u(0, 1, "tiles_enabled_flag");
  io.u(0, 1, "entropy_coding_sync_enabled_flag");
  io.u(0, 1, "pps_loop_filter_across_slices_enabled_flag");
  io.u(1, 1, "deblocking_filter_control_present_flag");
  io.u(0, 1, "deblocking_filter_override_enabled_flag");
  io.u(1, 1, "pps_deblocking_filter_disabled_flag");
  io.u(0, 1, "pps_scaling_list_data_present_flag");
  io.u(0, 1, "lists_modification_present_flag");
  io.ue(0, "log2_parallel_merge_level_minus2");
  io.u(0, 1, "slice_segment_header_extension_present_flag");
  io.u(0, 1, "pps_extension_present_flag");
  io.check(init_qp_minus26 >= -26 && init_qp_minus26 <= 25, "init_qp_minus26", "out of -26..25");
  p = CodingParams{bypass != 0, sign_hiding != 0, 26 + init_qp_minus26};
}

template <class IO>
void slice_header_syntax(IO& io, int& slice_qp_delta) {
  io.u(1, 1, "first_slice_segment_in_pic_flag");
  io.u(0, 1, "no_output_of_prior_pics_flag");  // (IRAP)
  io.ue(0, "slice_pic_parameter_set_id");
  io.ue(2, "slice_type");  // I
  io.var_se(slice_qp_delta);
}

std::vector<std::uint8_t> finish(WriteIO& io) {
  io.w.rbsp_trailing_bits();
  return io.w.take();
}

// Fills *why (if given) with the field io refused when the status is unsupported_version.
errc status(const ParseIO& io, std::string* why) {
  if (why != nullptr && io.status() == errc::unsupported_version) *why = io.unsupported;
  return io.status();
}

template <class F>
errc parse_with(std::span<const std::uint8_t> rbsp, std::string* why, const char* structure, F&& syntax) {
  ParseIO io(rbsp);
  syntax(io);
  io.r.byte_alignment();  // rbsp_trailing_bits()
  io.unsupported = structure + (" " + io.unsupported);
  return status(io, why);
}

}  // namespace

std::vector<std::uint8_t> write_vps() {
  WriteIO io;
  vps_syntax(io);
  return finish(io);
}

std::vector<std::uint8_t> write_sps(const SequenceInfo& seq) {
  WriteIO io;
  SequenceInfo s = seq;
  int level = level_idc_for(seq.coded_width() * seq.coded_height());
  sps_syntax(io, s, level);
  return finish(io);
}

std::vector<std::uint8_t> write_pps(const CodingParams& params) {
  WriteIO io;
  CodingParams p = params;
  pps_syntax(io, p);
  return finish(io);
}

std::vector<std::uint8_t> write_slice_header() {
  WriteIO io;
  int slice_qp_delta = 0;  // SliceQpY is the PPS's init_qp
  slice_header_syntax(io, slice_qp_delta);
  return finish(io);  // byte_alignment() has the trailing bits' pattern
}

errc parse_vps(std::span<const std::uint8_t> rbsp, std::string* why) {
  return parse_with(rbsp, why, "VPS", [](ParseIO& io) { vps_syntax(io); });
}

entcode::Result<SequenceInfo> parse_sps(std::span<const std::uint8_t> rbsp, std::string* why) {
  SequenceInfo seq;
  int level = 0;
  const errc e = parse_with(rbsp, why, "SPS", [&](ParseIO& io) { sps_syntax(io, seq, level); });
  if (e != errc::ok) return e;
  if (std::int64_t{seq.coded_width()} * seq.coded_height() > (std::int64_t{1} << 28)) return errc::too_large;
  return seq;
}

entcode::Result<CodingParams> parse_pps(std::span<const std::uint8_t> rbsp, std::string* why) {
  CodingParams p;
  const errc e = parse_with(rbsp, why, "PPS", [&](ParseIO& io) { pps_syntax(io, p); });
  if (e != errc::ok) return e;
  return p;
}

entcode::Result<SliceHeader> parse_slice_header(std::span<const std::uint8_t> rbsp, const CodingParams& pps,
                                                std::string* why) {
  ParseIO io(rbsp);
  int slice_qp_delta = 0;
  slice_header_syntax(io, slice_qp_delta);
  io.r.byte_alignment();
  io.unsupported = "slice header " + io.unsupported;
  if (io.status() != errc::ok) return status(io, why);
  const int qp = pps.slice_qp + slice_qp_delta;
  if (qp < 0 || qp > 51) return errc::corrupt;
  return SliceHeader{io.r.byte_position(), qp};
}

}  // namespace hevc_intra
