// rans/kernel_impl.hpp — the SIMD rANS row kernels, written once over xsimd
// batches and instantiated by each kernels_<isa>.cpp for its architecture.
//
// Include this ONLY from a kernels_<isa>.cpp compiled for that ISA: everything
// here lives in an anonymous namespace so no SIMD-compiled inline function can
// be merged with a baseline one (one-definition rule).
//
// Generic step (per vector of N lanes, byte-identical to rans.hpp's encode_step
// and interleaved_decode):
//   encode: xmax = ((M - cmpl) << (32 - p)) - 1 (wraps to 2^32 - 1 when freq = M);
//           emit words of lanes with x > xmax, x >>= 16 there;
//           t = mulhi(x, rcp), u = t + ((x - t) >> 1), q = u >> shift;
//           x += bias + q * cmpl.
//   decode: e = slots[ctx << p | x & (M - 1)]; x = freq(e) * (x >> p) + bias(e)
//           (SimdSlot layout: (freq - 1) * (x >> p) + (x >> p) + bias);
//           refill lanes with x < L from the next words in lane order.
// Primitives xsimd 8.1 lacks, hence raw intrinsics in Prim<A> below:
// 32x32->64 high multiply (pmuludq pairs), per-lane shifts on SSE2/AVX-512,
// 32-bit low multiply on SSE2 (xsimd falls back to scalar), unsigned compare
// masks, AVX-512 compress/expand, AVX2 permutes (vpermd with a LUT), narrowing
// stores (vpmovdw/vpmovdb) and masked stores; and gathers: xsimd's
// batch::gather is not inlined by GCC 12 at -O2, and the call spills every
// state to memory (halved decode speed). Arithmetic, shifts, loads and stores
// use xsimd.
// AVX2 table lookups use scalar loads, not vpgatherdd/vpgatherdq: on AMD Zen 3
// (measured, same run against htscodecs) eight 4-byte loads are 7-12% faster
// for decoding and eight 8-byte loads 5-18% faster for encoding than hardware
// gathers (Intel after the Downfall microcode is similar). The lane indexes go
// through memory (an empty asm keeps GCC from turning the reloads into
// vpextrd, 2 uops each on Zen). Decoded AVX2 symbols leave 4 vectors at a
// time in one 32-byte store (packus + vpermd).
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "kernels.hpp"

// Everything per vector must inline (gcc -O2 otherwise calls out, e.g. the
// gather) and the per-row loops over the 32 / N vectors must unroll so the
// states stay in registers.
#define ENTCODE_KERNEL_INLINE __attribute__((always_inline)) inline
#define ENTCODE_KERNEL_LAMBDA __attribute__((always_inline))

