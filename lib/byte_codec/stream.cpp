// byte_codec/stream.cpp — block streams: the lanes' stream and the seeding tail
// coder (see stream.hpp, doc/format.md "Byte codec container").
#include "stream.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <optional>
#include <vector>

#include "../rans/compact_states.hpp"
#include "../rans/step.hpp"
#include "entcode/byte_io.hpp"
#include "models.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

namespace rd = rans::detail;
namespace step = rans::step;
using rans::ByteTables;

namespace {

unsigned context_of(std::span<const std::uint8_t> data, std::size_t i, unsigned order) noexcept {
  return order == 0 || i == 0 ? 0 : data[i - 1];
}

// The tail coder's words in decoder order and its final state.
struct TailCode {
  std::uint32_t state = step::kStateLow;
  std::vector<std::uint16_t> words;
};

// At most one word a symbol: written into room for `tail` of them, kept when emitted (no branch).
TailCode encode_tail(std::span<const std::uint8_t> src, std::size_t tail, const ByteTables& tables, unsigned order) {
  TailCode t;
  t.words.resize(tail);
  std::size_t n = 0;
  const auto ref = tables.reference_enc();
  for (std::size_t i = src.size(); i-- > src.size() - tail;) {
    std::uint16_t word;
    const bool emit = step::encode(t.state, ref[context_of(src, i, order) * 256 + src[i]], word);
    t.words[n] = word;
    n += emit ? 1 : 0;
  }
  t.words.resize(n);
  std::reverse(t.words.begin(), t.words.end());
  return t;
}

std::uint16_t u16_at(std::span<const std::uint8_t> b, std::size_t k) noexcept {
  return static_cast<std::uint16_t>(b[2 * k] | b[2 * k + 1] << 8);
}

// The seed bits of a tail code: its final state (u32 LE), then its words after
// the first `stored` in decoder order (u16 LE), zero bytes after them.
using SeedBits = std::array<std::uint8_t, rd::compact_states_max_bytes(rd::kMaxLanes)>;
std::size_t seed_bytes(const TailCode& t, std::size_t stored) noexcept {
  return kTailStateBytes + 2 * (t.words.size() - stored);
}
SeedBits seed_bits(const TailCode& t, std::size_t stored) noexcept {
  SeedBits bits{};
  for (unsigned b = 0; b < kTailStateBytes; ++b) bits[b] = static_cast<std::uint8_t>(t.state >> (8 * b));
  for (std::size_t k = stored; k < t.words.size(); ++k) {
    bits[kTailStateBytes + 2 * (k - stored)] = static_cast<std::uint8_t>(t.words[k]);
    bits[kTailStateBytes + 2 * (k - stored) + 1] = static_cast<std::uint8_t>(t.words[k] >> 8);
  }
  return bits;
}

// The lanes' starts, read from the seed bits of t after `stored` of its words
// (compact code), and whether they hold all of those bits.
struct Seeds {
  std::array<std::uint32_t, rd::kMaxLanes> starts{};
  std::size_t stored = 0;
  bool complete = false;
};
Seeds seeds_of(const TailCode& t, std::size_t stored, unsigned lanes) noexcept {
  Seeds s;
  s.stored = stored;
  if (seed_bytes(t, stored) > rd::compact_states_max_bytes(lanes)) return s;
  const std::size_t read = rd::read_compact_states(seed_bits(t, stored), std::span(s.starts).first(lanes));
  s.complete = read >= 8 * seed_bytes(t, stored);
  return s;
}

// The seeds of t with the fewest stored words (the others and its state seed
// the lanes) that are complete, searched from a guess of the code's average
// length (the search moves by a word or two).
Seeds fewest_stored(const TailCode& t, unsigned lanes) noexcept {
  const std::size_t guess = (kSeedBitsPerLane * lanes / 8 - kTailStateBytes) / 2;
  Seeds s = seeds_of(t, t.words.size() > guess ? t.words.size() - guess : 0, lanes);
  while (!s.complete) s = seeds_of(t, s.stored + 1, lanes);  // complete at the latest with no word (>= 20 bits a lane)
  for (Seeds fewer; s.stored > 0 && (fewer = seeds_of(t, s.stored - 1, lanes)).complete;) s = fewer;
  return s;
}

// Decodes the last `tail` bytes of dst from the state and words in `seeds`
// (seed_bits) after the words `stored`; corrupt unless it ends at L having used
// every stored word and leaving only zero bytes in the seeds (one stream per content).
errc decode_tail(std::span<std::uint8_t> dst, std::size_t tail, const ByteTables& tables, unsigned order,
                 std::span<const std::uint8_t> stored, std::span<const std::uint8_t> seeds) noexcept {
  std::uint32_t x = 0;
  for (unsigned b = 0; b < kTailStateBytes; ++b) x |= std::uint32_t{seeds[b]} << (8 * b);
  if (step::needs_word(x)) return errc::corrupt;
  const auto seed_words = seeds.subspan(kTailStateBytes);
  const std::size_t n_stored = stored.size() / 2, total = n_stored + seed_words.size() / 2;
  const unsigned p = tables.precision();
  std::size_t next = 0;
  for (std::size_t i = dst.size() - tail; i < dst.size(); ++i) {
    const std::uint32_t e =
        tables.slots(context_of(dst, i, order))[x & ((1u << p) - 1)];
    dst[i] = static_cast<std::uint8_t>(rans::SimdSlot::symbol(e));
    x = rans::SimdSlot::freq(e) * (x >> p) + rans::SimdSlot::bias(e);
    if (!step::needs_word(x)) continue;
    if (next == total) return errc::corrupt;
    x = step::shift_in(x, next < n_stored ? u16_at(stored, next) : u16_at(seed_words, next - n_stored));
    ++next;
  }
  if (x != step::kStateLow || next < n_stored) return errc::corrupt;
  for (; next < total; ++next)
    if (u16_at(seed_words, next - n_stored) != 0) return errc::corrupt;
  return errc::ok;
}

}  // namespace

