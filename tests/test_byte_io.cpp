// test_byte_io.cpp — little-endian writers, bounds-checked reader, varints, sticky errors.
#include <catch2/catch.hpp>

#include <array>

#include "entcode/byte_io.hpp"

using namespace entcode;

TEST_CASE("ByteWriter writes little-endian and varints", "[byte_io]") {
  ByteWriter w;
  w.put_u8(0x01);
  w.put_u16(0x0302);
  w.put_u32(0x07060504);
  w.put_varint(300);  // 0xac 0x02
  const auto buf = w.take();
  REQUIRE(buf.size() == 9);
  const std::array<int, 9> want{1, 2, 3, 4, 5, 6, 7, 0xac, 0x02};
  for (std::size_t i = 0; i < want.size(); ++i) CHECK(std::to_integer<int>(buf[i]) == want[i]);
}

TEST_CASE("ByteReader round-trips and records truncation", "[byte_io]") {
  ByteWriter w;
  w.put_u64(0x0123456789abcdefULL);
  w.put_varint(0);
  w.put_varint(~std::uint64_t{0});
  w.put_u16(0xbeef);
  const auto buf = w.take();
  ByteReader r(buf);
  CHECK(r.get_u64() == 0x0123456789abcdefULL);
  CHECK(r.get_varint() == 0);
  CHECK(r.get_varint() == ~std::uint64_t{0});
  CHECK(r.get_u16() == 0xbeef);
  CHECK(r.ok());
  CHECK(r.remaining() == 0);
  CHECK(r.get_u8() == 0);
  CHECK(r.error() == errc::truncated);
  r.fail(errc::corrupt);  // first error wins
  CHECK(r.error() == errc::truncated);
}

TEST_CASE("ByteReader rejects overlong varints as corrupt", "[byte_io]") {
  std::vector<std::byte> eleven(11, std::byte{0x80});
  eleven.back() = std::byte{0};
  ByteReader r(eleven);
  CHECK(r.get_varint() == 0);
  CHECK(r.error() == errc::corrupt);

  std::vector<std::byte> overflow(10, std::byte{0xff});
  overflow.back() = std::byte{0x02};  // bit 64 set
  ByteReader r2(overflow);
  r2.get_varint();
  CHECK(r2.error() == errc::corrupt);

  std::vector<std::byte> cut{std::byte{0x80}};
  ByteReader r3(cut);
  r3.get_varint();
  CHECK(r3.error() == errc::truncated);
}

TEST_CASE("SpanWriter never writes past its span", "[byte_io]") {
  std::array<std::byte, 5> dst{};
  SpanWriter w(dst);
  w.put_u32(0xaabbccdd);
  CHECK(w.error() == errc::ok);
  w.put_u16(1);
  CHECK(w.error() == errc::output_too_small);
  CHECK(w.size() == 4);
  CHECK(std::to_integer<int>(dst[4]) == 0);
  w.put_u8(1);  // sticky
  CHECK(w.size() == 4);
  CHECK(w.reserve(1).empty());
}
