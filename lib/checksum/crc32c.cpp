// checksum/crc32c.cpp — CRC-32C: slicing-by-8 tables and the hardware dispatch (see crc32c.hpp).
#include "entcode/crc32c.hpp"

#include <array>

namespace entcode {
inline namespace v0 {

namespace detail {
// lib/checksum/crc32c_sse42.cpp (x86-64 builds): raw update (no pre/post inversion).
std::uint32_t crc32c_sse42_update(const std::byte* p, std::size_t n, std::uint32_t crc) noexcept;
}  // namespace detail

namespace {

using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
    t[0][i] = c;
  }
  for (std::size_t s = 1; s < 8; ++s)
    for (std::uint32_t i = 0; i < 256; ++i) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  return t;
}
constexpr Tables kTables = make_tables();

std::uint32_t byte_at(const std::byte* p, std::size_t k) { return std::to_integer<std::uint32_t>(p[k]); }

std::uint32_t portable_update(const std::byte* p, std::size_t n, std::uint32_t c) noexcept {
  while (n >= 8) {
    const std::uint32_t lo = c ^ (byte_at(p, 0) | byte_at(p, 1) << 8 | byte_at(p, 2) << 16 | byte_at(p, 3) << 24);
    c = kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^ kTables[4][lo >> 24] ^
        kTables[3][byte_at(p, 4)] ^ kTables[2][byte_at(p, 5)] ^ kTables[1][byte_at(p, 6)] ^ kTables[0][byte_at(p, 7)];
    p += 8;
    n -= 8;
  }
  for (; n > 0; --n) c = (c >> 8) ^ kTables[0][(c ^ byte_at(p++, 0)) & 0xff];
  return c;
}

bool have_sse42() noexcept {
#if defined(__x86_64__)
  static const bool have = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") != 0;
  }();
  return have;
#else
  return false;
#endif
}

}  // namespace

std::uint32_t crc32c_portable(std::span<const std::byte> data, std::uint32_t crc) noexcept {
  return ~portable_update(data.data(), data.size(), ~crc);
}

std::uint32_t crc32c(std::span<const std::byte> data, std::uint32_t crc) noexcept {
#if defined(__x86_64__)
  if (have_sse42()) return ~detail::crc32c_sse42_update(data.data(), data.size(), ~crc);
#endif
  return crc32c_portable(data, crc);
}

}  // namespace v0
}  // namespace entcode
