// fuzz_byte_codec_roundtrip.cpp — compress / decompress round trip of the byte codec.
// Byte 0 chooses the parameters: bit 0 order 1, bit 1 CRC32C, bits 2-3 the ISA
// (if this CPU has it), bit 4 block size 2^16 instead of the default. The rest is
// the content (at most fuzz::kMaxInput bytes). Order 1 only applies to blocks of
// >= 4 KiB, and building its 256 tables costs far more than coding a short input,
// so on a 1-in-8 sample of the order-1 inputs the content is tiled to 80 KiB
// (two blocks of 2^16 with bit 4) — the other order-1 inputs test the fallback
// to order 0. Aborts unless the content comes back and the frame is within
// bound(); on a 1-in-8 sample the frame must also equal the scalar kernels' one.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/byte_codec.hpp"
#include "fuzz_util.hpp"

using namespace entcode;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bc = byte_codec;
  const auto input = fuzz::capped(data, size);
  if (input.empty()) return 0;
  const std::uint8_t p = input[0];
  std::vector<std::uint8_t> content(input.begin() + 1, input.end());
  if ((p & 1) && !content.empty() && fuzz::sampled(input, 8))
    for (std::size_t n = content.size(); content.size() < 80 * 1024;) content.push_back(content[content.size() % n]);
  bc::Options o;
  o.order = p & 1;
  o.checksum = (p & 2) != 0;
  o.block_log2 = (p & 16) ? 16 : 22;
  const auto isa = static_cast<Isa>((p >> 2) & 3);
  o.isa = isa_supported(isa) ? isa : Isa::scalar;
  const auto frame = bc::compress(content, o);
  if (!frame.ok() || frame->size() > bc::bound(content.size(), o)) fuzz::fail("compress");
  if (*o.isa != Isa::scalar && fuzz::sampled(content, 8)) {
    o.isa = Isa::scalar;
    if (*bc::compress(content, o) != *frame) fuzz::fail("frame differs from the scalar kernels' one");
  }
  const auto back = bc::decompress(*frame, content.size(), isa);
  if (!back.ok() && back.error() != errc::unsupported_isa) fuzz::fail("decompress");
  if (back.ok() && !std::equal(back->begin(), back->end(), content.begin(), content.end())) fuzz::fail("mismatch");
  return 0;
}
