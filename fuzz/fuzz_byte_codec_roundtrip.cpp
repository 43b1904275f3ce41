// fuzz_byte_codec_roundtrip.cpp — compress / decompress round trip of the byte codec.
// Byte 0 chooses the parameters: bit 0 order 1, bit 1 CRC32C, bits 2-3 the ISA
// (if this CPU has it), bit 4 block size 2^16 instead of the default. The rest is
// the content. Aborts unless the content comes back, the frame is within bound(),
// and the frame is identical to the scalar kernels' one.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "entcode/byte_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bc = entcode::byte_codec;
  using entcode::Isa;
  if (size == 0) return 0;
  const std::uint8_t p = data[0];
  const auto content = std::span(data + 1, size - 1);
  bc::Options o;
  o.order = p & 1;
  o.checksum = (p & 2) != 0;
  o.block_log2 = (p & 16) ? 16 : 22;
  const auto isa = static_cast<Isa>((p >> 2) & 3);
  o.isa = entcode::isa_supported(isa) ? isa : Isa::scalar;
  const auto frame = bc::compress(content, o);
  if (!frame.ok() || frame->size() > bc::bound(content.size(), o)) std::abort();
  o.isa = Isa::scalar;
  if (*bc::compress(content, o) != *frame) std::abort();
  const auto back = bc::decompress(*frame, content.size(), isa);
  if (!back.ok() && back.error() != entcode::errc::unsupported_isa) std::abort();
  if (back.ok() && !std::equal(back->begin(), back->end(), content.begin(), content.end())) std::abort();
  return 0;
}
