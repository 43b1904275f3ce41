// fuzz_hevc_residual.hpp — shared by the fuzz_hevc_residual_*.cpp targets: a
// TransformBlock from one parameter byte, sign data hiding applied to a block
// of levels, and a decode -> re-encode -> decode check run on either stream backend.
// Parameter byte: bits 0-1 log2 size - 2, bits 2-3 cIdx (3 -> 0), bits 4-5 scan
// (3 -> diagonal, and transform_skip_flag = 1 if present), bit 6 sign data hiding, bit 7 transform_skip_flag present.
#pragma once

#include <cstdlib>
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

// Sets each sub-block's hidden sign (first nonzero in scan order) to its parity.
inline void hide_signs(std::vector<std::int16_t>& c, const hevc::TransformBlock& tb) {
  if (!tb.sign_data_hiding) return;
  const int log2_sb = tb.log2_size - 2;
  for (int i = 0; i < (1 << (2 * log2_sb)); ++i) {
    const hevc::ScanPos sb = hevc::scan_positions(log2_sb, tb.scan)[i];
    int first = -1, last = -1, sum = 0;
    for (int n = 0; n < 16; ++n) {
      const hevc::ScanPos q = hevc::scan_positions(2, tb.scan)[n];
      const int idx = (((sb.y << 2) + q.y) << tb.log2_size) + (sb.x << 2) + q.x;
      if (c[static_cast<std::size_t>(idx)] == 0) continue;
      if (first < 0) first = idx;
      last = n;
      sum += std::abs(c[static_cast<std::size_t>(idx)]);
    }
    if (first < 0) continue;
    const int first_n = hevc::scan_index(2, tb.scan, first & 3, (first >> tb.log2_size) & 3);
    if (last - first_n <= 3) continue;
    auto& v = c[static_cast<std::size_t>(first)];
    if (v == -32768) v = -32767, sum -= 1;  // keep |v| representable after a sign flip
    v = static_cast<std::int16_t>((sum & 1) ? -std::abs(v) : std::abs(v));
  }
}


// One residual_coding() call's parameters and levels.
struct Block {
  hevc::TransformBlock tb;
  std::vector<std::int16_t> levels;
};

// Encodes `blocks` with enc (a backend encoder, or one wrapping it) and contexts
// ecx, initialised as ResidualContexts(init_type, qp); decodes the stream with D
// and aborts on any difference.
template <class D, class E>
void residual_roundtrip(E& enc, hevc::ResidualContexts<typename E::Context>& ecx, const std::vector<Block>& blocks,
                        int init_type = 0, int qp = 26) {
  for (const Block& b : blocks)
    if (hevc::encode_residual(enc, ecx, b.tb, b.levels) != errc::ok) fail("encode rejected a representable block");
  const auto bytes = enc.finish();
  if (!bytes) fail("finish");
  D dec(*bytes);
  hevc::ResidualContexts<typename D::Context> dcx(init_type, qp);
  std::vector<std::int16_t> out;
  for (const Block& b : blocks) {
    out.assign(b.levels.size(), 0);
    bool ts = false;
    if (hevc::decode_residual(dec, dcx, b.tb, out, ts) != errc::ok) fail("decode");
    if (out != b.levels) fail("mismatch");
    if (ts != (b.tb.transform_skip_present && b.tb.transform_skip)) fail("transform_skip_flag");
  }
  if (dec.finish() != errc::ok) fail("end of stream");
}

// As above with a fresh E and default contexts, every block coded with tb.
template <class E, class D>
void residual_roundtrip(const hevc::TransformBlock& tb, const std::vector<std::vector<std::int16_t>>& levels) {
  std::vector<Block> blocks;
  for (const auto& c : levels) blocks.push_back({tb, c});
  E enc;
  hevc::ResidualContexts<typename E::Context> ecx;
  residual_roundtrip<D>(enc, ecx, blocks);
}

}  // namespace entcode::fuzz
