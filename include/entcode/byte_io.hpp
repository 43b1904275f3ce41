// byte_io.hpp — little-endian byte writers and a bounds-checked reader.
//
// ByteWriter grows a std::vector; SpanWriter writes into caller memory and
// records `output_too_small` (sticky) instead of writing past the end;
// ByteReader never reads outside its span: a short read records `truncated`
// (sticky), returns zeros, and every later read fails too.
// All multi-byte integers are little-endian. Varints are unsigned LEB128
// (at most 10 bytes for 64 bits; longer or overflowing ones are `corrupt`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {

namespace detail {
template <class Sink>
void put_le(Sink& sink, std::uint64_t v, int bytes) {
  std::byte tmp[8];
  for (int i = 0; i < bytes; ++i) tmp[i] = static_cast<std::byte>(v >> (8 * i));
  sink.put_bytes(std::span<const std::byte>(tmp, static_cast<std::size_t>(bytes)));
}
template <class Sink>
void put_varint(Sink& sink, std::uint64_t v) {
  while (v >= 0x80) {
    sink.put_u8(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  sink.put_u8(static_cast<std::uint8_t>(v));
}
}  // namespace detail

// The bytes put_varint writes for v (unsigned LEB128).
constexpr std::size_t varint_size(std::uint64_t v) noexcept {
  std::size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

// Integer helpers shared by writers (CRTP keeps one implementation).
template <class Derived>
class WriterOps {
 public:
  void put_u8(std::uint8_t v) { self().put_bytes(std::span<const std::byte>(reinterpret_cast<const std::byte*>(&v), 1)); }
  void put_u16(std::uint16_t v) { detail::put_le(self(), v, 2); }
  void put_u32(std::uint32_t v) { detail::put_le(self(), v, 4); }
  void put_u64(std::uint64_t v) { detail::put_le(self(), v, 8); }
  void put_varint(std::uint64_t v) { detail::put_varint(self(), v); }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

// Appends to an owned, growable buffer.
class ByteWriter : public WriterOps<ByteWriter> {
 public:
  void put_bytes(std::span<const std::byte> b) { buf_.insert(buf_.end(), b.begin(), b.end()); }
  [[nodiscard]] std::size_t size() const noexcept { return buf_.size(); }
  std::vector<std::byte>& buffer() noexcept { return buf_; }
  std::vector<std::byte> take() noexcept { return std::move(buf_); }

 private:
  std::vector<std::byte> buf_;
};

// Writes into caller memory; overflow is recorded, never performed.
class SpanWriter : public WriterOps<SpanWriter> {
 public:
  explicit SpanWriter(std::span<std::byte> dst) noexcept : dst_(dst) {}
  void put_bytes(std::span<const std::byte> b) noexcept {
    if (error_ != errc::ok || b.size() > dst_.size() - pos_) {
      error_ = errc::output_too_small;
      return;
    }
    if (!b.empty()) std::memcpy(dst_.data() + pos_, b.data(), b.size());
    pos_ += b.size();
  }
  // Reserves n bytes to be filled by the caller; empty span (and error) if they do not fit.
  std::span<std::byte> reserve(std::size_t n) noexcept {
    if (error_ != errc::ok || n > dst_.size() - pos_) {
      error_ = errc::output_too_small;
      return {};
    }
    pos_ += n;
    return dst_.subspan(pos_ - n, n);
  }
  [[nodiscard]] std::size_t size() const noexcept { return pos_; }
  [[nodiscard]] std::span<std::byte> remaining() const noexcept { return dst_.subspan(pos_); }
  [[nodiscard]] errc error() const noexcept { return error_; }

 private:
  std::span<std::byte> dst_;
  std::size_t pos_ = 0;
  errc error_ = errc::ok;
};

// Bounds-checked little-endian reader with a sticky error.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> src) noexcept : src_(src) {}

  std::uint8_t get_u8() noexcept { return static_cast<std::uint8_t>(get_le(1)); }
  std::uint16_t get_u16() noexcept { return static_cast<std::uint16_t>(get_le(2)); }
  std::uint32_t get_u32() noexcept { return static_cast<std::uint32_t>(get_le(4)); }
  std::uint64_t get_u64() noexcept { return get_le(8); }
  std::uint64_t get_varint() noexcept {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = get_u8();
      if (error_ != errc::ok) return 0;
      if (shift == 63 && b > 1) break;  // would overflow 64 bits
      v |= std::uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    fail(errc::corrupt);
    return 0;
  }
  // The next n bytes, or an empty span (and `truncated`) if fewer remain.
  std::span<const std::byte> get_bytes(std::size_t n) noexcept {
    if (error_ != errc::ok || n > remaining()) {
      fail(errc::truncated);
      return {};
    }
    pos_ += n;
    return src_.subspan(pos_ - n, n);
  }

  [[nodiscard]] std::size_t position() const noexcept { return pos_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return src_.size() - pos_; }
  [[nodiscard]] std::span<const std::byte> rest() const noexcept { return src_.subspan(pos_); }
  [[nodiscard]] errc error() const noexcept { return error_; }
  [[nodiscard]] bool ok() const noexcept { return error_ == errc::ok; }
  // Records an error found by the caller (first error wins).
  void fail(errc e) noexcept {
    if (error_ == errc::ok) error_ = e;
  }

 private:
  std::uint64_t get_le(int bytes) noexcept {
    const auto b = get_bytes(static_cast<std::size_t>(bytes));
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < b.size(); ++i) v |= std::uint64_t{std::to_integer<std::uint8_t>(b[i])} << (8 * i);
    return v;
  }

  std::span<const std::byte> src_;
  std::size_t pos_ = 0;
  errc error_ = errc::ok;
};

}  // namespace v0
}  // namespace entcode
