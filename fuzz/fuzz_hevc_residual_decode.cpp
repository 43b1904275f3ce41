// fuzz_hevc_residual_decode.cpp — HEVC residual_coding() decoder on hostile input.
// Byte 0: TransformBlock parameters (fuzz_hevc_residual.hpp); byte 1: bit 0
// backend (0 CABAC, 1 rANS), bits 1-3 number of blocks - 1 (at most 4 of 32x32); the rest is the
// stream. Decoding must never crash or read outside the input; blocks that
// decode cleanly must re-encode and decode to the same levels.
#include <algorithm>

#include "fuzz_hevc_residual.hpp"

using namespace entcode;

namespace {

template <class E, class D>
void run(const hevc::TransformBlock& tb, int count, std::span<const std::uint8_t> stream) {
  D dec(std::as_bytes(stream));
  hevc::ResidualContexts<typename D::Context> cx(0, 26);
  std::vector<std::vector<std::int16_t>> blocks;
  std::vector<std::int16_t> out(std::size_t{1} << (2 * tb.log2_size));
  for (int i = 0; i < count; ++i) {
    if (hevc::decode_residual(dec, cx, tb, out) != errc::ok) return;
    blocks.push_back(out);
  }
  if (dec.status() != errc::ok) return;
  fuzz::residual_roundtrip<E, D>(tb, blocks);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Params p(data, size);
  const hevc::TransformBlock tb = fuzz::residual_block_from(p.byte());
  const std::uint8_t b = p.byte();
  const int count = std::min(1 + ((b >> 1) & 7), 4 << (2 * (5 - tb.log2_size)));  // <= 4096 levels
  if (b & 1) run<rans::StreamEncoder, rans::StreamDecoder>(tb, count, p.rest());
  else run<cabac::CabacEncoder, cabac::CabacDecoder>(tb, count, p.rest());
  return 0;
}
