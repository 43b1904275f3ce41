// bitstream.hpp — RBSP bit writer/reader with Exp-Golomb codes (H.265 §7.2,
// §9.2) and Annex-B NAL unit framing with emulation prevention (§7.4.2).
//
// BitWriter appends MSB first; rbsp_trailing_bits() writes the stop bit and
// zero bits to the byte boundary (also used for the slice header's
// byte_alignment(), which has the same bit pattern).
// BitReader never reads outside its bytes: a short read sets a sticky
// `truncated` and returns zeros; an Exp-Golomb code longer than 32 bits is `corrupt`.
// NAL framing: 4-byte start code, 2-byte header (layer 0, TemporalId 0),
// 0x03 inserted after two zero bytes before any byte <= 3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/status.hpp"

namespace hevc_intra {

class BitWriter {
 public:
  void u(std::uint32_t value, int bits) {
    for (int i = bits - 1; i >= 0; --i) bit((value >> i) & 1);
  }
  void flag(bool b) { bit(b ? 1 : 0); }
  void ue(std::uint32_t value) {
    const std::uint64_t v = std::uint64_t{value} + 1;
    int len = 0;
    while ((v >> (len + 1)) != 0) ++len;
    u(0, len);
    for (int i = len; i >= 0; --i) bit(static_cast<int>((v >> i) & 1));
  }
  void se(std::int32_t value) {
    ue(value > 0 ? static_cast<std::uint32_t>(2 * value - 1) : static_cast<std::uint32_t>(-2 * std::int64_t{value}));
  }
  void rbsp_trailing_bits() {
    bit(1);
    while (nbits_ != 0) bit(0);
  }
  [[nodiscard]] bool byte_aligned() const noexcept { return nbits_ == 0; }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }

 private:
  void bit(int b) {
    acc_ = static_cast<std::uint8_t>(acc_ << 1 | b);
    if (++nbits_ == 8) {
      bytes_.push_back(acc_);
      acc_ = 0;
      nbits_ = 0;
    }
  }
  std::vector<std::uint8_t> bytes_;
  std::uint8_t acc_ = 0;
  int nbits_ = 0;
};

class BitReader {
 public:
  explicit BitReader(std::span<const std::uint8_t> bytes) noexcept : bytes_(bytes) {}
  std::uint32_t u(int bits) noexcept {
    std::uint32_t v = 0;
    for (int i = 0; i < bits; ++i) v = v << 1 | static_cast<std::uint32_t>(bit());
    return v;
  }
  bool flag() noexcept { return bit() != 0; }
  std::uint32_t ue() noexcept {
    int zeros = 0;
    while (bit() == 0) {
      if (error_ != entcode::errc::ok) return 0;
      if (++zeros > 31) {
        fail(entcode::errc::corrupt);
        return 0;
      }
    }
    return static_cast<std::uint32_t>((std::uint64_t{1} << zeros) - 1 + u(zeros));
  }
  std::int32_t se() noexcept {
    const std::uint32_t k = ue();
    return (k & 1) ? static_cast<std::int32_t>((k + 1) / 2) : -static_cast<std::int32_t>(k / 2);
  }
  // Skips byte_alignment(): a 1 then zeros to the boundary; anything else is corrupt.
  void byte_alignment() noexcept {
    if (bit() != 1) fail(entcode::errc::corrupt);
    while ((pos_ & 7) != 0)
      if (bit() != 0) fail(entcode::errc::corrupt);
  }
  [[nodiscard]] std::size_t byte_position() const noexcept { return pos_ / 8; }
  [[nodiscard]] entcode::errc error() const noexcept { return error_; }
  void fail(entcode::errc e) noexcept {
    if (error_ == entcode::errc::ok) error_ = e;
  }

 private:
  int bit() noexcept {
    if (pos_ >= bytes_.size() * 8) {
      fail(entcode::errc::truncated);
      return 0;
    }
    const int b = (bytes_[pos_ / 8] >> (7 - pos_ % 8)) & 1;
    ++pos_;
    return b;
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  entcode::errc error_ = entcode::errc::ok;
};

enum class NalType : std::uint8_t { idr_w_radl = 19, vps = 32, sps = 33, pps = 34 };

// Appends start code + NAL header + the RBSP with emulation prevention.
void append_nal(std::vector<std::uint8_t>& out, NalType type, std::span<const std::uint8_t> rbsp);

struct NalUnit {
  int type;
  std::vector<std::uint8_t> rbsp;  // emulation prevention removed
};

// Splits an Annex-B byte stream into NAL units. Errors: corrupt (no start code,
// forbidden_zero_bit set, a header cut short).
entcode::Result<std::vector<NalUnit>> split_nal_units(std::span<const std::uint8_t> stream);

}  // namespace hevc_intra
