// gaussian/compressai_stream.cpp — CompressAI-compatible rans64 stream
// (see include/entcode/gaussian/compressai_stream.hpp).
#include "entcode/gaussian/compressai_stream.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#include <unistd.h>

#include "entcode/gaussian/escape.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace compressai {

namespace {

constexpr unsigned kBypassBits = escape::kChunkBits;  // escape nibbles are bypass steps of 4 bits
constexpr std::uint32_t kBypassMax = escape::kChunkMask;
constexpr std::size_t kMaxStepsPerSymbol = 1 + 1 + escape::kMaxChunks;

// The largest index as unsigned (negative ones are huge): one vectorisable pass.
std::uint32_t max_index(std::span<const std::int32_t> idx) noexcept {
  std::uint32_t m = 0;
  for (const std::int32_t i : idx) m = std::max(m, static_cast<std::uint32_t>(i));
  return m;
}

// `a < b ? if_below : otherwise` as cmp + cmov on x86-64: the renormalisation
// decisions are unpredictable, and gcc turns a plain conditional into a branch.
std::uint64_t select_below(std::uint64_t a, std::uint64_t b, std::uint64_t if_below, std::uint64_t otherwise) noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
  asm("cmp %[b], %[a]\n\tcmovb %[y], %[r]" : [r] "+r"(otherwise) : [a] "r"(a), [b] "r"(b), [y] "r"(if_below) : "cc");
  return otherwise;
#else
  return a < b ? if_below : otherwise;
#endif
}

// Writes 32-bit words backwards from the end of dst.
class BackwardWriter {
 public:
  explicit BackwardWriter(std::span<std::byte> dst) noexcept : dst_(dst), pos_(dst.size()) {}
  bool put(std::uint32_t w) noexcept {
    if (pos_ < 4) return false;
    pos_ -= 4;
    store(w);
    return true;
  }
  // Branch-free renormalisation of a 64-bit state x against x_max: stores x's low word
  // below pos (room_for_word() must hold), keeps it and returns x >> 32 iff x >= x_max.
  std::uint64_t renormalise(std::uint64_t x, std::uint64_t x_max) noexcept {
    const std::size_t at = pos_;
    pos_ -= 4;
    store(static_cast<std::uint32_t>(x));
    pos_ = select_below(x, x_max, at, pos_);
    return select_below(x, x_max, x, x >> 32);
  }
  [[nodiscard]] bool room_for_word() const noexcept { return pos_ >= 4; }
  [[nodiscard]] std::size_t size() const noexcept { return dst_.size() - pos_; }
  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }

 private:
  void store(std::uint32_t w) noexcept {
    for (int b = 0; b < 4; ++b) dst_[pos_ + static_cast<std::size_t>(b)] = static_cast<std::byte>(w >> (8 * b));
  }
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
// While the stream fits, a word is free below the writer before every step (the
// final state's two words come last), so asking for one never refuses a stream that fits.
bool put_bin(std::uint64_t& x, BackwardWriter& w, const Enc64Entry& e) noexcept {
  if (!w.room_for_word()) return false;
  const std::uint64_t x_max = std::uint64_t{(1u << kPrecision) - e.cmpl} << (63 - kPrecision);
  x = w.renormalise(x, x_max);
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
    return refill(x);
  }
  // Reads one word into x if it fell below L.
  bool refill(std::uint64_t& x) noexcept {
    if (x >= kStateLow) return true;  // a branch: refills are rare and a cmov would lengthen the chain
    if (src_.size() - pos_ < 4) return false;
    x = x << 32 | word();
    pos_ += 4;
    return true;
  }
  bool get_bits(std::uint64_t& x, std::uint32_t& val) noexcept {
    val = static_cast<std::uint32_t>(x) & kBypassMax;
    return advance(x, val, 1, kBypassBits);
  }
  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }

 private:
  [[nodiscard]] std::uint32_t word() const noexcept {
    std::uint32_t w;
    std::memcpy(&w, src_.data() + pos_, 4);
    return w;
  }
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

// A decoded bin and its CDF bounds [start, end).
struct Bin {
  std::uint32_t bin, start, end;
};

// The bin owning `slot`, searched in the CDF upwards from bin s (s <= that bin).
Bin search_bin(const std::uint32_t* cdf, std::uint32_t s, std::uint32_t slot) noexcept {
  while (cdf[s + 1] <= slot) ++s;
  return {s, cdf[s], cdf[s + 1]};
}

