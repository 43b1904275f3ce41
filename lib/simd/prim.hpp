// simd/prim.hpp — Prim<A>: the per-vector primitives of the rANS SIMD kernels
// (lib/rans/kernel_impl.hpp) for the architectures xsimd::sse2, avx2 and
// avx512bw, each compiled only where its ISA flags are on.
//
// Primitives xsimd 8.1 lacks, hence raw intrinsics: 32x32->64 high multiply
// (pmuludq pairs), per-lane shifts on SSE2/AVX-512, 32-bit low multiply on
// SSE2 (xsimd falls back to scalar), unsigned compare masks, AVX-512
// compress/expand, AVX2 permutes (vpermd with a LUT, simd/perm_tables.hpp),
// narrowing stores (vpmovdw/vpmovdb) and masked stores; and gathers: xsimd's
// batch::gather is not inlined by GCC 12 at -O2, and the call spills every
// state to memory (halved decode speed). Arithmetic, shifts, loads and stores
// use xsimd.
// AVX2 table lookups use scalar loads, not vpgatherdd/vpgatherdq: on AMD Zen 3
// (measured, same run against htscodecs) eight 4-byte loads are 7-12% faster
// for decoding and eight 8-byte loads 5-18% faster for encoding than hardware
// gathers (Intel after the Downfall microcode is similar); decoders use
// vpgatherdd where the driver times it faster (rans/kernels.hpp SlotLookup). The lane indexes go
// through memory (an empty asm keeps GCC from turning the reloads into
// vpextrd, 2 uops each on Zen). Decoded AVX2 symbols leave 4 vectors at a
// time in one 32-byte store (packus + vpermd).
// AVX-512 on Zen 5 (same runs against htscodecs, doc/perf.md "AVX-512 lookups"):
// encoder entries by 16 scalar 8-byte loads (two qword gathers made order-0
// encoding 1.1-1.4x htscodecs, the loads 1.6-2.0x); slot lookups both ways, a
// gather (lower latency) or 16 scalar loads (higher throughput), chosen by the
// row kernels per lane count and the driver's SlotLookup (rans/kernels.hpp).
// Renormalisation (enc_renorm / dec_renorm) moves 16-bit words, L = 2^16
// (lib/rans/step.hpp); the encoder entries are rans::SimdEncSymbol
// (entcode/rans/interleaved.hpp).
// Include ONLY from a kernels_<isa>.cpp compiled for that ISA: everything
// here lives in an anonymous namespace so no SIMD-compiled inline function can
// be merged with a baseline one (one-definition rule; see entcode/isa.hpp).
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <xsimd/xsimd.hpp>

#include "entcode/rans/interleaved.hpp"
#include "inline.hpp"
#include "perm_tables.hpp"

