// byte_codec.hpp — order-0 / order-1 rANS byte compressor (zstd-like API).
//
// A frame (every byte in doc/format.md, "Byte codec container"):
//   "EC" magic, version 12, a descriptor byte (block size log2 - 16, bit 4:
//   CRC32C present), then blocks [descriptor: kind, last-block flag, for rANS
//   blocks also lanes and precision][raw size - 1 varint][payload] up to one
//   flagged last (or an end byte 0, what streaming writers may write), and the
//   CRC32C of the content (u32 LE) when flagged.
// Block kinds: raw, single-symbol run, order-0 rANS, order-1 rANS (64-, 32- or
// 16-way, chosen per block; seeded: a tail coder's words start the lane states,
// lib/byte_codec/stream.hpp;
// interleaved, rans/interleaved.hpp; order 1 with a coded tables section). The
// encoder falls back to raw whenever coding would not save bytes, so
// compress() never writes more than bound(n).
// Decoders never read outside the input, never allocate more than one block
// (<= 2^block_log2 bytes, and only once the block's payload is present) plus
// what the caller's max_size allows and the coding tables (<= 6 MiB, kept in
// the Context between calls), and distinguish `truncated` (input ends
// inside the frame) from `corrupt` / `bad_header` / `unsupported_version` /
// `checksum_mismatch`.
// Context: the reusable scratch of a coder (counts, frequencies, encoder and
// decoder tables; a few KiB after order-0 blocks, up to ~6 MiB after order-1
// ones), owned by the caller like zstd's ZSTD_CCtx/DCtx: code many blocks with
// one Context and the per-call setup (allocation, page faults) is paid once.
// One Context per thread at a time. The overloads without a Context use one
// per thread (the library's only thread_local byte-codec state: bounded as
// above, freed at thread exit; pass a Context to avoid it).
// The functions below the frame API let a streaming caller (the entcode CLI)
// code one block at a time in bounded memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "entcode/export.hpp"
#include "entcode/isa.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec {

inline constexpr std::uint8_t kMagic[2] = {'E', 'C'};
inline constexpr std::uint8_t kVersion = 12;  // 12: order-1 tables imply a context's last alphabet member, 11: 2-byte magic "EC" (1-10: "ECRB", so their version reads as 0x52), lanes started from compactly coded seed bits, 10: 24-bit seeds, one-byte frame and block descriptors, 9: grid models, 8: order-1 tables over the block's alphabet (7: coded seeds, 6: lane count per block, 5: run-length symbol sets, 4: seeded streams, 3: u32 sizes, 2: varint models, 1: 32 lanes)
inline constexpr unsigned kMinBlockLog2 = 16;
inline constexpr unsigned kMaxBlockLog2 = 26;
inline constexpr std::size_t kFrameHeaderSize = 4;

enum class BlockKind : std::uint8_t { end = 0, raw = 1, run = 2, order0 = 3, order1 = 4 };

struct Options {
  unsigned order = 0;        // 0 or 1 (order 1 writes order-0 blocks where smaller, and below 4 KiB)
  bool checksum = false;     // append CRC32C of the content
  unsigned block_log2 = 22;  // block size 2^block_log2 (kMinBlockLog2..kMaxBlockLog2)
  std::optional<Isa> isa{};  // kernels to use; default selected_isa() (ENTCODE_ISA)
};

namespace detail {
struct Scratch;  // lib/byte_codec/context.hpp
}

class ENTCODE_API Context {
 public:
  Context();
  ~Context();
  Context(Context&&) noexcept;
  Context& operator=(Context&&) noexcept;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  detail::Scratch& scratch() noexcept { return *scratch_; }  // library use

 private:
  std::unique_ptr<detail::Scratch> scratch_;
};

// Worst-case frame size for n input bytes (raw blocks + framing).
ENTCODE_API std::size_t bound(std::size_t n, const Options& options = {}) noexcept;

// Compresses src into dst (dst.size() >= bound(n) always suffices).
ENTCODE_API Result<std::size_t> compress(std::span<const std::uint8_t> src, std::span<std::byte> dst, const Options& options = {});
ENTCODE_API Result<std::vector<std::byte>> compress(std::span<const std::uint8_t> src, const Options& options = {});
ENTCODE_API Result<std::size_t> compress(Context& ctx, std::span<const std::uint8_t> src, std::span<std::byte> dst,
                             const Options& options = {});

