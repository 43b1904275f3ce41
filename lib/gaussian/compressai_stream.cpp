// gaussian/compressai_stream.cpp — CompressAI-compatible rans64 stream
// (see include/entcode/gaussian/compressai_stream.hpp).
#include "entcode/gaussian/compressai_stream.hpp"

#include <cstring>
#include <memory>

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

// Reads 32-bit words forwards from src at pos.
__extension__ using U128 = unsigned __int128;  // GCC/Clang; __extension__: no -Wpedantic warning

// Rans64EncPut for a 16-bit bin through its reciprocal (no division; the same
// state as put() with prec 16, cdf_tables.hpp's Enc64Entry).
bool put_bin(std::uint64_t& x, BackwardWriter& w, const Enc64Entry& e) noexcept {
  const std::uint64_t x_max = std::uint64_t{(1u << kPrecision) - e.cmpl} << (63 - kPrecision);
  if (x >= x_max) {
    if (!w.put(static_cast<std::uint32_t>(x))) return false;
    x >>= 32;
  }
  const auto q = static_cast<std::uint64_t>((U128{x} * e.rcp) >> 64) >> e.shift;
  x += e.bias + q * e.cmpl;
  return true;
}

class Reader {
 public:
  Reader(std::span<const std::byte> src, std::size_t pos) noexcept : src_(src), pos_(pos) {}
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
  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }

 private:
  std::span<const std::byte> src_;
  std::size_t pos_;
};

// The escape of symbol value v (64-bit) against `max` (entcode/gaussian/escape.hpp):
// its nibbles pushed as bypass steps in encoder order (the reverse of decoder order).
bool put_escape(std::uint64_t& x, BackwardWriter& w, std::int64_t v, std::uint32_t max) noexcept {
  const escape::Nibbles nib = escape::nibbles_of(escape::raw_of(v, max));
  for (unsigned k = nib.n; k-- > 0;)
    if (!put(x, w, nib.v[k], 1, kBypassBits)) return false;
  return true;
}

// The escaped value after the escape bin of table ti (entcode/gaussian/escape.hpp).
errc get_escape(Reader& r, std::uint64_t& x, const TableInfo& ti, std::int32_t& out) noexcept {
  std::int64_t v = 0;
  auto next = [&](std::uint32_t& nibble) { return r.get_bits(x, nibble); };
  if (const errc e = escape::read(next, ti.max_value, v); e != errc::ok) return e;
  const std::int64_t value = v + ti.offset;
  if (value < INT32_MIN || value > INT32_MAX) return errc::corrupt;
  out = static_cast<std::int32_t>(value);
  return errc::ok;
}

// The symbols of one segment, last to first.
bool put_segment(std::uint64_t& x, BackwardWriter& w, const Segment& seg) noexcept {
  const CdfTables& tables = *seg.tables;
  const Enc64Entry* enc64 = tables.enc64_data().data();
  for (std::size_t i = seg.symbols.size(); i-- > 0;) {
    const auto t = static_cast<std::size_t>(seg.indexes[i]);
    const std::uint32_t max = tables.max_value(t);
    const std::int64_t v = std::int64_t{seg.symbols[i]} - tables.offset(t);
    std::uint32_t bin = static_cast<std::uint32_t>(v);
    if (v < 0 || v >= max) {
      if (!put_escape(x, w, v, max)) return false;
      bin = max;
    }
    if (!put_bin(x, w, enc64[tables.info()[t].base + bin])) return false;
  }
  return true;
}

std::size_t total_symbols(std::span<const Segment> segments) noexcept {
  std::size_t n = 0;
  for (const Segment& s : segments) n += s.symbols.size();
  return n;
}

// Encodes the segments from the end of dst backwards; returns where the stream starts.
Result<std::size_t> encode_backward(std::span<const Segment> segments, std::span<std::byte> dst) noexcept {
  for (const Segment& s : segments)
    if (s.tables == nullptr || s.symbols.size() != s.indexes.size() || !valid_indexes(*s.tables, s.indexes))
      return errc::invalid_argument;
  BackwardWriter w(dst);
  std::uint64_t x = kStateLow;
  for (auto s = segments.rbegin(); s != segments.rend(); ++s)
    if (!put_segment(x, w, *s)) return errc::output_too_small;
  if (!w.put(static_cast<std::uint32_t>(x >> 32)) || !w.put(static_cast<std::uint32_t>(x)))
    return errc::output_too_small;
  return w.pos();
}

}  // namespace