// The code length of a symbol of frequency f at precision p, in units of
// 2^-kCostFractionBits bits: (p << kCostFractionBits) - cost_log2[f] (integer
// sums: tail_for's double sum and per-byte modulo were ~8% of a 64 KiB block
// of binned qualities' order-0 encode).
constexpr unsigned kCostFractionBits = 16;
const std::array<std::uint32_t, (1u << ByteTables::kMaxPrecision) + 1>& cost_log2() {
  static const auto table = [] {
    std::array<std::uint32_t, (1u << ByteTables::kMaxPrecision) + 1> t{};
    for (std::uint32_t f = 1; f < t.size(); ++f)
      t[f] = static_cast<std::uint32_t>(std::lround(std::log2(static_cast<double>(f)) * (1u << kCostFractionBits)));
    return t;
  }();
  return table;
}

namespace {

// tail_for's search, the cost of byte i given by cost_of(i) in 2^-kCostFractionBits
// bits (nullopt: a byte the model cannot code, where the tail stops growing).
template <class CostOf>
std::size_t tail_by_costs(std::span<const std::uint8_t> src, unsigned lanes, const CostOf& cost_of) noexcept {
  if (!seeded(src.size(), lanes)) return 0;
  const std::uint64_t one_bit = std::uint64_t{1} << kCostFractionBits;
  const std::uint64_t target = kSeedBitsPerLane * lanes * one_bit;
  const std::size_t most = std::min(src.size(), kMaxTailPerLane * lanes), chunk = kTailChunkPerLane * lanes;
  std::uint64_t bits = 0, chunk_start_bits = 0;
  std::size_t tail = 0;
  bool uncounted = false;
  while (!uncounted && tail < most && bits < target) {  // a chunk at a time: tail is a multiple of chunk here
    if (tail > chunk && (bits - chunk_start_bits) * kTailBytesPerBit < chunk * one_bit)
      return tail - chunk;  // the last chunk coded too little
    chunk_start_bits = bits;
    for (const std::size_t end = std::min(most, tail + chunk); tail < end && bits < target; ++tail) {
      const std::optional<std::uint64_t> cost = cost_of(src.size() - 1 - tail);
      uncounted = !cost;  // a pair the lanes' model did not count (order 1, first pass)
      if (uncounted) break;
      bits += *cost;
    }
  }
  const std::size_t unit = tail_unit(lanes);
  return std::min((tail + unit - 1) / unit, most / unit) * unit;
}

// log2(c) in 2^-kCostFractionBits bits, from c's top 12 bits (c >= 1).
std::uint64_t count_log2(std::uint32_t c) noexcept {
  const auto width = static_cast<unsigned>(std::bit_width(c));
  const unsigned shift = width > ByteTables::kMaxPrecision ? width - ByteTables::kMaxPrecision : 0;
  return cost_log2()[c >> shift] + (std::uint64_t{shift} << kCostFractionBits);
}

}  // namespace