// Decompresses one whole frame (no trailing bytes) into dst; returns the content size.
ENTCODE_API Result<std::size_t> decompress(std::span<const std::byte> src, std::span<std::uint8_t> dst,
                               std::optional<Isa> isa = std::nullopt);
ENTCODE_API Result<std::size_t> decompress(Context& ctx, std::span<const std::byte> src, std::span<std::uint8_t> dst,
                               std::optional<Isa> isa = std::nullopt);
// As above into a new vector; too_large when the content would exceed max_size.
ENTCODE_API Result<std::vector<std::uint8_t>> decompress(std::span<const std::byte> src, std::size_t max_size,
                                             std::optional<Isa> isa = std::nullopt);

// --- frame inspection (entcode info) -------------------------------------------

struct FrameInfo {
  unsigned block_log2 = 0;
  bool checksum = false;
  std::uint64_t content_size = 0;
  std::uint64_t frame_size = 0;  // bytes of src the frame occupies
  std::uint64_t blocks[5] = {};  // count per BlockKind (index = kind; [0] unused)
  std::uint32_t stored_crc = 0;  // when checksum
};
// Walks the block headers (no decoding); errors as decompress would report for the framing.
ENTCODE_API Result<FrameInfo> inspect(std::span<const std::byte> src);

// --- streaming pieces ------------------------------------------------------------

struct FrameHeader {
  unsigned block_log2 = 22;
  bool checksum = false;
  [[nodiscard]] std::size_t block_size() const noexcept { return std::size_t{1} << block_log2; }
};
ENTCODE_API std::size_t write_frame_header(const Options& options, std::span<std::byte, kFrameHeaderSize> dst) noexcept;
ENTCODE_API Result<FrameHeader> read_frame_header(std::span<const std::byte> src) noexcept;

// One block (1 <= src.size() <= 2^block_log2) into dst (>= block_bound(src.size())).
// `last`: the frame's last block (flagged; no end marker follows it). A
// streaming writer that learns of the end only later writes the end marker
// (a byte 0, BlockKind::end) after its last block instead, one byte more.
ENTCODE_API std::size_t block_bound(std::size_t n) noexcept;
ENTCODE_API Result<std::size_t> compress_block(std::span<const std::uint8_t> src, std::span<std::byte> dst, const Options& options,
                                   bool last = false);
ENTCODE_API Result<std::size_t> compress_block(Context& ctx, std::span<const std::uint8_t> src, std::span<std::byte> dst,
                                   const Options& options, bool last = false);
// One chunk of content (1 <= src.size() <= 2^block_log2) as the blocks compress()
// writes for it, into dst (>= block_bound(src.size())): one block, or, at order 0
// when the chunk holds long runs of one byte that cost bytes inside a coded block
// (>= 4 KiB, lib/byte_codec/runs.hpp), those runs as `run` blocks and the pieces
// between them as blocks of their own.
// `last` as for compress_block (on the chunk's last block).
ENTCODE_API Result<std::size_t> compress_chunk(std::span<const std::uint8_t> src, std::span<std::byte> dst, const Options& options,
                                   bool last = false);
ENTCODE_API Result<std::size_t> compress_chunk(Context& ctx, std::span<const std::uint8_t> src, std::span<std::byte> dst,
                                   const Options& options, bool last = false);

// The encoded size and content size of the block (or end marker) at the start
// of src: `truncated` if its header or payload is not all there yet.
struct BlockExtent {
  BlockKind kind;
  std::size_t encoded_size;  // whole block including its header (1 for the end marker)
  std::size_t raw_size;      // 0 for the end marker
  bool last;                 // the frame's blocks end here (the end marker too)
};
ENTCODE_API Result<BlockExtent> peek_block(std::span<const std::byte> src, const FrameHeader& header) noexcept;
// Decodes exactly one block (src as measured by peek_block) into dst (size raw_size).
ENTCODE_API errc decompress_block(std::span<const std::byte> src, std::span<std::uint8_t> dst, const FrameHeader& header,
                      std::optional<Isa> isa = std::nullopt);
ENTCODE_API errc decompress_block(Context& ctx, std::span<const std::byte> src, std::span<std::uint8_t> dst,
                      const FrameHeader& header, std::optional<Isa> isa = std::nullopt);

}  // namespace byte_codec
}  // namespace v0
}  // namespace entcode
