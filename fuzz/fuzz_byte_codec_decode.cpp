// fuzz_byte_codec_decode.cpp — byte codec frames from untrusted bytes: decompress
// (output capped at 1 MiB) and inspect must never crash, over-read or over-allocate,
// and must agree with each other on the framing (inspect first: frames with
// order-1 blocks decode on their own Context, fuzz_byte_codec.hpp). At most fuzz::kMaxInput bytes are read.
// On a 1-in-4 sample the kernels of a lower ISA decode (fuzz::sampled_isa).
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "fuzz_byte_codec.hpp"
#include "fuzz_util.hpp"

using namespace entcode;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bc = byte_codec;
  constexpr std::size_t kMaxContent = std::size_t{1} << 20;
  const auto input = fuzz::capped(data, size);
  const auto src = std::as_bytes(input);
  const auto isa = fuzz::sampled_isa(input);
  const auto info = bc::inspect(src);
  if (!info || info->content_size > kMaxContent) {  // decompress must refuse it too
    if (bc::decompress(src, kMaxContent, isa)) fuzz::fail("decompress accepted a frame inspect rejects");
    return 0;
  }
  std::vector<std::uint8_t> out(info->content_size);
  const auto n = bc::decompress(fuzz::byte_codec_context(info->blocks[4] > 0), src, out, isa);
  if (n && *n != out.size()) fuzz::fail("decompress and inspect disagree on the content size");
  return 0;
}
