// cabac/decoder.hpp — HEVC CABAC arithmetic decoder (ITU-T H.265 9.3.4.3), fast and bounds-checked.
//
// Representation: range_ = ivlCurrRange << 54 and value_ = ivlOffset << 54 | the
// next `bits_` stream bits below it (one bit of headroom above bit 62 lets bypass
// shift before comparing). A decision is one kDecodeTable row, a compare,
// mask selects (no branch), and a renormalisation shift taken from the row
// (LPS) or from rMPS's top bit (MPS), so no count-leading-zeros on the
// critical path.
// Refill: when fewer than 7 buffered bits remain (7 = the largest single-bin
// shift), one unaligned 8-byte big-endian load tops value_ up to 47..54 bits;
// within 8 bytes of the end, bytes are taken one at a time and zeros are
// supplied past the end while counting them, so nothing outside the span is
// ever read. Grouped bypass (decode_bypass_bits, n bins at once) is one long
// division: bins = (offset:next n bits) / range by an exact reciprocal, the
// remainder is the new offset.
//
// Errors (status() is sticky; after an error every call returns 0):
//  - truncated: the decoder consumed bits past the end of the span (detected
//    at the next refill, i.e. at most ~54 bits late; exactly by finish()),
//    or the span is shorter than the 9 bits initialisation reads;
//  - corrupt: ivlOffset >= 510 at initialisation (9.3.2.5), or after a
//    terminate bin of 1 the last bit read (the rbsp_stop_one_bit /
//    alignment_bit_equal_to_one) is 0 or the bits up to the byte boundary are not 0;
//  - invalid_argument: decode_bypass(n) with n outside 0..32.
// Terminate: decode_terminate() == 1 ends the codeword at the stop bit and the
// byte alignment; if bytes follow, the engine re-initialises on the next byte
// (HEVC's substream start); if none do, the stream has ended and any further
// decoding call reports truncated.
// finish(): ok iff the stream ends exactly with a terminated codeword — if the
// last call was not a terminate returning 1 it decodes the terminate bin itself
// and requires 1; trailing bytes (including cabac_zero_words) are corrupt.
// The decoder keeps a view of the span: the bytes must outlive it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "entcode/cabac/context.hpp"
#include "entcode/cabac/tables.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace cabac {

// kStateTable with the LPS ranges pre-scaled to the decoder's range_ (<< 54).
inline constexpr auto kDecodeTable = make_state_table<std::uint64_t, 54>();

class CabacDecoder {
 public:
  using Context = cabac::Context;
  using SymbolModel = cabac::SymbolModel;

  explicit CabacDecoder(std::span<const std::byte> src) noexcept;

  // A context-coded bin (9.3.4.3.2).
  int decode_bin(Context& ctx) noexcept {
    const unsigned p = ctx.packed();
    const StateRow<std::uint64_t>& row = kDecodeTable[p];
    const auto q = static_cast<unsigned>(range_ >> 60) - 4;  // (range >> 6) & 3
    const std::uint64_t rlps = row.rlps[q];
    const std::uint64_t rmps = range_ - rlps;
    const std::uint64_t mask = 0 - static_cast<std::uint64_t>(value_ >= rmps);  // LPS: all ones
    const unsigned mps_shift = static_cast<unsigned>(rmps >> 62) ^ 1;             // rMPS < 256
    const unsigned n = mps_shift ^ ((mps_shift ^ row.lps_shift[q]) & static_cast<unsigned>(mask));
    value_ = (value_ - (rmps & mask)) << n;
    range_ = (rmps ^ ((rmps ^ rlps) & mask)) << n;
    bits_ -= static_cast<int>(n);
    const auto lps = static_cast<unsigned>(mask & 1);
    ctx.set_packed(row.next[lps]);
    if (bits_ < kMinBits) [[unlikely]] refill();
    return static_cast<int>(((p & 1) ^ lps) & ok_mask_);
  }

  // One bypass bin (9.3.4.3.4).
  int decode_bypass() noexcept {
    const std::uint64_t v = value_ << 1;
    const unsigned bin = v >= range_;
    value_ = bin ? v - range_ : v;
    if (--bits_ < kMinBits) [[unlikely]] refill();
    return static_cast<int>(bin & ok_mask_);
  }

  // n (0 <= n <= 32) bypass bins, first bin in the MSB; n outside -> invalid_argument.
  std::uint32_t decode_bypass(int n) noexcept {
    if (n < 0 || n > 32) [[unlikely]] {
      fail(errc::invalid_argument);
      return 0;
    }
    return decode_bypass_bits(n);
  }