// The bin owning `slot` from its bucket's pair (cdf_tables.hpp): a select without
// a second dependent load; slots beyond the pair's two bins search the table's CDF.
Bin bin_of(const SlotPair p, const std::uint32_t* cdf, std::uint32_t slot) noexcept {
  if (slot <= p.last) [[likely]] {
    const bool upper = slot > p.split;
    const std::uint32_t split_end = std::uint32_t{p.split} + 1;
    return {p.bin + (upper ? 1u : 0u), upper ? split_end : p.start, upper ? std::uint32_t{p.last} + 1 : split_end};
  }
  return search_bin(cdf, p.bin + 2u, slot);
}

// The bin owning `slot` through its guide bucket and two CDF loads.
Bin bin_of(const GuideEntry g, const std::uint32_t* cdf, std::uint32_t slot, std::uint32_t shift) noexcept {
  if (g.next == kGuideSearch) return search_bin(cdf, g.bin, slot);
  const std::uint32_t s = g.bin + ((slot & ((1u << shift) - 1)) >= g.next ? 1u : 0u);
  return {s, cdf[s], cdf[s + 1]};
}

// If slot >= bound: fs = next and ++value. One compare feeding a cmov and an sbb on
// x86-64 (the decoder is bound by instruction throughput as much as by its chain).
void step_up(std::uint32_t slot, std::uint32_t bound, std::uint64_t next, std::uint64_t& fs, std::int32_t& value) noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
  asm("cmp %[b], %[s]\n\tcmovae %[n], %[f]\n\tsbb $-1, %[v]"
      : [f] "+r"(fs), [v] "+r"(value)
      : [s] "r"(slot), [b] "rm"(bound), [n] "rm"(next)
      : "cc");
#else
  if (slot >= bound) {
    fs = next;
    ++value;
  }
#endif
}

// The decoder step of a slot inside table window w (cdf_tables.hpp): false if the
// slot is outside. A branch predicted taken (most slots of sharp tables are inside),
// then only compares and selects on w, which was loaded off the state chain.
bool window_step(const DecodeWindow& w, std::uint64_t& x, std::int32_t& value) noexcept {
  const auto slot = static_cast<std::uint32_t>(x & 0xffffu);
  if (slot - w.lo >= w.width) return false;
  std::uint64_t fs = w.bin[0];
  std::int32_t v = w.value;
  step_up(slot, w.first[0], w.bin[1], fs, v);
  step_up(slot, w.first[1], w.bin[2], fs, v);
  std::uint64_t below = slot - (fs >> 32);
  asm("" : "+r"(below));  // keeps the sum as one add after the multiply (gcc reassociates it to two)
  x = static_cast<std::uint32_t>(fs) * (x >> kPrecision) + below;
  value = v;
  return true;
}

// The bins of tables 0..top decode through SlotPairs when those tables' pairs
// take at most 5/8 of the L2 cache, else through the guide and the CDF: pairs are
// twice the size, and beyond L2 the misses cost more than the second load. All
// 64 CompressAI tables' pairs (1.1 MB), indexes 0..63: slower than the guide with
// a 1 MB L2 (Zen 5), 10% faster with 2 MB (Intel Xeon, Emerald Rapids).
std::size_t pair_budget() noexcept {
  static const std::size_t budget = [] {
    long l2 = 0;  // 0 or -1 where unknown: assume 1 MB
#ifdef _SC_LEVEL2_CACHE_SIZE
    l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    return (l2 > 0 ? static_cast<std::size_t>(l2) : std::size_t{1} << 20) / 8 * 5;
  }();
  return budget;
}

bool pairs_fit(const CdfTables& tables, std::uint32_t top) noexcept {
  const std::size_t budget = pair_budget();
  std::size_t bytes = 0;
  for (std::uint32_t t = 0; t <= top && bytes <= budget; ++t)
    bytes += sizeof(SlotPair) << (kPrecision - tables.info()[t].guide_shift);
  return bytes <= budget;
}

// Decodes indexes.size() symbols into out from state x and reader r.
template <bool kPairs>
errc decode_symbols(const CdfTables& tables, std::span<const std::int32_t> indexes, std::span<std::int32_t> out,
                    Reader& r, std::uint64_t& state) noexcept {
  std::uint64_t x = state;
  const SlotPair* pairs = tables.pair_data().data();
  const GuideEntry* guide = tables.guide_data().data();
  const DecodeWindow* windows = tables.window_data().data();
  const std::size_t count = tables.size();
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    const auto t = static_cast<std::size_t>(static_cast<std::uint32_t>(indexes[i]));
    if (t >= count) [[unlikely]] return errc::invalid_argument;  // one fused compare: no pass of its own
    if (windows[t].width != 0 && window_step(windows[t], x, out[i])) [[likely]] {
      if (!r.refill(x)) return errc::truncated;
      continue;
    }
    const TableInfo& ti = tables.info()[t];
    const auto slot = static_cast<std::uint32_t>(x & 0xffffu);
    const std::uint32_t* cdf = tables.cdf_data().data() + ti.base;
    const std::size_t bucket = ti.guide_base + (slot >> ti.guide_shift);
    const Bin b = kPairs ? bin_of(pairs[bucket], cdf, slot) : bin_of(guide[bucket], cdf, slot, ti.guide_shift);
    if (!r.advance(x, b.start, b.end - b.start, kPrecision)) return errc::truncated;
    if (b.bin != ti.max_value) [[likely]] {
      out[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(ti.offset) + b.bin);  // fits: cdf_tables.hpp
      continue;
    }
    std::uint64_t xe = x;  // x's address is never taken, so x stays in a register
    if (const errc e = get_escape(r, xe, ti, out[i]); e != errc::ok) return e;
    x = xe;
  }
  state = x;
  return errc::ok;
}

