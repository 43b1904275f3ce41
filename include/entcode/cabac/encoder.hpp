// cabac/encoder.hpp — HEVC CABAC arithmetic encoder (ITU-T H.265 9.3.4.3's encoder counterpart).
//
// Bit-exact with the standard's encoder (9-bit range, rangeTabLps, state
// transitions, bypass, terminate, EncodeFlush), but with a lazy carry: `low_`
// is a wide accumulator holding the 9-bit coding window (bits 0..8) plus
// `pend_` already-decided bits above it, and a possible carry above those.
// Whole 32-bit chunks leave the accumulator once pend_ >= 32; a carry out of
// a chunk is added into the bytes already written (it stops at the first
// non-0xFF byte; it can never cross the start of a codeword), which replaces
// the standard's bit-wise bitsOutstanding / firstBitFlag bookkeeping.
// Invariant between calls: pend_ <= 31, low_ < 2^(9 + pend_ + 1).
// Output: an owned buffer written through raw pointers (4-byte big-endian
// stores, no zero fill), grown by doubling with realloc; reserve(n) pre-sizes it. Every
// member function on the coding path is inline and the out-of-line helpers
// take values, not the encoder, so a caller's loop keeps the engine state in
// registers.
//
// Termination (HEVC end_of_slice_segment_flag / end_of_subset_one_bit / pcm_flag):
// encode_terminate(1) codes the bin and flushes exactly as EncodeFlush: range = 2,
// renormalise (7 bits), PutBit((low >> 9) & 1), WriteBits(((low >> 7) & 3) | 1, 2)
// — the final 1 is the rbsp_stop_one_bit (or alignment_bit_equal_to_one) — then
// writes zero bits to the byte boundary. The engine restarts (range 510, low 0)
// on the next byte, as HEVC re-initialises after end_of_subset_one_bit.
// finish(): if the last call was not encode_terminate(1) (or nothing was coded),
// it first codes encode_terminate(1) itself; it then returns all bytes (the
// slice_segment_data() payload including rbsp_slice_segment_trailing_bits,
// WITHOUT emulation prevention — the NAL writer adds it) and resets the
// encoder for reuse (keeping its buffer). finish(span) writes the bytes into
// caller memory instead and returns their count (output_too_small, encoder
// unchanged, if they do not fit; finished_size() says how many are needed). Errors: invalid_argument after an encode_bypass with
// n outside 0..32 or an encode_symbol outside the model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "entcode/cabac/context.hpp"
#include "entcode/cabac/tables.hpp"
#include "entcode/export.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace cabac {

class ENTCODE_API CabacEncoder {
 public:
  using Context = cabac::Context;
  using SymbolModel = cabac::SymbolModel;

  CabacEncoder() noexcept = default;
  CabacEncoder(CabacEncoder&& o) noexcept { swap(o); }
  CabacEncoder& operator=(CabacEncoder&& o) noexcept {
    CabacEncoder tmp(std::move(o));
    swap(tmp);
    return *this;
  }
  ~CabacEncoder() { std::free(buf_); }

  // Makes room for n more output bytes without reallocating.
  void reserve(std::size_t n) {
    const auto used = static_cast<std::size_t>(pos_ - buf_);
    if (static_cast<std::size_t>(end_ - pos_) < n) set_buffer(grow(buf_, used + n), used, used + n);
  }

  // A context-coded bin (9.3.4.3.2 encoder side); bin != 0 codes a 1.
  void encode_bin(Context& ctx, int bin) {
    const unsigned p = ctx.packed();
    const StateRow<std::uint8_t>& row = kStateTable[p];
    const unsigned q = (range_ >> 6) - 4;  // (range >> 6) & 3, as 256 <= range <= 510
    const std::uint32_t rlps = row.rlps[q];
    const std::uint32_t rmps = range_ - rlps;
    const unsigned lps = static_cast<unsigned>(bin != 0) ^ (p & 1);
    const std::uint32_t mask = 0u - lps;  // branchless MPS / LPS select
    const unsigned mps_shift = rmps < 256;
    const unsigned n = mps_shift ^ ((mps_shift ^ row.lps_shift[q]) & mask);
    low_ = (low_ + (rmps & mask)) << n;
    range_ = (rmps ^ ((rmps ^ rlps) & mask)) << n;
    pend_ += static_cast<int>(n);
    ctx.set_packed(row.next[lps]);
    if (pend_ >= 32) [[unlikely]] emit_chunk();
  }

  // n (0 <= n <= 32) bypass bins, the bits of `bits` MSB first; n outside -> invalid_argument.
  void encode_bypass(std::uint32_t bits, int n) {
    if (n < 0 || n > 32) {
      error_ = errc::invalid_argument;
      return;
    }
    encode_bypass_bits(bits, n);
  }
  // Fast grouped bypass, precondition 0 <= n <= 32: low = (low << n) + bits * range.
  void encode_bypass_bits(std::uint32_t bits, int n) {
    if (n > 16) [[unlikely]] {
      bypass_chunk(bits >> 16, n - 16);
      bypass_chunk(bits & 0xffff, 16);
      return;
    }
    bypass_chunk(bits & ((std::uint32_t{1} << n) - 1), n);
  }

  void encode_terminate(int bin) {
    range_ -= 2;
    if (bin) {
      low_ += range_;
      flush_codeword();
      return;
    }
    if (range_ < 256) [[unlikely]] {
      range_ <<= 1;
      low_ <<= 1;
      if (++pend_ >= 32) [[unlikely]] emit_chunk();
    }
  }

