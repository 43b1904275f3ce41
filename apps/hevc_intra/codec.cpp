// codec.cpp — stream-level encode/decode (see codec.hpp).
#include "codec.hpp"

#include "bitstream.hpp"
#include "quant.hpp"
#include "entcode/hevc/residual_backends.hpp"
#include "parameter_sets.hpp"
#include "slice_decoder.hpp"
#include "slice_encoder.hpp"

namespace hevc_intra {

namespace {

using entcode::errc;

CodingParams coding_params(const EncodeOptions& options) {
  if (options.qp < 0) return CodingParams{};  // lossless
  return CodingParams{false, options.sign_hiding, options.qp};
}

// slice_segment_data() of one coded-size picture; its reconstruction into *recon when given.
template <entcode::Encoder E>
entcode::Result<std::vector<std::byte>> slice_data(const Picture& coded, const EncodeOptions& options,
                                                   Picture* recon = nullptr) {
  E enc;
  SliceEncoder<E> slice(enc, coded, coding_params(options), options.fast);
  if (const errc e = slice.encode(); e != errc::ok) return e;
  if (recon != nullptr) *recon = slice.reconstruction();
  return enc.finish();
}

}  // namespace

entcode::Result<std::vector<std::uint8_t>> encode_sequence(const std::vector<Picture>& pictures,
                                                           const EncodeOptions& options,
                                                           std::vector<Picture>* reconstruction) {
  if (pictures.empty() || options.qp > entcode::hevc::kMaxQp) return errc::invalid_argument;
  const SequenceInfo seq{pictures[0].width(), pictures[0].height()};
  if (seq.width <= 0 || seq.height <= 0 || seq.width % 2 || seq.height % 2) return errc::invalid_argument;
  std::vector<std::uint8_t> out;
  append_nal(out, NalType::vps, write_vps());
  append_nal(out, NalType::sps, write_sps(seq));
  append_nal(out, NalType::pps, write_pps(coding_params(options)));
  const std::vector<std::uint8_t> header = write_slice_header();
  for (const Picture& pic : pictures) {
    if (pic.width() != seq.width || pic.height() != seq.height) return errc::invalid_argument;
    Picture recon;
    auto data = slice_data<entcode::cabac::CabacEncoder>(pad_to(pic, seq.coded_width(), seq.coded_height()), options,
                                                         &recon);
    if (!data) return data.error();
    if (reconstruction != nullptr) reconstruction->push_back(crop_to(recon, seq.width, seq.height));
    std::vector<std::uint8_t> rbsp = header;
    for (const std::byte b : data.value()) rbsp.push_back(std::to_integer<std::uint8_t>(b));
    append_nal(out, NalType::idr_w_radl, rbsp);
  }
  return out;
}

entcode::Result<std::vector<Picture>> decode_sequence(std::span<const std::uint8_t> stream, std::string* why) {
  auto nals = split_nal_units(stream);
  if (!nals) return nals.error();
  std::vector<Picture> pictures;
  bool have_vps = false;
  bool have_pps = false;
  CodingParams pps;
  SequenceInfo seq;
  for (const NalUnit& nal : nals.value()) {
    errc e = errc::ok;
    switch (nal.type) {
      case static_cast<int>(NalType::vps):
        e = parse_vps(nal.rbsp, why);
        have_vps = true;
        break;
      case static_cast<int>(NalType::sps): {
        auto s = parse_sps(nal.rbsp, why);
        e = s.error();
        if (s) seq = s.value();
        break;
      }
      case static_cast<int>(NalType::pps): {
        auto p = parse_pps(nal.rbsp, why);
        e = p.error();
        if (p) pps = p.value();
        have_pps = true;
        break;
      }
      case static_cast<int>(NalType::idr_w_radl): {
        if (!have_vps || seq.width == 0 || !have_pps) return errc::corrupt;
        auto header = parse_slice_header(nal.rbsp, pps, why);
        if (!header) return header.error();
        const auto data = std::as_bytes(std::span(nal.rbsp)).subspan(header.value().data_offset);
        entcode::cabac::CabacDecoder dec(data);
        Picture coded(seq.coded_width(), seq.coded_height());
        CodingParams slice_params = pps;
        slice_params.slice_qp = header.value().slice_qp;
        SliceDecoder<entcode::cabac::CabacDecoder> slice(dec, coded, slice_params);
        e = slice.decode();
        if (e == errc::unsupported_version && why != nullptr) *why = "a CU with part_mode NxN (hevc_intra writes 2Nx2N only)";
        if (e == errc::ok) pictures.push_back(crop_to(coded, seq.width, seq.height));
        break;
      }
      default:
        e = errc::unsupported_version;
        if (why != nullptr)
          *why = "NAL unit type " + std::to_string(nal.type) + " (hevc_intra reads VPS, SPS, PPS and IDR_W_RADL only)";
        break;
    }
    if (e != errc::ok) return e;
  }
  return pictures;
}

entcode::Result<PayloadSizes> slice_payload_sizes(const Picture& picture, const EncodeOptions& options) {
  const SequenceInfo seq{picture.width(), picture.height()};
  const Picture coded = pad_to(picture, seq.coded_width(), seq.coded_height());
  auto cabac = slice_data<entcode::cabac::CabacEncoder>(coded, options);
  auto rans = slice_data<entcode::rans::StreamEncoder>(coded, options);
  if (!cabac) return cabac.error();
  if (!rans) return rans.error();
  return PayloadSizes{cabac.value().size(), rans.value().size()};
}

}  // namespace hevc_intra
