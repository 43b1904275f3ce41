// gaussian/escapes.cpp — escape nibble section (see escapes.hpp).
#include "escapes.hpp"

#include <bit>
#include <cstring>

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {

namespace {

std::int64_t range_value(const TableInfo& ti, std::int32_t sym) noexcept { return std::int64_t{sym} - ti.offset; }

}  // namespace

std::vector<std::size_t> flagged_positions(const std::uint16_t* masks, std::size_t n) {
  std::vector<std::size_t> out;
  const std::size_t words = (n + 15) / 16;
  std::size_t w = 0;
  for (; w + 4 <= words; w += 4) {  // escapes are rare: skip 4 empty words at once
    std::uint64_t four;
    std::memcpy(&four, masks + w, 8);
    for (; four != 0; four &= four - 1) out.push_back(16 * w + static_cast<unsigned>(std::countr_zero(four)));
  }
  for (; w < words; ++w)
    for (unsigned m = masks[w]; m != 0; m &= m - 1) out.push_back(16 * w + static_cast<unsigned>(std::countr_zero(m)));
  return out;
}

std::vector<std::size_t> find_escapes(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx,
                                      std::size_t n) {
  const TableInfo* info = t.info().data();
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; ++i) {
    const TableInfo& ti = info[idx[i]];
    const std::int64_t v = range_value(ti, sym[i]);
    if (v < 0 || v >= ti.max_value) out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> find_decoded_escapes(const CdfTables& t, const std::int32_t* idx, const std::int32_t* out,
                                              std::size_t n) {
  const TableInfo* info = t.info().data();
  std::vector<std::size_t> pos;
  for (std::size_t i = 0; i < n; ++i) {
    const TableInfo& ti = info[idx[i]];
    if (static_cast<std::uint32_t>(out[i]) - static_cast<std::uint32_t>(ti.offset) == ti.max_value) pos.push_back(i);
  }
  return pos;
}

// Each escape's nibbles (escape::nibbles_of: at most 1 + 9 = 40 bits) are appended
// to a bit buffer flushed 8 bytes at a time.
std::size_t encode_escapes(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx,
                           std::span<const std::size_t> positions, std::uint8_t* dst) noexcept {
  const TableInfo* info = t.info().data();
  std::uint8_t* p = dst;
  std::uint64_t acc = 0;
  unsigned bits = 0;  // < 8 between escapes; an escape adds <= 40, so acc never overflows
  for (const std::size_t i : positions) {
    const TableInfo& ti = info[idx[i]];
    const escape::Nibbles nib = escape::nibbles_of(escape::raw_of(range_value(ti, sym[i]), ti.max_value));
    for (unsigned k = 0; k < nib.n; ++k, bits += escape::kChunkBits) acc |= std::uint64_t{nib.v[k]} << bits;
    std::memcpy(p, &acc, 8);
    p += bits / 8;
    acc >>= bits & ~7u;
    bits &= 7;
  }
  if (bits != 0) *p++ = static_cast<std::uint8_t>(acc);  // a last low nibble, zero high nibble
  return static_cast<std::size_t>(p - dst);
}

errc decode_escapes(const CdfTables& t, std::span<const std::byte> src, const std::int32_t* idx,
                    std::span<const std::size_t> positions, std::int32_t* out) noexcept {
  const TableInfo* info = t.info().data();
  const std::size_t nibbles = 2 * src.size();
  std::size_t pos = 0;  // in nibbles
  auto next = [&](std::uint32_t& nibble) {
    if (pos == nibbles) return false;
    nibble = std::to_integer<std::uint32_t>(src[pos / 2] >> (4 * (pos & 1))) & escape::kChunkMask;
    ++pos;
    return true;
  };
  for (const std::size_t i : positions) {
    const TableInfo& ti = info[idx[i]];
    std::int64_t v = 0;
    if (const errc e = escape::read(next, ti.max_value, v); e != errc::ok) return e;
    const std::int64_t value = v + ti.offset;
    if (value < INT32_MIN || value > INT32_MAX) return errc::corrupt;
    out[i] = static_cast<std::int32_t>(value);
  }
  // Every byte used, and the padding nibble (if any) zero.
  if ((pos + 1) / 2 != src.size()) return errc::corrupt;
  if ((pos & 1) == 0) return errc::ok;
  std::uint32_t pad = 0;
  next(pad);
  return pad == 0 ? errc::ok : errc::corrupt;
}

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
