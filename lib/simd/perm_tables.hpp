// simd/perm_tables.hpp — 8-lane permutations indexed by an 8-bit lane mask, for
// AVX2's vpermd (AVX2 has no compress / expand). The one table of every AVX2
// rANS kernel (lib/rans/kernel_impl.hpp through Prim<avx2>, the Gaussian AVX2
// kernel lib/gaussian/kernels_avx2.cpp).
//
// For mask m (bit k = lane k selected), with cnt = popcount(m):
//   compress_high(m): the selected lanes, in lane order, moved to the top lanes
//                     8 - cnt .. 7 (the words an encoder emits);
//   expand(m):        selected lane k takes source lane rank(k), its rank among
//                     the selected lanes (the words a decoder reads).
// Unselected destination lanes take lane 0 (their value is don't-care).
// Layout: one byte per lane, 8 bytes per mask (2 KiB per table), widened by
// one vpmovzxbd load. Measured (doc/perf.md, "Gaussian kernels on lib/simd"):
// 32-byte rows (one dword per lane, 8 KiB per table) made the Gaussian AVX2
// encoder 30-45% slower, and the byte rows cost the byte codec nothing.
// Include ONLY from a kernels_<isa>.cpp compiled for that ISA: everything
// here lives in an anonymous namespace so no SIMD-compiled inline function can
// be merged with a baseline one (one-definition rule; see entcode/isa.hpp).
#pragma once

#include <immintrin.h>

#include <array>
#include <bit>
#include <cstdint>

#include "inline.hpp"

namespace entcode {
inline namespace v0 {
namespace simd {
namespace {

#if defined(__AVX2__)
// For each 8-bit lane mask, the source lane of every destination lane (byte l = lane l).
using LanePerm = std::array<std::uint64_t, 256>;

constexpr LanePerm compress_high_table() noexcept {
  LanePerm p{};
  for (unsigned m = 0; m < 256; ++m) {
    auto r = static_cast<unsigned>(8 - std::popcount(m));
    for (unsigned l = 0; l < 8; ++l)
      if ((m >> l) & 1) p[m] |= std::uint64_t{l} << (8 * r++);
  }
  return p;
}

constexpr LanePerm expand_table() noexcept {
  LanePerm p{};
  for (unsigned m = 0; m < 256; ++m) {
    unsigned r = 0;
    for (unsigned l = 0; l < 8; ++l)
      if ((m >> l) & 1) p[m] |= std::uint64_t{r++} << (8 * l);
  }
  return p;
}

alignas(64) constexpr LanePerm kCompressHigh = compress_high_table();
alignas(64) constexpr LanePerm kExpand = expand_table();

ENTCODE_KERNEL_INLINE __m256i lane_perm(const LanePerm& p, unsigned mask) noexcept {
  return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(&p[mask])));
}
// vpermd indexes: the lanes of `mask` moved to the top, in order.
ENTCODE_KERNEL_INLINE __m256i compress_high(unsigned mask) noexcept { return lane_perm(kCompressHigh, mask); }
// vpermd indexes: lane k of `mask` takes source lane rank(k).
ENTCODE_KERNEL_INLINE __m256i expand(unsigned mask) noexcept { return lane_perm(kExpand, mask); }
#endif

}  // namespace
}  // namespace simd
}  // namespace v0
}  // namespace entcode
