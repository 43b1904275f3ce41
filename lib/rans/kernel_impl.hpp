// rans/kernel_impl.hpp — the SIMD rANS row kernels, written once over xsimd
// batches and instantiated by each kernels_<isa>.cpp for its architecture.
//
// Include this ONLY from a kernels_<isa>.cpp compiled for that ISA: everything
// here lives in an anonymous namespace so no SIMD-compiled inline function can
// be merged with a baseline one (one-definition rule).
//
// Generic step (per vector of N lanes, byte-identical to lib/rans/step.hpp's encode
// and interleaved_decode):
//   encode: xmax = ((M - cmpl) << (32 - p)) - 1 (wraps to 2^32 - 1 when freq = M);
//           emit words of lanes with x > xmax, x >>= 16 there;
//           t = mulhi(x, rcp), u = t + ((x - t) >> 1), q = u >> shift;
//           x += bias + q * cmpl.
//   decode: e = slots[ctx << 12 | x & (M - 1)]; x = freq(e) * (x >> p) + bias(e)
//           (SimdSlot layout: (freq - 1) * (x >> p) + (x >> p) + bias);
//           refill lanes with x < L from the next words in lane order.
//   Slot entries come by hardware gather or scalar loads as the kernel set's
//   SlotLookup says (kernels.hpp); order-0 models of few symbols may skip the
//   table: their entries are computed in registers (FewRegs), the same words.
// The per-vector primitives (Prim<A>, raw intrinsics where xsimd lacks them)
// are in lib/simd/prim.hpp.
#pragma once

#include <immintrin.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "../simd/inline.hpp"
#include "../simd/prim.hpp"
#include "kernels.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {
namespace detail {
namespace {

using simd::Prim;
using simd::unroll;

// --------------------------------------------------------- generic rows ----

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

// The row kernels of kLanes lanes (one of kLaneCounts) on architecture A,
// decoders looking slots up as kLookup says (kernels.hpp SlotLookup).
template <class A, unsigned kLanes, SlotLookup kLookup>
struct RowCoder {
  using P = Prim<A>;
  using V = typename P::V;
  static constexpr unsigned N = P::N;
  static constexpr unsigned kVecs = kLanes / N;
  static_assert(kLanes % 16 == 0 && kVecs * N == kLanes);  // 16x16 transposes
  // Decoded vectors per store_u8; rows narrower than P's group store their vectors' bytes one by one.
  static constexpr unsigned G = kVecs % P::kStoreGroup == 0 ? P::kStoreGroup : 1;
  using States = V[kVecs];

  ENTCODE_KERNEL_INLINE static void store_u8(std::uint8_t* out, const V (&e)[G]) noexcept {
    if constexpr (G == P::kStoreGroup) {
      P::store_u8(out, e);
    } else {
      alignas(64) std::uint32_t lanes[N];
      e[0].store_aligned(lanes);
      for (unsigned i = 0; i < N; ++i) out[i] = static_cast<std::uint8_t>(lanes[i]);
    }
  }

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
    x = simd::push<A>(x, P::mulhi_rcp(x, e), e.packed >> 25, e.packed & V(0x1fffu), cmpl);
  }

  // Slot lookups by hardware gather where rows are latency-bound (16 and 32 lanes:
  // one or two dependent chains) or where gathers are fast, else by scalar loads
  // (48 lanes, three chains: 16 KiB blocks of quality strings 102 -> 96 us on Zen 5).
  static constexpr bool kGather =
      P::kHasGather && (kLookup == SlotLookup::gathers || (P::kGatherForLatency && kVecs < 3));

