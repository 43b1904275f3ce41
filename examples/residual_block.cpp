// residual_block.cpp — one HEVC 8x8 luma residual block (hevc/residual.hpp) coded on
// both backends of the stream interface (stream.hpp): the CABAC engine (the bins an
// HEVC decoder reads) and rANS (the same bins, rANS-coded). The front-end is written
// once; only the Encoder/Decoder types change. Prints each stream's size.
#include <entcode/cabac/decoder.hpp>
#include <entcode/cabac/encoder.hpp>
#include <entcode/hevc/residual_backends.hpp>
#include <entcode/rans/stream_coder.hpp>

#include <array>
#include <cstdio>

namespace hevc = entcode::hevc;

// Codes `levels` with encoder type E, decodes with D; returns the stream size (0: failure).
template <class E, class D>
std::size_t round_trip(const std::array<std::int16_t, 64>& levels, const hevc::TransformBlock& tb) {
  E enc;
  hevc::ResidualContexts<typename E::Context> enc_ctx(0, 26);  // I slice, QP 26
  if (hevc::encode_residual(enc, enc_ctx, tb, levels) != entcode::errc::ok) return 0;
  const auto bytes = enc.finish();  // Result<std::vector<std::byte>>
  if (!bytes) return 0;

  D dec(*bytes);
  hevc::ResidualContexts<typename D::Context> dec_ctx(0, 26);
  std::array<std::int16_t, 64> back{};
  if (hevc::decode_residual(dec, dec_ctx, tb, back) != entcode::errc::ok) return 0;
  if (dec.finish() != entcode::errc::ok || back != levels) return 0;
  return bytes->size();
}

int main() {
  std::array<std::int16_t, 64> levels{};  // row-major c[(y << 3) + x]
  levels[0] = 37;
  levels[1] = -9;
  levels[8] = 6;
  levels[9] = 2;
  levels[2] = -1;
  levels[24] = 1;
  const hevc::TransformBlock tb{.log2_size = 3, .c_idx = 0, .scan = hevc::Scan::diagonal};

  const std::size_t cabac = round_trip<entcode::cabac::CabacEncoder, entcode::cabac::CabacDecoder>(levels, tb);
  const std::size_t rans = round_trip<entcode::rans::StreamEncoder, entcode::rans::StreamDecoder>(levels, tb);
  if (cabac == 0 || rans == 0) {
    std::fprintf(stderr, "residual_block: round trip failed\n");
    return 1;
  }
  std::printf("8x8 residual block: CABAC %zu bytes, rANS %zu bytes, both decoded exactly\n", cabac, rans);
  return 0;
}
