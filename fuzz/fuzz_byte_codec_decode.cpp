// fuzz_byte_codec_decode.cpp — byte codec frames from untrusted bytes: decompress
// (output capped at 1 MiB) and inspect must never crash, over-read or over-allocate,
// and must agree with each other on the framing (inspect first: frames with
// order-1 blocks decode on their own Context, fuzz_byte_codec.hpp). At most fuzz::kMaxInput bytes are read.
// Frames inspect accepts decode into a reused exact-size span (fuzz::Arena: a few
// bytes of input can declare a 1 MiB run, and a fresh 1 MiB buffer costs more page
// faults than all the decoding); frames it rejects must be refused by the span
// overload too, and by the growing-vector overload on a 1-in-8 sample.
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
  static fuzz::Arena out;
  static bc::Context rejected_ctx;  // any mix of block kinds: kept off the per-order Contexts
  const auto input = fuzz::capped(data, size);
  const auto src = std::as_bytes(input);
  const auto isa = fuzz::sampled_isa(input);
  const auto info = bc::inspect(src);
  if (!info || info->content_size > kMaxContent) {  // decompress must refuse it too
    if (bc::decompress(rejected_ctx, src, out.get(kMaxContent), isa))
      fuzz::fail("decompress accepted a frame inspect rejects");
    if (fuzz::sampled(input, 8, 1) && bc::decompress(src, kMaxContent, isa))
      fuzz::fail("decompress (vector) accepted a frame inspect rejects");
    return 0;
  }
  const auto n = bc::decompress(fuzz::byte_codec_context(info->blocks[4] > 0), src, out.get(info->content_size), isa);
  if (n && *n != info->content_size) fuzz::fail("decompress and inspect disagree on the content size");
  return 0;
}
