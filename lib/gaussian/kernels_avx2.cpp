// gaussian/kernels_avx2.cpp — AVX2 32-lane kernels of a Gaussian sub-stream;
// bytes identical to the reference (kernels.hpp).
//
// 32 lanes = four vectors of 8 states. A block of 32 symbols is lanes 0..7,
// 8..15, 16..23, 24..31, so the decoder refills the lowest quarter first and the
// encoder emits the highest quarter first (words in lane order within a quarter).
// Per quarter:
//   - per-table fields: the 8 TableInfos loaded with 16-byte loads and transposed
//     (4x4 within each 128-bit half) into base, guide_base, offset, max | shift;
//     the block's indexes are checked against the table count first;
//   - encode: bin = min(sym - offset, max) -> 8 EncSymbols loaded and transposed
//     the same way -> the reciprocal step (32x32 -> 64 by vpmuludq on even / odd);
//   - decode: slot -> the 8 buckets' SlotPairs (8-byte rows, two per 128-bit
//     load pair) -> start, freq and bin by selects (a rare forward search for
//     slots beyond a pair's two bins) -> value = offset + bin, escape = (the
//     bin ends at 2^16: the escape bin is the last): one dependent load on each
//     state chain (guide entries then DecEntries, two rounds, were 17-23%
//     slower: Intel Xeon, ENTCODE_ISA=avx2).
// Escape flags are stored as one mask byte per quarter (no branch).
// Renormalisation (AVX2 has no compress / expand) is Prim<avx2>'s (lib/simd/prim.hpp):
// a lane mask picks an 8-lane vpermd permutation from lib/simd/perm_tables.hpp
// and popcount gives the word count:
//   - encode: Prim::emit_words stores the emitting lanes' words as 16 bytes
//     ending at the previous words (the unused low part is overwritten later:
//     the final states are below);
//   - decode: the words the refilled lanes need are consecutive, so 8 u16 are
//     loaded at once and Prim::refill expands them into those lanes; within 16
//     bytes of the end they come from a zero-padded copy, so nothing outside
//     [src, src + size) is read.
// Partial blocks use the scalar steps of kernel_common.hpp on the same states.
// Measured choices (2-vCPU AMD EPYC Zen 3 VM at 2.45 GHz, bench_gaussian, best of
// 5-9 alternating runs; doc/perf.md has the figures):
//   - 16-byte loads + transpose (Prim::load_rows) rather than vpgatherdd: 4 gathers for the
//     DecEntries cost 40-45% of decode speed; one gather for the guide entries
//     won 8% on compressai dist 0 (cache misses) but lost 5-10% elsewhere;
//   - lane indices reach the general registers by 64-bit extracts: a vector
//     store and 32-bit reloads (store-forwarding stalls) halved encode speed,
//     widening to 64 bits in the vector first lost 5-10%. This kernel's one
//     private lane detail: the byte coder's Prim<avx2>::lanes (a store and
//     reloads) measured faster there (lib/simd/prim.hpp), so each keeps its
//     measured way;
//   - the encoder's bins are computed in vectors from the transposed TableInfos:
//     per-lane scalar code (enc_index of kernel_common.hpp) lost 15-25%;
//   - the four quarters stay a loop: unrolling them spilled the 16 ymm
//     registers and lost 10-25%.
// Only this TU is compiled with AVX2 flags; it uses no inline functions of
// entcode's public headers.
// References: kernels_avx512.cpp (the same design with vpcompressd / vpexpandd);
// F. Giesen, "Interleaved entropy coders" (arXiv:1402.3392, 2014) for SIMD rANS
// lanes and renormalisation by permutation tables.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <bit>

#include "../simd/prim.hpp"
#include "kernel_common.hpp"

