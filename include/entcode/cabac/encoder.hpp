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
// encoder for reuse. Errors: invalid_argument after an encode_bypass with
// n outside 0..32 or an encode_symbol outside the model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "entcode/cabac/context.hpp"
#include "entcode/cabac/tables.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace cabac {

class CabacEncoder {
 public:
  using Context = cabac::Context;
  using SymbolModel = cabac::SymbolModel;

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

  Result<std::vector<std::byte>> finish();

  // Bytes already final or pending (for rate estimates; exact after finish()).
  [[nodiscard]] std::size_t bytes_so_far() const noexcept { return pos_ + static_cast<std::size_t>(pend_ + 7) / 8; }

 private:
  void bypass_chunk(std::uint32_t bits, int n) {  // n <= 16, bits < 2^n
    low_ = (low_ << n) + std::uint64_t{bits} * range_;
    pend_ += n;
    if (pend_ >= 32) [[unlikely]] emit_chunk();
  }
  void emit_chunk();       // writes the top 32 pending bits (+ carry)
  void flush_codeword();   // EncodeFlush + byte alignment + engine restart
  void put(std::uint64_t value, int nbytes);  // nbytes big-endian bytes, bit 8*nbytes = carry
  void add_carry();

  std::uint64_t low_ = 0;
  std::uint32_t range_ = kInitRange;
  int pend_ = 0;
  std::vector<std::byte> buf_;
  std::size_t pos_ = 0;            // bytes written to buf_
  std::size_t codeword_start_ = 0;  // where the current codeword began
  bool flushed_ = false;            // at least one codeword was terminated
  errc error_ = errc::ok;
};

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
