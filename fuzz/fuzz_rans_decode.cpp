// fuzz_rans_decode.cpp — hostile input for the reference rANS decoders.
// Byte 0: mode (even: interleaved byte decoder, odd: stream decoder);
// byte 1: lanes (1..64); bytes 2-3: symbol count (capped at 65535);
// bytes 4-11: 8 symbol counts of the model. The rest is the stream.
// Decoders must return an error or data, never crash or read out of bounds.
#include <vector>

#include "entcode/rans/rans.hpp"
#include "entcode/rans/stream_coder.hpp"
#include "fuzz_util.hpp"

using namespace entcode;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Params p(data, size);
  const unsigned mode = p.byte();
  const unsigned lanes = 1 + p.byte() % 64;
  const std::size_t n = p.u16();
  std::vector<std::uint64_t> counts(8);
  for (auto& c : counts) c = p.byte();
  counts[0] += 1;
  const auto model = rans::SymbolModel::from_counts(counts, 12);
  if (!model) fuzz::fail("model");
  const auto stream = std::as_bytes(p.rest());
  if (mode % 2 == 0) {
    std::vector<std::uint8_t> out(n);
    const errc e = rans::decode_bytes(stream, *model, lanes, out);
    if (e == errc::ok)
      for (auto b : out)
        if (b >= 8) fuzz::fail("symbol outside the model");
    return 0;
  }
  rans::StreamDecoder dec(stream);
  rans::BinContext ctx[4];
  for (std::size_t i = 0; i < n && dec.status() == errc::ok; ++i) {
    switch (i % 4) {
      case 0: dec.decode_bin(ctx[i % 3]); break;
      case 1: dec.decode_bypass(static_cast<int>(i % 33)); break;
      case 2:
        if (dec.decode_symbol(*model) >= 8) fuzz::fail("symbol outside the model");
        break;
      default: dec.decode_terminate(); break;
    }
  }
  static_cast<void>(dec.finish());  // any code is fine: the target looks for crashes
  return 0;
}