#define ENTCODE_GAUSS_INLINE __attribute__((always_inline)) inline
#define ENTCODE_GAUSS_UNROLL _Pragma("GCC unroll 8")

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {

namespace {

using P = simd::Prim<xsimd::avx2>;
constexpr unsigned kQuarter = P::N;  // lanes per vector
constexpr unsigned kVectors = kFastLanes / kQuarter;

// --- small vector helpers -------------------------------------------------------------

ENTCODE_GAUSS_INLINE __m256i splat(std::uint32_t v) noexcept { return _mm256_set1_epi32(static_cast<int>(v)); }

ENTCODE_GAUSS_INLINE unsigned lane_mask(__m256i v) noexcept { return P::lane_mask(v); }

ENTCODE_GAUSS_INLINE __m256i load8(const std::int32_t* p) noexcept {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

// The escape flags of the quarter starting at symbol i0 (a multiple of 8):
// byte i0 / 8 of the little-endian masks.
ENTCODE_GAUSS_INLINE void store_escapes(Escapes& esc, std::size_t i0, unsigned bits) noexcept {
  reinterpret_cast<std::uint8_t*>(esc.masks)[i0 / 8] = static_cast<std::uint8_t>(bits);
}

// --- 8 table entries of 16 bytes -> 4 field vectors ------------------------------------

using Fields = P::Cols;

// The 8 TableInfos of symbols i0 .. i0 + 7: base, guide_base, offset, max_value | guide_shift << 16.
ENTCODE_GAUSS_INLINE Fields load_infos(const TableView& t, const std::int32_t* idx) noexcept {
  return P::load_rows(t.info, [&](unsigned l) { return sizeof(TableInfo) * static_cast<std::uint32_t>(idx[l]); });
}

// The 8 lane indices of `index` as four pairs in general registers, moved by 64-bit
// extracts (a store and reloads stall store forwarding).
struct LaneIndices {
  std::uint64_t pairs[4];
  [[nodiscard]] std::uint32_t operator[](unsigned l) const noexcept {
    return static_cast<std::uint32_t>(pairs[l / 2] >> (32 * (l % 2)));
  }
};
ENTCODE_GAUSS_INLINE LaneIndices lane_indices(__m256i index) noexcept {
  const __m128i lo = _mm256_castsi256_si128(index);
  const __m128i hi = _mm256_extracti128_si256(index, 1);
  return {{static_cast<std::uint64_t>(_mm_cvtsi128_si64(lo)), static_cast<std::uint64_t>(_mm_extract_epi64(lo, 1)),
           static_cast<std::uint64_t>(_mm_cvtsi128_si64(hi)), static_cast<std::uint64_t>(_mm_extract_epi64(hi, 1))}};
}

template <class Entry>
ENTCODE_GAUSS_INLINE Fields load_at(const Entry* base, __m256i index) noexcept {
  const LaneIndices at = lane_indices(index);
  return P::load_rows(base, [&](unsigned l) { return sizeof(Entry) * at[l]; });
}

// Every index of the block in [0, tables): idx | (tables - 1 - idx) has no sign bit.
ENTCODE_GAUSS_INLINE bool valid_block(const TableView& t, const std::int32_t* idx) noexcept {
  const __m256i last = splat(static_cast<std::uint32_t>(t.tables) - 1);
  __m256i bad = _mm256_setzero_si256();
  for (unsigned k = 0; k < kVectors; ++k) {
    const __m256i i = load8(idx + kQuarter * k);
    bad = _mm256_or_si256(bad, _mm256_or_si256(i, _mm256_sub_epi32(last, i)));
  }
  return lane_mask(bad) == 0;
}

// --- encode -----------------------------------------------------------------------------

// Encodes symbols i0 .. i0 + 7 on x; emitted words go below `words`.
ENTCODE_GAUSS_INLINE __m256i encode_quarter(const TableView& t, __m256i x, const std::int32_t* sym,
                                            const std::int32_t* idx, std::size_t i0, std::byte*& words,
                                            Escapes& esc) noexcept {
  const Fields ti = load_infos(t, idx + i0);
  const __m256i max = _mm256_and_si256(ti.f3, splat(0xffff));
  const __m256i bin = _mm256_min_epu32(_mm256_sub_epi32(load8(sym + i0), ti.f2), max);
  store_escapes(esc, i0, lane_mask(_mm256_cmpeq_epi32(bin, max)));
  const Fields f = load_at(t.enc, _mm256_add_epi32(ti.f0, bin));  // x_max_m1, rcp_freq, bias, cmpl | shift << 16
  const __m256i keep = _mm256_cmpeq_epi32(_mm256_max_epu32(x, f.f0), f.f0);  // x <= x_max_m1
  P::V v = x;
  P::emit_words(v, keep, words);
  return simd::push<xsimd::avx2>(v, P::mulhi(v, f.f1), _mm256_srli_epi32(f.f3, 16), f.f2,
                                 _mm256_and_si256(f.f3, splat(0xffff)));
}

std::size_t encode_avx2(const TableView& tv, const std::int32_t* sym, const std::int32_t* idx, std::size_t n,
                        std::byte* dst, std::size_t cap, Escapes& esc) noexcept {
  if (cap < rans_bound(n, kFastLanes)) return 0;
  const TableView t = tv;  // a local copy: stores through words / masks cannot alias it
  alignas(32) std::uint32_t x[kFastLanes];
  for (auto& v : x) v = kStateLow;
  std::byte* const end = dst + cap;
  auto* words = end;  // written backwards
  const std::size_t full = n / kFastLanes * kFastLanes;
  std::fill(esc.masks + full / 16, esc.masks + escape_words(n), std::uint16_t{0});
  for (std::size_t i = n; i-- > full;)  // the partial block
    if (!encode_symbol(t, x[i % kFastLanes], sym, idx, i, words, esc)) return 0;
  __m256i v[kVectors];
  for (unsigned k = 0; k < kVectors; ++k) v[k] = _mm256_load_si256(reinterpret_cast<const __m256i*>(x + kQuarter * k));
  for (std::size_t blk = full; blk > 0;) {
    blk -= kFastLanes;
    if (!valid_block(t, idx + blk)) [[unlikely]] {
      esc.bad_index = true;
      return 0;
    }
    for (unsigned k = kVectors; k-- > 0;)  // the highest lanes first
      v[k] = encode_quarter(t, v[k], sym, idx, blk + kQuarter * k, words, esc);
  }
  words -= sizeof x;
  for (unsigned k = 0; k < kVectors; ++k) _mm256_storeu_si256(reinterpret_cast<__m256i*>(words + 32 * k), v[k]);
  return static_cast<std::size_t>(end - words);
}

// --- decode -----------------------------------------------------------------------------

// bin of the `lanes` searched forward over the CDF (slots beyond a pair's two bins).
[[gnu::noinline]] __m256i search_lanes(const std::uint32_t* cdf, __m256i bin, __m256i slot, unsigned lanes) noexcept {
  alignas(32) std::uint32_t b[kQuarter];
  alignas(32) std::uint32_t s[kQuarter];
  _mm256_store_si256(reinterpret_cast<__m256i*>(b), bin);
  _mm256_store_si256(reinterpret_cast<__m256i*>(s), slot);
  for (unsigned l = 0; l < kQuarter; ++l)
    if ((lanes >> l) & 1) b[l] = search_bin(cdf, b[l], s[l]);
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(b));
}

// The coding fields of 8 decoded bins.
struct Bins {
  __m256i start, freq, value;
  unsigned escape;
};

// The 8-byte SlotPairs of 8 buckets as two field vectors, each pair's low dword
// (start | split << 16) and high dword (last | bin << 16): two rows per 128-bit
// load pair (movq + movhps), then one in-lane shuffle per field.
struct PairFields {
  __m256i lo, hi;
};
ENTCODE_GAUSS_INLINE PairFields load_pairs(const SlotPair* base, __m256i bucket) noexcept {
  const LaneIndices at = lane_indices(bucket);
  const auto two = [&](unsigned l) ENTCODE_KERNEL_LAMBDA {  // the rows of lanes l, l + 1
    const __m128i a = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(base + at[l]));
    return _mm_castsi128_ps(
        _mm_castpd_si128(_mm_loadh_pd(_mm_castsi128_pd(a), reinterpret_cast<const double*>(base + at[l + 1]))));
  };
  const __m256 r0 = _mm256_insertf128_ps(_mm256_castps128_ps256(two(0)), two(4), 1);  // rows 0 1 | 4 5
  const __m256 r1 = _mm256_insertf128_ps(_mm256_castps128_ps256(two(2)), two(6), 1);  // rows 2 3 | 6 7
  return {_mm256_castps_si256(_mm256_shuffle_ps(r0, r1, 0x88)), _mm256_castps_si256(_mm256_shuffle_ps(r0, r1, 0xdd))};
}

// The bins of 8 slots of the tables `ti` from their buckets' SlotPairs: one dependent
// load on the state chain, then selects; slots beyond a pair's two bins are searched.
ENTCODE_GAUSS_INLINE Bins find_bins(const TableView& t, const Fields& ti, __m256i slot) noexcept {
  const __m256i shift = _mm256_and_si256(_mm256_srli_epi32(ti.f3, 16), splat(0xff));
  const PairFields p = load_pairs(t.pairs, _mm256_add_epi32(ti.f1, _mm256_srlv_epi32(slot, shift)));
  const __m256i low16 = splat(0xffff);
  const __m256i split = _mm256_srli_epi32(p.lo, 16);
  const __m256i split_end = _mm256_add_epi32(split, splat(1));
  const __m256i last = _mm256_and_si256(p.hi, low16);
  const __m256i upper = _mm256_cmpgt_epi32(slot, split);  // all values < 2^17: signed compares
  const __m256i first_bin = _mm256_srli_epi32(p.hi, 16);
  __m256i bin = _mm256_sub_epi32(first_bin, upper);
  Bins b;
  b.start = _mm256_blendv_epi8(_mm256_and_si256(p.lo, low16), split_end, upper);
  __m256i end = _mm256_blendv_epi8(split_end, _mm256_add_epi32(last, splat(1)), upper);
  const __m256i beyond = _mm256_cmpgt_epi32(slot, last);
  if (const unsigned search = lane_mask(beyond); search != 0) [[unlikely]] {
    const __m256i from = _mm256_add_epi32(ti.f0, _mm256_add_epi32(first_bin, splat(2)));
    const __m256i global = search_lanes(t.cdf, from, slot, search);
    bin = _mm256_blendv_epi8(bin, _mm256_sub_epi32(global, ti.f0), beyond);
    b.start = _mm256_mask_i32gather_epi32(b.start, reinterpret_cast<const int*>(t.cdf), global, beyond, 4);
    end = _mm256_mask_i32gather_epi32(end, reinterpret_cast<const int*>(t.cdf + 1), global, beyond, 4);
  }
  b.freq = _mm256_sub_epi32(end, b.start);
  b.value = _mm256_add_epi32(bin, ti.f2);
  b.escape = lane_mask(_mm256_cmpeq_epi32(end, splat(1u << kPrecision)));  // the escape bin is the last
  return b;
}

// The 16 bytes at src + pos; zero-padded within 16 bytes of the end (nothing beyond is read).
ENTCODE_GAUSS_INLINE __m128i load_words(const std::byte* src, std::size_t size, std::size_t pos) noexcept {
  if (size - pos >= 16) [[likely]]
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + pos));
  alignas(16) std::byte tail[16] = {};
  std::memcpy(tail, src + pos, size - pos);
  return _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
}

