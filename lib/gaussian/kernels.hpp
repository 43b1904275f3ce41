// gaussian/kernels.hpp — private: the rANS part of one Gaussian sub-stream.
//
// Layout (identical for every implementation, = rans::reference::interleaved_encode with
// per-symbol tables): [lanes x u32 LE final states][u16 LE words, decoder order].
// Symbol j is on lane j % lanes and is coded with bin
//   b = min((u32)sym - (u32)offset, max_value)   (max_value = escape bin)
// of table idx[j] (CdfTables guarantees offset + max_value - 1 <= INT32_MAX, so
// the unsigned difference is >= max_value exactly for out-of-range symbols).
// Decoders write out[j] = (i32)((u32)bin + (u32)offset); the caller replaces
// escape-bin entries from the escape nibbles. The kernels check the indexes
// themselves (saving callers a pass over them): at an index outside [0, tables)
// (kSkipIndex included) they stop at once, output undefined.
//   encode: writes the stream at the END of [dst, dst + cap) (cap >= rans_bound)
//           and returns its size (0 when cap is too small or esc.bad_index).
//   decode: ok / truncated (a word needed beyond src) / corrupt (bad initial or
//           final state, or unread words) / invalid_argument (a bad index).
// Both flag the escape-bin symbols in esc.masks (one bit per symbol, no branch).
// The 32-lane kernels (scalar, AVX2, AVX-512) must produce the reference's bytes
// exactly; tests/test_gaussian.cpp checks every ISA against rans_encode_reference.
#pragma once

#include <cstddef>
#include <cstdint>

#include "entcode/gaussian/cdf_tables.hpp"
#include "entcode/isa.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {

// Raw pointers into a CdfTables (no inline functions of entcode's headers are
// called from per-ISA TUs, so none can be compiled with AVX-512 flags: ODR).
struct TableView {
  const TableInfo* info;
  const std::uint32_t* cdf;
  const rans::EncSymbol* enc;
  const DecEntry* dec;
  const GuideEntry* guide;
  const SlotPair* pairs;
  std::size_t tables;
};
inline TableView view_of(const CdfTables& t) noexcept {
  return {t.info().data(), t.cdf_data().data(), t.enc_data().data(), t.dec_data().data(), t.guide_data().data(),
          t.pair_data().data(), t.size()};
}

// Bit i % 16 of masks[i / 16] is set when symbol i is coded with the escape bin;
// the kernels write all escape_words(n) words.
struct Escapes {
  std::uint16_t* masks;
  bool bad_index = false;  // encode: stopped at an index outside the tables
};
constexpr std::size_t escape_words(std::size_t n) noexcept { return (n + 15) / 16; }

constexpr std::size_t rans_bound(std::size_t n, unsigned lanes) noexcept { return 4 * std::size_t{lanes} + 2 * n; }

using EncodeKernel = std::size_t (*)(const TableView& t, const std::int32_t* sym, const std::int32_t* idx,
                                     std::size_t n, std::byte* dst, std::size_t cap, Escapes& esc) noexcept;
using DecodeKernel = errc (*)(const TableView& t, const std::byte* src, std::size_t size, const std::int32_t* idx,
                              std::size_t n, std::int32_t* out, Escapes& esc) noexcept;

// The lane count the SIMD kernels code (any other count of an ECGL stream,
// 1..kMaxEcglLanes, takes the reference path; doc/lanes.md).
inline constexpr unsigned kFastLanes = 32;
struct Kernels {
  EncodeKernel encode32;
  DecodeKernel decode32;
  // The same kernels with hardware gathers, for CPUs where the byte coder's
  // timed slot lookup chose them (lib/rans/kernels.hpp SlotLookup); or nullptr.
  const Kernels* gathers = nullptr;
};

const Kernels* kernels_scalar() noexcept;
const Kernels* kernels_avx2() noexcept;    // nullptr when not built
const Kernels* kernels_avx512() noexcept;  // nullptr when not built
// The kernels for `isa` (the highest level <= isa that is built and that this
// CPU runs: lib/simd/dispatch.hpp).
const Kernels& kernels_for(Isa isa) noexcept;
// kernels_for(isa), or its gathers variant where gathers were timed faster.
const Kernels& fastest_kernels(Isa isa) noexcept;

// Reference (rans::reference::interleaved_encode / interleaved_decode with a plain binary
// search over the CDF), any lane count; the stream is written at dst[0, size).
// No escape list: callers scan.
std::size_t rans_encode_reference(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx, std::size_t n,
                                  unsigned lanes, std::byte* dst, std::size_t cap);
errc rans_decode_reference(const CdfTables& t, const std::byte* src, std::size_t size, const std::int32_t* idx,
                           std::size_t n, unsigned lanes, std::int32_t* out);

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
