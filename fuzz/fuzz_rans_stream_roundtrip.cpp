// fuzz_rans_stream_roundtrip.cpp — round trip of the rANS stream coder (the stream
// interface's rANS backend, include/entcode/rans/stream_coder.hpp): each input byte b
// is coded as three events — a bin (b >> 7) in context b & 7, b % 9 bypass bits of b and
// a symbol b & 3 of a fixed 16-bit model — then a terminate bin; decoding must give them
// back, end exactly at the stream's end and report ok.
// Only the first kStreamBytes bytes are coded: 3,072 events reach every renormalisation
// path, and longer inputs only made the target slower.
#include <algorithm>
#include <vector>

#include "entcode/rans/stream_coder.hpp"
#include "fuzz_util.hpp"

using namespace entcode;

namespace {

constexpr std::size_t kStreamBytes = 1024;

void stream_roundtrip(std::span<const std::uint8_t> data) {
  static const auto model = *rans::SymbolModel::from_cdf(std::vector<std::uint32_t>{0, 30000, 60000, 65000, 65536}, 16);
  rans::StreamEncoder enc;
  rans::BinContext ctx[8];
  for (auto b : data) {
    enc.encode_bin(ctx[b & 7], b >> 7);
    enc.encode_bypass(b, b % 9);
    enc.encode_symbol(model, b & 3);
  }
  enc.encode_terminate(1);
  auto bytes = enc.finish();
  if (!bytes) fuzz::fail("stream encode");
  rans::StreamDecoder dec(*bytes);
  rans::BinContext dctx[8];
  for (auto b : data) {
    if (dec.decode_bin(dctx[b & 7]) != (b >> 7)) fuzz::fail("stream bin");
    if (dec.decode_bypass(b % 9) != (b & ((1u << (b % 9)) - 1))) fuzz::fail("stream bypass");
    if (dec.decode_symbol(model) != (b & 3)) fuzz::fail("stream symbol");
  }
  if (dec.decode_terminate() != 1 || dec.finish() != errc::ok) fuzz::fail("stream end");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stream_roundtrip({data, std::min(size, kStreamBytes)});
  return 0;
}