// Decodes symbols i0 .. i0 + 7 on xr; false if words are missing.
ENTCODE_GAUSS_INLINE bool decode_quarter(const TableView& t, __m256i& xr, const std::int32_t* idx, std::int32_t* out,
                                         std::size_t i0, const std::byte* src, std::size_t size, std::size_t& pos,
                                         Escapes& esc) noexcept {
  const __m256i slot = _mm256_and_si256(xr, splat(kSlotMask));
  const Bins b = find_bins(t, load_infos(t, idx + i0), slot);
  const __m256i x = _mm256_add_epi32(_mm256_mullo_epi32(b.freq, _mm256_srli_epi32(xr, kPrecision)),
                                     _mm256_sub_epi32(slot, b.start));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i0), b.value);
  store_escapes(esc, i0, b.escape);
  // Refill the lanes below L from the next words, in lane order (no branch on the mask).
  const __m256i need = P::below_low(x);
  const auto count = static_cast<std::size_t>(std::popcount(lane_mask(need)));
  if ((size - pos) / 2 < count) return false;
  P::V v = x;
  P::refill(v, need, load_words(src, size, pos));
  xr = v;
  pos += 2 * count;
  return true;
}

errc decode_avx2(const TableView& tv, const std::byte* src, std::size_t size, const std::int32_t* idx, std::size_t n,
                 std::int32_t* out, Escapes& esc) noexcept {
  if (size < 4 * kFastLanes) return errc::truncated;
  const TableView t = tv;
  __m256i v[kVectors];
  __m256i low = _mm256_setzero_si256();
  for (unsigned k = 0; k < kVectors; ++k) {
    v[k] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 32 * k));
    low = _mm256_or_si256(low, P::below_low(v[k]));
  }
  if (lane_mask(low) != 0) return errc::corrupt;
  std::size_t pos = 4 * kFastLanes;
  const std::size_t full = n / kFastLanes * kFastLanes;
  for (std::size_t blk = 0; blk < full; blk += kFastLanes) {
    if (!valid_block(t, idx + blk)) [[unlikely]]
      return errc::invalid_argument;
    for (unsigned k = 0; k < kVectors; ++k)
      if (!decode_quarter(t, v[k], idx, out, blk + kQuarter * k, src, size, pos, esc)) return errc::truncated;
  }
  alignas(32) std::uint32_t x[kFastLanes];
  for (unsigned k = 0; k < kVectors; ++k) _mm256_store_si256(reinterpret_cast<__m256i*>(x + kQuarter * k), v[k]);
  std::fill(esc.masks + full / 16, esc.masks + escape_words(n), std::uint16_t{0});
  for (std::size_t i = full; i < n; ++i)
    if (const errc e = decode_symbol(t, x[i % kFastLanes], idx, out, i, src, size, pos, esc); e != errc::ok) return e;
  for (const std::uint32_t s : x)
    if (s != kStateLow) return errc::corrupt;
  return pos == size ? errc::ok : errc::corrupt;
}

constexpr Kernels kAvx2{encode_avx2, decode_avx2};

}  // namespace

const Kernels* kernels_avx2() noexcept { return &kAvx2; }

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
