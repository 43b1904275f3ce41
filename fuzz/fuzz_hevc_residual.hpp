// fuzz_hevc_residual.hpp — shared by fuzz_hevc_residual_{decode,roundtrip}.cpp:
// a TransformBlock from one parameter byte, and a decode -> re-encode ->
// decode check run on either stream backend.
// Parameter byte: bits 0-1 log2 size - 2, bits 2-3 cIdx (3 -> 0), bits 4-5 scan
// (3 -> diagonal, and transform_skip_flag = 1 if present), bit 6 sign data hiding, bit 7 transform_skip_flag present.
#pragma once

#include <vector>

#include "entcode/cabac/decoder.hpp"
#include "entcode/cabac/encoder.hpp"
#include "entcode/hevc/residual.hpp"
#include "entcode/rans/stream_coder.hpp"
#include "fuzz_util.hpp"

namespace entcode::fuzz {

inline hevc::TransformBlock residual_block_from(std::uint8_t b) {
  hevc::TransformBlock tb;
  tb.log2_size = 2 + (b & 3);
  tb.c_idx = ((b >> 2) & 3) % 3;
  tb.scan = static_cast<hevc::Scan>(((b >> 4) & 3) % 3);
  tb.sign_data_hiding = (b >> 6) & 1;
  tb.transform_skip_present = (b >> 7) & 1;
  tb.transform_skip = tb.transform_skip_present && ((b >> 4) & 3) == 3;
  return tb;
}

// Encodes `blocks` (all with tb), decodes them back and aborts on any difference.
template <class E, class D>
void residual_roundtrip(const hevc::TransformBlock& tb, const std::vector<std::vector<std::int16_t>>& blocks) {
  E enc;
  hevc::ResidualContexts<typename E::Context> ecx(0, 26);
  for (const auto& c : blocks)
    if (hevc::encode_residual(enc, ecx, tb, c) != errc::ok) fail("encode rejected a representable block");
  auto bytes = enc.finish();
  if (!bytes) fail("finish");
  D dec(*bytes);
  hevc::ResidualContexts<typename D::Context> dcx(0, 26);
  std::vector<std::int16_t> out(std::size_t{1} << (2 * tb.log2_size));
  for (const auto& c : blocks) {
    bool ts = false;
    if (hevc::decode_residual(dec, dcx, tb, out, ts) != errc::ok) fail("decode");
    if (out != c) fail("mismatch");
    if (ts != (tb.transform_skip_present && tb.transform_skip)) fail("transform_skip_flag");
  }
  if (dec.finish() != errc::ok) fail("end of stream");
}

}  // namespace entcode::fuzz