  // Order-1 encoder entries of the (context, symbol) indexes idx: gathered where
  // gathers are fast (Intel Xeon, AVX512-FP16: order-1 encode of text 1 MiB
  // 0.73x -> 1.09x htscodecs), else scalar loads through memory. Order 0 keeps
  // scalar loads of its byte indexes either way (gathers there: 16 KiB of
  // machine code 1.28x -> 0.92x).
  static constexpr bool kGatherEnc = P::kHasGather && kLookup == SlotLookup::gathers;
  ENTCODE_KERNEL_INLINE static typename P::Enc enc_entries(const SimdEncSymbol* enc, V idx) noexcept {
    if constexpr (kGatherEnc) return P::gather_enc(enc, idx);
    else return P::load_enc(enc, idx);
  }

  // The slot entry of x's slot (symbol in its low byte).
  ENTCODE_KERNEL_INLINE static V slot_entry(V x, V ctx_base, const std::uint32_t* slots, unsigned precision) noexcept {
    const V idx = ctx_base | (x & V((1u << precision) - 1));
    if constexpr (kGather) return P::gather(slots, idx);
    else return P::lookup(slots, idx);
  }
  // The decoder step of x given its slot entry e.
  ENTCODE_KERNEL_INLINE static void advance(V& x, V e, unsigned precision, const std::byte*& pos) noexcept {
    const V xs = x >> static_cast<int>(precision);
    x = P::mullo(e >> 20, xs) + (xs + ((e >> 8) & V(0xfffu)));
    P::dec_renorm(x, pos);
  }
  // One decoder step; returns the slot entry (symbol in its low byte).
  ENTCODE_KERNEL_INLINE static V dec_step(V& x, V ctx_base, const std::uint32_t* slots, unsigned precision,
                                          const std::byte*& pos) noexcept {
    const V e = slot_entry(x, ctx_base, slots, precision);
    advance(x, e, precision, pos);
    return e;
  }

  // A FewSymbols model of at most K symbols in registers: the entry of a slot
  // is entries[the number of bounds below it] + (slot << 8), the same word as
  // the slot table's (two counting chains, to halve their latency).
  template <unsigned K>
  struct FewRegs {
    V bound_m1[K - 1];
    V entries;
    ENTCODE_KERNEL_INLINE FewRegs(const FewSymbols& f) noexcept : entries(V::load_unaligned(f.entry)) {
      unroll<K - 1>([&](auto j) ENTCODE_KERNEL_LAMBDA { bound_m1[j] = V(static_cast<std::uint32_t>(f.bound_m1[j])); });
    }
    ENTCODE_KERNEL_INLINE V entry(V x, unsigned precision) const noexcept {
      const V slot = x & V((1u << precision) - 1);
      V a(0u), b(0u);
      unroll<K - 1>([&](auto j) ENTCODE_KERNEL_LAMBDA {
        if constexpr (j % 2 == 0) a = P::count_above(a, slot, bound_m1[j]);
        else b = P::count_above(b, slot, bound_m1[j]);
      });
      return P::permute(a + b, entries) + (slot << 8);
    }
  };

  // Order-0 rows rows-1 down to 0 encoded with entries_of(symbols) as the
  // entries of the N symbols at `symbols`.
  template <class EntriesOf>
  ENTCODE_KERNEL_INLINE static std::size_t enc_o0_rows(const std::uint8_t* data, std::size_t rows, unsigned precision,
                                                       EncCursor& c, const EntriesOf& entries_of) noexcept {
    States x;
    load_states(c.x, x);
    std::byte* pos = c.pos;
    std::size_t r = rows;
    while (r > 0 && static_cast<std::size_t>(pos - c.limit) >= kRowSlack) {
      --r;
      const std::uint8_t* row = data + r * kLanes;
      unroll<kVecs>([&](auto v) ENTCODE_KERNEL_LAMBDA {  // high lanes first: words are written backwards
        constexpr unsigned k = kVecs - 1 - v;
        enc_step(x[k], entries_of(row + k * N), precision, pos);
      });
    }
    store_states(x, c.x);
    c.pos = pos;
    return r;
  }

