// fuzz_cabac_decode.cpp — hostile input for the CABAC decoder.
// Byte 0: operation mix seed; bytes 1-2: operation count (at most 64 + 16 per
// stream byte: beyond that every call only repeats the sticky error).
// The rest is the stream. Every call pattern (context bins over 8 contexts,
// single / grouped bypass of 0..32 bins, terminate, symbols) must return an
// error or values, never crash, read out of bounds or loop; after an error every
// call returns 0; finish() must agree with status() when one was already set.
#include <algorithm>
#include <vector>

#include "entcode/cabac/decoder.hpp"
#include "fuzz_util.hpp"

using namespace entcode;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Params p(data, size);
  unsigned mix = p.byte();
  const std::size_t n = std::min<std::size_t>(p.u16(), 64 + 16 * (size < 3 ? 0 : size - 3));
  static const auto model = cabac::SymbolModel::from_cdf(std::vector<std::uint32_t>{0, 1000, 1001, 40000, 65536}, 16);
  if (!model) fuzz::fail("model");
  cabac::CabacDecoder dec(std::as_bytes(p.rest()));
  cabac::Context ctx[8];
  for (std::size_t i = 0; i < n; ++i) {
    mix = mix * 1103515245u + 12345u;
    const unsigned op = (mix >> 16) % 16;
    const bool dead = dec.status() != errc::ok;
    std::uint32_t v = 0;
    if (op < 9) v = static_cast<std::uint32_t>(dec.decode_bin(ctx[op % 8]));
    else if (op < 11) v = static_cast<std::uint32_t>(dec.decode_bypass());
    else if (op < 13) v = dec.decode_bypass(static_cast<int>((mix >> 8) % 33));
    else if (op < 14) v = static_cast<std::uint32_t>(dec.decode_terminate());
    else if (op < 15) v = dec.decode_bypass_bits(static_cast<int>((mix >> 8) % 33));
    else if (const int s = dec.decode_symbol(*model); s < 0 || s >= 4) fuzz::fail("symbol outside the model");
    if (dead && v != 0) fuzz::fail("non-zero value after an error");
  }
  const errc before = dec.status();
  const errc end = dec.finish();
  if (before != errc::ok && end != before) fuzz::fail("finish changed a sticky error");
  return 0;
}
