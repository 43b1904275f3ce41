// byte_codec/frame.cpp — the byte codec's frame: header (magic, version, descriptor), blocks up to a last one,
// optional CRC32C (see entcode/byte_codec.hpp, doc/format.md "Byte codec container").
#include <algorithm>
#include <cstring>

#include "context.hpp"
#include "entcode/byte_codec.hpp"
#include "entcode/byte_io.hpp"
#include "entcode/crc32c.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec {

namespace {

constexpr std::size_t kMaxVarint32 = 5;
// The descriptor byte: block_log2 - kMinBlockLog2 in bits 0-3, the CRC flag in bit 4.
constexpr unsigned kLog2Bits = 4;
constexpr std::uint8_t kFlagChecksum = 1u << kLog2Bits;

}  // namespace

// --- frame header --------------------------------------------------------------------

std::size_t write_frame_header(const Options& options, std::span<std::byte, kFrameHeaderSize> dst) noexcept {
  for (std::size_t i = 0; i < std::size(kMagic); ++i) dst[i] = static_cast<std::byte>(kMagic[i]);
  dst[std::size(kMagic)] = static_cast<std::byte>(kVersion);
  dst[std::size(kMagic) + 1] = static_cast<std::byte>((options.checksum ? kFlagChecksum : 0) | (options.block_log2 - kMinBlockLog2));
  return kFrameHeaderSize;
}

Result<FrameHeader> read_frame_header(std::span<const std::byte> src) noexcept {
  for (std::size_t i = 0; i < std::size(kMagic) && i < src.size(); ++i)
    if (std::to_integer<std::uint8_t>(src[i]) != kMagic[i]) return errc::bad_header;
  if (src.size() < kFrameHeaderSize) return errc::truncated;
  // Frames of versions 1-10 began "ECRB": their version byte reads as 'R'.
  if (std::to_integer<std::uint8_t>(src[std::size(kMagic)]) != kVersion) return errc::unsupported_version;
  const auto descriptor = std::to_integer<unsigned>(src[std::size(kMagic) + 1]);
  const unsigned log2 = kMinBlockLog2 + (descriptor & ((1u << kLog2Bits) - 1));
  if ((descriptor & ~(kFlagChecksum | ((1u << kLog2Bits) - 1))) != 0 || log2 > kMaxBlockLog2) return errc::bad_header;
  return FrameHeader{log2, (descriptor & kFlagChecksum) != 0};
}

// --- whole frames -------------------------------------------------------------------

std::size_t bound(std::size_t n, const Options& options) noexcept {
  const unsigned log2 = std::clamp(options.block_log2, kMinBlockLog2, kMaxBlockLog2);
  const std::size_t block = std::size_t{1} << log2;
  const std::size_t blocks = (n + block - 1) / block;
  return kFrameHeaderSize + n + blocks * (1 + kMaxVarint32) + 1 + 4;
}

Result<std::size_t> compress(Context& ctx, std::span<const std::uint8_t> src, std::span<std::byte> dst,
                             const Options& options) {
  if (options.order > 1 || options.block_log2 < kMinBlockLog2 || options.block_log2 > kMaxBlockLog2)
    return errc::invalid_argument;
  if (dst.size() < kFrameHeaderSize) return errc::output_too_small;
  std::size_t pos = write_frame_header(options, dst.first<kFrameHeaderSize>());
  const std::size_t block = std::size_t{1} << options.block_log2;
  for (std::size_t off = 0; off < src.size(); off += block) {
    const std::size_t n = std::min(block, src.size() - off);
    const auto size = compress_chunk(ctx, src.subspan(off, n), dst.subspan(pos), options, off + n == src.size());
    if (!size) return size.error();
    pos += *size;
  }
  SpanWriter w(dst.subspan(pos));
  if (src.empty()) w.put_u8(static_cast<std::uint8_t>(BlockKind::end));
  if (options.checksum) w.put_u32(crc32c(std::as_bytes(src)));
  if (w.error() != errc::ok) return w.error();
  return pos + w.size();
}