  static std::size_t enc_o0(const std::uint8_t* data, std::size_t rows, const SimdEncSymbol* enc,
                            unsigned precision, EncCursor& c) noexcept {
    return enc_o0_rows(data, rows, precision, c,
                       [&](const std::uint8_t* symbols) ENTCODE_KERNEL_LAMBDA { return P::load_enc_u8(enc, symbols); });
  }

  static std::size_t enc_o0_window(const std::uint8_t* data, std::size_t rows, const EncWindow& window,
                                   unsigned precision, EncCursor& c) noexcept {
    const auto regs = P::window_regs(window);
    return enc_o0_rows(data, rows, precision, c, [&](const std::uint8_t* symbols) ENTCODE_KERNEL_LAMBDA {
      return P::load_enc_window(regs, symbols);
    });
  }
  static constexpr auto window_kernel() noexcept {
    if constexpr (P::kHasEncWindow) return &enc_o0_window;
    else return static_cast<decltype(&enc_o0_window)>(nullptr);
  }

  // Order-0 rows decoded with entry_of(x) as each step's slot entry.
  template <class EntryOf>
  ENTCODE_KERNEL_INLINE static std::size_t dec_o0_rows(std::uint8_t* out, std::size_t rows, unsigned precision,
                                                       DecCursor& c, const EntryOf& entry_of) noexcept {
    States x;
    load_states(c.x, x);
    const std::byte* pos = c.pos;
    std::size_t r = 0;
    for (; r < rows && static_cast<std::size_t>(c.end - pos) >= kRowSlack; ++r) {
      std::uint8_t* row = out + r * kLanes;
      unroll<kVecs / G>([&](auto g) ENTCODE_KERNEL_LAMBDA {
        V e[G];
        unroll<G>([&](auto i) ENTCODE_KERNEL_LAMBDA {
          e[i] = entry_of(x[g * G + i]);
          advance(x[g * G + i], e[i], precision, pos);
        });
        store_u8(row + g * G * N, e);
      });
    }
    store_states(x, c.x);
    c.pos = pos;
    return r;
  }

  static std::size_t dec_o0(std::uint8_t* out, std::size_t rows, const std::uint32_t* slots, unsigned precision,
                            DecCursor& c) noexcept {
    return dec_o0_rows(out, rows, precision, c, [&](V x) ENTCODE_KERNEL_LAMBDA {
      return slot_entry(x, V(0u), slots, precision);
    });
  }

  template <unsigned K>
  static std::size_t dec_o0_few(std::uint8_t* out, std::size_t rows, const FewSymbols& few, unsigned precision,
                                DecCursor& c) noexcept {
    const FewRegs<K> regs(few);
    return dec_o0_rows(out, rows, precision, c, [&](V x) ENTCODE_KERNEL_LAMBDA { return regs.entry(x, precision); });
  }
  template <unsigned K>
  static constexpr LaneKernels::DecFew few_kernel() noexcept {
    if constexpr (K <= P::kMaxFew && kLookup == SlotLookup::latency) return &dec_o0_few<K>;
    else return nullptr;
  }

  // Rows are read through a tile: per lane, the context byte and up to kEncRows
  // symbols are copied from its segment (segments n / kLanes bytes apart would
  // thrash one cache set), then turned into rows by 16x16 transposes, so a
  // row's contexts and symbols are two vector loads (no byte gather).
  static constexpr std::size_t kEncRows = 64;
  static constexpr std::size_t kTileStride = kEncRows + 16;  // context + kEncRows bytes, rounded up to 16

  // Each lane's `len` bytes from src + k * m into its tile row: full tiles by a
  // copy of constant size (vector moves; a variable-size memcpy became
  // `rep movsq`, half the order-1 encoder's time on Intel Xeon).
  ENTCODE_KERNEL_INLINE static void copy_tile(std::uint8_t* tile, const std::uint8_t* src, std::size_t m,
                                              std::size_t len) noexcept {
    if (len == kEncRows + 1) {
      for (unsigned k = 0; k < kLanes; ++k) std::memcpy(tile + k * kTileStride, src + k * m, kEncRows + 1);
    } else {
      for (unsigned k = 0; k < kLanes; ++k) std::memcpy(tile + k * kTileStride, src + k * m, len);
    }
  }

