// gaussian/kernels_avx512.cpp — AVX-512 (F/BW/VL) 32-lane kernels of a Gaussian
// sub-stream; bytes identical to the reference (kernels.hpp).
//
// 32 lanes = two vectors of 16 states. A block of 32 symbols is lanes 0..15
// then 16..31, so the decoder refills the low half first and the encoder emits
// the high half first. Per half: gathers of TableInfo fields, the guide entry,
// cdf[s + 1] (stepping forward while <= slot), cdf[s] (decode) or the 16-byte
// encoder entry (encode). Renormalisation: decoder words are expanded into the
// lanes that need one (vpexpandd after a masked, fault-free load); encoder
// words are compressed (vpcompressd + vpmovdw) and stored below the previous.
// Partial blocks use the scalar step on the same states. Only this TU is
// compiled with AVX-512 flags; it uses no inline functions of entcode headers.
#include <immintrin.h>

#include <cstring>

#include "kernels.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {

namespace {

constexpr std::uint32_t kL = 1u << 16;

// --- scalar steps (internal linkage) -----------------------------------------

inline std::uint32_t bin_of(const TableInfo& ti, std::int32_t sym) noexcept {
  const std::uint32_t b = static_cast<std::uint32_t>(sym) - static_cast<std::uint32_t>(ti.offset);
  return b < ti.max_value ? b : ti.max_value;
}

inline bool encode_one(std::uint32_t& x, const rans::EncSymbol& e, std::uint16_t& word) noexcept {
  const bool emit = x > e.x_max_m1;
  word = static_cast<std::uint16_t>(x);
  if (emit) x >>= 16;
  const auto t = static_cast<std::uint32_t>((std::uint64_t{x} * e.rcp_freq) >> 32);
  const std::uint32_t q = (t + ((x - t) >> 1)) >> e.rcp_shift;
  x = x + e.bias + q * e.cmpl_freq;
  return emit;
}

// Decodes one symbol on x; returns false if a needed word is missing.
inline bool decode_one(const TableView& t, std::uint32_t& x, std::int32_t idx, std::int32_t& out, const std::byte* src,
                       std::size_t size, std::size_t& pos) noexcept {
  const TableInfo& ti = t.info[idx];
  const std::uint32_t* c = t.cdf + ti.base;
  const std::uint32_t slot = x & 0xffffu;
  std::uint32_t s = t.guide[ti.guide_base + (slot >> ti.guide_shift)];
  while (c[s + 1] <= slot) ++s;
  x = (c[s + 1] - c[s]) * (x >> 16) + slot - c[s];
  out = static_cast<std::int32_t>(s + static_cast<std::uint32_t>(ti.offset));
  if (x >= kL) return true;
  if (size - pos < 2) return false;
  std::uint16_t w;
  std::memcpy(&w, src + pos, 2);
  x = x << 16 | w;
  pos += 2;
  return true;
}

// --- vector pieces -------------------------------------------------------------

struct InfoV {
  __m512i base, guide_base, offset, misc;  // misc: max_value | shift << 16
};

inline InfoV gather_info(const TableView& t, __m512i idx) noexcept {
  const __m512i i4 = _mm512_slli_epi32(idx, 2);
  const auto* p = reinterpret_cast<const int*>(t.info);
  return {_mm512_i32gather_epi32(i4, p, 4), _mm512_i32gather_epi32(i4, p + 1, 4),
          _mm512_i32gather_epi32(i4, p + 2, 4), _mm512_i32gather_epi32(i4, p + 3, 4)};
}

inline __m512i mulhi_epu32(__m512i a, __m512i b) noexcept {
  const __m512i even = _mm512_srli_epi64(_mm512_mul_epu32(a, b), 32);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32));
  return _mm512_mask_blend_epi32(0xaaaa, even, odd);
}

