// gaussian/kernels_scalar.cpp — reference and scalar 32-lane rANS kernels of a
// Gaussian sub-stream, and the ISA dispatcher (see kernels.hpp).
#include <algorithm>
#include <span>

#include "../rans/kernels.hpp"
#include "../rans/reference_coder.hpp"
#include "../simd/dispatch.hpp"
#include "kernel_common.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {

namespace {

template <unsigned lanes>
std::size_t encode_scalar(const TableView& t, const std::int32_t* sym, const std::int32_t* idx, std::size_t n,
                          std::byte* dst, std::size_t cap, Escapes& esc) noexcept {
  if (cap < rans_bound(n, lanes)) return 0;
  std::uint32_t x[lanes];
  for (auto& v : x) v = kStateLow;
  std::byte* const end = dst + cap;
  auto* words = end;  // written backwards
  std::fill(esc.masks, esc.masks + escape_words(n), std::uint16_t{0});
  for (std::size_t i = n; i-- > 0;)
    if (!encode_symbol(t, x[i % lanes], sym, idx, i, words, esc)) return 0;
  words -= sizeof x;
  std::memcpy(words, x, sizeof x);
  return static_cast<std::size_t>(end - words);
}

template <unsigned lanes>
errc decode_scalar(const TableView& t, const std::byte* src, std::size_t size, const std::int32_t* idx,
                   std::size_t n, std::int32_t* out, Escapes& esc) noexcept {
  if (size < 4 * lanes) return errc::truncated;
  std::uint32_t x[lanes];
  for (unsigned l = 0; l < lanes; ++l) {
    x[l] = load_u32(src + 4 * l);
    if (x[l] < kStateLow) return errc::corrupt;
  }
  std::size_t pos = 4 * lanes;
  std::fill(esc.masks, esc.masks + escape_words(n), std::uint16_t{0});
  for (std::size_t i = 0; i < n; ++i)
    if (const errc e = decode_symbol(t, x[i % lanes], idx, out, i, src, size, pos, esc); e != errc::ok) return e;
  for (const std::uint32_t v : x)
    if (v != kStateLow) return errc::corrupt;
  return pos == size ? errc::ok : errc::corrupt;
}

constexpr Kernels kScalar{encode_scalar<kFastLanes>, decode_scalar<kFastLanes>};

std::uint32_t bin_of(const TableInfo& ti, std::int32_t sym) noexcept {
  const std::uint32_t b = static_cast<std::uint32_t>(sym) - static_cast<std::uint32_t>(ti.offset);
  return std::min<std::uint32_t>(b, ti.max_value);
}

}  // namespace

const Kernels* kernels_scalar() noexcept { return &kScalar; }

const Kernels& kernels_for(Isa isa) noexcept {
  static constexpr simd::KernelGetter<Kernels> kByIsa[4] = {&kernels_scalar, nullptr, &kernels_avx2, &kernels_avx512};
  return *simd::select(isa, kByIsa);
}

const Kernels& fastest_kernels(Isa isa) noexcept {
  const Kernels& k = kernels_for(isa);
  return k.gathers != nullptr && rans::detail::slot_lookup(isa) == rans::detail::SlotLookup::gathers ? *k.gathers : k;
}

std::size_t rans_encode_reference(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx, std::size_t n,
                                  unsigned lanes, std::byte* dst, std::size_t cap) {
  const TableInfo* info = t.info().data();
  const rans::EncSymbol* enc = t.enc_data().data();
  auto r = rans::reference::interleaved_encode(
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
  return rans::reference::interleaved_decode(std::span<const std::byte>(src, size), n, lanes, [&](std::size_t i, std::uint32_t x) {
    const auto table = static_cast<std::size_t>(idx[i]);
    const auto cdf = t.cdf(table);
    const std::uint32_t slot = x & 0xffffu;
    // The bin whose [cdf[s], cdf[s + 1]) holds the slot: plain binary search (independent of the guide).
    const auto s = static_cast<std::uint32_t>(std::upper_bound(cdf.begin(), cdf.end(), slot) - cdf.begin() - 1);
    out[i] = static_cast<std::int32_t>(s + static_cast<std::uint32_t>(t.offset(table)));
    return rans::step::decode_advance(x, cdf[s], cdf[s + 1] - cdf[s], kPrecision);
  });
}

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
