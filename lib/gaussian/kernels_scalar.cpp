// gaussian/kernels_scalar.cpp — reference and scalar 32-lane rANS kernels of a
// Gaussian sub-stream, and the ISA dispatcher (see kernels.hpp).
#include <cstring>
#include <span>

#include "entcode/rans/rans.hpp"
#include "kernels.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {

namespace {

using rans::kStateLow;

inline std::uint32_t bin_of(const TableInfo& info, std::int32_t sym) noexcept {
  const std::uint32_t b = static_cast<std::uint32_t>(sym) - static_cast<std::uint32_t>(info.offset);
  return b < info.max_value ? b : info.max_value;
}

inline std::int32_t value_of(const TableInfo& info, std::uint32_t bin) noexcept {
  return static_cast<std::int32_t>(bin + static_cast<std::uint32_t>(info.offset));
}

// Bin owning `slot` in table `info`: guide entry, then forward steps.
inline std::uint32_t find_bin(const std::uint32_t* cdf, const std::uint16_t* guide, const TableInfo& info,
                              std::uint32_t slot) noexcept {
  const std::uint32_t* c = cdf + info.base;
  std::uint32_t s = guide[info.guide_base + (slot >> info.guide_shift)];
  while (c[s + 1] <= slot) ++s;
  return s;
}

inline std::uint32_t load_u32(const std::byte* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // little-endian hosts only (x86-64, aarch64)
}

std::size_t encode32_scalar(const TableView& t, const std::int32_t* sym, const std::int32_t* idx, std::size_t n,
                            std::byte* dst, std::size_t cap) noexcept {
  constexpr unsigned lanes = kFastLanes;
  if (cap < rans_bound(n, lanes)) return 0;
  const TableInfo* info = t.info;
  const rans::EncSymbol* enc = t.enc;
  std::uint32_t x[lanes];
  for (auto& v : x) v = kStateLow;
  auto* words = reinterpret_cast<std::uint8_t*>(dst) + cap;  // written backwards
  for (std::size_t i = n; i-- > 0;) {
    const TableInfo& ti = info[idx[i]];
    const rans::EncSymbol& e = enc[ti.base + bin_of(ti, sym[i])];
    std::uint32_t& xl = x[i % lanes];
    std::uint16_t word;
    if (rans::encode_step(xl, e, word)) {
      words -= 2;
      std::memcpy(words, &word, 2);
    }
  }
  words -= 4 * lanes;
  std::memcpy(words, x, sizeof x);
  const auto size = static_cast<std::size_t>(reinterpret_cast<std::uint8_t*>(dst) + cap - words);
  std::memmove(dst, words, size);
  return size;
}

errc decode32_scalar(const TableView& t, const std::byte* src, std::size_t size, const std::int32_t* idx,
                     std::size_t n, std::int32_t* out) noexcept {
  constexpr unsigned lanes = kFastLanes;
  if (size < 4 * lanes) return errc::truncated;
  const TableInfo* info = t.info;
  const std::uint32_t* cdf = t.cdf;
  const std::uint16_t* guide = t.guide;
  std::uint32_t x[lanes];
  for (unsigned l = 0; l < lanes; ++l) {
    x[l] = load_u32(src + 4 * l);
    if (x[l] < kStateLow) return errc::corrupt;
  }
  std::size_t pos = 4 * lanes;
  for (std::size_t i = 0; i < n; ++i) {
    const TableInfo& ti = info[idx[i]];
    std::uint32_t& xl = x[i % lanes];
    const std::uint32_t slot = xl & 0xffffu;
    const std::uint32_t s = find_bin(cdf, guide, ti, slot);
    const std::uint32_t start = cdf[ti.base + s];
    const std::uint32_t freq = cdf[ti.base + s + 1] - start;
    xl = freq * (xl >> 16) + slot - start;
    out[i] = value_of(ti, s);
    if (xl < kStateLow) {
      if (size - pos < 2) return errc::truncated;
      std::uint16_t w;
      std::memcpy(&w, src + pos, 2);
      xl = xl << 16 | w;
      pos += 2;
    }
  }
  for (const std::uint32_t v : x)
    if (v != kStateLow) return errc::corrupt;
  return pos == size ? errc::ok : errc::corrupt;
}

constexpr Kernels kScalar{encode32_scalar, decode32_scalar};

}  // namespace

const Kernels* kernels_scalar() noexcept { return &kScalar; }

const Kernels& kernels_for(Isa isa) noexcept {
  const Kernels* avx512 = isa == Isa::avx512 ? kernels_avx512() : nullptr;
  return avx512 != nullptr ? *avx512 : kScalar;
}

std::size_t rans_encode_reference(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx, std::size_t n,
                                  unsigned lanes, std::byte* dst, std::size_t cap) {
  const TableInfo* info = t.info().data();
  const rans::EncSymbol* enc = t.enc_data().data();
  auto r = rans::interleaved_encode(
      n, lanes,
      [&](std::size_t i) -> const rans::EncSymbol& {
        const TableInfo& ti = info[idx[i]];
        return enc[ti.base + bin_of(ti, sym[i])];
      },
      std::span<std::byte>(dst, cap));
  return r ? *r : 0;
}

errc rans_decode_reference(const CdfTables& t, const std::byte* src, std::size_t size, const std::int32_t* idx,
                           std::size_t n, unsigned lanes, std::int32_t* out) {
  const TableInfo* info = t.info().data();
  const std::uint32_t* cdf = t.cdf_data().data();
  const std::uint16_t* guide = t.guide_data().data();
  return rans::interleaved_decode(std::span<const std::byte>(src, size), n, lanes, [&](std::size_t i, std::uint32_t x) {
    const TableInfo& ti = info[idx[i]];
    const std::uint32_t slot = x & 0xffffu;
    const std::uint32_t s = find_bin(cdf, guide, ti, slot);
    out[i] = value_of(ti, s);
    return rans::decode_advance(x, cdf[ti.base + s], cdf[ti.base + s + 1] - cdf[ti.base + s], kPrecision);
  });
}

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