  void encode_symbol(const SymbolModel& model, int s);

  Result<std::vector<std::byte>> finish() {
    const errc error = terminate_all();
    std::vector<std::byte> out(buf_, pos_);
    reset();
    if (error != errc::ok) return error;
    return out;
  }
  // The bytes into `out`; their count, or output_too_small (encoder unchanged).
  Result<std::size_t> finish(std::span<std::byte> out) {
    const std::size_t n = finished_size();
    if (out.size() < n) return errc::output_too_small;
    const errc error = terminate_all();
    if (n) std::memcpy(out.data(), buf_, n);
    reset();
    if (error != errc::ok) return error;
    return n;
  }
  // The exact size finish() would return now.
  [[nodiscard]] std::size_t finished_size() const noexcept {
    const auto used = static_cast<std::size_t>(pos_ - buf_);
    return needs_terminate() ? used + static_cast<std::size_t>(pend_ + 7 + 2 + 7) / 8 : used;  // flush_codeword's bits
  }

  // Bytes already final or pending (for rate estimates; exact after finish()).
  [[nodiscard]] std::size_t bytes_so_far() const noexcept {
    return static_cast<std::size_t>(pos_ - buf_) + static_cast<std::size_t>(pend_ + 7) / 8;
  }

 private:
  static constexpr std::size_t kInitialBytes = 4096;

  void bypass_chunk(std::uint32_t bits, int n) {  // n <= 16, bits < 2^n
    low_ = (low_ << n) + std::uint64_t{bits} * range_;
    pend_ += n;
    if (pend_ >= 32) [[unlikely]] emit_chunk();
  }
  void emit_chunk() {  // writes the top 32 pending bits (+ carry)
    const int shift = 9 + pend_ - 32;
    put(low_ >> shift, 4);
    low_ &= (std::uint64_t{1} << shift) - 1;
    pend_ -= 32;
  }
  void flush_codeword() {  // EncodeFlush + byte alignment + engine restart
    // range = 2 -> 7 renormalisation shifts; then the bits at positions 9, 8, 7
    // of the register, the last one forced to 1 (stop bit).
    low_ <<= 7;
    pend_ += 7;
    std::uint64_t value = (low_ >> 7) | 1;
    int nbits = pend_ + 2;
    const int pad = (8 - nbits % 8) % 8;  // rbsp alignment zero bits
    value <<= pad;
    nbits += pad;
    put(value, nbits / 8);
    low_ = 0;
    range_ = kInitRange;
    pend_ = 0;
    codeword_start_ = static_cast<std::size_t>(pos_ - buf_);
    flushed_ = true;
  }
  // nbytes (<= 8) big-endian bytes of value; bit 8 * nbytes is a carry into the bytes before.
  void put(std::uint64_t value, int nbytes) {
    if (nbytes < 8 && (value >> (8 * nbytes))) [[unlikely]] add_carry(buf_ + codeword_start_, pos_);
    if (end_ - pos_ < 8) [[unlikely]] reserve(8);
    const std::uint64_t be = __builtin_bswap64(value << (64 - 8 * nbytes));  // nbytes >= 1
    std::memcpy(pos_, &be, 8);  // 8 bytes stored, nbytes kept
    pos_ += nbytes;
  }
  [[nodiscard]] bool needs_terminate() const noexcept {  // the last call was not encode_terminate(1)
    const bool fresh = low_ == 0 && range_ == kInitRange && pend_ == 0 &&
                       static_cast<std::size_t>(pos_ - buf_) == codeword_start_;
    return !(flushed_ && fresh);
  }
  errc terminate_all() {  // codes the final terminate if needed; returns the error state
    if (needs_terminate()) encode_terminate(1);
    return error_;
  }
  void reset() noexcept {  // a fresh encoder that keeps the buffer
    CabacEncoder fresh;
    std::swap(fresh.buf_, buf_);
    std::swap(fresh.end_, end_);
    fresh.pos_ = fresh.buf_;
    swap(fresh);
  }
  void swap(CabacEncoder& o) noexcept {
    std::swap(low_, o.low_);
    std::swap(range_, o.range_);
    std::swap(pend_, o.pend_);
    std::swap(buf_, o.buf_);
    std::swap(pos_, o.pos_);
    std::swap(end_, o.end_);
    std::swap(codeword_start_, o.codeword_start_);
    std::swap(flushed_, o.flushed_);
    std::swap(error_, o.error_);
  }
  void set_buffer(std::byte* buf, std::size_t used, std::size_t need) noexcept {
    buf_ = buf;
    pos_ = buf + used;
    end_ = buf + grown_size(need);
  }
  // Out of line and given values, not the encoder (which would then live in memory).
  static std::size_t grown_size(std::size_t need) noexcept;         // capacity grow() allocates for need
  static std::byte* grow(std::byte* old, std::size_t need);  // realloc to grown_size(need)
  static void add_carry(std::byte* first, std::byte* pos) noexcept;  // +1 into the bytes [first, pos)

  std::uint64_t low_ = 0;
  std::uint32_t range_ = kInitRange;
  int pend_ = 0;
  std::byte* buf_ = nullptr;        // owned, malloc'd
  std::byte* pos_ = nullptr;        // next byte to write
  std::byte* end_ = nullptr;        // end of the allocation
  std::size_t codeword_start_ = 0;  // where the current codeword began (offset)
  bool flushed_ = false;            // at least one codeword was terminated
  errc error_ = errc::ok;
};

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
