// rans/byte_codec.cpp — the order-0 / order-1 byte compressor container
// (see rans/byte_codec.hpp and doc/format.md "Byte codec container").
#include "entcode/rans/byte_codec.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <utility>
#include <cstring>

#include "entcode/byte_io.hpp"
#include "entcode/crc32c.hpp"
#include "entcode/rans/interleaved.hpp"
#include "kernels.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec {

namespace {

using rans::ByteTables;
constexpr unsigned kPrecision = 12;          // of order-0 and large order-1 blocks
// Order-1 blocks use 10-bit models when that costs little: the decoder's slot
// table is then 1 MiB instead of 4 MiB (it fits L2: text decodes ~1.3x faster).
// Blocks below 1 MiB always do (their tables are a large part of the block);
// larger ones when the 10-bit models code the block's counts within
// kMaxOrder1Excess of their empirical entropy (text: ~0.1%; geometric bytes
// with a long tail: > 1%, so 12 bits).
constexpr std::size_t kMinOrder1Precision12 = std::size_t{1} << 20;
constexpr unsigned kSmallOrder1Precision = 10;
constexpr double kMaxOrder1Excess = 0.002;
constexpr std::size_t kMinOrder1Size = 4096;  // smaller blocks: order 0 (table cost)
constexpr std::size_t kMaxVarint32 = 5;
constexpr std::uint8_t kFlagChecksum = 1;

std::size_t varint_size(std::uint64_t v) noexcept {
  std::size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

Result<Isa> resolve(std::optional<Isa> isa) noexcept {
  if (!isa) return selected_isa();
  if (!isa_supported(*isa)) return errc::unsupported_isa;
  return *isa;
}

// --- frequency headers ----------------------------------------------------------
// A symbol set: u8 (k - 1), then k ascending bytes if k < 32, else a 32-byte bitmap.
// A model: its symbol set, then varint(freq - 1) for each symbol but the last,
// whose frequency is 2^p minus the others'.

template <class Writer>
void put_symbol_set(Writer& w, const std::array<bool, 256>& present, unsigned k) {
  w.put_u8(static_cast<std::uint8_t>(k - 1));
  if (k < 32) {
    for (unsigned s = 0; s < 256; ++s)
      if (present[s]) w.put_u8(static_cast<std::uint8_t>(s));
    return;
  }
  for (unsigned byte = 0; byte < 32; ++byte) {
    std::uint8_t bits = 0;
    for (unsigned b = 0; b < 8; ++b) bits = static_cast<std::uint8_t>(bits | (present[byte * 8 + b] ? 1u << b : 0u));
    w.put_u8(bits);
  }
}

// Returns the number of symbols, 0 on error (recorded in r).
unsigned get_symbol_set(ByteReader& r, std::array<bool, 256>& present) {
  present.fill(false);
  const unsigned k = r.get_u8() + 1u;
  if (k < 32) {
    int last = -1;
    for (unsigned i = 0; i < k; ++i) {
      const int s = r.get_u8();
      if (!r.ok()) return 0;
      if (s <= last) {
        r.fail(errc::corrupt);
        return 0;
      }
      present[static_cast<unsigned>(s)] = true;
      last = s;
    }
    return k;
  }
  const auto bits = r.get_bytes(32);
  if (!r.ok()) return 0;
  unsigned count = 0;
  for (unsigned s = 0; s < 256; ++s) {
    present[s] = ((std::to_integer<unsigned>(bits[s / 8]) >> (s % 8)) & 1) != 0;
    count += present[s];
  }
  if (count != k) {
    r.fail(errc::corrupt);
    return 0;
  }
  return k;
}

template <class Writer>
void put_model(Writer& w, const std::uint32_t* freq) {
  std::array<bool, 256> present{};
  unsigned k = 0, last = 0;
  for (unsigned s = 0; s < 256; ++s)
    if (freq[s] != 0) {
      present[s] = true;
      ++k;
      last = s;
    }
  put_symbol_set(w, present, k);
  for (unsigned s = 0; s < last; ++s)
    if (freq[s] != 0) w.put_varint(freq[s] - 1);
}

void get_model(ByteReader& r, std::uint32_t* freq, unsigned precision) {
  std::array<bool, 256> present{};
  const unsigned k = get_symbol_set(r, present);
  if (k == 0) return;
  const std::uint32_t total = 1u << precision;
  std::uint32_t sum = 0;
  unsigned seen = 0;
  for (unsigned s = 0; s < 256; ++s) {
    if (!present[s]) continue;
    if (++seen == k) {  // the last symbol takes the rest
      if (sum >= total) return r.fail(errc::corrupt);
      freq[s] = total - sum;
      return;
    }
    const std::uint64_t f = r.get_varint() + 1;
    if (!r.ok()) return;
    if (f >= total || sum + f >= total) return r.fail(errc::corrupt);
    freq[s] = static_cast<std::uint32_t>(f);
    sum += freq[s];
  }
}

// --- counting ---------------------------------------------------------------------

// Counts fit 32 bits: blocks hold at most 2^26 bytes.
void count_order0(std::span<const std::uint8_t> src, std::uint32_t* counts) {
  // 8 tables, one per byte of a 64-bit load: repeated symbols (skewed data)
  // then rarely increment the same counter back to back (store-to-load stalls).
  std::array<std::array<std::uint32_t, 256>, 8> c{};
  std::size_t i = 0;
  for (; i + 8 <= src.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, src.data() + i, 8);
    for (unsigned k = 0; k < 8; ++k) ++c[k][(w >> (8 * k)) & 0xff];
  }
  for (; i < src.size(); ++i) ++c[0][src[i]];
  for (unsigned s = 0; s < 256; ++s) {
    counts[s] = 0;
    for (const auto& t : c) counts[s] += t[s];
  }
}

// One context's counts as normalize_frequencies takes them.
std::array<std::uint64_t, 256> widen(const std::uint32_t* counts) noexcept {
  std::array<std::uint64_t, 256> w;
  std::copy(counts, counts + 256, w.begin());
  return w;
}

// Contexts as defined in rans/interleaved.hpp (lane segments + tail).
// Two lane segments at a time into two tables (`counts` and `spare`, summed at
// the end): runs of one byte pair (zeros in binaries) are chains of increments
// of one counter, and two independent chains overlap.
void count_order1(std::span<const std::uint8_t> src, std::vector<std::uint32_t>& counts,
                  std::vector<std::uint32_t>& spare) {
  const std::size_t n = src.size(), m = n / rans::kByteCoderLanes;
  spare.assign(counts.size(), 0);
  for (unsigned k = 0; k < rans::kByteCoderLanes && m > 0; k += 2) {
    const std::uint8_t* a = src.data() + k * m;
    const std::uint8_t* b = a + m;
    ++counts[a[0]];
    ++spare[b[0]];
    for (std::size_t j = 1; j < m; ++j) {
      ++counts[std::size_t{a[j - 1]} * 256 + a[j]];
      ++spare[std::size_t{b[j - 1]} * 256 + b[j]];
    }
  }
  for (std::size_t i = rans::kByteCoderLanes * m; i < n; ++i) ++counts[(i == 0 ? 0 : std::size_t{src[i - 1]} * 256) + src[i]];
  for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += spare[i];
}

// A context model's resolution: a context seen n times with k distinct symbols
// gets a total of 2^q, q = max(bit_width(n - 1) + kContextExtraBits,
// bit_width(k - 1)) (at most p), a quarter to a half of its count: the table
// then costs less than the coarser model loses (doc/perf.md); its frequencies
// are stored as q-bit values and scaled by 2^(p - q). Order 0 uses q = p.
constexpr int kContextExtraBits = -2;  // measured: 0 / -1 / -2 / -3 -> binary +1.3% / +0.5% / best / +2%

// One context's counts: total and the present symbols.
struct ContextCounts {
  const std::uint32_t* c;
  std::uint64_t n = 0;
  unsigned k = 0;
  std::uint8_t present[256];
  explicit ContextCounts(const std::uint32_t* counts) noexcept : c(counts) {
    for (unsigned s = 0; s < 256; ++s) {
      n += c[s];
      present[k] = static_cast<std::uint8_t>(s);
      k += c[s] != 0;
    }
  }
};

unsigned context_bits(const ContextCounts& cc, unsigned precision) noexcept {
  const int q = std::max(static_cast<int>(std::bit_width(cc.n - 1)) + kContextExtraBits,
                         static_cast<int>(std::bit_width(cc.k - 1u)));
  return std::min(precision, static_cast<unsigned>(q));
}

// Normalises an order-1 context to 2^q (q may be below normalize_frequencies'
// range; and 256 of them must be cheap): scaling (freq >= 1), then unit
// steps, each to the symbol where it costs least by the first-order estimate
// count / freq (a heap of the present symbols keyed by that ratio, no logarithms).
void normalise_context(const ContextCounts& cc, unsigned q, std::uint32_t* f) {
  const std::uint32_t* c = cc.c;
  const std::uint64_t total = std::uint64_t{1} << q;
  // Symbols below one slot get freq 1; the others share the rest in proportion
  // (fewer unit steps than scaling everything by total / n).
  std::uint64_t ones = 0, ones_count = 0;
  for (unsigned i = 0; i < cc.k; ++i)
    if (const std::uint64_t v = c[cc.present[i]]; v * total < cc.n) {
      ++ones;
      ones_count += v;
    }
  const double scale = cc.n == ones_count ? 0 : static_cast<double>(total - ones) / static_cast<double>(cc.n - ones_count);
  std::uint64_t sum = 0;
  for (unsigned i = 0; i < cc.k; ++i) {
    const unsigned s = cc.present[i];
    f[s] = c[s] * total < cc.n ? 1 : std::max(1u, static_cast<std::uint32_t>(static_cast<double>(c[s]) * scale + 0.5));
    sum += f[s];
  }
  if (sum == total) return;
  const bool grow = sum < total;
  // Growing: the largest c / f gains most; shrinking: the smallest c / (f - 1) loses least.
  auto key = [&](unsigned s) {
    const double r = static_cast<double>(c[s]) / static_cast<double>(grow ? f[s] : f[s] - 1);
    return grow ? r : -r;
  };
  std::pair<double, unsigned> heap[256];
  unsigned k = 0;
  for (unsigned i = 0; i < cc.k; ++i)
    if (const unsigned s = cc.present[i]; grow || f[s] > 1) heap[k++] = {key(s), s};
  std::make_heap(heap, heap + k);
  for (std::uint64_t left = grow ? total - sum : sum - total; left > 0; --left) {
    std::pop_heap(heap, heap + k);
    const unsigned s = heap[--k].second;
    f[s] = grow ? f[s] + 1 : f[s] - 1;
    if (grow || f[s] > 1) {
      heap[k++] = {key(s), s};
      std::push_heap(heap, heap + k);
    }
  }
}

// Normalised frequencies (scaled to 2^p) and each context's q; false if normalisation failed.
bool normalise(const std::uint32_t* counts, unsigned contexts, unsigned precision, std::vector<std::uint32_t>& freqs,
               std::array<std::uint8_t, 256>& bits) {
  freqs.assign(std::size_t{contexts} * 256, 0);
  for (unsigned c = 0; c < contexts; ++c) {
    const ContextCounts cc(counts + std::size_t{c} * 256);
    if (cc.n == 0) continue;
    const unsigned q = contexts == 1 ? precision : context_bits(cc, precision);
    bits[c] = static_cast<std::uint8_t>(q);
    std::uint32_t* f = freqs.data() + std::size_t{c} * 256;
    if (contexts > 1) {
      normalise_context(cc, q, f);
    } else {
      const auto norm = rans::normalize_frequencies(widen(cc.c), q);
      if (!norm) return false;
      std::copy(norm->begin(), norm->end(), f);
    }
    if (q < precision)
      for (unsigned i = 0; i < cc.k; ++i) f[cc.present[i]] <<= precision - q;
  }
  return true;
}

// Relative excess of the code length of `counts` under `freqs` (256 contexts at
// 2^precision) over their empirical entropy.
double excess(const std::vector<std::uint32_t>& counts, const std::vector<std::uint32_t>& freqs, unsigned precision) {
  double entropy = 0, length = 0;
  for (unsigned c = 0; c < 256; ++c) {
    const ContextCounts cc(counts.data() + std::size_t{c} * 256);
    for (unsigned i = 0; i < cc.k; ++i) {
      const unsigned s = cc.present[i];
      const auto count = static_cast<double>(cc.c[s]);
      entropy += count * std::log2(static_cast<double>(cc.n) / count);
      length += count * (static_cast<double>(precision) - std::log2(static_cast<double>(freqs[std::size_t{c} * 256 + s])));
    }
  }
  return entropy > 0 ? (length - entropy) / entropy : 0;
}

// --- order-1 frequency tables --------------------------------------------------
// Serialised tables T: the symbol set of the used contexts, then per used
// context u8 (p - q) and its 256 q-bit frequencies from symbol 0: f >= 1 as byte f (f < 128) or as
// 0x80 | f >> 8, f & 0xff; a run of r zero frequencies as 0, r - 1. The block
// stores T in a section, order-0 rANS coded (the 64-lane stream, kTablesPrecision)
// when that is smaller, so readers can skip it and parse it once.
constexpr std::size_t kMaxTables = 33 + 256 * 2 * 256;  // largest T
constexpr unsigned kTablesPrecision = 12;
enum class TablesMode : std::uint8_t { raw = 0, order0 = 1 };

void put_freq_runs(ByteWriter& w, const std::uint32_t* scaled, unsigned down) {
  std::uint32_t f[256];
  for (unsigned s = 0; s < 256; ++s) f[s] = scaled[s] >> down;
  w.put_u8(static_cast<std::uint8_t>(down));
  for (unsigned s = 0; s < 256;) {
    if (f[s] == 0) {
      unsigned run = 1;
      while (s + run < 256 && f[s + run] == 0) ++run;
      w.put_u8(0);
      w.put_u8(static_cast<std::uint8_t>(run - 1));
      s += run;
      continue;
    }
    if (f[s] >= 128) w.put_u8(static_cast<std::uint8_t>(0x80 | f[s] >> 8));
    w.put_u8(static_cast<std::uint8_t>(f[s] >= 128 ? f[s] & 0xff : f[s]));
    ++s;
  }
}

void get_freq_runs(ByteReader& r, std::uint32_t* f, unsigned precision) {
  const unsigned up = r.get_u8();
  if (up > precision) return r.fail(errc::corrupt);
  const std::uint32_t total = 1u << (precision - up);
  std::uint32_t sum = 0;
  for (unsigned s = 0; s < 256 && r.ok();) {
    const std::uint32_t b = r.get_u8();
    if (b == 0) {
      const unsigned run = r.get_u8() + 1u;
      if (run > 256 - s) return r.fail(errc::corrupt);
      s += run;
      continue;
    }
    const std::uint32_t v = b < 128 ? b : (b & 0x7f) << 8 | r.get_u8();
    if (v < 128 && b >= 128) return r.fail(errc::corrupt);  // one canonical form per value
    if (v > total) return r.fail(errc::corrupt);
    f[s++] = v << up;
    sum += v;
  }
  if (r.ok() && sum != total) r.fail(errc::corrupt);
}

// T order-0 coded into w (mode byte on), or false when that is not smaller than T.
bool put_coded_tables(ByteWriter& w, std::span<const std::uint8_t> t, Isa isa) {
  std::uint32_t counts[256];
  count_order0(t, counts);
  const auto freqs = rans::normalize_frequencies(widen(counts), kTablesPrecision);
  if (!freqs) return false;
  const auto tables = ByteTables::build(*freqs, 1, kTablesPrecision, ByteTables::Use::encode);
  if (!tables) return false;
  w.put_u8(static_cast<std::uint8_t>(TablesMode::order0));
  put_model(w, freqs->data());
  std::vector<std::byte> stream(rans::encoded_bound(t.size()));
  const auto size = rans::detail::encode_order0_unchecked(t, *tables, stream, isa);
  if (!size) return false;
  w.put_bytes(std::span(stream).first(*size));
  return w.size() < 1 + t.size();
}

void put_order1_tables(SpanWriter& w, const std::vector<std::uint32_t>& freqs,
                       const std::array<std::uint8_t, 256>& bits, unsigned precision, Isa isa) {
  ByteWriter t;
  std::array<bool, 256> used{};
  unsigned k = 0;
  for (unsigned c = 0; c < 256; ++c) {
    used[c] = std::any_of(freqs.begin() + c * 256, freqs.begin() + (c + 1) * 256, [](std::uint32_t f) { return f; });
    k += used[c];
  }
  put_symbol_set(t, used, k);
  for (unsigned c = 0; c < 256; ++c)
    if (used[c]) put_freq_runs(t, freqs.data() + std::size_t{c} * 256, precision - bits[c]);
  const auto tb = std::span(reinterpret_cast<const std::uint8_t*>(t.buffer().data()), t.size());
  ByteWriter section;
  section.put_varint(tb.size());
  if (!put_coded_tables(section, tb, isa)) {
    section = ByteWriter{};
    section.put_varint(tb.size());
    section.put_u8(static_cast<std::uint8_t>(TablesMode::raw));
    section.put_bytes(t.buffer());
  }
  w.put_varint(section.size());
  w.put_bytes(section.buffer());
}

// Parses a whole (present) tables section; any defect in it is `corrupt`.
errc parse_order1_tables(std::span<const std::byte> section, std::uint32_t* freqs, unsigned precision, Isa isa) {
  ByteReader s(section);
  const std::uint64_t size = s.get_varint();
  const auto mode = static_cast<TablesMode>(s.get_u8());
  if (!s.ok() || size == 0 || size > kMaxTables) return errc::corrupt;
  std::vector<std::uint8_t> decoded;
  std::span<const std::byte> t;
  if (mode == TablesMode::raw) {
    t = s.get_bytes(static_cast<std::size_t>(size));
  } else if (mode == TablesMode::order0) {
    std::uint32_t f[256] = {};
    get_model(s, f, kTablesPrecision);
    if (!s.ok()) return errc::corrupt;
    const auto tables = ByteTables::build(f, 1, kTablesPrecision, ByteTables::Use::decode);
    decoded.resize(static_cast<std::size_t>(size));
    if (!tables || rans::decode_order0(s.get_bytes(s.remaining()), *tables, decoded, isa) != errc::ok)
      return errc::corrupt;
    t = std::as_bytes(std::span(decoded));
  } else {
    return errc::corrupt;
  }
  if (!s.ok() || s.remaining() != 0) return errc::corrupt;
  ByteReader r(t);
  std::array<bool, 256> used{};
  get_symbol_set(r, used);
  for (unsigned c = 0; c < 256 && r.ok(); ++c)
    if (used[c]) get_freq_runs(r, freqs + std::size_t{c} * 256, precision);
  return r.ok() && r.remaining() == 0 ? errc::ok : errc::corrupt;
}

// --- blocks -----------------------------------------------------------------------

std::size_t write_raw(std::span<const std::uint8_t> src, std::span<std::byte> dst) {
  SpanWriter w(dst);
  w.put_u8(static_cast<std::uint8_t>(BlockKind::raw));
  w.put_varint(src.size());
  w.put_bytes(std::as_bytes(src));
  return w.size();
}

// Per-thread buffers reused across blocks: order-1 tables are megabytes, and
// allocating them per block costs page faults comparable to coding a small block.
struct Scratch {
  std::vector<std::uint32_t> counts, spare;
  std::vector<std::uint32_t> freqs;
  ByteTables tables;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// An entropy-coded block, or 0 when it would not be smaller than `budget` bytes.
std::size_t write_rans(std::span<const std::uint8_t> src, std::span<std::byte> dst, unsigned order, Isa isa,
                       std::size_t budget) {
  const unsigned contexts = order == 0 ? 1 : 256;
  auto& [counts, spare, freqs, tables] = scratch();
  counts.assign(std::size_t{contexts} * 256, 0);
  if (order == 0) count_order0(src, counts.data());
  else count_order1(src, counts, spare);
  unsigned precision = order == 1 ? kSmallOrder1Precision : kPrecision;
  std::array<std::uint8_t, 256> bits{};
  if (!normalise(counts.data(), contexts, precision, freqs, bits)) return 0;
  if (order == 1 && src.size() >= kMinOrder1Precision12 && excess(counts, freqs, precision) > kMaxOrder1Excess) {
    precision = kPrecision;
    if (!normalise(counts.data(), contexts, precision, freqs, bits)) return 0;
  }
  if (tables.assign(freqs, contexts, precision, ByteTables::Use::encode) != errc::ok) return 0;

  SpanWriter w(dst.first(std::min(dst.size(), budget)));
  w.put_u8(static_cast<std::uint8_t>(order == 0 ? BlockKind::order0 : BlockKind::order1));
  w.put_varint(src.size());
  w.put_u8(static_cast<std::uint8_t>(precision));
  if (order == 0) {
    put_model(w, freqs.data());
  } else {
    put_order1_tables(w, freqs, bits, precision, isa);
  }
  const auto size_field = w.reserve(4);
  if (w.error() != errc::ok) return 0;
  const auto stream = order == 0 ? rans::detail::encode_order0_unchecked(src, tables, w.remaining(), isa)
                                 : rans::detail::encode_order1_unchecked(src, tables, w.remaining(), isa);
  if (!stream) return 0;
  for (int b = 0; b < 4; ++b) size_field[static_cast<std::size_t>(b)] = static_cast<std::byte>(*stream >> (8 * b));
  return w.size() + *stream;
}

errc decode_rans(ByteReader& r, std::span<std::uint8_t> dst, unsigned order, Isa isa) {
  const unsigned precision = r.get_u8();
  if (!r.ok()) return r.error();
  if (precision < 1 || precision > ByteTables::kMaxPrecision) return errc::corrupt;
  const unsigned contexts = order == 0 ? 1 : 256;
  Scratch& s = scratch();
  std::vector<std::uint32_t>& freqs = s.freqs;
  ByteTables& tables = s.tables;
  freqs.assign(std::size_t{contexts} * 256, 0);
  if (order == 0) {
    get_model(r, freqs.data(), precision);
  } else {
    const auto section = r.get_bytes(static_cast<std::size_t>(r.get_varint()));
    if (r.ok()) r.fail(parse_order1_tables(section, freqs.data(), precision, isa));
  }
  const std::uint32_t stream_size = r.get_u32();
  const auto stream = r.get_bytes(stream_size);
  if (!r.ok()) return r.error();
  if (tables.assign(freqs, contexts, precision, ByteTables::Use::decode) != errc::ok) return errc::corrupt;
  const errc e = order == 0 ? rans::decode_order0(stream, tables, dst, isa) : rans::decode_order1(stream, tables, dst, isa);
  // The block's stream is complete, so a decoder wanting more words means junk.
  return e == errc::truncated ? errc::corrupt : e;
}

bool all_same(std::span<const std::uint8_t> src) {
  return std::all_of(src.begin(), src.end(), [&](std::uint8_t b) { return b == src[0]; });
}

}  // namespace

// --- streaming pieces -------------------------------------------------------------

std::size_t block_bound(std::size_t n) noexcept { return 1 + varint_size(n) + n; }

std::size_t write_frame_header(const Options& options, std::span<std::byte, kFrameHeaderSize> dst) noexcept {
  for (int i = 0; i < 4; ++i) dst[static_cast<std::size_t>(i)] = static_cast<std::byte>(kMagic[i]);
  dst[4] = static_cast<std::byte>(kVersion);
  dst[5] = static_cast<std::byte>(options.checksum ? kFlagChecksum : 0);
  dst[6] = static_cast<std::byte>(options.block_log2);
  return kFrameHeaderSize;
}

Result<FrameHeader> read_frame_header(std::span<const std::byte> src) noexcept {
  for (std::size_t i = 0; i < 4 && i < src.size(); ++i)
    if (std::to_integer<std::uint8_t>(src[i]) != kMagic[i]) return errc::bad_header;
  if (src.size() < kFrameHeaderSize) return errc::truncated;
  if (std::to_integer<std::uint8_t>(src[4]) != kVersion) return errc::unsupported_version;
  const auto flags = std::to_integer<std::uint8_t>(src[5]);
  const auto log2 = std::to_integer<unsigned>(src[6]);
  if ((flags & ~kFlagChecksum) != 0 || log2 < kMinBlockLog2 || log2 > kMaxBlockLog2) return errc::bad_header;
  return FrameHeader{log2, (flags & kFlagChecksum) != 0};
}

Result<std::size_t> compress_block(std::span<const std::uint8_t> src, std::span<std::byte> dst, const Options& options) {
  if (src.empty() || options.order > 1 || options.block_log2 < kMinBlockLog2 || options.block_log2 > kMaxBlockLog2 ||
      src.size() > (std::size_t{1} << options.block_log2))
    return errc::invalid_argument;
  if (dst.size() < block_bound(src.size())) return errc::output_too_small;
  const auto isa = resolve(options.isa);
  if (!isa) return isa.error();
  if (all_same(src)) {
    SpanWriter w(dst);
    w.put_u8(static_cast<std::uint8_t>(BlockKind::run));
    w.put_varint(src.size());
    w.put_u8(src[0]);
    return w.size();
  }
  const unsigned order = src.size() < kMinOrder1Size ? 0 : options.order;
  const std::size_t raw = block_bound(src.size());
  if (const std::size_t coded = write_rans(src, dst, order, *isa, raw - 1); coded != 0) return coded;
  return write_raw(src, dst);
}

Result<BlockExtent> peek_block(std::span<const std::byte> src, const FrameHeader& header) noexcept {
  ByteReader r(src);
  const auto kind = static_cast<BlockKind>(r.get_u8());
  if (!r.ok()) return r.error();
  if (kind == BlockKind::end) return BlockExtent{kind, 1, 0};
  const std::uint64_t raw = r.get_varint();
  if (!r.ok()) return r.error();
  if (raw == 0 || raw > header.block_size()) return errc::corrupt;
  const auto n = static_cast<std::size_t>(raw);
  switch (kind) {
    case BlockKind::raw: r.get_bytes(n); break;
    case BlockKind::run: r.get_u8(); break;
    case BlockKind::order0:
    case BlockKind::order1: {
      const unsigned precision = r.get_u8();
      if (r.ok() && (precision < 1 || precision > ByteTables::kMaxPrecision)) return errc::corrupt;
      if (kind == BlockKind::order0) {
        std::uint32_t freqs[256] = {};
        get_model(r, freqs, precision);
      } else {
        r.get_bytes(static_cast<std::size_t>(r.get_varint()));  // tables section, parsed by the decoder
      }
      r.get_bytes(r.get_u32());
      break;
    }
    default: return errc::corrupt;
  }
  if (!r.ok()) return r.error();
  return BlockExtent{kind, r.position(), n};
}

errc decompress_block(std::span<const std::byte> src, std::span<std::uint8_t> dst, const FrameHeader& header,
                      std::optional<Isa> isa) {
  const auto ext = peek_block(src, header);
  if (!ext) return ext.error();
  if (ext->kind == BlockKind::end || ext->raw_size != dst.size()) return errc::invalid_argument;
  const auto use = resolve(isa);
  if (!use) return use.error();
  ByteReader r(src.first(ext->encoded_size));
  r.get_u8();
  r.get_varint();
  switch (ext->kind) {
    case BlockKind::raw: std::memcpy(dst.data(), r.get_bytes(dst.size()).data(), dst.size()); return errc::ok;
    case BlockKind::run: std::memset(dst.data(), r.get_u8(), dst.size()); return errc::ok;
    case BlockKind::order0: return decode_rans(r, dst, 0, *use);
    case BlockKind::order1: return decode_rans(r, dst, 1, *use);
    case BlockKind::end: break;
  }
  return errc::corrupt;
}

// --- whole frames -------------------------------------------------------------------

std::size_t bound(std::size_t n, const Options& options) noexcept {
  const unsigned log2 = std::clamp(options.block_log2, kMinBlockLog2, kMaxBlockLog2);
  const std::size_t block = std::size_t{1} << log2;
  const std::size_t blocks = (n + block - 1) / block;
  return kFrameHeaderSize + n + blocks * (1 + kMaxVarint32) + 1 + 4;
}

Result<std::size_t> compress(std::span<const std::uint8_t> src, std::span<std::byte> dst, const Options& options) {
  if (options.order > 1 || options.block_log2 < kMinBlockLog2 || options.block_log2 > kMaxBlockLog2)
    return errc::invalid_argument;
  if (dst.size() < kFrameHeaderSize) return errc::output_too_small;
  std::size_t pos = write_frame_header(options, dst.first<kFrameHeaderSize>());
  const std::size_t block = std::size_t{1} << options.block_log2;
  for (std::size_t off = 0; off < src.size(); off += block) {
    const auto size = compress_block(src.subspan(off, std::min(block, src.size() - off)), dst.subspan(pos), options);
    if (!size) return size.error();
    pos += *size;
  }
  SpanWriter w(dst.subspan(pos));
  w.put_u8(static_cast<std::uint8_t>(BlockKind::end));
  if (options.checksum) w.put_u32(crc32c(std::as_bytes(src)));
  if (w.error() != errc::ok) return w.error();
  return pos + w.size();
}

Result<std::vector<std::byte>> compress(std::span<const std::uint8_t> src, const Options& options) {
  std::vector<std::byte> out(bound(src.size(), options));
  const auto size = compress(src, out, options);
  if (!size) return size.error();
  out.resize(*size);
  return out;
}

namespace {

// Walks (and, with `sink`, decodes) a frame; sink(raw_size) returns the span to
// decode the next block into, or an empty span with an error code set.
template <class Sink>
Result<FrameInfo> walk(std::span<const std::byte> src, std::optional<Isa> isa, Sink&& sink) {
  const auto header = read_frame_header(src);
  if (!header) return header.error();
  FrameInfo info;
  info.block_log2 = header->block_log2;
  info.checksum = header->checksum;
  std::size_t pos = kFrameHeaderSize;
  for (;;) {
    const auto ext = peek_block(src.subspan(pos), *header);
    if (!ext) return ext.error();
    ++info.blocks[static_cast<unsigned>(ext->kind)];
    if (ext->kind == BlockKind::end) {
      pos += 1;
      break;
    }
    errc e = errc::ok;
    const std::span<std::uint8_t> out = sink(ext->raw_size, e);
    if (e != errc::ok) return e;
    if (!out.empty()) {
      e = decompress_block(src.subspan(pos, ext->encoded_size), out, *header, isa);
      if (e != errc::ok) return e;
    }
    info.content_size += ext->raw_size;
    pos += ext->encoded_size;
  }
  if (header->checksum) {
    if (src.size() - pos < 4) return errc::truncated;
    for (int b = 0; b < 4; ++b) info.stored_crc |= std::to_integer<std::uint32_t>(src[pos++]) << (8 * b);
  }
  info.frame_size = pos;
  return info;
}

}  // namespace

Result<FrameInfo> inspect(std::span<const std::byte> src) {
  return walk(src, Isa::scalar, [](std::size_t, errc&) { return std::span<std::uint8_t>{}; });
}

Result<std::size_t> decompress(std::span<const std::byte> src, std::span<std::uint8_t> dst, std::optional<Isa> isa) {
  std::size_t pos = 0;
  const auto info = walk(src, isa, [&](std::size_t n, errc& e) {
    if (dst.size() - pos < n) {
      e = errc::output_too_small;
      return std::span<std::uint8_t>{};
    }
    pos += n;
    return dst.subspan(pos - n, n);
  });
  if (!info) return info.error();
  if (info->frame_size != src.size()) return errc::corrupt;
  if (info->checksum && crc32c(std::as_bytes(dst.first(pos))) != info->stored_crc) return errc::checksum_mismatch;
  return pos;
}

Result<std::vector<std::uint8_t>> decompress(std::span<const std::byte> src, std::size_t max_size,
                                             std::optional<Isa> isa) {
  std::vector<std::uint8_t> out;
  const auto info = walk(src, isa, [&](std::size_t n, errc& e) {
    if (max_size - out.size() < n) {
      e = errc::too_large;
      return std::span<std::uint8_t>{};
    }
    out.resize(out.size() + n);
    return std::span<std::uint8_t>(out).last(n);
  });
  if (!info) return info.error();
  if (info->frame_size != src.size()) return errc::corrupt;
  if (info->checksum && crc32c(std::as_bytes(std::span<const std::uint8_t>(out))) != info->stored_crc)
    return errc::checksum_mismatch;
  return out;
}

}  // namespace byte_codec
}  // namespace v0
}  // namespace entcode
