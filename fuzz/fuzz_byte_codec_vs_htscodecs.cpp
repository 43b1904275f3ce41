// fuzz_byte_codec_vs_htscodecs.cpp — differential target: entcode's byte codec
// (include/entcode/byte_codec.hpp) against htscodecs' rANS 4x16 (a peer, linked
// from libhtscodecs-dev) on the same content.
// Byte 0: bit 0 order (0 or 1). The rest (at most kMaxContent bytes) is the
// content. entcode codes blocks < 4 KiB with order 0 even when asked for order 1,
// so an order-1 input is tiled to 4096 + (its length) bytes when it is in a
// 1-in-128 sample (order-1 tables and 4 KiB blocks are the expensive part of an
// input) and is compared as order 0 otherwise.
// Checks: both coders round-trip the content, and entcode's frame (no checksum)
// is at most kSlack[order] bytes + size/kShare[order] larger than htscodecs'
// output of the same order (doc/security.md, "Differential fuzzing", explains
// the bound: 64 lanes' final states and entcode's container against 4 lanes).
#include <htscodecs/rANS_static4x16.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "fuzz_byte_codec.hpp"
#include "fuzz_util.hpp"

using namespace entcode;

namespace {

constexpr std::size_t kMaxContent = 2048;  // bytes of content (the coding loops dominate an input's cost)
constexpr std::size_t kMinOrder1 = 4096;  // lib/byte_codec/block.cpp: smaller blocks are coded with order 0
constexpr std::size_t kSlack[2] = {320, 320};
constexpr std::size_t kShare[2] = {16, 4};  // entcode <= htscodecs + kSlack + htscodecs / kShare

struct FreeDeleter {
  void operator()(unsigned char* p) const { std::free(p); }
};
using CBuffer = std::unique_ptr<unsigned char, FreeDeleter>;

// htscodecs' compressed size of content with `order`; aborts unless it decodes back.
std::size_t htscodecs_size(std::vector<std::uint8_t>& content, unsigned order) {
  unsigned packed = 0, unpacked = 0;
  const auto n = static_cast<unsigned>(content.size());
  const CBuffer frame(rans_compress_4x16(content.data(), n, &packed, static_cast<int>(order)));
  if (!frame) fuzz::fail("htscodecs compress");
  const CBuffer back(rans_uncompress_4x16(frame.get(), packed, &unpacked));
  if (unpacked != n || (n > 0 && (!back || std::memcmp(back.get(), content.data(), n) != 0)))
    fuzz::fail("htscodecs round trip");
  return packed;
}

// entcode's frame size for content with `order`; aborts unless it decodes back.
std::size_t entcode_size(const std::vector<std::uint8_t>& content, unsigned order) {
  byte_codec::Options o;
  o.order = order;
  const auto frame = fuzz::compress(content, o);
  if (!frame) fuzz::fail("entcode compress");
  const auto back = fuzz::decompress(*frame, content.size(), order);
  if (!back || !std::equal(back->begin(), back->end(), content.begin(), content.end())) fuzz::fail("entcode round trip");
  return frame->size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::capped(data, size);
  if (input.empty()) return 0;
  std::vector<std::uint8_t> content(input.begin() + 1, input.begin() + std::min(input.size(), 1 + kMaxContent));
  unsigned order = 0;
  if ((input[0] & 1) && !content.empty() && fuzz::sampled(input, 128)) {
    order = 1;
    fuzz::tile(content, kMinOrder1 + content.size());
  }
  const std::size_t theirs = htscodecs_size(content, order);
  const std::size_t ours = entcode_size(content, order);
  if (ours > theirs + kSlack[order] + theirs / kShare[order]) fuzz::fail("entcode's frame is outside the stated bound");
  return 0;
}