namespace entcode {
inline namespace v0 {
namespace rans {
namespace detail {
namespace {

template <class A>
struct Prim;

// ---------------------------------------------------------------- AVX-512 ----
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
template <>
struct Prim<xsimd::avx512bw> {
  using A = xsimd::avx512bw;
  using V = xsimd::batch<std::uint32_t, A>;
  static constexpr unsigned N = 16;

  ENTCODE_KERNEL_INLINE static V load_u8(const std::uint8_t* p) noexcept {
    return _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  ENTCODE_KERNEL_INLINE static V gather(const std::uint32_t* base, V idx) noexcept {
    return _mm512_i32gather_epi32(idx, static_cast<const void*>(base), 4);
  }
  // 4 bytes at base + off (byte offsets).
  ENTCODE_KERNEL_INLINE static V gather_bytes(const std::uint8_t* base, V off) noexcept {
    return _mm512_i32gather_epi32(off, static_cast<const void*>(base), 1);
  }
  // Encoder entries of 16 lanes by two 8-lane qword gathers (a gather costs per
  // element: half the elements of two dword gathers), even lanes into `lo`,
  // odd lanes into `hi`, so each qword's low dword is already where the
  // 32x32->64 multiplies (vpmuludq) of mulhi_rcp want the reciprocal.
  struct Enc {
    __m512i lo, hi;  // [rcp, packed] of lanes 0, 2, .., 14 / 1, 3, .., 15
    V packed;        // packed word per lane
  };
  ENTCODE_KERNEL_INLINE static Enc load_enc_pairs(const SimdEncSymbol* t, __m256i even, __m256i odd) noexcept {
    Enc e;
    e.lo = _mm512_i32gather_epi64(even, static_cast<const void*>(t), 8);
    e.hi = _mm512_i32gather_epi64(odd, static_cast<const void*>(t), 8);
    e.packed = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(e.lo, 32), e.hi);
    return e;
  }
  // Symbols = 16 bytes at p: as 8 little-endian u16 pairs, low byte even lane.
  ENTCODE_KERNEL_INLINE static Enc load_enc_u8(const SimdEncSymbol* t, const std::uint8_t* p) noexcept {
    const __m256i pairs = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return load_enc_pairs(t, _mm256_and_si256(pairs, _mm256_set1_epi32(0xff)), _mm256_srli_epi32(pairs, 8));
  }
  ENTCODE_KERNEL_INLINE static Enc load_enc(const SimdEncSymbol* t, V idx) noexcept {  // vpmovqd: even dwords
    return load_enc_pairs(t, _mm512_cvtepi64_epi32(idx), _mm512_cvtepi64_epi32(_mm512_srli_epi64(idx, 32)));
  }
  ENTCODE_KERNEL_INLINE static V mulhi_rcp(V x, const Enc& e) noexcept {
    const __m512i even = _mm512_mul_epu32(x, e.lo);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), e.hi);
    return _mm512_mask_mov_epi32(_mm512_srli_epi64(even, 32), 0xAAAA, odd);
  }
  ENTCODE_KERNEL_INLINE static V mullo(V a, V b) noexcept { return a * b; }
  ENTCODE_KERNEL_INLINE static V shift_right(V u, V shift) noexcept { return _mm512_srlv_epi32(u, shift); }
  // Emits the low words of lanes with (x >> shift) >= freq, i.e. x > x_max_m1.
  ENTCODE_KERNEL_INLINE static void enc_renorm(V& x, V freq, unsigned shift, std::byte*& pos) noexcept {
    const __mmask16 m = _mm512_cmpge_epu32_mask(x >> static_cast<int>(shift), freq);
    const unsigned cnt = static_cast<unsigned>(__builtin_popcount(m));
    const __m256i w = _mm512_cvtepi32_epi16(_mm512_maskz_compress_epi32(m, x));
    pos -= 2 * cnt;
    _mm256_mask_storeu_epi16(pos, static_cast<__mmask16>((1u << cnt) - 1), w);
    x = _mm512_mask_srli_epi32(x, m, x, 16);
  }
  ENTCODE_KERNEL_INLINE static void dec_renorm(V& x, const std::byte*& pos) noexcept {
    const __mmask16 m = _mm512_cmplt_epu32_mask(x, _mm512_set1_epi32(1 << 16));
    __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(pos)));
    w = _mm512_maskz_expand_epi32(m, w);
    x = _mm512_mask_or_epi32(x, m, _mm512_slli_epi32(x, 16), w);
    pos += 2 * static_cast<unsigned>(__builtin_popcount(m));
  }
  // The low byte of each lane (vpmovdb truncates), one vector at a time.
  static constexpr unsigned kStoreGroup = 1;
  static constexpr bool kTransposeFlush = false;  // 8x8 transposes were no clear win on Zen 5
  ENTCODE_KERNEL_INLINE static void store_u8(std::uint8_t* out, const V (&v)[1]) noexcept {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm512_cvtepi32_epi8(v[0]));
  }
};
#endif

// ------------------------------------------------------------------- AVX2 ----
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

