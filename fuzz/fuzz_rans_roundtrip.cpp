// fuzz_rans_roundtrip.cpp — reference rANS round trip: the input is the data.
// Byte 0 picks the lane count (1..64), byte 1 the precision (10..16); the rest
// is coded with an order-0 model of its own counts, decoded, and compared.
// The rANS stream coder (stream interface) codes the same bytes as bins,
// bypass bits and symbols and must round-trip too.
#include <algorithm>
#include <vector>

#include "entcode/rans/reference.hpp"
#include "entcode/rans/stream_coder.hpp"
#include "fuzz_util.hpp"

using namespace entcode;

namespace {

void interleaved_roundtrip(std::span<const std::uint8_t> data, unsigned lanes, unsigned precision) {
  std::vector<std::uint64_t> counts(256, 0);
  for (auto b : data) ++counts[b];
  if (data.empty()) counts[0] = 1;
  auto model = rans::SymbolModel::from_counts(counts, precision);
  if (!model) fuzz::fail("model");
  std::vector<std::byte> buf(rans::reference::interleaved_bound(data.size(), lanes));
  auto size = rans::reference::encode_bytes(data, *model, lanes, buf);
  if (!size) fuzz::fail("encode");
  std::vector<std::uint8_t> back(data.size());
  if (rans::reference::decode_bytes(std::span(buf).first(*size), *model, lanes, back) != errc::ok) fuzz::fail("decode");
  if (!std::equal(back.begin(), back.end(), data.begin())) fuzz::fail("mismatch");
}

void stream_roundtrip(std::span<const std::uint8_t> data) {
  rans::StreamEncoder enc;
  rans::BinContext ctx[8];
  const auto model = *rans::SymbolModel::from_cdf(std::vector<std::uint32_t>{0, 30000, 60000, 65000, 65536}, 16);
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
  fuzz::Params p(data, size);
  const unsigned lanes = 1 + p.byte() % 64;
  const unsigned precision = 10 + p.byte() % 7;
  interleaved_roundtrip(p.rest(), lanes, precision);
  stream_roundtrip(p.rest().first(std::min<std::size_t>(p.rest().size(), 4096)));
  return 0;
}