std::size_t tail_for(std::span<const std::uint8_t> src, const std::uint32_t* freqs, unsigned order, unsigned precision,
                     unsigned lanes) noexcept {
  const auto& log2_of = cost_log2();
  const std::uint64_t full = std::uint64_t{precision} << kCostFractionBits;
  return tail_by_costs(src, lanes, [&](std::size_t i) -> std::optional<std::uint64_t> {
    const std::uint32_t f = freqs[context_of(src, i, order) * 256 + src[i]];
    if (f == 0) return std::nullopt;
    return full - log2_of[f];
  });
}

std::size_t order1_tail_guess(std::span<const std::uint8_t> src, const std::uint32_t* pairs, const std::uint32_t* bytes,
                              unsigned lanes) noexcept {
  const std::size_t ideal = tail_by_costs(src, lanes, [&](std::size_t i) -> std::optional<std::uint64_t> {
    const unsigned context = context_of(src, i, 1);
    const std::uint32_t c = pairs[context * 256 + src[i]];
    if (c == 0) return std::nullopt;
    return count_log2(std::max(bytes[context], c)) - count_log2(c);
  });
  const std::size_t unit = tail_unit(lanes), most = std::min(src.size(), kMaxTailPerLane * lanes) / unit * unit;
  return std::min(most, (ideal + ideal / kTailGuessMarginDivisor + unit - 1) / unit * unit);
}

Result<std::size_t> encode_stream(unsigned order, std::span<const std::uint8_t> src, std::size_t tail,
                                  const ByteTables& tables, std::span<std::byte> dst, Isa isa, unsigned lanes) {
  const auto encode_lanes = [&](std::span<std::byte> out, std::span<const std::uint32_t> starts) {
    const auto part = lanes_part(src, tail);
    return order == 0 ? rd::encode_order0_unchecked(part, tables, out, isa, starts, lanes)
                      : rd::encode_order1_unchecked(part, tables, out, isa, starts, lanes);
  };
  if (!seeded(src.size(), lanes)) return encode_lanes(dst, {});
  if (tail % tail_unit(lanes) != 0) return errc::invalid_argument;
  const TailCode t = encode_tail(src, tail, tables, order);
  const Seeds seeds = fewest_stored(t, lanes);
  const std::size_t stored = seeds.stored;
  SpanWriter w(dst);
  w.put_varint(tail / tail_unit(lanes));
  if (w.error() != errc::ok) return w.error();
  const auto size = encode_lanes(w.remaining(), std::span(seeds.starts).first(lanes));
  if (!size) return size.error();
  SpanWriter after(w.remaining().subspan(*size));
  for (std::size_t k = 0; k < stored; ++k) after.put_u16(t.words[k]);
  if (after.error() != errc::ok) return after.error();
  return w.size() + *size + after.size();
}

errc decode_stream(unsigned order, std::span<const std::byte> src, const ByteTables& tables,
                   std::span<std::uint8_t> dst, Isa isa, unsigned lanes) {
  const auto decode_lanes = [&](std::span<const std::byte> in, std::size_t tail, std::span<std::uint32_t> ends) {
    const auto part = dst.first(dst.size() - tail);
    return order == 0 ? rd::decode_order0(in, tables, part, isa, ends, lanes)
                      : rd::decode_order1(in, tables, part, isa, ends, lanes);
  };
  if (!seeded(dst.size(), lanes)) return decode_lanes(src, 0, {}).error();
  ByteReader r(src);
  const std::uint64_t units = r.get_varint();
  if (!r.ok()) return r.error();
  if (units > dst.size() / tail_unit(lanes)) return errc::corrupt;
  const std::uint64_t tail = units * tail_unit(lanes);
  std::array<std::uint32_t, rd::kMaxLanes> ends{};
  const auto rest = r.rest();
  const auto used = decode_lanes(rest, static_cast<std::size_t>(tail), std::span(ends).first(lanes));
  if (!used) return used.error();
  const auto stored = std::as_bytes(rest.subspan(*used));
  if (stored.size() % 2 != 0) return errc::corrupt;
  const auto stored_bytes = std::span(reinterpret_cast<const std::uint8_t*>(stored.data()), stored.size());
  // The seed bits again: the lanes' end states (the encoder's starts), compactly; whole words.
  SeedBits bits{};
  const std::size_t n = rd::write_compact_states(std::span(ends).first(lanes), reinterpret_cast<std::byte*>(bits.data()));
  const auto seeds = std::span(bits).first(n + n % 2);
  return decode_tail(dst, static_cast<std::size_t>(tail), tables, order, stored_bytes, seeds);
}

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
