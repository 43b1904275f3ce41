// simd/perm_tables.hpp — lane permutation tables indexed by an 8-bit lane mask,
// for AVX2's vpermd (AVX2 has no compress / expand).
//
// For mask m (bit k = lane k selected), with cnt = popcount(m):
//   enc[m]: the selected lanes, in lane order, moved to the top lanes
//           8 - cnt .. 7 (compress high: words emitted by an encoder);
//   dec[m]: selected lane k takes source lane rank(k), its rank among the
//           selected lanes (expand: words read by a decoder).
// Unselected destination lanes take lane 0 (their value is don't-care).
// Include ONLY from a kernels_<isa>.cpp compiled for that ISA: everything
// here lives in an anonymous namespace so no SIMD-compiled inline function can
// be merged with a baseline one (one-definition rule; see entcode/isa.hpp).
#pragma once

#include <cstdint>

namespace entcode {
inline namespace v0 {
namespace simd {
namespace {

#if defined(__AVX2__)
// Permutation LUTs indexed by an 8-bit lane mask.
struct Avx2Luts {
  alignas(32) std::uint32_t enc[256][8];  // selected lanes moved to the top, in order
  alignas(32) std::uint32_t dec[256][8];  // lane k takes word rank(k) (its rank among selected lanes)
  constexpr Avx2Luts() : enc{}, dec{} {
    for (unsigned m = 0; m < 256; ++m) {
      unsigned cnt = 0;
      for (unsigned k = 0; k < 8; ++k) cnt += (m >> k) & 1;
      unsigned r = 0;
      for (unsigned k = 0; k < 8; ++k) {
        if (((m >> k) & 1) == 0) continue;
        enc[m][8 - cnt + r] = k;
        dec[m][k] = r++;
      }
    }
  }
};
constexpr Avx2Luts kAvx2Luts{};
#endif

}  // namespace
}  // namespace simd
}  // namespace v0
}  // namespace entcode