  static std::size_t enc_o1(const std::uint8_t* data, std::size_t m, std::size_t j_lo, std::size_t j_hi,
                            const SimdEncSymbol* enc, unsigned precision, EncCursor& c) noexcept {
    States x;
    load_states(c.x, x);
    alignas(64) std::uint8_t tile[kLanes * kTileStride] = {};
    alignas(64) std::uint8_t rows[kTileStride][kLanes];
    std::byte* pos = c.pos;
    std::size_t j = j_hi;
    while (j > j_lo && static_cast<std::size_t>(pos - c.limit) >= kRowSlack) {
      const std::size_t j0 = j - std::min<std::size_t>(j - j_lo, kEncRows);  // rows [j0, j); rows[r] = byte j0 - 1 + r
      copy_tile(tile, data + j0 - 1, m, j - j0 + 1);
      for (std::size_t r = 0; r <= j - j0; r += 16)
        for (unsigned k = 0; k < kLanes; k += 16) transpose16x16(tile + k * kTileStride + r, kTileStride, &rows[r][k], kLanes);
      while (j > j0 && static_cast<std::size_t>(pos - c.limit) >= kRowSlack) {
        --j;
        const std::uint8_t* ctx = rows[j - j0];
        unroll<kVecs>([&](auto v) ENTCODE_KERNEL_LAMBDA {
          constexpr unsigned k = kVecs - 1 - v;
          const V idx = (P::load_u8(ctx + k * N) << 8) | P::load_u8(ctx + kLanes + k * N);
          enc_step(x[k], enc_entries(enc, idx), precision, pos);
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
  // leave by 16x16 byte transposes whose 16-byte rows go straight to the lanes'
  // segments where P::kTransposeFlush (measured: AVX2 on Zen 3, where the byte-wise
  // copy was ~45% of order-1 decoding; AVX-512 on Zen 5, ~35%). Through a
  // lane-order buffer and a 64-byte copy a lane, each copy read what four
  // 16-byte stores had just written (no store forwarding): Intel Xeon, text
  // 1 MiB / 4 MiB blocks, order-1 decode 4-5% slower (AVX2 there: 8%).
  static constexpr std::size_t kTile = 64;

  static std::size_t dec_o1(std::uint8_t* out, std::size_t m, std::size_t j_lo, std::size_t j_hi,
                            const std::uint32_t* slots, unsigned precision, DecCursor& c) noexcept {
    States x, ctx;
    load_states(c.x, x);
    std::uint32_t lane_ctx[kLanes];
    for (unsigned k = 0; k < kLanes; ++k) lane_ctx[k] = std::uint32_t{out[k * m + j_lo - 1]} << precision;  // ByteTables::slots(c)
    load_states(lane_ctx, ctx);
    alignas(64) std::uint8_t tile[kTile][kLanes];
    const std::byte* pos = c.pos;
    std::size_t j = j_lo, t = 0;
    auto flush = [&] {  // rows [j - t, j) of every lane
      if (P::kTransposeFlush && t == kTile) {  // transposed into lane order, 16 bytes a lane at a time
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
        store_u8(&tile[t][g * G * N], e);
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

  static constexpr LaneKernels table() noexcept {
    static_assert(std::size(kFewSizes) == 3);
    return LaneKernels{&enc_o0,  &dec_o0, {few_kernel<kFewSizes[0]>(), few_kernel<kFewSizes[1]>(), few_kernel<kFewSizes[2]>()},
                       window_kernel(), &enc_o1, &dec_o1};
  }
};

// The bit mask of a whole chunk of P::kCountChunk bytes (CountFew, SkipMembers).
template <class P>
constexpr std::uint64_t kWholeChunk = P::kCountChunk == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << P::kCountChunk) - 1;

// CountFew (kernels.hpp) for up to K symbols: one broadcast register and one
// count per symbol (symbols k .. K - 1 repeat symbols[0], their counts unused).
template <class A, unsigned K>
std::size_t count_few(const std::uint8_t* src, std::size_t n, const std::uint8_t* symbols, unsigned k,
                      std::uint32_t* counts) noexcept {
  using P = Prim<A>;
  typename P::Bytes symbol[K];
  std::uint64_t count[K] = {};
  unroll<K>([&](auto j) ENTCODE_KERNEL_LAMBDA { symbol[j] = P::broadcast_u8(symbols[j < k ? j : 0]); });
  std::size_t i = 0;
  for (; i + P::kCountChunk <= n; i += P::kCountChunk) {
    const auto v = P::load_chunk(src + i);
    std::uint64_t equal[K], covered = 0;
    unroll<K>([&](auto j) ENTCODE_KERNEL_LAMBDA {
      equal[j] = P::equal_bits(v, symbol[j]);
      covered |= equal[j];
    });
    if (covered != kWholeChunk<P>) break;  // this chunk is the caller's
    unroll<K>([&](auto j) ENTCODE_KERNEL_LAMBDA { count[j] += static_cast<unsigned>(std::popcount(equal[j])); });
  }
  for (unsigned j = 0; j < k; ++j) counts[symbols[j]] += static_cast<std::uint32_t>(count[j]);
  return i;
}
template <class A, unsigned K>
constexpr CountFew count_few_kernel() noexcept {
  if constexpr (Prim<A>::kCountChunk != 0) return &count_few<A, K>;
  else return nullptr;
}

// SkipMembers (kernels.hpp).
template <class A>
std::size_t skip_members(const std::uint8_t* src, std::size_t n, const std::uint8_t* rows) noexcept {
  using P = Prim<A>;
  const auto row_low = P::broadcast_16(rows), row_high = P::broadcast_16(rows + 16);
  std::size_t i = 0;
  for (; i + P::kCountChunk <= n; i += P::kCountChunk)
    if (P::member_bits(P::load_chunk(src + i), row_low, row_high) != kWholeChunk<P>) break;
  return i;
}
template <class A>
constexpr SkipMembers skip_members_kernel() noexcept {
  if constexpr (Prim<A>::kCountChunk != 0) return &skip_members<A>;
  else return nullptr;
}

// Every lane count's kernels on A, in kLaneCounts order, for both slot lookups.
template <class A>
constexpr Kernels kernel_table() noexcept {
  constexpr auto lat = SlotLookup::latency, gat = SlotLookup::gathers;
  static_assert(std::size(kLaneCounts) == 4 && static_cast<unsigned>(lat) == 0 && static_cast<unsigned>(gat) == 1);
  return Kernels{{{RowCoder<A, kLaneCounts[0], lat>::table(), RowCoder<A, kLaneCounts[1], lat>::table(),
                   RowCoder<A, kLaneCounts[2], lat>::table(), RowCoder<A, kLaneCounts[3], lat>::table()},
                  {RowCoder<A, kLaneCounts[0], gat>::table(), RowCoder<A, kLaneCounts[1], gat>::table(),
                   RowCoder<A, kLaneCounts[2], gat>::table(), RowCoder<A, kLaneCounts[3], gat>::table()}},
                 {count_few_kernel<A, kFewSizes[0]>(), count_few_kernel<A, kFewSizes[1]>(), count_few_kernel<A, kFewSizes[2]>()},
                 skip_members_kernel<A>()};
}

}  // namespace
}  // namespace detail
}  // namespace rans
}  // namespace v0
}  // namespace entcode
