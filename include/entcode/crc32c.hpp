// crc32c.hpp — CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by
// iSCSI, ext4 and zstd-like containers. Check value: crc32c("123456789") = 0xE3069283.
// The SSE4.2 crc32 instruction is used when the CPU has it (lib/checksum/crc32c_sse42.cpp),
// a slicing-by-8 table otherwise; both give identical results.
// Incremental: crc32c(b, crc32c(a)) == crc32c(a ++ b); the initial value is 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "entcode/export.hpp"

namespace entcode {
inline namespace v0 {

ENTCODE_API std::uint32_t crc32c(std::span<const std::byte> data, std::uint32_t crc = 0) noexcept;
// The table implementation (for tests and CPUs without SSE4.2).
ENTCODE_API std::uint32_t crc32c_portable(std::span<const std::byte> data, std::uint32_t crc = 0) noexcept;

}  // namespace v0
}  // namespace entcode
