// rans/interleaved.hpp — 64-way interleaved bulk rANS for bytes, order 0 and order 1,
// with SIMD kernels (SSE2, AVX2, AVX-512) chosen at run time.
//
// Every path writes exactly the stream of the scalar interleaved reference
// (rans/reference.hpp with kByteCoderLanes = 64 lanes, symbol i on lane
// i % 64): [64 x u32 LE final states][u16 LE words in decoder order].
// 64 lanes (4 AVX-512 vectors) rather than 32: the decoder's step chain
// (state -> slot gather -> multiply -> renormalise -> state) is latency-bound
// with two vectors in flight; four hide it (doc/perf.md). The byte codec also
// codes 32- and 16-lane streams (fewer final states for small blocks) through
// the same kernels (lib/rans/kernels.hpp, doc/format.md).
//
// Order 0: symbol i is data[i], coded with the one model.
// Order 1: the input of n bytes is cut into 64 segments of m = n / 64 bytes
// (lane k owns data[k*m, (k+1)*m)), followed by a tail of n - 64m bytes.
// Reference symbol i (the i-th symbol handed to `interleaved_encode`) is
//   i <  64m:  byte data[k*m + j] with k = i % 64, j = i / 64, context
//              data[k*m + j - 1] (0 when j == 0);
//   i >= 64m:  byte data[i] with context data[i - 1] (0 when i == 0),
// so a lane decodes its own segment in order and needs no other lane's
// output, and the tail continues the round-robin over lanes.
// The model of context c codes a symbol following byte c.
//
// Tables: precision p in [1, 12] (ByteTables::kMaxPrecision), byte symbols,
// every used context's frequencies sum to 2^p; unused contexts are all zero
// (only corrupt streams reach one: it decodes byte 0 and drops the state to
// x >> p, so the end checks almost surely report `corrupt`). Decoders never read outside src, check the
// initial states (>= L), and report `truncated` when a word is missing and
// `corrupt` when the final states are not L or words are left over.
// Kernels: lib/rans/kernels_{sse2,avx2,avx512}.cpp (see doc/perf.md for speed).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/export.hpp"
#include "entcode/isa.hpp"
#include "entcode/rans/model.hpp"
#include "entcode/rans/reference.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {

// Lanes of the interleaved byte coder, fixed by its format (doc/lanes.md).
inline constexpr unsigned kByteCoderLanes = 64;

// Encoder entry used by the SIMD kernels (8 bytes: one qword gather element).
// The quotient q = x / freq is ((t + ((x - t) >> 1)) >> shift) with
// t = mulhi(x, rcp). Precision <= 12 makes bias < 2^13, cmpl < 2^12 and
// shift < 2^4, so they share one word; freq = M - cmpl.
struct SimdEncSymbol {
  std::uint32_t rcp;     // EncSymbol::rcp_freq
  std::uint32_t packed;  // bias | cmpl_freq << 13 | rcp_shift << 25
  static constexpr std::uint32_t pack(std::uint32_t bias, std::uint32_t cmpl, std::uint32_t shift) noexcept {
    return bias | cmpl << 13 | shift << 25;
  }
};
static_assert(sizeof(SimdEncSymbol) == 8);

// Decoder slot entry (precision <= 12): symbol | (slot - start) << 8 | (freq - 1) << 20,
// so x' = (e >> 20) * (x >> p) + (x >> p) + ((e >> 8) & 0xfff) keeps the
// multiply on the shortest path from the gather.
struct SimdSlot {
  static constexpr std::uint32_t pack(std::uint32_t symbol, std::uint32_t freq, std::uint32_t bias) noexcept {
    return symbol | bias << 8 | (freq - 1) << 20;
  }
  static constexpr std::uint32_t symbol(std::uint32_t e) noexcept { return e & 0xff; }
  static constexpr std::uint32_t freq(std::uint32_t e) noexcept { return (e >> 20) + 1; }
  static constexpr std::uint32_t bias(std::uint32_t e) noexcept { return (e >> 8) & 0xfff; }
};

// Encoder and decoder tables for 1 (order 0) or 256 (order 1) byte contexts.
class ENTCODE_API ByteTables {
 public:
  static constexpr unsigned kMaxPrecision = 12;

  enum class Use : std::uint8_t { encode = 1, decode = 2, both = 3 };  // which tables to fill

