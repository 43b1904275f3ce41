// gaussian/kernel_common.hpp — private: the scalar steps every 32-lane kernel of a
// Gaussian sub-stream shares (symbol -> encoder entry, slot -> bin through the
// guide, one encode / decode step, escape recording); see kernels.hpp.
//
// Include ONLY from kernels_<isa>.cpp: everything is in an anonymous namespace,
// so a copy compiled with AVX-512 flags can never replace the baseline one (ODR).
#pragma once

#include <cstring>

#include "../rans/step.hpp"
#include "kernels.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {
namespace {

using rans::step::kStateLow;
constexpr std::uint32_t kSlotMask = (1u << kPrecision) - 1;

// Sets the escape flag of symbol i to `escape` (the word must have been cleared).
inline void flag_escape(Escapes& esc, std::size_t i, bool escape) noexcept {
  esc.masks[i / 16] = static_cast<std::uint16_t>(esc.masks[i / 16] | unsigned{escape} << (i % 16));
}

// Global index (enc/dec/cdf) of the bin coding `sym` in table ti; escape says if it is the escape bin.
inline std::uint32_t enc_index(const TableInfo& ti, std::int32_t sym, bool& escape) noexcept {
  const std::uint32_t b = static_cast<std::uint32_t>(sym) - static_cast<std::uint32_t>(ti.offset);
  escape = b >= ti.max_value;
  return ti.base + (escape ? ti.max_value : b);
}

// Bin searched forward from `bin` (global) for a bucket with 2+ boundaries.
[[gnu::noinline]] std::uint32_t search_bin(const std::uint32_t* cdf, std::uint32_t bin, std::uint32_t slot) noexcept {
  while (cdf[bin + 1] <= slot) ++bin;
  return bin;
}

// Global index of the bin owning `slot` in table ti (CdfTables::bin_at, which this
// TU must not call: it may be compiled with AVX-512 flags).
inline std::uint32_t find_bin(const TableView& t, const TableInfo& ti, std::uint32_t slot) noexcept {
  const GuideEntry g = t.guide[ti.guide_base + (slot >> ti.guide_shift)];
  if (g.next == kGuideSearch) [[unlikely]]
    return search_bin(t.cdf, ti.base + g.bin, slot);
  return ti.base + g.bin + ((slot & ((1u << ti.guide_shift) - 1)) >= g.next ? 1u : 0u);
}

inline bool valid_index(const TableView& t, std::int32_t i) noexcept { return static_cast<std::uint32_t>(i) < t.tables; }

// Encodes symbol i on x (emitted words go below `words`); false (esc.bad_index) for a
// bad index. Branch-free renormalisation: the word is always stored below `words`
// (room the bound guarantees; the final states overwrite it) and kept if emitted.
inline bool encode_symbol(const TableView& t, std::uint32_t& x, const std::int32_t* sym, const std::int32_t* idx,
                          std::size_t i, std::byte*& words, Escapes& esc) noexcept {
  if (!valid_index(t, idx[i])) [[unlikely]] {
    esc.bad_index = true;
    return false;
  }
  bool escape = false;
  const std::uint32_t e = enc_index(t.info[idx[i]], sym[i], escape);
  flag_escape(esc, i, escape);
  std::uint16_t w;
  const bool emit = rans::step::encode(x, t.enc[e], w);
  std::memcpy(words - 2, &w, 2);
  words -= emit ? 2 : 0;
  return true;
}

// Decodes symbol i on x, reading a word at src[pos] when needed: ok, truncated
// (the word is missing) or invalid_argument (a bad index). Branch-free refill (size >= 2).
inline errc decode_symbol(const TableView& t, std::uint32_t& x, const std::int32_t* idx, std::int32_t* out,
                          std::size_t i, const std::byte* src, std::size_t size, std::size_t& pos,
                          Escapes& esc) noexcept {
  if (!valid_index(t, idx[i])) [[unlikely]]
    return errc::invalid_argument;
  const std::uint32_t slot = x & kSlotMask;
  const DecEntry& d = t.dec[find_bin(t, t.info[idx[i]], slot)];
  x = rans::step::decode_advance(x, d.start, d.freq, kPrecision);
  out[i] = d.value;
  flag_escape(esc, i, d.escape != 0);
  const bool need = rans::step::needs_word(x);
  if (need && size - pos < 2) [[unlikely]]
    return errc::truncated;
  std::uint16_t w;
  std::memcpy(&w, src + (pos <= size - 2 ? pos : size - 2), 2);
  x = need ? rans::step::shift_in(x, w) : x;
  pos += need ? 2 : 0;
  return errc::ok;
}

inline std::uint32_t load_u32(const std::byte* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // little-endian hosts only (x86-64, aarch64)
}

}  // namespace
}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