namespace entcode {
inline namespace v0 {
namespace simd {
namespace {

using SimdEncSymbol = rans::SimdEncSymbol;

template <class A>
struct Prim;

// The lanes of v (any xsimd batch of u32) through memory: the empty asm makes
// GCC read them back by loads, not vpextrd (2 uops each on Zen).
template <class V, std::size_t n>
ENTCODE_KERNEL_INLINE void lanes(V v, std::uint32_t (&a)[n]) noexcept {
  static_assert(V::size == n);
  v.store_unaligned(a);
  asm("" : "+m"(a));
}
// base[i[0..3]] by four scalar loads.
ENTCODE_KERNEL_INLINE __m128i lookup4(const std::uint32_t* base, const std::uint32_t* i) noexcept {
  return _mm_setr_epi32(static_cast<int>(base[i[0]]), static_cast<int>(base[i[1]]), static_cast<int>(base[i[2]]),
                        static_cast<int>(base[i[3]]));
}
// The 8-byte encoder entries t[a] and t[b] in one register.
ENTCODE_KERNEL_INLINE __m128i enc_pair(const SimdEncSymbol* t, std::size_t a, std::size_t b) noexcept {
  return _mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(t + a)),
                            _mm_loadl_epi64(reinterpret_cast<const __m128i*>(t + b)));
}

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
  // Slot lookups two ways (file comment): vpgatherdd, or 16 scalar loads.
  static constexpr bool kHasGather = true;
  static constexpr bool kGatherForLatency = true;  // gathers of latency-bound rows whatever the SlotLookup
  ENTCODE_KERNEL_INLINE static V gather(const std::uint32_t* base, V idx) noexcept {
    return _mm512_i32gather_epi32(idx, static_cast<const void*>(base), 4);
  }
  // Registers of few-symbol models (rans/kernels.hpp FewSymbols): count + 1 in
  // lanes with v > bound (signed), and a permute of 16 entries.
  static constexpr unsigned kMaxFew = 16;
  ENTCODE_KERNEL_INLINE static V count_above(V count, V v, V bound) noexcept {
    return _mm512_mask_add_epi32(count, _mm512_cmpgt_epi32_mask(v, bound), count, _mm512_set1_epi32(1));
  }
  ENTCODE_KERNEL_INLINE static V permute(V idx, V table) noexcept { return _mm512_permutexvar_epi32(idx, table); }
  ENTCODE_KERNEL_INLINE static V lookup(const std::uint32_t* base, V idx) noexcept {
    std::uint32_t i[16];
    lanes(idx, i);
    const __m256i lo = _mm256_inserti128_si256(_mm256_castsi128_si256(lookup4(base, i)), lookup4(base, i + 4), 1);
    const __m256i hi = _mm256_inserti128_si256(_mm256_castsi128_si256(lookup4(base, i + 8)), lookup4(base, i + 12), 1);
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
  }
  // Encoder entries of 16 lanes by 16 scalar 8-byte loads (file comment), even
  // lanes into `lo`, odd lanes into `hi`, so each qword's low dword is already
  // where the 32x32->64 multiplies (vpmuludq) of mulhi_rcp want the reciprocal.
  struct Enc {
    __m512i lo, hi;  // [rcp, packed] of lanes 0, 2, .., 14 / 1, 3, .., 15
    V packed;        // packed word per lane
  };
  template <class Index>
  ENTCODE_KERNEL_INLINE static Enc load_enc_at(const SimdEncSymbol* t, Index i) noexcept {
    auto four = [&](unsigned a) ENTCODE_KERNEL_LAMBDA {  // lanes a, a + 2, a + 4, a + 6
      return _mm256_inserti128_si256(_mm256_castsi128_si256(enc_pair(t, i(a), i(a + 2))), enc_pair(t, i(a + 4), i(a + 6)), 1);
    };
    Enc e;
    e.lo = _mm512_inserti64x4(_mm512_castsi256_si512(four(0)), four(8), 1);
    e.hi = _mm512_inserti64x4(_mm512_castsi256_si512(four(1)), four(9), 1);
    e.packed = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(e.lo, 32), e.hi);
    return e;
  }
  // Symbols = 16 bytes at p.
  ENTCODE_KERNEL_INLINE static Enc load_enc_u8(const SimdEncSymbol* t, const std::uint8_t* p) noexcept {
    return load_enc_at(t, [p](unsigned k) ENTCODE_KERNEL_LAMBDA { return p[k]; });
  }
  // Byte counts of few-symbol blocks (rans/kernels.hpp CountFew): a chunk of
  // kCountChunk bytes and the bit mask of its bytes equal to a broadcast one.
  static constexpr std::size_t kCountChunk = 64;
  using Bytes = __m512i;
  ENTCODE_KERNEL_INLINE static Bytes broadcast_u8(std::uint8_t b) noexcept { return _mm512_set1_epi8(static_cast<char>(b)); }
  ENTCODE_KERNEL_INLINE static Bytes load_chunk(const std::uint8_t* p) noexcept { return _mm512_loadu_si512(p); }
  ENTCODE_KERNEL_INLINE static std::uint64_t equal_bits(Bytes v, Bytes b) noexcept { return _mm512_cmpeq_epi8_mask(v, b); }
  // The bit mask of v's bytes in a byte set given as two 16-byte tables (each
  // broadcast to every 128-bit block): row_low[h] / row_high[h] = the members
  // h * 16 + 0..7 / + 8..15 as bits 0..7 (pshufb lookups by the nibbles).
  ENTCODE_KERNEL_INLINE static std::uint64_t member_bits(Bytes v, Bytes row_low, Bytes row_high) noexcept {
    const __m512i nibble = _mm512_set1_epi8(0x0f);
    const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), nibble), lo = _mm512_and_si512(v, nibble);
    const __m512i bit = _mm512_shuffle_epi8(_mm512_set4_epi32(static_cast<int>(0x80402010), 0x08040201, static_cast<int>(0x80402010), 0x08040201), lo);
    const __m512i row = _mm512_mask_blend_epi8(_mm512_test_epi8_mask(v, _mm512_set1_epi8(8)), _mm512_shuffle_epi8(row_low, hi),
                                               _mm512_shuffle_epi8(row_high, hi));
    return _mm512_test_epi8_mask(row, bit);
  }
  ENTCODE_KERNEL_INLINE static Bytes broadcast_16(const std::uint8_t* table) noexcept {
    return _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(table)));
  }
  // Entries of an order-0 model in a window of 64 symbols (rans/kernels.hpp
  // EncWindow) in registers: per field two vpermi2d of 32 entries and a blend
  // by bit 5 of symbol - base. rcp's odd lanes are moved down for mulhi_rcp.
  static constexpr bool kHasEncWindow = true;
  struct WindowRegs {
    __m512i base, rcp[4], packed[4];
  };
  template <class Window>
  ENTCODE_KERNEL_INLINE static WindowRegs window_regs(const Window& w) noexcept {
    WindowRegs r;
    r.base = _mm512_set1_epi32(static_cast<int>(w.base));
    unroll<4>([&](auto k) ENTCODE_KERNEL_LAMBDA {
      r.rcp[k] = _mm512_loadu_si512(w.rcp + 16 * k);
      r.packed[k] = _mm512_loadu_si512(w.packed + 16 * k);
    });
    return r;
  }
  ENTCODE_KERNEL_INLINE static Enc load_enc_window(const WindowRegs& w, const std::uint8_t* p) noexcept {
    const __m512i idx =
        _mm512_sub_epi32(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))), w.base);
    const __mmask16 high = _mm512_test_epi32_mask(idx, _mm512_set1_epi32(32));
    auto field = [&](const __m512i(&t)[4]) ENTCODE_KERNEL_LAMBDA {
      return _mm512_mask_blend_epi32(high, _mm512_permutex2var_epi32(t[0], idx, t[1]),
                                     _mm512_permutex2var_epi32(t[2], idx, t[3]));
    };
    Enc e;
    e.lo = field(w.rcp);
    e.hi = _mm512_srli_epi64(e.lo, 32);
    e.packed = field(w.packed);
    return e;
  }
  ENTCODE_KERNEL_INLINE static Enc load_enc(const SimdEncSymbol* t, V idx) noexcept {
    std::uint32_t i[16];
    lanes(idx, i);
    return load_enc_at(t, [&i](unsigned k) ENTCODE_KERNEL_LAMBDA { return i[k]; });
  }
  // The same by two qword gathers (where the driver times gathers fast).
  ENTCODE_KERNEL_INLINE static Enc gather_enc(const SimdEncSymbol* t, V idx) noexcept {
    Enc e;
    e.lo = _mm512_i32gather_epi64(_mm512_cvtepi64_epi32(idx), static_cast<const void*>(t), 8);
    e.hi = _mm512_i32gather_epi64(_mm512_cvtepi64_epi32(_mm512_srli_epi64(idx, 32)), static_cast<const void*>(t), 8);
    e.packed = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(e.lo, 32), e.hi);
    return e;
  }
  ENTCODE_KERNEL_INLINE static V mulhi_rcp(V x, const Enc& e) noexcept {
    const __m512i even = _mm512_mul_epu32(x, e.lo);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), e.hi);
    return _mm512_mask_mov_epi32(_mm512_srli_epi64(even, 32), 0xAAAA, odd);
  }
  // High 32 bits of the 32x32 -> 64-bit products of a and b, lane by lane.
  ENTCODE_KERNEL_INLINE static V mulhi(V a, V b) noexcept {
    const __m512i even = _mm512_srli_epi64(_mm512_mul_epu32(a, b), 32);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32));
    return _mm512_mask_blend_epi32(0xaaaa, even, odd);
  }
  ENTCODE_KERNEL_INLINE static V mullo(V a, V b) noexcept { return a * b; }
  ENTCODE_KERNEL_INLINE static V shift_right(V u, V shift) noexcept { return _mm512_srlv_epi32(u, shift); }
  // Emits the low words of the `emit` lanes below pos (lane order) and shifts them out.
  ENTCODE_KERNEL_INLINE static void emit_words(V& x, __mmask16 emit, std::byte*& pos) noexcept {
    const unsigned cnt = static_cast<unsigned>(__builtin_popcount(emit));
    const __m256i w = _mm512_cvtepi32_epi16(_mm512_maskz_compress_epi32(emit, x));
    pos -= 2 * cnt;
    _mm256_mask_storeu_epi16(pos, static_cast<__mmask16>((1u << cnt) - 1), w);
    x = _mm512_mask_srli_epi32(x, emit, x, 16);
  }
  // Emits the low words of lanes with (x >> shift) >= freq, i.e. x > x_max_m1.
  ENTCODE_KERNEL_INLINE static void enc_renorm(V& x, V freq, unsigned shift, std::byte*& pos) noexcept {
    emit_words(x, _mm512_cmpge_epu32_mask(x >> static_cast<int>(shift), freq), pos);
  }
  // Lanes below L (they need a word).
  ENTCODE_KERNEL_INLINE static __mmask16 below_low(V x) noexcept {
    return _mm512_cmplt_epu32_mask(x, _mm512_set1_epi32(1 << 16));
  }
  // Shifts the next words (16 u16, in order) into the `need` lanes, in lane order.
  ENTCODE_KERNEL_INLINE static void refill(V& x, __mmask16 need, __m256i words) noexcept {
    const __m512i w = _mm512_maskz_expand_epi32(need, _mm512_cvtepu16_epi32(words));
    x = _mm512_mask_or_epi32(x, need, _mm512_slli_epi32(x, 16), w);
  }
  ENTCODE_KERNEL_INLINE static void dec_renorm(V& x, const std::byte*& pos) noexcept {
    const __mmask16 m = below_low(x);
    refill(x, m, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pos)));
    pos += 2 * static_cast<unsigned>(__builtin_popcount(m));
  }
  // Lane l gets the 4 dwords of the 16-byte row at base + off(l) (byte offsets)
  // by 16 scalar 16-byte loads (vpgatherdd of 4 fields is ~10x slower on Zen 5,
  // doc/perf.md): vector k holds lanes k, 4 + k, 8 + k, 12 + k in its 128-bit
  // blocks, so the in-block 4x4 transpose yields lane order.
  struct Cols {
    __m512i f0, f1, f2, f3;
  };
  template <class Off>
  ENTCODE_KERNEL_INLINE static Cols load_rows(const void* base, Off&& off) noexcept {
    auto at = [&](unsigned l) ENTCODE_KERNEL_LAMBDA {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const std::uint8_t*>(base) + off(l)));
    };
    __m512i r[4];
    unroll<4>([&](auto k) ENTCODE_KERNEL_LAMBDA {
      const __m512i lo = _mm512_inserti32x4(_mm512_castsi128_si512(at(k)), at(4 + k), 1);
      r[k] = _mm512_inserti32x4(_mm512_inserti32x4(lo, at(8 + k), 2), at(12 + k), 3);
    });
    const __m512i t0 = _mm512_unpacklo_epi32(r[0], r[1]);
    const __m512i t1 = _mm512_unpacklo_epi32(r[2], r[3]);
    const __m512i t2 = _mm512_unpackhi_epi32(r[0], r[1]);
    const __m512i t3 = _mm512_unpackhi_epi32(r[2], r[3]);
    return {_mm512_unpacklo_epi64(t0, t1), _mm512_unpackhi_epi64(t0, t1), _mm512_unpacklo_epi64(t2, t3),
            _mm512_unpackhi_epi64(t2, t3)};
  }
  // The low byte of each lane (vpmovdb truncates), one vector at a time.
  static constexpr unsigned kStoreGroup = 1;
  static constexpr bool kTransposeFlush = true;  // 16x16 SSE2 transposes (lib/rans/kernel_impl.hpp): Zen 5 order-1 decode ~1.5x
  ENTCODE_KERNEL_INLINE static void store_u8(std::uint8_t* out, const V (&v)[1]) noexcept {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm512_cvtepi32_epi8(v[0]));
  }
};
#endif