  // freqs: contexts * 256 entries, context-major; contexts is 1 or 256.
  // invalid_argument unless every context sums to 0 or 2^precision.
  static Result<ByteTables> build(std::span<const std::uint32_t> freqs, unsigned contexts, unsigned precision,
                                  Use use = Use::both);
  // As build(), into this object, reusing its buffers (a coder that keeps one
  // ByteTables per thread avoids allocating and faulting in megabytes per block).
  // Encoder entries of zero-frequency symbols are unspecified. On error the
  // object can neither encode nor decode.
  errc assign(std::span<const std::uint32_t> freqs, unsigned contexts, unsigned precision, Use use = Use::both);
  // Where an order-1 model may have non-zero frequencies: rows (contexts) and
  // columns (symbols).
  struct Support {
    std::array<bool, 256> contexts{}, symbols{};
  };
  // As assign() for 256 contexts reading only the entries in `support`; all
  // others are 0, whatever freqs holds there: an order-1 block of quality
  // strings uses ~40 of 256 rows and columns, and reading, copying and
  // checking them all was ~1/3 of decoding a 16 KiB block.
  errc assign(std::span<const std::uint32_t> freqs, unsigned precision, Use use, const Support& support);

  [[nodiscard]] unsigned precision() const noexcept { return precision_; }
  [[nodiscard]] unsigned contexts() const noexcept { return contexts_; }
  [[nodiscard]] std::uint32_t freq(unsigned ctx, unsigned sym) const noexcept { return freq_[ctx * 256 + sym]; }
  [[nodiscard]] bool can_encode() const noexcept { return !enc_.empty(); }
  [[nodiscard]] bool can_decode() const noexcept { return !slots_.empty(); }
  // contexts * 256 entries.
  [[nodiscard]] std::span<const SimdEncSymbol> enc() const noexcept { return enc_; }
  [[nodiscard]] std::span<const EncSymbol> reference_enc() const noexcept { return ref_enc_; }
  // SimdSlot entries, context-major and contiguous: context c's 2^precision slots
  // start at c << precision (a stride of 2^kMaxPrecision left 3/4 of every 16 KiB
  // unused at precision 10 and the rest in a quarter of the L2 cache's sets).
  [[nodiscard]] const std::uint32_t* slots() const noexcept { return slots_.data(); }
  [[nodiscard]] const std::uint32_t* slots(unsigned ctx) const noexcept {
    return slots_.data() + (std::size_t{ctx} << precision_);
  }

 private:
  errc assign_support(std::span<const std::uint32_t> freqs, unsigned contexts, unsigned precision, Use use,
                      const Support* support);
  struct Alphabet;
  void copy_freqs(std::span<const std::uint32_t> freqs, const Support* support, const Alphabet* alphabet);
  void mark_dirty(std::size_t first, std::size_t count) noexcept;
  void clean(std::size_t first, std::size_t count) noexcept;

  unsigned precision_ = 0;
  unsigned contexts_ = 0;
  std::vector<std::uint32_t> freq_;
  std::array<bool, 256> freq_rows_{};  // rows of freq_ that may be non-zero
  std::vector<EncSymbol> ref_enc_;
  std::vector<SimdEncSymbol> enc_;
  std::vector<std::uint32_t> slots_;
  // Which chunks of 2^kCleanChunkLog2 slots may hold anything but the
  // unused-context entry (0): a reused object zeroes only those an unused
  // context covers, whatever the precision of the blocks before (an order-1
  // block of quality strings uses ~40 of the 256 contexts, and blocks of 1 MiB
  // and of less alternate between precisions 12 and 10).
  static constexpr unsigned kCleanChunkLog2 = 10;
  std::vector<bool> dirty_;
};

// Upper bound of an encoded stream (= interleaved_bound(n, kByteCoderLanes)).
inline constexpr std::size_t encoded_bound(std::size_t n) noexcept { return reference::interleaved_bound(n, kByteCoderLanes); }

// Encoders need tables built with Use::encode or both, decoders Use::decode or both.
// Order 0 (tables.contexts() == 1). Every byte of data must have freq >= 1
// (invalid_argument otherwise). Returns the stream size, or output_too_small.
ENTCODE_API Result<std::size_t> encode_order0(std::span<const std::uint8_t> data, const ByteTables& tables,
                                  std::span<std::byte> dst, Isa isa);
ENTCODE_API errc decode_order0(std::span<const std::byte> src, const ByteTables& tables, std::span<std::uint8_t> out, Isa isa);

// Order 1 (tables.contexts() == 256), segment layout above.
ENTCODE_API Result<std::size_t> encode_order1(std::span<const std::uint8_t> data, const ByteTables& tables,
                                  std::span<std::byte> dst, Isa isa);
ENTCODE_API errc decode_order1(std::span<const std::byte> src, const ByteTables& tables, std::span<std::uint8_t> out, Isa isa);

// The ISA the kernels use for `requested` on this build: the highest kernel
// level <= requested that was compiled in (scalar when none).
ENTCODE_API Isa kernel_isa(Isa requested) noexcept;

}  // namespace rans
}  // namespace v0
}  // namespace entcode
