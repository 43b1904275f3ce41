// fuzz_hevc_residual_roundtrip.cpp — HEVC residual_coding() encode/decode round trip.
// Byte 0: TransformBlock parameters (fuzz_hevc_residual.hpp); byte 1: bits 0-1
// level scale shift x4 (0, 4, 8, 12 bits), bits 2-4 number of blocks - 1
// (at most 1024 levels: one block of 32x32, four of 16x16, eight of 8x8 or 4x4).
// The rest gives the levels: each byte b is one coefficient, zero unless
// b & 1, then (b >> 2) << shift with sign bit 1 (clamped to int16). An
// all-zero block gets DC = 1; with sign data hiding the hidden signs are
// set to match the parities. CABAC must reproduce every level, and so must rANS
// on a 1-in-4 sample of the inputs (its finish() costs as much as the CABAC round
// trip; fuzz_hevc_residual_backends runs both backends on every input).
#include <algorithm>

#include "fuzz_hevc_residual.hpp"

using namespace entcode;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Params p(data, size);
  const hevc::TransformBlock tb = fuzz::residual_block_from(p.byte());
  const std::uint8_t b = p.byte();
  const int shift = 4 * (b & 3);
  // <= 1024 levels (one 32x32 block): libFuzzer's per-input cost grows with the features
  // an input touches; several 32x32 blocks in one stream: fuzz_hevc_residual_backends.cpp.
  const int count = std::min(1 + ((b >> 2) & 7), 1 << (2 * (5 - tb.log2_size)));
  const auto rest = p.rest();
  const std::size_t n = std::size_t{1} << (2 * tb.log2_size);
  std::vector<std::vector<std::int16_t>> blocks;
  std::size_t pos = 0;
  for (int k = 0; k < count; ++k) {
    std::vector<std::int16_t> c(n, 0);
    for (std::size_t i = 0; i < n && pos < rest.size(); ++i, ++pos) {
      const std::uint8_t v = rest[pos];
      if (!(v & 1)) continue;
      const int mag = std::clamp((v >> 2) << shift, 1, 32767);
      c[i] = static_cast<std::int16_t>(v & 2 ? -mag : mag);
    }
    if (std::all_of(c.begin(), c.end(), [](std::int16_t x) { return x == 0; })) c[0] = 1;
    fuzz::hide_signs(c, tb);
    blocks.push_back(std::move(c));
  }
  fuzz::residual_roundtrip<cabac::CabacEncoder, cabac::CabacDecoder>(tb, blocks);
  if (fuzz::sampled(p.rest(), 4)) fuzz::residual_roundtrip<rans::StreamEncoder, rans::StreamDecoder>(tb, blocks);
  return 0;
}
