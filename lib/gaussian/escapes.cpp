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

// raw = -2v - 1 / 2(v - max) of an out-of-range v.
std::uint64_t raw_of(const TableInfo& ti, std::int64_t v) noexcept {
  return static_cast<std::uint64_t>(v < 0 ? -2 * v - 1 : 2 * (v - ti.max_value));
}

std::uint64_t load_u64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian hosts only (x86-64, aarch64)
}

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

// Each escape is one count nibble (chunks <= 9 < 15) and its chunks: the 4(1 + chunks)
// bits `chunks | raw << 4`, appended to a bit buffer flushed 8 bytes at a time.
std::size_t encode_escapes(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx,
                           std::span<const std::size_t> positions, std::uint8_t* dst) noexcept {
  static_assert(kMaxEscapeChunks < 15);
  const TableInfo* info = t.info().data();
  std::uint8_t* p = dst;
  std::uint64_t acc = 0;
  unsigned bits = 0;  // < 8 between escapes; an escape adds <= 40, so acc never overflows
  for (const std::size_t i : positions) {
    const TableInfo& ti = info[idx[i]];
    const std::uint64_t raw = raw_of(ti, range_value(ti, sym[i]));
    const auto chunks = static_cast<unsigned>((std::bit_width(raw) + 3) / 4);
    acc |= (chunks | raw << 4) << bits;
    bits += 4 * (1 + chunks);
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
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(src.data());
  const std::size_t nibbles = 2 * src.size();
  std::size_t pos = 0;  // in nibbles
  for (const std::size_t i : positions) {
    // The next 15+ nibbles (zeros past the end).
    std::uint64_t v = 0;
    const std::size_t at = pos / 2;
    if (src.size() - at >= 8) {
      v = load_u64(bytes + at);
    } else {
      std::uint8_t tail[8] = {};
      std::memcpy(tail, bytes + at, src.size() - at);
      v = load_u64(tail);
    }
    v >>= 4 * (pos & 1);
    const auto chunks = static_cast<unsigned>(v & 15);
    if (chunks > kMaxEscapeChunks) return errc::corrupt;
    if (nibbles - pos < 1 + chunks) return errc::truncated;
    const std::uint64_t raw = (v >> 4) & ((std::uint64_t{1} << (4 * chunks)) - 1);
    if (chunks != 0 && (raw >> (4 * (chunks - 1))) == 0) return errc::corrupt;  // non-canonical: a leading zero chunk
    pos += 1 + chunks;
    const TableInfo& ti = info[idx[i]];
    const auto half = static_cast<std::int64_t>(raw >> 1);
    const std::int64_t value = ((raw & 1) ? -half - 1 : half + ti.max_value) + ti.offset;
    if (value < INT32_MIN || value > INT32_MAX) return errc::corrupt;
    out[i] = static_cast<std::int32_t>(value);
  }
  // Every byte used, and the padding nibble (if any) zero.
  if ((pos + 1) / 2 != src.size()) return errc::corrupt;
  return (pos & 1) == 0 || (bytes[src.size() - 1] >> 4) == 0 ? errc::ok : errc::corrupt;
}

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