// Encodes the 16 symbols of one half on x; emitted words go below `words`.
inline __m512i encode_half(const TableView& t, __m512i x, const std::int32_t* sym, const std::int32_t* idx,
                           std::uint16_t*& words) noexcept {
  const __m512i vi = _mm512_loadu_si512(idx);
  const InfoV ti = gather_info(t, vi);
  const __m512i max = _mm512_and_si512(ti.misc, _mm512_set1_epi32(0xffff));
  const __m512i bin = _mm512_min_epu32(_mm512_sub_epi32(_mm512_loadu_si512(sym), ti.offset), max);
  const __m512i e4 = _mm512_slli_epi32(_mm512_add_epi32(ti.base, bin), 2);
  const auto* ep = reinterpret_cast<const int*>(t.enc);
  const __m512i x_max = _mm512_i32gather_epi32(e4, ep, 4);
  const __m512i rcp = _mm512_i32gather_epi32(e4, ep + 1, 4);
  const __m512i bias = _mm512_i32gather_epi32(e4, ep + 2, 4);
  const __m512i cs = _mm512_i32gather_epi32(e4, ep + 3, 4);
  const __mmask16 emit = _mm512_cmpgt_epu32_mask(x, x_max);
  const int count = __builtin_popcount(emit);
  const __m256i w16 = _mm512_cvtepi32_epi16(_mm512_maskz_compress_epi32(emit, x));
  words -= count;
  _mm256_mask_storeu_epi16(words, static_cast<__mmask16>((1u << count) - 1), w16);
  x = _mm512_mask_srli_epi32(x, emit, x, 16);
  const __m512i th = mulhi_epu32(x, rcp);
  const __m512i q = _mm512_srlv_epi32(_mm512_add_epi32(th, _mm512_srli_epi32(_mm512_sub_epi32(x, th), 1)),
                                      _mm512_srli_epi32(cs, 16));
  const __m512i cmpl = _mm512_and_si512(cs, _mm512_set1_epi32(0xffff));
  return _mm512_add_epi32(_mm512_add_epi32(x, bias), _mm512_mullo_epi32(q, cmpl));
}

// Decodes the 16 symbols of one half on x; false if words are missing.
inline bool decode_half(const TableView& t, __m512i& xr, const std::int32_t* idx, std::int32_t* out,
                        const std::byte* src, std::size_t size, std::size_t& pos) noexcept {
  __m512i x = xr;
  const __m512i vi = _mm512_loadu_si512(idx);
  const InfoV ti = gather_info(t, vi);
  const __m512i slot = _mm512_and_si512(x, _mm512_set1_epi32(0xffff));
  const __m512i g = _mm512_add_epi32(ti.guide_base, _mm512_srlv_epi32(slot, _mm512_srli_epi32(ti.misc, 16)));
  const __m512i gv = _mm512_and_si512(
      _mm512_i32gather_epi32(g, reinterpret_cast<const int*>(t.guide), 2), _mm512_set1_epi32(0xffff));
  __m512i s = _mm512_add_epi32(ti.base, gv);
  const auto* cdf = reinterpret_cast<const int*>(t.cdf);
  __m512i hi = _mm512_i32gather_epi32(s, cdf + 1, 4);
  for (__mmask16 step = _mm512_cmple_epu32_mask(hi, slot); step != 0; step = _mm512_cmple_epu32_mask(hi, slot)) {
    s = _mm512_mask_add_epi32(s, step, s, _mm512_set1_epi32(1));
    hi = _mm512_mask_i32gather_epi32(hi, step, s, cdf + 1, 4);
  }
  const __m512i lo = _mm512_i32gather_epi32(s, cdf, 4);
  x = _mm512_add_epi32(_mm512_mullo_epi32(_mm512_sub_epi32(hi, lo), _mm512_srli_epi32(x, 16)),
                       _mm512_sub_epi32(slot, lo));
  _mm512_storeu_si512(out, _mm512_add_epi32(_mm512_sub_epi32(s, ti.base), ti.offset));
  const __mmask16 need = _mm512_cmplt_epu32_mask(x, _mm512_set1_epi32(static_cast<int>(kL)));
  if (need != 0) {
    const auto count = static_cast<std::size_t>(__builtin_popcount(need));
    const std::size_t avail = (size - pos) / 2;
    if (avail < count) return false;
    const std::size_t load = avail < 16 ? avail : 16;
    const __m256i w = _mm256_maskz_loadu_epi16(static_cast<__mmask16>((1u << load) - 1), src + pos);
    const __m512i wx = _mm512_maskz_expand_epi32(need, _mm512_cvtepu16_epi32(w));
    x = _mm512_mask_or_epi32(x, need, _mm512_slli_epi32(x, 16), wx);
    pos += 2 * count;
  }
  xr = x;
  return true;
}