template <>
struct Prim<xsimd::avx2> {
  using A = xsimd::avx2;
  using V = xsimd::batch<std::uint32_t, A>;
  static constexpr unsigned N = 8;

  ENTCODE_KERNEL_INLINE static V load_u8(const std::uint8_t* p) noexcept {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
  }
  // The lanes of v through memory, as SSE2's lanes(); the empty asm makes GCC
  // read them back by loads, not vpextrd (2 uops each on Zen).
  ENTCODE_KERNEL_INLINE static void lanes(V v, std::uint32_t (&a)[8]) noexcept {
    v.store_unaligned(a);
    asm("" : "+m"(a));
  }
  // Eight scalar loads instead of vpgatherdd (see the file comment).
  ENTCODE_KERNEL_INLINE static V gather(const std::uint32_t* base, V idx) noexcept {
    std::uint32_t i[8];
    lanes(idx, i);
    const __m128i lo = _mm_setr_epi32(static_cast<int>(base[i[0]]), static_cast<int>(base[i[1]]),
                                      static_cast<int>(base[i[2]]), static_cast<int>(base[i[3]]));
    const __m128i hi = _mm_setr_epi32(static_cast<int>(base[i[4]]), static_cast<int>(base[i[5]]),
                                      static_cast<int>(base[i[6]]), static_cast<int>(base[i[7]]));
    return _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
  }
  ENTCODE_KERNEL_INLINE static V gather_bytes(const std::uint8_t* base, V off) noexcept {
    return _mm256_i32gather_epi32(reinterpret_cast<const int*>(base), off, 1);
  }
  // As AVX-512, even lanes' entries in `lo`, odd in `hi`, but from eight
  // scalar 8-byte loads (faster than two qword gathers, see the file comment).
  struct Enc {
    __m256i lo, hi;
    V packed;
  };
  template <class Index>
  ENTCODE_KERNEL_INLINE static Enc load_enc_at(const SimdEncSymbol* t, Index i) noexcept {
    auto pair = [&](unsigned a, unsigned b) ENTCODE_KERNEL_LAMBDA {
      return _mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(t + i(a))),
                                _mm_loadl_epi64(reinterpret_cast<const __m128i*>(t + i(b))));
    };
    Enc e;
    e.lo = _mm256_inserti128_si256(_mm256_castsi128_si256(pair(0, 2)), pair(4, 6), 1);
    e.hi = _mm256_inserti128_si256(_mm256_castsi128_si256(pair(1, 3)), pair(5, 7), 1);
    e.packed = _mm256_blend_epi32(_mm256_srli_epi64(e.lo, 32), e.hi, 0xAA);
    return e;
  }
  ENTCODE_KERNEL_INLINE static Enc load_enc_u8(const SimdEncSymbol* t, const std::uint8_t* p) noexcept {
    return load_enc_at(t, [p](unsigned k) ENTCODE_KERNEL_LAMBDA { return p[k]; });
  }
  ENTCODE_KERNEL_INLINE static Enc load_enc(const SimdEncSymbol* t, V idx) noexcept {
    std::uint32_t i[8];
    lanes(idx, i);
    return load_enc_at(t, [&i](unsigned k) ENTCODE_KERNEL_LAMBDA { return i[k]; });
  }
  ENTCODE_KERNEL_INLINE static V mulhi_rcp(V x, const Enc& e) noexcept {
    const __m256i even = _mm256_mul_epu32(x, e.lo);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), e.hi);
    return _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  }
  ENTCODE_KERNEL_INLINE static V mullo(V a, V b) noexcept { return a * b; }
  ENTCODE_KERNEL_INLINE static V shift_right(V u, V shift) noexcept { return _mm256_srlv_epi32(u, shift); }
  // (x >> shift) < 2^p and freq <= 2^p: a signed compare is exact.
  ENTCODE_KERNEL_INLINE static void enc_renorm(V& x, V freq, unsigned shift, std::byte*& pos) noexcept {
    const __m256i keep = _mm256_cmpgt_epi32(freq, x >> static_cast<int>(shift));
    const unsigned m = ~static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(keep))) & 0xff;
    const __m256i idx = _mm256_load_si256(reinterpret_cast<const __m256i*>(kAvx2Luts.enc[m]));
    const __m256i top = _mm256_and_si256(_mm256_permutevar8x32_epi32(x, idx), _mm256_set1_epi32(0xffff));
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(top, top), 0x08);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(pos - 16), _mm256_castsi256_si128(packed));
    pos -= 2 * static_cast<unsigned>(__builtin_popcount(m));
    x = _mm256_blendv_epi8(_mm256_srli_epi32(x, 16), x, keep);
  }
  ENTCODE_KERNEL_INLINE static void dec_renorm(V& x, const std::byte*& pos) noexcept {
    const __m256i low = _mm256_cmpeq_epi32(_mm256_srli_epi32(x, 16), _mm256_setzero_si256());
    const unsigned m = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(low)));
    const __m256i idx = _mm256_load_si256(reinterpret_cast<const __m256i*>(kAvx2Luts.dec[m]));
    const __m256i w = _mm256_permutevar8x32_epi32(
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pos))), idx);
    x = _mm256_blendv_epi8(x, _mm256_or_si256(_mm256_slli_epi32(x, 16), w), low);
    pos += 2 * static_cast<unsigned>(__builtin_popcount(m));
  }
  // The low bytes of four vectors (32 lanes) in one store: two unsigned packs
  // to u16, one to u8 (in-lane: dwords a0-3 b0-3 c0-3 d0-3 | a4-7 b4-7 c4-7 d4-7),
  // then one cross-lane dword permute into lane order.
  static constexpr unsigned kStoreGroup = 4;
  static constexpr bool kTransposeFlush = true;
  ENTCODE_KERNEL_INLINE static void store_u8(std::uint8_t* out, const V (&v)[4]) noexcept {
    const __m256i low = _mm256_set1_epi32(0xff);
    const __m256i ab = _mm256_packus_epi32(_mm256_and_si256(v[0], low), _mm256_and_si256(v[1], low));
    const __m256i cd = _mm256_packus_epi32(_mm256_and_si256(v[2], low), _mm256_and_si256(v[3], low));
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(ab, cd), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), bytes);
  }
};
#endif

