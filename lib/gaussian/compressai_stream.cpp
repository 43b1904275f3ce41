// gaussian/compressai_stream.cpp — CompressAI-compatible rans64 stream
// (see include/entcode/gaussian/compressai_stream.hpp).
#include "entcode/gaussian/compressai_stream.hpp"

#include <cstring>

#include "entcode/gaussian/escape.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace compressai {

namespace {

constexpr unsigned kBypassBits = escape::kChunkBits;  // escape nibbles are bypass steps of 4 bits
constexpr std::uint32_t kBypassMax = escape::kChunkMask;
constexpr std::size_t kMaxStepsPerSymbol = 1 + 1 + escape::kMaxChunks;

bool valid_indexes(const CdfTables& t, std::span<const std::int32_t> idx) noexcept {
  for (const std::int32_t i : idx)
    if (static_cast<std::uint32_t>(i) >= t.size()) return false;
  return true;
}

// Writes 32-bit words backwards from the end of dst.
class BackwardWriter {
 public:
  explicit BackwardWriter(std::span<std::byte> dst) noexcept : dst_(dst), pos_(dst.size()) {}
  bool put(std::uint32_t w) noexcept {
    if (pos_ < 4) return false;
    pos_ -= 4;
    for (int b = 0; b < 4; ++b) dst_[pos_ + static_cast<std::size_t>(b)] = static_cast<std::byte>(w >> (8 * b));
    return true;
  }
  [[nodiscard]] std::size_t size() const noexcept { return dst_.size() - pos_; }
  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }

 private:
  std::span<std::byte> dst_;
  std::size_t pos_;
};

// Rans64EncPut: renormalise (at most one word), then push (start, freq) at `prec` bits.
bool put(std::uint64_t& x, BackwardWriter& w, std::uint32_t start, std::uint32_t freq, unsigned prec) noexcept {
  const std::uint64_t x_max = ((kStateLow >> prec) << 32) * freq;
  if (x >= x_max) {
    if (!w.put(static_cast<std::uint32_t>(x))) return false;
    x >>= 32;
  }
  x = ((x / freq) << prec) + x % freq + start;
  return true;
}

class Reader {
 public:
  explicit Reader(std::span<const std::byte> src) noexcept : src_(src) {}
  // Decoder step for (start, freq) at `prec` bits, refilling one word if needed.
  bool advance(std::uint64_t& x, std::uint32_t start, std::uint32_t freq, unsigned prec) noexcept {
    const std::uint64_t mask = (std::uint64_t{1} << prec) - 1;
    x = freq * (x >> prec) + (x & mask) - start;
    if (x >= kStateLow) return true;
    if (src_.size() - pos_ < 4) return false;
    std::uint32_t word;
    std::memcpy(&word, src_.data() + pos_, 4);
    pos_ += 4;
    x = x << 32 | word;
    return true;
  }
  bool get_bits(std::uint64_t& x, std::uint32_t& val) noexcept {
    val = static_cast<std::uint32_t>(x) & kBypassMax;
    return advance(x, val, 1, kBypassBits);
  }
  [[nodiscard]] bool at_end() const noexcept { return pos_ == src_.size(); }

 private:
  std::span<const std::byte> src_;
  std::size_t pos_ = 8;
};

// The escape of symbol value v (64-bit) against `max` (entcode/gaussian/escape.hpp):
// its nibbles pushed as bypass steps in encoder order (the reverse of decoder order).
bool put_escape(std::uint64_t& x, BackwardWriter& w, std::int64_t v, std::uint32_t max) noexcept {
  const escape::Nibbles nib = escape::nibbles_of(escape::raw_of(v, max));
  for (unsigned k = nib.n; k-- > 0;)
    if (!put(x, w, nib.v[k], 1, kBypassBits)) return false;
  return true;
}

}  // namespace

std::size_t encode_bound(std::size_t n) noexcept { return 8 + 4 * kMaxStepsPerSymbol * n; }

