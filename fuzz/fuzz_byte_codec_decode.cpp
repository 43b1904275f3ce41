// fuzz_byte_codec_decode.cpp — byte codec frames from untrusted bytes: decompress
// (output capped at 1 MiB) and inspect must never crash, over-read or over-allocate,
// and must agree with each other on the framing. At most fuzz::kMaxInput bytes are read.
// On a 1-in-4 sample the kernels of a lower ISA decode (fuzz::sampled_isa).
#include <cstdint>
#include <cstdlib>
#include <span>

#include "entcode/byte_codec.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bc = entcode::byte_codec;
  const auto input = entcode::fuzz::capped(data, size);
  const auto src = std::as_bytes(input);
  const auto out = bc::decompress(src, std::size_t{1} << 20, entcode::fuzz::sampled_isa(input));
  const auto info = bc::inspect(src);
  if (out.ok() && (!info.ok() || info->content_size != out->size())) std::abort();
  return 0;
}