// ------------------------------------------------------------------- SSE2 ----
#if defined(__SSE2__)
template <>
struct Prim<xsimd::sse2> {
  using A = xsimd::sse2;
  using V = xsimd::batch<std::uint32_t, A>;
  static constexpr unsigned N = 4;

  ENTCODE_KERNEL_INLINE static void lanes(V v, std::uint32_t (&a)[4]) noexcept { v.store_unaligned(a); }
  ENTCODE_KERNEL_INLINE static V load_u8(const std::uint8_t* p) noexcept {
    std::int32_t w;
    std::memcpy(&w, p, 4);
    const __m128i z = _mm_setzero_si128();
    return _mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(w), z), z);
  }
  ENTCODE_KERNEL_INLINE static V gather(const std::uint32_t* base, V idx) noexcept {
    std::uint32_t i[4];
    lanes(idx, i);
    return _mm_setr_epi32(static_cast<int>(base[i[0]]), static_cast<int>(base[i[1]]),
                          static_cast<int>(base[i[2]]), static_cast<int>(base[i[3]]));
  }
  ENTCODE_KERNEL_INLINE static V gather_bytes(const std::uint8_t* base, V off) noexcept {
    std::uint32_t i[4], w[4];
    lanes(off, i);
    for (int k = 0; k < 4; ++k) std::memcpy(&w[k], base + i[k], 4);
    return V::load_unaligned(w);
  }
  // Four 8-byte entries loaded whole and transposed (no gathers on SSE2).
  struct Enc {
    V rcp, packed;
  };
  ENTCODE_KERNEL_INLINE static Enc load_enc_u8(const SimdEncSymbol* t, const std::uint8_t* p) noexcept {
    return load_enc(t, load_u8(p));
  }
  ENTCODE_KERNEL_INLINE static Enc load_enc(const SimdEncSymbol* t, V idx) noexcept {
    std::uint32_t i[4];
    lanes(idx, i);
    auto entry = [&](int k) { return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(t + i[k])); };
    const __m128i r01 = _mm_unpacklo_epi64(entry(0), entry(1));  // [rcp0, pk0, rcp1, pk1]
    const __m128i r23 = _mm_unpacklo_epi64(entry(2), entry(3));
    const __m128i a = _mm_shuffle_epi32(r01, 0xD8), b = _mm_shuffle_epi32(r23, 0xD8);  // [rcp, rcp, pk, pk]
    return Enc{_mm_unpacklo_epi64(a, b), _mm_unpackhi_epi64(a, b)};
  }
  ENTCODE_KERNEL_INLINE static V mulhi_rcp(V x, const Enc& e) noexcept { return mulhi(x, e.rcp); }
  ENTCODE_KERNEL_INLINE static V mulhi(V a, V b) noexcept {
    const __m128i even = _mm_mul_epu32(a, b);
    const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32));
    return _mm_or_si128(_mm_srli_epi64(even, 32), _mm_and_si128(odd, _mm_set_epi32(-1, 0, -1, 0)));
  }
  ENTCODE_KERNEL_INLINE static V mullo(V a, V b) noexcept {
    const __m128i even = _mm_mul_epu32(a, b);
    const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32));
    return _mm_or_si128(_mm_and_si128(even, _mm_set_epi32(0, -1, 0, -1)), _mm_slli_epi64(odd, 32));
  }
  // Per-lane right shift (SSE2 has none): lane by lane.
  ENTCODE_KERNEL_INLINE static V shift_right(V u, V shift) noexcept {
    std::uint32_t a[4], b[4];
    lanes(u, a);
    lanes(shift, b);
    for (int k = 0; k < 4; ++k) a[k] >>= b[k];
    return V::load_unaligned(a);
  }
  // (x >> shift) < 2^p and freq <= 2^p: a signed compare is exact.
  ENTCODE_KERNEL_INLINE static void enc_renorm(V& x, V freq, unsigned shift, std::byte*& pos) noexcept {
    const __m128i keep = _mm_cmpgt_epi32(freq, x >> static_cast<int>(shift));
    const unsigned m = ~static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(keep))) & 0xf;
    std::uint32_t a[4];
    lanes(x, a);
    for (int k = 3; k >= 0; --k) {
      if (((m >> k) & 1) == 0) continue;
      pos -= 2;
      pos[0] = static_cast<std::byte>(a[k]);
      pos[1] = static_cast<std::byte>(a[k] >> 8);
    }
    x = _mm_or_si128(_mm_andnot_si128(keep, _mm_srli_epi32(x, 16)), _mm_and_si128(keep, x));
  }
  ENTCODE_KERNEL_INLINE static void dec_renorm(V& x, const std::byte*& pos) noexcept {
    const __m128i low = _mm_cmpeq_epi32(_mm_srli_epi32(x, 16), _mm_setzero_si128());
    const unsigned m = static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(low)));
    if (m == 0) return;
    std::uint32_t a[4];
    lanes(x, a);
    for (int k = 0; k < 4; ++k) {
      if (((m >> k) & 1) == 0) continue;
      a[k] = a[k] << 16 | std::to_integer<std::uint32_t>(pos[0]) | std::to_integer<std::uint32_t>(pos[1]) << 8;
      pos += 2;
    }
    x = V::load_unaligned(a);
  }
  // The low byte of each lane, one vector at a time.
  static constexpr unsigned kStoreGroup = 1;
  static constexpr bool kTransposeFlush = true;
  ENTCODE_KERNEL_INLINE static void store_u8(std::uint8_t* out, const V (&v)[1]) noexcept {
    const __m128i low = _mm_and_si128(v[0], _mm_set1_epi32(0xff));
    const __m128i w = _mm_packs_epi32(low, low);
    const int b = _mm_cvtsi128_si32(_mm_packus_epi16(w, w));
    std::memcpy(out, &b, 4);
  }
};
#endif

