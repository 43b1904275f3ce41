// fuzz_rans_roundtrip.cpp — reference rANS round trip: the input is the data.
// Byte 0 picks the lane count (1..64), byte 1 the precision (10..12; 10..16 on a
// 1-in-8 sample of the inputs: the model's slot table has 2^precision entries); the rest
// (at most fuzz::kMaxInput bytes) is coded with an order-0 model of its own
// counts, decoded, and compared. (The stream coder has its own target,
// fuzz_rans_stream_roundtrip.cpp: together they halved this one's speed.)
#include <algorithm>
#include <vector>

#include "entcode/rans/reference.hpp"
#include "fuzz_util.hpp"

using namespace entcode;

namespace {

void interleaved_roundtrip(std::span<const std::uint8_t> data, unsigned lanes, unsigned precision) {
  std::vector<std::uint64_t> counts(256, 0);
  for (auto b : data) ++counts[b];
  if (data.empty()) counts[0] = 1;
  auto model = rans::SymbolModel::from_counts(counts, precision);
  if (!model) fuzz::fail("model");
  // Exact-size spans of reused buffers (fresh ones were page faults and memsets on every input).
  static fuzz::Arena encoded_arena, decoded_arena;
  const auto encoded = encoded_arena.get(rans::reference::interleaved_bound(data.size(), lanes));
  const std::span<std::byte> buf(reinterpret_cast<std::byte*>(encoded.data()), encoded.size());
  auto size = rans::reference::encode_bytes(data, *model, lanes, buf);
  if (!size) fuzz::fail("encode");
  const auto back = decoded_arena.get_filled(data.size());
  if (rans::reference::decode_bytes(buf.first(*size), *model, lanes, back) != errc::ok) fuzz::fail("decode");
  if (!std::equal(back.begin(), back.end(), data.begin())) fuzz::fail("mismatch");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Params p(data, size);
  const unsigned lanes = 1 + p.byte() % 64;
  const unsigned precision_byte = p.byte();
  const unsigned precision = fuzz::sampled(p.rest(), 8) ? 10 + precision_byte % 7 : 10 + precision_byte % 3;
  interleaved_roundtrip(p.rest(), lanes, precision);
  return 0;
}