Result<std::size_t> compress(std::span<const std::uint8_t> src, std::span<std::byte> dst, const Options& options) {
  return compress(detail::thread_context(), src, dst, options);
}

Result<std::vector<std::byte>> compress(std::span<const std::uint8_t> src, const Options& options) {
  std::vector<std::byte> out(bound(src.size(), options));
  const auto size = compress(src, out, options);
  if (!size) return size.error();
  out.resize(*size);
  return out;
}

namespace {

// Walks (and, with `sink`, decodes) a frame; sink(raw_size) returns the span to
// decode the next block into, or an empty span with an error code set. ctx may
// be null when the sink never returns a non-empty span (inspect).
template <class Sink>
Result<FrameInfo> walk(Context* ctx, std::span<const std::byte> src, std::optional<Isa> isa, Sink&& sink) {
  const auto header = read_frame_header(src);
  if (!header) return header.error();
  FrameInfo info;
  info.block_log2 = header->block_log2;
  info.checksum = header->checksum;
  std::size_t pos = kFrameHeaderSize;
  for (;;) {
    const auto ext = peek_block(src.subspan(pos), *header);
    if (!ext) return ext.error();
    ++info.blocks[static_cast<unsigned>(ext->kind)];
    if (ext->kind == BlockKind::end) {
      pos += 1;
      break;
    }
    errc e = errc::ok;
    const std::span<std::uint8_t> out = sink(ext->raw_size, e);
    if (e != errc::ok) return e;
    if (!out.empty()) {
      e = decompress_block(*ctx, src.subspan(pos, ext->encoded_size), out, *header, isa);
      if (e != errc::ok) return e;
    }
    info.content_size += ext->raw_size;
    pos += ext->encoded_size;
    if (ext->last) break;
  }
  if (header->checksum) {
    if (src.size() - pos < 4) return errc::truncated;
    for (int b = 0; b < 4; ++b) info.stored_crc |= std::to_integer<std::uint32_t>(src[pos++]) << (8 * b);
  }
  info.frame_size = pos;
  return info;
}

}  // namespace

Result<FrameInfo> inspect(std::span<const std::byte> src) {
  return walk(nullptr, src, Isa::scalar, [](std::size_t, errc&) { return std::span<std::uint8_t>{}; });
}

Result<std::size_t> decompress(Context& ctx, std::span<const std::byte> src, std::span<std::uint8_t> dst,
                               std::optional<Isa> isa) {
  std::size_t pos = 0;
  const auto info = walk(&ctx, src, isa, [&](std::size_t n, errc& e) {
    if (dst.size() - pos < n) {
      e = errc::output_too_small;
      return std::span<std::uint8_t>{};
    }
    pos += n;
    return dst.subspan(pos - n, n);
  });
  if (!info) return info.error();
  if (info->frame_size != src.size()) return errc::corrupt;
  if (info->checksum && crc32c(std::as_bytes(dst.first(pos))) != info->stored_crc) return errc::checksum_mismatch;
  return pos;
}

Result<std::size_t> decompress(std::span<const std::byte> src, std::span<std::uint8_t> dst, std::optional<Isa> isa) {
  return decompress(detail::thread_context(), src, dst, isa);
}

Result<std::vector<std::uint8_t>> decompress(std::span<const std::byte> src, std::size_t max_size,
                                             std::optional<Isa> isa) {
  std::vector<std::uint8_t> out;
  const auto info = walk(&detail::thread_context(), src, isa, [&](std::size_t n, errc& e) {
    if (max_size - out.size() < n) {
      e = errc::too_large;
      return std::span<std::uint8_t>{};
    }
    out.resize(out.size() + n);
    return std::span<std::uint8_t>(out).last(n);
  });
  if (!info) return info.error();
  if (info->frame_size != src.size()) return errc::corrupt;
  if (info->checksum && crc32c(std::as_bytes(std::span<const std::uint8_t>(out))) != info->stored_crc)
    return errc::checksum_mismatch;
  return out;
}

}  // namespace byte_codec
}  // namespace v0
}  // namespace entcode