// --------------------------------------------------------- generic rows ----

// f(std::integral_constant<unsigned, k>) for k = 0 .. K-1, fully unrolled, so
// per-vector state arrays indexed by k stay in registers (a loop GCC declines
// to unroll keeps them in memory: a store-to-load round trip per step).
template <unsigned K, class F>
ENTCODE_KERNEL_INLINE void unroll(F&& f) {
  [&]<unsigned... I>(std::integer_sequence<unsigned, I...>) ENTCODE_KERNEL_LAMBDA {
    (f(std::integral_constant<unsigned, I>{}), ...);
  }(std::make_integer_sequence<unsigned, K>{});
}

// A 16x16 byte transpose (SSE2): dst + c * dst_stride receives column c of the
// rows src + r * src_stride (src 16-byte aligned). A round pairs registers
// (2i, 2i + 1) into unpacklo -> i, unpackhi -> i + 8, which moves the byte at
// (register v, byte b) to (register b3 v3 v2 v1, byte b2 b1 b0 v0); four rounds
// take it to (register rev4(b), byte rev4(v)), rev4 reversing 4 bits. So rows
// are loaded in bit-reversed order and column c is register rev4(c).
ENTCODE_KERNEL_INLINE void transpose16x16(const std::uint8_t* src, std::size_t src_stride, std::uint8_t* dst,
                                          std::size_t dst_stride) noexcept {
  constexpr unsigned rev4[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
  __m128i a[16], b[16];
#pragma GCC unroll 16
  for (unsigned i = 0; i < 16; ++i) a[i] = _mm_load_si128(reinterpret_cast<const __m128i*>(src + rev4[i] * src_stride));
#pragma GCC unroll 4
  for (int round = 0; round < 4; ++round) {
#pragma GCC unroll 8
    for (unsigned i = 0; i < 8; ++i) {
      b[i] = _mm_unpacklo_epi8(a[2 * i], a[2 * i + 1]);
      b[i + 8] = _mm_unpackhi_epi8(a[2 * i], a[2 * i + 1]);
    }
#pragma GCC unroll 16
    for (unsigned i = 0; i < 16; ++i) a[i] = b[i];
  }
#pragma GCC unroll 16
  for (unsigned c = 0; c < 16; ++c) _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + c * dst_stride), a[rev4[c]]);
}

