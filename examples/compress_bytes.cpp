// compress_bytes.cpp — the front door for bytes: byte_codec::compress / decompress
// (entcode/byte_codec.hpp; the frame format is doc/format.md, "Byte codec container").
// The same lines are the README's library snippet.
#include <entcode/byte_codec.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main() {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "entropy coding with rANS and CABAC, line " + std::to_string(i) + "\n";
  const std::vector<std::uint8_t> data(text.begin(), text.end());

  namespace bc = entcode::byte_codec;
  auto frame = bc::compress(data, {.order = 1, .checksum = true});  // Result<std::vector<std::byte>>
  if (!frame) return std::fprintf(stderr, "compress: %s\n", entcode::to_string(frame.error())), 1;
  auto back = bc::decompress(*frame, /*max_size=*/data.size());     // Result<std::vector<std::uint8_t>>
  if (!back) return std::fprintf(stderr, "decompress: %s\n", entcode::to_string(back.error())), 1;

  std::printf("%zu bytes -> %zu bytes, round trip %s\n", data.size(), frame->size(), *back == data ? "ok" : "FAILED");
  return *back == data ? 0 : 1;
}