  // Fast grouped bypass, precondition 0 <= n <= 32.
  std::uint32_t decode_bypass_bits(int n) noexcept {
    if (n == 0) [[unlikely]] return 0;  // needs no bits, even after the last codeword
    if (n > kMaxBypassGroup) [[unlikely]] {
      const std::uint32_t hi = bypass_group(n - 16);
      return hi << 16 | bypass_group(16);
    }
    return bypass_group(n);
  }

  // A bin before termination (9.3.4.3.5).
  int decode_terminate() noexcept {
    range_ -= std::uint64_t{2} << kShift;
    if (value_ >= range_) [[unlikely]] return end_codeword();
    if (range_ < (std::uint64_t{256} << kShift)) [[unlikely]] {
      range_ <<= 1;
      value_ <<= 1;
      --bits_;
    }
    if (bits_ < kMinBits) [[unlikely]] refill();  // also reports a call after the last codeword
    return 0;
  }

  int decode_symbol(const SymbolModel& model) noexcept;

  [[nodiscard]] errc status() const noexcept { return error_; }
  errc finish() noexcept;

 private:
  static constexpr int kShift = 54;          // ivlOffset / ivlCurrRange live at bits 62..54
  static constexpr int kMinBits = 7;         // buffered bits guaranteed between calls
  static constexpr int kMaxBypassGroup = 20;  // reciprocal division exact for offset:20 bits
  static constexpr std::uint64_t kLowMask = (std::uint64_t{1} << kShift) - 1;
  static_assert(kDecodeTable[0].rlps[0] == std::uint64_t{128} << kShift);

  std::uint32_t bypass_group(int n) noexcept {  // 0 <= n <= kMaxBypassGroup
    if (bits_ < n) [[unlikely]] refill();
    const std::uint64_t x = value_ >> (kShift - n);  // offset followed by the next n bits
    const auto r = static_cast<std::uint32_t>(range_ >> kShift);
    const std::uint64_t q = (x * kBypassReciprocal[r]) >> kBypassReciprocalShift;
    value_ = (x - q * r) << kShift | ((value_ << n) & kLowMask);
    bits_ -= n;
    if (bits_ < kMinBits) [[unlikely]] refill();
    return static_cast<std::uint32_t>(q) & ok_mask_;
  }

  void refill() noexcept {
    if (end_ - ptr_ >= 8) [[likely]] {
      std::uint64_t w;
      std::memcpy(&w, ptr_, 8);
      if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
      value_ |= w >> (bits_ + 64 - kShift);  // next stream bit lands just below the buffered ones
      const int nbytes = (kShift - bits_) >> 3;
      ptr_ += nbytes;
      bits_ += 8 * nbytes;
      return;
    }
    refill_tail();
  }
  // Inline (like fail and consumed_bits) so no opaque call sits in a decoding loop.
  void refill_tail() noexcept {
    if (error_ != errc::ok) {
      bits_ = kShift;
      return;
    }
    while (bits_ <= kShift - 8) {
      std::uint64_t b = 0;
      if (ptr_ != end_) b = std::to_integer<std::uint64_t>(*ptr_++);
      else ++phantom_;
      value_ |= b << (kShift - 8 - bits_);
      bits_ += 8;
    }
    if (consumed_bits() > 8 * static_cast<std::uint64_t>(end_ - begin_)) fail(errc::truncated);
  }
  void init_codeword() noexcept;        // reads the 9-bit ivlOffset at ptr_ (9.3.2.5)
  std::size_t codeword_end() noexcept;  // checks stop bit + alignment; returns the next byte index
  int end_codeword() noexcept;          // terminate bin 1: codeword_end(), then restart or end
  [[nodiscard]] std::uint64_t consumed_bits() const noexcept {
    const auto loaded = static_cast<std::uint64_t>(ptr_ - begin_) + phantom_;
    return 8 * loaded - static_cast<std::uint64_t>(bits_);
  }
  void fail(errc e) noexcept {
    if (error_ == errc::ok) error_ = e;
    // A dead engine: offset 0 with no source decodes only zeros, forever.
    ok_mask_ = 0;
    value_ = 0;
    range_ = std::uint64_t{kInitRange} << kShift;
    bits_ = kShift;
    ptr_ = end_;
  }

  std::uint64_t value_ = 0;
  std::uint64_t range_ = std::uint64_t{kInitRange} << kShift;
  int bits_ = 0;
  std::uint32_t ok_mask_ = ~0u;
  const std::byte* ptr_;
  const std::byte* end_;
  const std::byte* begin_;
  std::size_t phantom_ = 0;  // zero bytes supplied past the end
  errc error_ = errc::ok;
  bool ended_ = false;       // a terminate of 1 consumed the whole span
};

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