template <class A>
struct RowCoder {
  using P = Prim<A>;
  using V = typename P::V;
  static constexpr unsigned N = P::N;
  static constexpr unsigned kVecs = kLanes / N;
  static constexpr unsigned G = P::kStoreGroup;  // decoded vectors per store_u8
  static_assert(kVecs % G == 0);
  using States = V[kVecs];

  ENTCODE_KERNEL_INLINE static void load_states(const std::uint32_t* x, States& v) noexcept {
    unroll<kVecs>([&](auto k) ENTCODE_KERNEL_LAMBDA { v[k] = V::load_unaligned(x + k * N); });
  }
  ENTCODE_KERNEL_INLINE static void store_states(const States& v, std::uint32_t* x) noexcept {
    unroll<kVecs>([&](auto k) ENTCODE_KERNEL_LAMBDA { v[k].store_unaligned(x + k * N); });
  }

  // One encoder step for N lanes given their entries. x > x_max_m1 = (freq << (32 - p)) - 1
  // is tested as (x >> (32 - p)) >= freq with freq = M - cmpl.
  ENTCODE_KERNEL_INLINE static void enc_step(V& x, const typename P::Enc& e, unsigned precision,
                                          std::byte*& pos) noexcept {
    const V cmpl = (e.packed >> 13) & V(0xfffu);
    const V freq = V(1u << precision) - cmpl;
    P::enc_renorm(x, freq, 32 - precision, pos);
    const V t = P::mulhi_rcp(x, e);
    const V q = P::shift_right(t + ((x - t) >> 1), e.packed >> 25);
    x = x + (e.packed & V(0x1fffu)) + P::mullo(q, cmpl);
  }

