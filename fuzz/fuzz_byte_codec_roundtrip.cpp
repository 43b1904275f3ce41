// fuzz_byte_codec_roundtrip.cpp — compress / decompress round trip of the byte codec.
// Byte 0 chooses the parameters: bit 0 order 1, bit 1 CRC32C, bits 2-3 the ISA
// (if this CPU has it), bit 4 block size 2^16 instead of the default. The rest is
// the content (at most kMaxContent bytes: the coding loops dominate the cost of an
// input). Order 1 only applies to blocks of >= 4 KiB, and building its 256 tables
// and coding a 4 KiB block costs far more than a short input, so the content of
// an order-1 input is tiled to 4 KiB + its length on a 1-in-256 sample, and to 80 KiB
// (two blocks of 2^16 with bit 4) on a 1-in-4096 sample — the other order-1 inputs
// test the fallback to order 0. Bit 5 (on a 1-in-8 sample: such content is up to
// 64 KiB): the content is read as pairs (v, l), l >= 0x80
// a run of v of (l - 0x7f) * 512 bytes, else the bytes v and l (up to kMaxWithRuns bytes), so
// order 0 splits long runs off into run blocks (lib/byte_codec/runs.hpp) between
// short coded pieces. Aborts unless the content comes back and the frame is within
// bound(); on a 1-in-8 sample the frame must also equal the scalar kernels' one.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_byte_codec.hpp"
#include "fuzz_util.hpp"

using namespace entcode;

namespace {
constexpr std::size_t kMaxContent = 1024;
constexpr std::size_t kMaxWithRuns = std::size_t{64} << 10;

std::vector<std::uint8_t> with_runs(std::span<const std::uint8_t> pairs) {
  std::vector<std::uint8_t> v;
  for (std::size_t i = 0; i + 1 < pairs.size() && v.size() < kMaxWithRuns; i += 2) {
    if (pairs[i + 1] >= 0x80) {
      v.insert(v.end(), std::size_t{pairs[i + 1] - 0x7fu} << 9, pairs[i]);
    } else {
      v.push_back(pairs[i]);
      v.push_back(pairs[i + 1]);
    }
  }
  return v;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bc = byte_codec;
  const auto input = fuzz::capped(data, size);
  if (input.empty()) return 0;
  const std::uint8_t p = input[0];
  std::vector<std::uint8_t> content(input.begin() + 1, input.begin() + std::min(input.size(), 1 + kMaxContent));
  if ((p & 32) && fuzz::sampled(input, 8, 1)) content = with_runs(content);
  if ((p & 1) && !content.empty() && fuzz::sampled(input, 256))
    fuzz::tile(content, fuzz::sampled(input, 4096) ? 80 * 1024 : 4096 + content.size());
  bc::Options o;
  o.order = p & 1;
  o.checksum = (p & 2) != 0;
  o.block_log2 = (p & 16) ? 16 : 22;
  const auto isa = static_cast<Isa>((p >> 2) & 3);
  o.isa = isa_supported(isa) ? isa : Isa::scalar;
  const auto frame = fuzz::compress(content, o);
  if (!frame.ok() || frame->size() > bc::bound(content.size(), o)) fuzz::fail("compress");
  if (*o.isa != Isa::scalar && fuzz::sampled(content, 8)) {
    o.isa = Isa::scalar;
    if (*fuzz::compress(content, o) != *frame) fuzz::fail("frame differs from the scalar kernels' one");
  }
  const auto back = fuzz::decompress(*frame, content.size(), o.order, isa);
  if (!back.ok() && back.error() != errc::unsupported_isa) fuzz::fail("decompress");
  if (back.ok() && !std::equal(back->begin(), back->end(), content.begin(), content.end())) fuzz::fail("mismatch");
  return 0;
}