// ------------------------------------------------------------------- AVX2 ----
#if defined(__AVX2__)

template <>
struct Prim<xsimd::avx2> {
  using A = xsimd::avx2;
  using V = xsimd::batch<std::uint32_t, A>;
  static constexpr unsigned N = 8;

  ENTCODE_KERNEL_INLINE static V load_u8(const std::uint8_t* p) noexcept {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
  }
  // As AVX-512's, of 8 entries (compare results are -1).
  static constexpr unsigned kMaxFew = 8;
  ENTCODE_KERNEL_INLINE static V count_above(V count, V v, V bound) noexcept {
    return _mm256_sub_epi32(count, _mm256_cmpgt_epi32(v, bound));
  }
  ENTCODE_KERNEL_INLINE static V permute(V idx, V table) noexcept { return _mm256_permutevar8x32_epi32(table, idx); }
  // Slot lookups by eight scalar loads, or vpgatherdd where the driver times it faster (file comment).
  static constexpr bool kHasGather = true;
  static constexpr bool kHasEncWindow = false;  // one-table permutes of 8: a 64-symbol window would take 8 and 7 blends a field
  static constexpr std::size_t kCountChunk = 32;  // byte counts as Prim<avx512bw>'s
  using Bytes = __m256i;
  ENTCODE_KERNEL_INLINE static Bytes broadcast_u8(std::uint8_t b) noexcept { return _mm256_set1_epi8(static_cast<char>(b)); }
  ENTCODE_KERNEL_INLINE static Bytes load_chunk(const std::uint8_t* p) noexcept {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  }
  ENTCODE_KERNEL_INLINE static std::uint64_t equal_bits(Bytes v, Bytes b) noexcept {
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, b)));
  }
  ENTCODE_KERNEL_INLINE static std::uint64_t member_bits(Bytes v, Bytes row_low, Bytes row_high) noexcept {
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble), lo = _mm256_and_si256(v, nibble);
    const __m256i bit = _mm256_shuffle_epi8(_mm256_setr_epi32(0x08040201, static_cast<int>(0x80402010), 0x08040201,
                                                              static_cast<int>(0x80402010), 0x08040201,
                                                              static_cast<int>(0x80402010), 0x08040201,
                                                              static_cast<int>(0x80402010)), lo);
    const __m256i high_half = _mm256_cmpeq_epi8(_mm256_and_si256(v, _mm256_set1_epi8(8)), _mm256_set1_epi8(8));
    const __m256i row = _mm256_blendv_epi8(_mm256_shuffle_epi8(row_low, hi), _mm256_shuffle_epi8(row_high, hi), high_half);
    const __m256i in = _mm256_cmpeq_epi8(_mm256_and_si256(row, bit), bit);
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(in));
  }
  ENTCODE_KERNEL_INLINE static Bytes broadcast_16(const std::uint8_t* table) noexcept {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(table)));
  }
  static constexpr bool kGatherForLatency = false;
  ENTCODE_KERNEL_INLINE static V gather(const std::uint32_t* base, V idx) noexcept {
    return _mm256_i32gather_epi32(reinterpret_cast<const int*>(base), idx, 4);
  }
  ENTCODE_KERNEL_INLINE static V lookup(const std::uint32_t* base, V idx) noexcept {
    std::uint32_t i[8];
    lanes(idx, i);
    return _mm256_inserti128_si256(_mm256_castsi128_si256(lookup4(base, i)), lookup4(base, i + 4), 1);
  }
  // As AVX-512, even lanes' entries in `lo`, odd in `hi`, but from eight
  // scalar 8-byte loads (faster than two qword gathers, see the file comment).
  struct Enc {
    __m256i lo, hi;
    V packed;
  };
  template <class Index>
  ENTCODE_KERNEL_INLINE static Enc load_enc_at(const SimdEncSymbol* t, Index i) noexcept {
    auto pair = [&](unsigned a, unsigned b) ENTCODE_KERNEL_LAMBDA { return enc_pair(t, i(a), i(b)); };
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
  // The same by two qword gathers (where the driver times gathers fast).
  ENTCODE_KERNEL_INLINE static Enc gather_enc(const SimdEncSymbol* t, V idx) noexcept {
    const __m256i by_parity = _mm256_permutevar8x32_epi32(idx, _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7));
    const auto* base = reinterpret_cast<const long long*>(t);
    Enc e;
    e.lo = _mm256_i32gather_epi64(base, _mm256_castsi256_si128(by_parity), 8);
    e.hi = _mm256_i32gather_epi64(base, _mm256_extracti128_si256(by_parity, 1), 8);
    e.packed = _mm256_blend_epi32(_mm256_srli_epi64(e.lo, 32), e.hi, 0xAA);
    return e;
  }
  ENTCODE_KERNEL_INLINE static V mulhi_rcp(V x, const Enc& e) noexcept {
    const __m256i even = _mm256_mul_epu32(x, e.lo);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), e.hi);
    return _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  }
  // High 32 bits of the 32x32 -> 64-bit products of a and b, lane by lane.
  ENTCODE_KERNEL_INLINE static V mulhi(V a, V b) noexcept {
    const __m256i even = _mm256_srli_epi64(_mm256_mul_epu32(a, b), 32);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
    return _mm256_blend_epi32(even, odd, 0xaa);
  }
  ENTCODE_KERNEL_INLINE static V mullo(V a, V b) noexcept { return a * b; }
  ENTCODE_KERNEL_INLINE static V shift_right(V u, V shift) noexcept { return _mm256_srlv_epi32(u, shift); }
  ENTCODE_KERNEL_INLINE static unsigned lane_mask(__m256i v) noexcept {
    return static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(v)));
  }
  // Emits the low words of the lanes not in `keep` (all-ones lanes) below pos, in
  // lane order, and shifts them out: the words are moved to the top lanes and
  // stored as 16 bytes ending at pos (the unused low part is overwritten later).
  ENTCODE_KERNEL_INLINE static void emit_words(V& x, __m256i keep, std::byte*& pos) noexcept {
    const unsigned m = ~lane_mask(keep) & 0xff;
    const __m256i top = _mm256_permutevar8x32_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0xffff)), compress_high(m));
    const __m128i w16 = _mm_packus_epi32(_mm256_castsi256_si128(top), _mm256_extracti128_si256(top, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(pos - 16), w16);
    pos -= 2 * static_cast<unsigned>(__builtin_popcount(m));
    x = _mm256_blendv_epi8(_mm256_srli_epi32(x, 16), x, keep);
  }
  // (x >> shift) < 2^p and freq <= 2^p: a signed compare is exact.
  ENTCODE_KERNEL_INLINE static void enc_renorm(V& x, V freq, unsigned shift, std::byte*& pos) noexcept {
    emit_words(x, _mm256_cmpgt_epi32(freq, x >> static_cast<int>(shift)), pos);
  }
  // Lanes below L (all ones).
  ENTCODE_KERNEL_INLINE static __m256i below_low(V x) noexcept {
    return _mm256_cmpeq_epi32(_mm256_srli_epi32(x, 16), _mm256_setzero_si256());
  }
  // Shifts the next words (8 u16, in order) into the `need` lanes, in lane order.
  ENTCODE_KERNEL_INLINE static void refill(V& x, __m256i need, __m128i words) noexcept {
    const __m256i w = _mm256_permutevar8x32_epi32(_mm256_cvtepu16_epi32(words), expand(lane_mask(need)));
    x = _mm256_blendv_epi8(x, _mm256_or_si256(_mm256_slli_epi32(x, 16), w), need);
  }
  ENTCODE_KERNEL_INLINE static void dec_renorm(V& x, const std::byte*& pos) noexcept {
    const __m256i low = below_low(x);
    refill(x, low, _mm_loadu_si128(reinterpret_cast<const __m128i*>(pos)));
    pos += 2 * static_cast<unsigned>(__builtin_popcount(lane_mask(low)));
  }
  // Lane l gets the 4 dwords of the 16-byte row at base + off(l) (byte offsets)
  // by 8 scalar 16-byte loads (4 vpgatherdd cost 40-45% of the Gaussian decoder,
  // doc/perf.md): rows l and 4 + l share a vector, so the 4x4 transpose of each
  // 128-bit half yields lane order.
  struct Cols {
    __m256i f0, f1, f2, f3;
  };
  template <class Off>
  ENTCODE_KERNEL_INLINE static Cols load_rows(const void* base, Off&& off) noexcept {
    auto at = [&](unsigned l) ENTCODE_KERNEL_LAMBDA {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const std::uint8_t*>(base) + off(l)));
    };
    __m256i r[4];
    unroll<4>([&](auto k) ENTCODE_KERNEL_LAMBDA {
      r[k] = _mm256_inserti128_si256(_mm256_castsi128_si256(at(k)), at(4 + k), 1);
    });
    const __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]);
    const __m256i t1 = _mm256_unpacklo_epi32(r[2], r[3]);
    const __m256i t2 = _mm256_unpackhi_epi32(r[0], r[1]);
    const __m256i t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    return {_mm256_unpacklo_epi64(t0, t1), _mm256_unpackhi_epi64(t0, t1), _mm256_unpacklo_epi64(t2, t3),
            _mm256_unpackhi_epi64(t2, t3)};
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
  static constexpr unsigned kMaxFew = 0;  // no variable permute: few-symbol models use lookups
  static constexpr bool kHasGather = false;
  static constexpr bool kHasEncWindow = false;  // no two-table permute (rans/kernels.hpp EncWindow)
  static constexpr std::size_t kCountChunk = 0;  // no popcnt in the baseline: byte counts by tables
  static constexpr bool kGatherForLatency = false;
  ENTCODE_KERNEL_INLINE static V lookup(const std::uint32_t* base, V idx) noexcept {
    std::uint32_t i[4];
    lanes(idx, i);
    return lookup4(base, i);
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
    const __m128i r01 = enc_pair(t, i[0], i[1]);  // [rcp0, pk0, rcp1, pk1]
    const __m128i r23 = enc_pair(t, i[2], i[3]);
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

// ------------------------------------------------------------- generic ----

// The encoder's push after renormalisation (rans/step.hpp, encode), lane by
// lane, given t = mulhi(x, rcp_freq): x + bias + ((t + ((x - t) >> 1)) >> rcp_shift) * cmpl_freq.
template <class A>
ENTCODE_KERNEL_INLINE xsimd::batch<std::uint32_t, A> push(xsimd::batch<std::uint32_t, A> x,
                                                          xsimd::batch<std::uint32_t, A> t,
                                                          xsimd::batch<std::uint32_t, A> rcp_shift,
                                                          xsimd::batch<std::uint32_t, A> bias,
                                                          xsimd::batch<std::uint32_t, A> cmpl_freq) noexcept {
  return x + bias + Prim<A>::mullo(Prim<A>::shift_right(t + ((x - t) >> 1), rcp_shift), cmpl_freq);
}

}  // namespace
}  // namespace simd
}  // namespace v0
}  // namespace entcode