  // One decoder step; returns the slot entry (symbol in its low byte).
  ENTCODE_KERNEL_INLINE static V dec_step(V& x, V ctx_base, const std::uint32_t* slots, unsigned precision,
                                          const std::byte*& pos) noexcept {
    const V e = P::gather(slots, ctx_base | (x & V((1u << precision) - 1)));
    const V xs = x >> static_cast<int>(precision);
    x = P::mullo(e >> 20, xs) + (xs + ((e >> 8) & V(0xfffu)));
    P::dec_renorm(x, pos);
    return e;
  }

  static std::size_t enc_o0(const std::uint8_t* data, std::size_t rows, const SimdEncSymbol* enc,
                            unsigned precision, EncCursor& c) noexcept {
    States x;
    load_states(c.x, x);
    std::byte* pos = c.pos;
    std::size_t r = rows;
    while (r > 0 && static_cast<std::size_t>(pos - c.limit) >= kRowSlack) {
      --r;
      const std::uint8_t* row = data + r * kLanes;
      unroll<kVecs>([&](auto v) ENTCODE_KERNEL_LAMBDA {  // high lanes first: words are written backwards
        constexpr unsigned k = kVecs - 1 - v;
        enc_step(x[k], P::load_enc_u8(enc, row + k * N), precision, pos);
      });
    }
    store_states(x, c.x);
    c.pos = pos;
    return r;
  }

  static std::size_t dec_o0(std::uint8_t* out, std::size_t rows, const std::uint32_t* slots, unsigned precision,
                            DecCursor& c) noexcept {
    States x;
    load_states(c.x, x);
    const std::byte* pos = c.pos;
    std::size_t r = 0;
    for (; r < rows && static_cast<std::size_t>(c.end - pos) >= kRowSlack; ++r) {
      std::uint8_t* row = out + r * kLanes;
      unroll<kVecs / G>([&](auto g) ENTCODE_KERNEL_LAMBDA {
        V e[G];
        unroll<G>([&](auto i) ENTCODE_KERNEL_LAMBDA { e[i] = dec_step(x[g * G + i], V(0u), slots, precision, pos); });
        P::store_u8(row + g * G * N, e);
      });
    }
    store_states(x, c.x);
    c.pos = pos;
    return r;
  }

  ENTCODE_KERNEL_INLINE static void lane_offsets(std::size_t m, std::size_t j, States& off) noexcept {
    std::uint32_t o[kLanes];
    for (unsigned k = 0; k < kLanes; ++k) o[k] = static_cast<std::uint32_t>(k * m + j);
    load_states(o, off);
  }

  // Rows are read through a tile: per lane, the context byte and kTile symbols
  // copied from its segment (segments n / kLanes bytes apart would thrash one cache set).
  static constexpr std::size_t kTileStride = 64 + 4;  // kTile + 1 context byte, padded for 4-byte loads