std::size_t encode_bound(std::size_t n) noexcept { return 8 + 4 * kMaxStepsPerSymbol * n; }

Result<std::size_t> encode_segments(std::span<const Segment> segments, std::span<std::byte> dst) {
  const auto pos = encode_backward(segments, dst);
  if (!pos) return pos.error();
  const std::size_t size = dst.size() - *pos;
  std::memmove(dst.data(), dst.data() + *pos, size);
  return size;
}

Result<std::vector<std::byte>> encode_segments(std::span<const Segment> segments) {
  const std::size_t bound = encode_bound(total_symbols(segments));
  const std::unique_ptr<std::byte[]> scratch(new std::byte[bound]);  // uninitialised: never zero-filled
  const auto pos = encode_backward(segments, std::span(scratch.get(), bound));
  if (!pos) return pos.error();
  return std::vector<std::byte>(scratch.get() + *pos, scratch.get() + bound);
}

Result<std::size_t> encode_with_indexes(const CdfTables& tables, std::span<const std::int32_t> symbols,
                                        std::span<const std::int32_t> indexes, std::span<std::byte> dst) {
  const Segment seg{&tables, symbols, indexes};
  return encode_segments(std::span(&seg, 1), dst);
}

Result<std::vector<std::byte>> encode_with_indexes(const CdfTables& tables, std::span<const std::int32_t> symbols,
                                                   std::span<const std::int32_t> indexes) {
  const Segment seg{&tables, symbols, indexes};
  return encode_segments(std::span(&seg, 1));
}

errc StreamDecoder::start(std::span<const std::byte> src) noexcept {
  src_ = src;
  pos_ = 8;
  if (src.size() < 8 || src.size() % 4 != 0) return error_ = errc::truncated;
  std::uint32_t lo, hi;
  std::memcpy(&lo, src.data(), 4);
  std::memcpy(&hi, src.data() + 4, 4);
  x_ = lo | std::uint64_t{hi} << 32;
  return error_ = x_ < kStateLow ? errc::corrupt : errc::ok;
}

errc StreamDecoder::decode(const CdfTables& tables, std::span<const std::int32_t> indexes,
                           std::span<std::int32_t> out) noexcept {
  if (error_ != errc::ok) return error_;
  if (out.size() != indexes.size() || !valid_indexes(tables, indexes)) return errc::invalid_argument;
  Reader r(src_, pos_);
  std::uint64_t x = x_;
  // The CDF (4 bytes a bin) rather than dec_data() (16): a 4x smaller working set.
  const std::uint32_t* cdf_all = tables.cdf_data().data();
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    const auto table = static_cast<std::size_t>(indexes[i]);
    const TableInfo& ti = tables.info()[table];
    const std::uint32_t* cdf = cdf_all + ti.base;
    const std::uint32_t s = tables.bin_at(table, static_cast<std::uint32_t>(x & 0xffffu));
    if (!r.advance(x, cdf[s], cdf[s + 1] - cdf[s], kPrecision)) return error_ = errc::truncated;
    if (s != ti.max_value) {
      out[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(ti.offset) + s);  // fits: cdf_tables.hpp
      continue;
    }
    const errc e = get_escape(r, x, ti, out[i]);
    if (e != errc::ok) return error_ = e;
  }
  x_ = x;
  pos_ = r.pos();
  return errc::ok;
}

errc StreamDecoder::finish() const noexcept {
  if (error_ != errc::ok) return error_;
  return x_ == kStateLow && pos_ == src_.size() ? errc::ok : errc::corrupt;
}

errc decode_with_indexes(const CdfTables& tables, std::span<const std::byte> src,
                         std::span<const std::int32_t> indexes, std::span<std::int32_t> out) noexcept {
  if (out.size() != indexes.size() || !valid_indexes(tables, indexes)) return errc::invalid_argument;
  StreamDecoder d;
  if (const errc e = d.start(src); e != errc::ok) return e;
  if (const errc e = d.decode(tables, indexes, out); e != errc::ok) return e;
  return d.finish();
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
