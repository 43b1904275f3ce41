// fuzz_byte_codec.hpp — byte codec calls for the fuzz targets, each order and direction
// on its own byte_codec::Context kept for the whole process. One Context alternating between
// order-0 and order-1 blocks re-sizes (and zero-fills) its 256-context tables on every
// order-1 block; a Context per order keeps them sized, so an input pays only for
// its own coding (fuzz_util.hpp, speed rule); decoded content goes to a reused buffer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "entcode/byte_codec.hpp"
#include "fuzz_util.hpp"

namespace entcode::fuzz {

// The Context for decoding (or, with encode, coding) frames with (order1) or without
// order-1 blocks. Encoding and decoding keep their own: the tables of one Context
// switching between them are re-sized (and zero-filled: 4 MiB of order-1 decoder slots)
// on every switch.
inline byte_codec::Context& byte_codec_context(bool order1, bool encode = false) {
  static byte_codec::Context contexts[2][2];
  return contexts[encode ? 1 : 0][order1 ? 1 : 0];
}

// True if content of `size` bytes coded with `order` has order-1 blocks: blocks
// < 4 KiB are coded with order 0 whatever the order asked for (lib/byte_codec/block.cpp).
inline bool has_order1_blocks(unsigned order, std::size_t size) { return order == 1 && size >= 4096; }

inline Result<std::vector<std::byte>> compress(std::span<const std::uint8_t> content, const byte_codec::Options& o) {
  std::vector<std::byte> frame(byte_codec::bound(content.size(), o));
  const auto n = byte_codec::compress(byte_codec_context(has_order1_blocks(o.order, content.size()), true), content, frame, o);
  if (!n) return n.error();
  frame.resize(*n);
  return frame;
}

// Decodes a frame written with order `order` (its content has `size` bytes) into
// an exact-size span of a reused buffer (fuzz::Arena), valid until the next call;
// the span is first filled with one byte value, as a fresh buffer would be zeroed,
// so no byte of an earlier input's content can stand in for one the decoder missed.
inline Result<std::span<const std::uint8_t>> decompress(std::span<const std::byte> frame, std::size_t size,
                                                        unsigned order, std::optional<Isa> isa = std::nullopt) {
  static Arena arena;
  const auto out = arena.get_filled(size);
  const auto n = byte_codec::decompress(byte_codec_context(has_order1_blocks(order, size)), frame, out, isa);
  if (!n) return n.error();
  if (*n != size) return errc::corrupt;
  return std::span<const std::uint8_t>(out);
}

}  // namespace entcode::fuzz
