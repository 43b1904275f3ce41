// byte_codec/exp_golomb.hpp — order-r exp-Golomb codes of small unsigned values,
// bits MSB first (lib-internal; doc/format.md "Byte codec container": grid models
// and coded symbol sets). The code of v: z = bit_width(u) - 1 zeros, then
// u = (v >> r) + 1 in z + 1 bits, then v's low r bits (2z + 1 + r bits).
// Invariants: v < 2^16 and r <= kMaxCodeOrder, so a code has at most 49 bits;
// a reader refuses more than kMaxCodeOrder zeros (`corrupt`), reports codes
// running past its input as `truncated`, never reads past it, and finish()
// requires the last byte's padding bits to be zero.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "entcode/byte_io.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

inline constexpr unsigned kMaxCodeOrder = 16;

// Bits of the order-r code of v.
inline unsigned code_bits(std::uint32_t v, unsigned r) noexcept {
  return 2 * static_cast<unsigned>(std::bit_width((v >> r) + 1)) - 1 + r;
}

// The total bits of the k values' codes of order r.
inline unsigned order_bits(const std::uint32_t* v, unsigned k, unsigned r) noexcept {
  unsigned bits = 0;
  for (unsigned i = 0; i < k; ++i) bits += code_bits(v[i], r);
  return bits;
}

// The order of the shortest codes for the k >= 1 values, searched from two
// below the width of their mean to that width (one more never won on the
// bench's data), and their bits.
struct Order {
  unsigned r, bits;
};
inline Order best_order(const std::uint32_t* v, unsigned k) noexcept {
  std::uint64_t sum = 0;
  for (unsigned i = 0; i < k; ++i) sum += v[i];
  const auto width = static_cast<unsigned>(std::bit_width(sum / k));
  Order best{0, ~0u};
  for (unsigned r = width > 2 ? width - 2 : 0; r <= std::min(width, kMaxCodeOrder); ++r)
    if (const unsigned bits = order_bits(v, k, r); bits < best.bits) best = {r, bits};
  return best;
}

// Codes written MSB first into a SpanWriter; flush() pads the last byte with zeros.
class BitSink {
 public:
  explicit BitSink(SpanWriter& w) noexcept : w_(w) {}
  // The order-r code of v (v < 2^16, r <= 16: at most 49 bits, so with the 7
  // pending ones the accumulator holds it): u = (v >> r) + 1 and v's low r bits
  // as one number of 2 bit_width(u) - 1 + r bits, its leading zeros the prefix.
  void put_code(std::uint32_t v, unsigned r) noexcept {
    const std::uint32_t u = (v >> r) + 1;
    const std::uint64_t code = std::uint64_t{u} << r | (v & ((std::uint32_t{1} << r) - 1));
    put(code, 2 * static_cast<unsigned>(std::bit_width(u)) - 1 + r);
  }
  void flush() noexcept {
    if (count_ > 0) put(0, 8 - count_);
  }

 private:
  void put(std::uint64_t v, unsigned n) noexcept {
    acc_ = acc_ << n | v;
    for (count_ += n; count_ >= 8; count_ -= 8) w_.put_u8(static_cast<std::uint8_t>(acc_ >> (count_ - 8)));
  }
  SpanWriter& w_;
  std::uint64_t acc_ = 0;
  unsigned count_ = 0;
};

// Bits MSB first from the bytes ahead of a ByteReader, which finish() then
// consumes. The next bits wait in a register (buffer_, `held_` of them), so a
// code costs a count of zeros and shifts; loads refill it every few codes.
class BitSource {
 public:
  explicit BitSource(ByteReader& r) noexcept : r_(r), bytes_(r.rest()) {}
  // An order-r code (r <= kMaxCodeOrder; at most 16 + 17 + 16 bits): `truncated`
  // when it runs past the input, `corrupt` when its zeros pass kMaxCodeOrder.
  errc get_code(unsigned r, std::uint64_t& v) noexcept {
    if (held_ < kMaxCodeBits) refill();
    // (| 1: no zero test; 63 zeros are as wrong as 64.)
    const auto zeros = static_cast<unsigned>(std::countl_zero(buffer_ | 1));
    if (pos_ + zeros + 1 > 8 * bytes_.size()) return errc::truncated;
    if (zeros > kMaxCodeOrder) return errc::corrupt;
    // After the zeros: u (zeros + 1 bits, top bit set), then r low bits: u << r | low = v + 2^r.
    v = (buffer_ << zeros >> (63 - zeros - r)) - (std::uint64_t{1} << r);
    skip(2 * zeros + 1 + r);
    return pos_ > 8 * bytes_.size() ? errc::truncated : errc::ok;
  }
  // Consumes the whole bytes read; their padding bits must be zero.
  void finish() noexcept {
    refill();
    if (pos_ % 8 != 0 && buffer_ >> (64 - (8 - pos_ % 8)) != 0) return r_.fail(errc::corrupt);
    r_.get_bytes((pos_ + 7) / 8);  // truncated if the codes ran past the input
  }

 private:
  static constexpr unsigned kMaxCodeBits = 2 * kMaxCodeOrder + 1 + kMaxCodeOrder;
  // The next 57 or more bits from pos_ at the top of buffer_ (zeros past the input).
  void refill() noexcept {
    const std::size_t first = pos_ / 8;
    std::uint64_t v = 0;
    if (first + 8 <= bytes_.size()) {
      std::memcpy(&v, bytes_.data() + first, 8);
      v = __builtin_bswap64(v);
    } else {
      for (std::size_t i = first; i < first + 8; ++i) v = v << 8 | (i < bytes_.size() ? std::to_integer<std::uint64_t>(bytes_[i]) : 0);
    }
    buffer_ = v << (pos_ % 8);
    held_ = 64 - static_cast<unsigned>(pos_ % 8);
  }
  void skip(unsigned n) noexcept {  // n <= kMaxCodeBits < 64
    buffer_ <<= n;
    held_ -= n;
    pos_ += n;
  }
  ByteReader& r_;
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
  std::uint64_t buffer_ = 0;
  unsigned held_ = 0;
};

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
