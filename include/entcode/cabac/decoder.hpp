// cabac/decoder.hpp — HEVC CABAC arithmetic decoder (ITU-T H.265 9.3.4.3), fast and bounds-checked.
//
// Representation: range_ = ivlCurrRange << 55 and value_ = ivlOffset << 55 | the
// next `bits_` stream bits below it, so a renormalised range has bit 63 set.
// A context-coded decision's chain through range_ is: shift (q = range_'s bits
// 62..61 index the kDecodeTable row, whose address is computed from the context
// beforehand), load rLPS, add (its carry is the LPS/MPS decision, its sum the LPS
// offset; Decision::select_lps), cmov, count-leading-zeros (the renormalisation
// shift of either path), shift. No branch (a data-dependent branch mispredicts on
// every LPS); masks instead of cmov off x86-64.
// Every member function is inline (cold paths too): no call takes the
// decoder's address, so a caller's loop keeps its registers in registers.
// Refill: when fewer than 7 buffered bits remain (7 = the largest single-bin
// shift), one unaligned 8-byte big-endian load tops value_ up to 48..55 bits;
// within 8 bytes of the end, bytes are taken one at a time and zeros are
// supplied past the end while counting them, so nothing outside the span is
// ever read. Grouped bypass (decode_bypass_bits, n bins at once) is one long
// division: bins = (offset:next n bits) / range by an exact reciprocal, the
// remainder is the new offset.
//
// Errors (status() is sticky; after an error every call returns 0):
//  - truncated: the decoder consumed bits past the end of the span (detected
//    at the next refill, i.e. at most ~55 bits late; exactly by finish()),
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
#include "entcode/export.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace cabac {

// kStateTable with the LPS ranges pre-scaled to the decoder's range_ (<< 55).
inline constexpr auto kDecodeTable = make_state_table<std::uint64_t, 55>();

class ENTCODE_API CabacDecoder {
 public:
  using Context = cabac::Context;
  using SymbolModel = cabac::SymbolModel;

  explicit CabacDecoder(std::span<const std::byte> src) noexcept;

  // A context-coded bin (9.3.4.3.2).
  int decode_bin(Context& ctx) noexcept {
    const unsigned p = ctx.packed();
    const StateRow<std::uint64_t>* row = &kDecodeTable[p];
#if defined(__GNUC__)
    asm("" : "+r"(row));  // the row address is computed from the context alone, not folded into the load's index
#endif
    // q = (ivlCurrRange >> 6) & 3 = (range_ >> 61) - 4 (range_'s top bits are 1qq):
    // one shift between range_ and the load, the -4 is the load's displacement.
    const std::uint64_t rlps = row->rlps[(range_ >> 61) - 4];
    Decision d{value_, range_};
    const unsigned lps = d.select_lps(rlps);
    const unsigned shift = leading_zeros(d.range);  // renormalisation: top bit back to 63
    value_ = d.value << shift;
    range_ = d.range << shift;
    bits_ -= static_cast<int>(shift);
    ctx.set_packed(row->next[lps]);
    if (bits_ < kMinBits) [[unlikely]] refill();
    return static_cast<int>(((p & 1) ^ lps) & ok_mask_);
  }