Result<std::size_t> encode_with_indexes(const CdfTables& tables, std::span<const std::int32_t> symbols,
                                        std::span<const std::int32_t> indexes, std::span<std::byte> dst) {
  if (symbols.size() != indexes.size() || !valid_indexes(tables, indexes)) return errc::invalid_argument;
  BackwardWriter w(dst);
  std::uint64_t x = kStateLow;
  for (std::size_t i = symbols.size(); i-- > 0;) {
    const auto t = static_cast<std::size_t>(indexes[i]);
    const std::uint32_t max = tables.max_value(t);
    const std::int64_t v = std::int64_t{symbols[i]} - tables.offset(t);
    std::uint32_t bin = static_cast<std::uint32_t>(v);
    if (v < 0 || v >= max) {
      if (!put_escape(x, w, v, max)) return errc::output_too_small;
      bin = max;
    }
    const auto cdf = tables.cdf(t);
    if (!put(x, w, cdf[bin], cdf[bin + 1] - cdf[bin], kPrecision)) return errc::output_too_small;
  }
  if (!w.put(static_cast<std::uint32_t>(x >> 32)) || !w.put(static_cast<std::uint32_t>(x)))
    return errc::output_too_small;
  const std::size_t size = w.size();
  std::memmove(dst.data(), dst.data() + w.pos(), size);
  return size;
}

Result<std::vector<std::byte>> encode_with_indexes(const CdfTables& tables, std::span<const std::int32_t> symbols,
                                                   std::span<const std::int32_t> indexes) {
  std::vector<std::byte> out(encode_bound(symbols.size()));
  auto r = encode_with_indexes(tables, symbols, indexes, out);
  if (!r) return r.error();
  out.resize(*r);
  return out;
}

errc decode_with_indexes(const CdfTables& tables, std::span<const std::byte> src,
                         std::span<const std::int32_t> indexes, std::span<std::int32_t> out) noexcept {
  if (out.size() != indexes.size() || !valid_indexes(tables, indexes)) return errc::invalid_argument;
  if (src.size() < 8 || src.size() % 4 != 0) return errc::truncated;
  std::uint32_t lo, hi;
  std::memcpy(&lo, src.data(), 4);
  std::memcpy(&hi, src.data() + 4, 4);
  std::uint64_t x = lo | std::uint64_t{hi} << 32;
  if (x < kStateLow) return errc::corrupt;
  Reader r(src);
  const std::uint32_t* cdf_all = tables.cdf_data().data();
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    const auto table = static_cast<std::size_t>(indexes[i]);
    const TableInfo& ti = tables.info()[table];
    const std::uint32_t* cdf = cdf_all + ti.base;
    const auto slot = static_cast<std::uint32_t>(x & 0xffffu);
    const std::uint32_t s = tables.bin_at(table, slot);
    if (!r.advance(x, cdf[s], cdf[s + 1] - cdf[s], kPrecision)) return errc::truncated;
    std::int64_t v = s;
    if (s == ti.max_value) {
      auto next = [&](std::uint32_t& nibble) { return r.get_bits(x, nibble); };
      if (const errc e = escape::read(next, ti.max_value, v); e != errc::ok) return e;
    }
    const std::int64_t value = v + ti.offset;
    if (value < INT32_MIN || value > INT32_MAX) return errc::corrupt;
    out[i] = static_cast<std::int32_t>(value);
  }
  return x == kStateLow && r.at_end() ? errc::ok : errc::corrupt;
}

Result<std::vector<std::int32_t>> decode_with_indexes(const CdfTables& tables, std::span<const std::byte> src,
                                                      std::span<const std::int32_t> indexes) {
  std::vector<std::int32_t> out(indexes.size());
  const errc e = decode_with_indexes(tables, src, indexes, out);
  if (e != errc::ok) return e;
  return out;
}

}  // namespace compressai
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
