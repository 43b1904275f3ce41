// rans/nonzero_symbols.hpp — the symbols with a non-zero entry in a 256-entry row
// (counts or frequencies of one context), listed in increasing order without a
// branch per symbol: a branch mispredicts on the sparse rows of order-1 models.
// Lib-internal; used by the byte codec's model building (lib/byte_codec/models.cpp),
// its tables writer (lib/byte_codec/tables.cpp) and ByteTables::assign.
#pragma once

#include <cstdint>

namespace entcode {
inline namespace v0 {
namespace rans::detail {

// Writes the symbols s with row[s] != 0 to out[0..k) in increasing order; returns k.
template <class T>
unsigned nonzero_symbols(const T* row, std::uint8_t (&out)[256]) noexcept {
  unsigned k = 0;
  for (unsigned s = 0; s < 256; ++s) {
    out[k] = static_cast<std::uint8_t>(s);  // k <= s: in bounds
    k += row[s] != 0;
  }
  return k;
}

}  // namespace rans::detail
}  // namespace v0
}  // namespace entcode