  static std::size_t enc_o1(const std::uint8_t* data, std::size_t m, std::size_t j_lo, std::size_t j_hi,
                            const SimdEncSymbol* enc, unsigned precision, EncCursor& c) noexcept {
    States x, lane_base;
    load_states(c.x, x);
    alignas(64) std::uint8_t tile[kLanes * kTileStride] = {};
    lane_offsets(kTileStride, 0, lane_base);
    std::byte* pos = c.pos;
    std::size_t j = j_hi;
    while (j > j_lo && static_cast<std::size_t>(pos - c.limit) >= kRowSlack) {
      const std::size_t j0 = j - std::min<std::size_t>(j - j_lo, kTileStride - 4);  // rows [j0, j)
      for (unsigned k = 0; k < kLanes; ++k) std::memcpy(tile + k * kTileStride, data + k * m + j0 - 1, j - j0 + 1);
      while (j > j0 && static_cast<std::size_t>(pos - c.limit) >= kRowSlack) {
        --j;
        const V row(static_cast<std::uint32_t>(j - j0));
        unroll<kVecs>([&](auto v) ENTCODE_KERNEL_LAMBDA {
          constexpr unsigned k = kVecs - 1 - v;
          const V w = P::gather_bytes(tile, lane_base[k] + row);  // byte 0: context, byte 1: symbol
          enc_step(x[k], P::load_enc(enc, ((w & V(0xffu)) << 8) | ((w >> 8) & V(0xffu))), precision, pos);
        });
      }
    }
    store_states(x, c.x);
    c.pos = pos;
    return j;
  }

  // Symbols are staged in a tile of kTile rows per lane and copied out one lane
  // segment at a time: the segments are n / kLanes bytes apart, often a multiple of
  // 4 KiB, and byte stores straight to them thrash one cache set. Full tiles
  // leave by 16x16 byte transposes where P::kTransposeFlush (measured: AVX2 on
  // Zen 3, where the byte-wise copy was ~45% of order-1 decoding).
  static constexpr std::size_t kTile = 64;

  static std::size_t dec_o1(std::uint8_t* out, std::size_t m, std::size_t j_lo, std::size_t j_hi,
                            const std::uint32_t* slots, unsigned precision, DecCursor& c) noexcept {
    States x, ctx;
    load_states(c.x, x);
    std::uint32_t lane_ctx[kLanes];
    for (unsigned k = 0; k < kLanes; ++k) lane_ctx[k] = std::uint32_t{out[k * m + j_lo - 1]} << precision;
    load_states(lane_ctx, ctx);
    alignas(64) std::uint8_t tile[kTile][kLanes];
    const std::byte* pos = c.pos;
    std::size_t j = j_lo, t = 0;
    auto flush = [&] {  // rows [j - t, j) of every lane
      if (P::kTransposeFlush && t == kTile) {
        for (unsigned r = 0; r < kTile; r += 16)
          for (unsigned k = 0; k < kLanes; k += 16) transpose16x16(&tile[r][k], kLanes, out + k * m + j - t + r, m);
      } else {
        for (unsigned k = 0; k < kLanes; ++k)
          for (std::size_t r = 0; r < t; ++r) out[k * m + j - t + r] = tile[r][k];
      }
      t = 0;
    };
    for (; j < j_hi && static_cast<std::size_t>(c.end - pos) >= kRowSlack; ++j) {
      unroll<kVecs / G>([&](auto g) ENTCODE_KERNEL_LAMBDA {
        V e[G];
        unroll<G>([&](auto i) ENTCODE_KERNEL_LAMBDA {
          constexpr unsigned k = g * G + i;
          e[i] = dec_step(x[k], ctx[k], slots, precision, pos);
          ctx[k] = (e[i] & V(0xffu)) << static_cast<int>(precision);
        });
        P::store_u8(&tile[t][g * G * N], e);
      });
      if (++t == kTile) {
        ++j;
        flush();
        --j;
      }
    }
    flush();
    store_states(x, c.x);
    c.pos = pos;
    return j;
  }

  static constexpr Kernels table() noexcept { return Kernels{&enc_o0, &dec_o0, &enc_o1, &dec_o1}; }
};

}  // namespace
}  // namespace detail
}  // namespace rans
}  // namespace v0
}  // namespace entcode
