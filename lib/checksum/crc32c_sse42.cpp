// checksum/crc32c_sse42.cpp — CRC-32C with the SSE4.2 crc32 instruction (compiled with
// -msse4.2 only; called by crc32c.cpp after a CPU check). Raw update: no inversion.
#include <nmmintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace entcode {
inline namespace v0 {
namespace detail {

std::uint32_t crc32c_sse42_update(const std::byte* p, std::size_t n, std::uint32_t crc) noexcept {
  std::uint64_t c = crc;
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
  }
  auto c32 = static_cast<std::uint32_t>(c);
  for (; n > 0; --n, ++p) c32 = _mm_crc32_u8(c32, std::to_integer<std::uint8_t>(*p));
  return c32;
}

}  // namespace detail
}  // namespace v0
}  // namespace entcode
