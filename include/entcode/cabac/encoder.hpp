// cabac/encoder.hpp — HEVC CABAC arithmetic encoder (ITU-T H.265 9.3.4.3's encoder counterpart).
//
// Bit-exact with the standard's encoder (9-bit range, rangeTabLps, state
// transitions, bypass, terminate, EncodeFlush), but with a lazy carry: `low_`
// is a wide accumulator holding the 9-bit coding window (bits 0..8) plus
// `pend_` already-decided bits above it, and a possible carry above those.
// Whole 32-bit chunks leave the accumulator once pend_ >= 32; a carry out of
// a chunk is added into the bytes already written (it stops at the first
// non-0xFF byte; it can never cross the start of a codeword), which replaces
// the standard's bit-wise bitsOutstanding / firstBitFlag bookkeeping. The
// carry (0 or 1) is added to the previous 4 bytes without a branch (a carry
// is as likely as not on bypass bins: a branch on it mispredicts); only a
// carry out of those 4 bytes (all 0xFF) takes the byte-wise slow path. The
// first chunk of a codeword never carries, and 4 bytes of headroom before the
// buffer give it "previous bytes" to add the zero to.
// Invariant between calls: pend_ <= 31, low_ < 2^(9 + pend_ + 1).
// A context-coded bin's critical path runs through range_ only: rangeTabLps[q]
// and its shift come out of the state row by a register shift by 8 * q (no
// range-indexed load), and the LPS/MPS choice (known from the bin before the
// range is) is a test + cmov (Step::select_lps), not a branch.
// Output: an owned buffer written through raw pointers (4-byte big-endian
// stores, no zero fill), grown by doubling with realloc; reserve(n) pre-sizes it
// (std::bad_alloc if that fails; the encoder is then unchanged). Every
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

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
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
  ~CabacEncoder() { release(buf_); }

  // Makes room for n more output bytes without reallocating; std::bad_alloc
  // (encoder unchanged) if the allocation fails or would exceed kMaxBytes.
  void reserve(std::size_t n) {
    const auto used = static_cast<std::size_t>(pos_ - buf_);
    if (static_cast<std::size_t>(end_ - pos_) >= n) return;
    if (n > kMaxBytes - used) throw std::bad_alloc();
    set_buffer(grow(buf_, used + n), used, used + n);
  }
  static constexpr std::size_t kMaxBytes = std::size_t{1} << (sizeof(std::size_t) * 8 - 4);  // no size overflows

  // A context-coded bin (9.3.4.3.2 encoder side); bin != 0 codes a 1.
  void encode_bin(Context& ctx, int bin) {
    const unsigned p = ctx.packed();
    const StateRow<std::uint8_t>& row = kStateTable[p];
    // rangeTabLps[q] and its shift are picked out of the row's first 8 bytes by a
    // register shift (8 * q = range bits 7..6, times 8), not by a range-indexed load.
    const std::uint64_t quad = lps_quad(row);
    const unsigned at = (range_ >> 3) & 24;
    const auto rlps = static_cast<std::uint8_t>(quad >> at);
    const auto lps_shift = static_cast<std::uint8_t>((quad >> 32) >> at);
    const unsigned lps = static_cast<unsigned>(bin != 0) ^ (p & 1);
    Step s{range_ - rlps, 0, 0};  // the MPS path
    s.shift = s.range < 256;
    s.select_lps(lps, rlps, lps_shift);
    low_ = (low_ + s.low_add) << s.shift;
    range_ = s.range << s.shift;
    pend_ += static_cast<int>(s.shift);
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

  // One decision before renormalisation, initialised to the MPS path (range =
  // rMPS, shift = rMPS < 256, low unchanged); select_lps switches it to the LPS
  // path (low += rMPS, range = rLPS, its shift) iff lps, without a branch.
  struct Step {
    std::uint32_t range, shift, low_add;
    void select_lps(unsigned lps, std::uint32_t rlps, std::uint32_t lps_shift) noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
      // test + three cmov: one op between rMPS's shift and the new shift.
      const std::uint32_t rmps = range;
      asm("test %[lps], %[lps]\n\t"
          "cmovne %[rmps], %[low_add]\n\t"
          "cmovne %[rlps], %[range]\n\t"
          "cmovne %[lps_shift], %[shift]"
          : [range] "+r"(range), [shift] "+r"(shift), [low_add] "+r"(low_add)
          : [lps] "r"(lps), [rmps] "r"(rmps), [rlps] "r"(rlps), [lps_shift] "r"(lps_shift)
          : "cc");
#else
      const std::uint32_t mask = 0u - lps;
      low_add = range & mask;
      range ^= (range ^ rlps) & mask;
      shift ^= (shift ^ lps_shift) & mask;
#endif
    }
  };
  // The row's rlps[0..3] in bytes 0..3 and lps_shift[0..3] in bytes 4..7 of a little-endian word.
  static std::uint64_t lps_quad(const StateRow<std::uint8_t>& row) noexcept {
    static_assert(offsetof(StateRow<std::uint8_t>, lps_shift) == 4);
    std::uint64_t v;
    std::memcpy(&v, &row, 8);
    return std::endian::native == std::endian::little ? v : __builtin_bswap64(v);
  }

  void bypass_chunk(std::uint32_t bits, int n) {  // n <= 16, bits < 2^n
    low_ = (low_ << n) + std::uint64_t{bits} * range_;
    pend_ += n;
    if (pend_ >= 32) [[unlikely]] emit_chunk();
  }
  void emit_chunk() {  // writes the top 32 pending bits, their carry into the bytes before
    if (end_ - pos_ < 4) [[unlikely]] reserve(4);  // first: a bad_alloc leaves the encoder unchanged
    const int shift = 9 + pend_ - 32;
    const std::uint64_t chunk = low_ >> shift;  // bit 32: the carry
    low_ &= (std::uint64_t{1} << shift) - 1;
    pend_ -= 32;
    const auto carry = static_cast<std::uint32_t>(chunk >> 32);
    const std::uint32_t previous = load_be32(pos_ - 4) + carry;  // the headroom if pos_ == buf_
    store_be32(pos_ - 4, previous);
    if (previous < carry) [[unlikely]] add_carry(buf_ + codeword_start_, pos_ - 4);
    store_be32(pos_, static_cast<std::uint32_t>(chunk));
    pos_ += 4;
  }
  static std::uint32_t load_be32(const std::byte* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return std::endian::native == std::endian::little ? __builtin_bswap32(v) : v;
  }
  static void store_be32(std::byte* p, std::uint32_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
    std::memcpy(p, &v, 4);
  }
  void flush_codeword() {  // EncodeFlush + byte alignment + engine restart
    // range = 2 -> 7 renormalisation shifts; then the bits at positions 9, 8, 7
    // of the register, the last one forced to 1 (stop bit).
    if (end_ - pos_ < 8) [[unlikely]] reserve(8);  // first: a bad_alloc leaves the encoder unchanged
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
  // The buffer starts kHeadroom zero bytes into its allocation (see emit_chunk).
  static constexpr std::size_t kHeadroom = 4;
  static std::size_t grown_size(std::size_t need) noexcept;  // capacity grow() allocates for need
  static std::byte* grow(std::byte* buf, std::size_t need);  // realloc to grown_size(need); buf may be null
  static void release(std::byte* buf) noexcept;              // frees a buffer of grow()
  static void add_carry(std::byte* first, std::byte* pos) noexcept;  // +1 into the bytes [first, pos)

  std::uint64_t low_ = 0;
  std::uint32_t range_ = kInitRange;
  int pend_ = 0;
  std::byte* buf_ = nullptr;        // owned, from grow()
  std::byte* pos_ = nullptr;        // next byte to write
  std::byte* end_ = nullptr;        // end of the allocation
  std::size_t codeword_start_ = 0;  // where the current codeword began (offset)
  bool flushed_ = false;            // at least one codeword was terminated
  errc error_ = errc::ok;
};

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