// The symbols of one segment, last to first, each index checked as it is used (one
// fused compare; a pass of its own over the indexes cost more). The stream's bytes may
// alias anything, so the table and argument pointers are locals (else reloaded after every store).
errc put_segment(std::uint64_t& x, BackwardWriter& w, const Segment& seg) noexcept {
  const TableInfo* const info = seg.tables->info().data();
  const Enc64Entry* const enc64 = seg.tables->enc64_data().data();
  const std::int32_t* const symbols = seg.symbols.data();
  const std::int32_t* const indexes = seg.indexes.data();
  const std::size_t count = seg.tables->size();
  std::uint64_t state = x;
  for (std::size_t i = seg.symbols.size(); i-- > 0;) {
    const auto t = static_cast<std::size_t>(static_cast<std::uint32_t>(indexes[i]));
    if (t >= count) [[unlikely]] return errc::invalid_argument;
    const TableInfo ti = info[t];
    const std::int64_t v = std::int64_t{symbols[i]} - ti.offset;
    auto bin = static_cast<std::uint32_t>(v);
    if (static_cast<std::uint64_t>(v) >= ti.max_value) [[unlikely]] {
      if (!put_escape(state, w, v, ti.max_value)) return errc::output_too_small;
      bin = ti.max_value;
    }
    if (!put_bin(state, w, enc64[ti.base + bin])) return errc::output_too_small;
  }
  x = state;
  return errc::ok;
}

std::size_t total_symbols(std::span<const Segment> segments) noexcept {
  std::size_t n = 0;
  for (const Segment& s : segments) n += s.symbols.size();
  return n;
}

// Encodes the segments from the end of dst backwards; returns where the stream starts.
Result<std::size_t> encode_backward(std::span<const Segment> segments, std::span<std::byte> dst) noexcept {
  for (const Segment& s : segments)
    if (s.tables == nullptr || s.symbols.size() != s.indexes.size()) return errc::invalid_argument;
  BackwardWriter w(dst);
  std::uint64_t x = kStateLow;
  for (auto s = segments.rbegin(); s != segments.rend(); ++s)
    if (const errc e = put_segment(x, w, *s); e != errc::ok) return e;
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
  if (out.size() != indexes.size()) return errc::invalid_argument;
  const std::uint32_t top = max_index(indexes);
  if (top >= tables.size()) return errc::invalid_argument;
  return decode_checked(tables, indexes, out, top);
}

errc StreamDecoder::decode_checked(const CdfTables& tables, std::span<const std::int32_t> indexes,
                                   std::span<std::int32_t> out, std::uint32_t top) noexcept {
  Reader r(src_, pos_);
  const errc e = pairs_fit(tables, top) ? decode_symbols<true>(tables, indexes, out, r, x_)
                                        : decode_symbols<false>(tables, indexes, out, r, x_);
  if (e != errc::ok) return error_ = e;
  pos_ = r.pos();
  return errc::ok;
}

errc StreamDecoder::finish() const noexcept {
  if (error_ != errc::ok) return error_;
  return x_ == kStateLow && pos_ == src_.size() ? errc::ok : errc::corrupt;
}

errc decode_with_indexes(const CdfTables& tables, std::span<const std::byte> src,
                         std::span<const std::int32_t> indexes, std::span<std::int32_t> out) noexcept {
  // The indexes are checked while decoding (a bad one: invalid_argument, out partly
  // written); the pair lookup is chosen as if every table were in use.
  if (out.size() != indexes.size()) return errc::invalid_argument;
  StreamDecoder d;
  if (const errc e = d.start(src); e != errc::ok) return e;
  const auto top = static_cast<std::uint32_t>(tables.size() - 1);
  if (const errc e = d.decode_checked(tables, indexes, out, top); e != errc::ok) return e;
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