std::size_t encode32_avx512(const TableView& t, const std::int32_t* sym, const std::int32_t* idx, std::size_t n,
                            std::byte* dst, std::size_t cap) noexcept {
  constexpr unsigned lanes = kFastLanes;
  if (cap < rans_bound(n, lanes)) return 0;
  alignas(64) std::uint32_t x[lanes];
  for (auto& v : x) v = kL;
  auto* words = reinterpret_cast<std::uint16_t*>(reinterpret_cast<std::uint8_t*>(dst) + (cap & ~std::size_t{1}));
  auto* const end = reinterpret_cast<std::uint8_t*>(words);
  const std::size_t full = n / lanes * lanes;
  for (std::size_t i = n; i-- > full;) {  // partial block at the end first (scalar)
    const TableInfo& ti = t.info[idx[i]];
    std::uint16_t w;
    if (encode_one(x[i % lanes], t.enc[ti.base + bin_of(ti, sym[i])], w)) std::memcpy(--words, &w, 2);
  }
  __m512i a = _mm512_load_si512(x);
  __m512i b = _mm512_load_si512(x + 16);
  for (std::size_t blk = full; blk > 0;) {
    blk -= lanes;
    b = encode_half(t, b, sym + blk + 16, idx + blk + 16, words);
    a = encode_half(t, a, sym + blk, idx + blk, words);
  }
  _mm512_store_si512(x, a);
  _mm512_store_si512(x + 16, b);
  auto* begin = reinterpret_cast<std::uint8_t*>(words) - 4 * lanes;
  std::memcpy(begin, x, sizeof x);
  const auto size = static_cast<std::size_t>(end - begin);
  std::memmove(dst, begin, size);
  return size;
}

errc decode32_avx512(const TableView& t, const std::byte* src, std::size_t size, const std::int32_t* idx, std::size_t n,
                     std::int32_t* out) noexcept {
  constexpr unsigned lanes = kFastLanes;
  if (size < 4 * lanes) return errc::truncated;
  alignas(64) std::uint32_t x[lanes];
  std::memcpy(x, src, sizeof x);
  __m512i a = _mm512_load_si512(x);
  __m512i b = _mm512_load_si512(x + 16);
  const __m512i low = _mm512_set1_epi32(static_cast<int>(kL));
  if ((_mm512_cmplt_epu32_mask(a, low) | _mm512_cmplt_epu32_mask(b, low)) != 0) return errc::corrupt;
  std::size_t pos = 4 * lanes;
  const std::size_t full = n / lanes * lanes;
  for (std::size_t blk = 0; blk < full; blk += lanes) {
    if (!decode_half(t, a, idx + blk, out + blk, src, size, pos)) return errc::truncated;
    if (!decode_half(t, b, idx + blk + 16, out + blk + 16, src, size, pos)) return errc::truncated;
  }
  _mm512_store_si512(x, a);
  _mm512_store_si512(x + 16, b);
  for (std::size_t i = full; i < n; ++i)
    if (!decode_one(t, x[i % lanes], idx[i], out[i], src, size, pos)) return errc::truncated;
  for (const std::uint32_t v : x)
    if (v != kL) return errc::corrupt;
  return pos == size ? errc::ok : errc::corrupt;
}

constexpr Kernels kAvx512{encode32_avx512, decode32_avx512};

}  // namespace

const Kernels* kernels_avx512() noexcept { return &kAvx512; }

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