  // One bypass bin (9.3.4.3.4).
  int decode_bypass() noexcept {
    const std::uint64_t v = value_;
    const unsigned bin = v >= range_ - v;  // 2 * offset >= range, without overflowing bit 63
    value_ = (v << 1) - (range_ & (0 - std::uint64_t{bin}));  // < range_: exact modulo 2^64
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
  // One decision's outcome before renormalisation, initialised to value and
  // range; select_lps makes it the MPS path (range = rMPS) or the LPS path
  // (value -= rMPS, range = rLPS) without a branch (a data-dependent branch
  // here mispredicts on every LPS). LPS iff value >= rMPS iff value + rLPS >= range,
  // which is the carry out of rLPS + (value - range) (modulo 2^64): one add after
  // the rLPS load decides, and its sum is the LPS path's value.
  struct Decision {
    std::uint64_t value, range;
    unsigned select_lps(std::uint64_t rlps) noexcept {
      std::uint64_t value_lps = value - range;
      std::uint64_t rmps = range - rlps;
#if defined(__x86_64__) && defined(__GNUC__)
      std::uint8_t lps;
      asm("add %[rlps], %[value_lps]\n\t"
          "cmovc %[value_lps], %[value]\n\t"
          "cmovc %[rlps], %[rmps]\n\t"
          "setc %[lps]"
          : [value] "+r"(value), [value_lps] "+r"(value_lps), [rmps] "+r"(rmps), [lps] "=r"(lps)
          : [rlps] "r"(rlps)
          : "cc");
      range = rmps;
      return lps;
#else
      value_lps += rlps;
      const unsigned lps = value_lps < rlps;  // the carry
      const std::uint64_t mask = 0 - static_cast<std::uint64_t>(lps);
      value ^= (value ^ value_lps) & mask;
      range = rmps ^ ((rmps ^ rlps) & mask);
      return lps;
#endif
    }
  };

  // Count of leading zeros of x != 0 (lzcnt with -mlzcnt; without it, no zero test before bsr).
  static unsigned leading_zeros(std::uint64_t x) noexcept {
#if defined(__GNUC__)
    return static_cast<unsigned>(__builtin_clzll(x));
#else
    return static_cast<unsigned>(std::countl_zero(x));
#endif
  }

  static constexpr int kShift = 55;          // ivlOffset / ivlCurrRange live at bits 63..55
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

// Cold paths (inline: see the top of this file).
inline CabacDecoder::CabacDecoder(std::span<const std::byte> src) noexcept
    : ptr_(src.data()), end_(src.data() + src.size()), begin_(src.data()) {
  init_codeword();
}

inline void CabacDecoder::init_codeword() noexcept {
  value_ = 0;
  range_ = std::uint64_t{kInitRange} << kShift;
  bits_ = -9;  // the 9 bits of ivlOffset are still to be read
  refill();
  if (error_ == errc::ok && (value_ >> kShift) >= kInitRange) fail(errc::corrupt);
}

inline std::size_t CabacDecoder::codeword_end() noexcept {
  const std::uint64_t c = consumed_bits();  // through the stop bit
  const auto size = static_cast<std::size_t>(end_ - begin_);
  if (c > 8 * static_cast<std::uint64_t>(size)) {
    fail(errc::truncated);
    return size;
  }
  const auto last = static_cast<std::size_t>((c - 1) / 8);
  const unsigned bit = 7 - static_cast<unsigned>((c - 1) % 8);
  const unsigned byte = std::to_integer<unsigned>(begin_[last]);
  if (((byte >> bit) & 1) == 0 || (byte & ((1u << bit) - 1)) != 0) fail(errc::corrupt);
  return last + 1;
}

inline int CabacDecoder::end_codeword() noexcept {
  const std::size_t next = codeword_end();
  if (error_ != errc::ok) return 0;
  ptr_ = begin_ + next;
  phantom_ = 0;
  if (ptr_ == end_) {
    ended_ = true;  // any further call needs the 9 bits of a next codeword: truncated
    value_ = 0;
    range_ = std::uint64_t{kInitRange} << kShift;
    bits_ = -9;
    return 1;
  }
  init_codeword();
  return static_cast<int>(1 & ok_mask_);
}

inline errc CabacDecoder::finish() noexcept {
  if (error_ != errc::ok || ended_) return error_;
  const auto size = static_cast<std::size_t>(end_ - begin_);
  if (consumed_bits() > 8 * static_cast<std::uint64_t>(size)) {
    fail(errc::truncated);
  } else if (value_ < range_ - (std::uint64_t{2} << kShift)) {
    fail(errc::corrupt);  // the stream does not end here
  } else if (codeword_end() != size && error_ == errc::ok) {
    fail(errc::corrupt);  // trailing bytes
  }
  return error_;
}

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
