// byte_codec/stream.cpp — block streams: the lanes' stream and the seeding tail
// coder (see stream.hpp, doc/format.md "Byte codec container").
#include "stream.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

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

TailCode encode_tail(std::span<const std::uint8_t> src, std::size_t tail, const ByteTables& tables, unsigned order) {
  TailCode t;
  const auto ref = tables.reference_enc();
  for (std::size_t i = src.size(); i-- > src.size() - tail;) {
    std::uint16_t word;
    if (step::encode(t.state, ref[context_of(src, i, order) * 256 + src[i]], word)) t.words.push_back(word);
  }
  std::reverse(t.words.begin(), t.words.end());
  return t;
}

std::uint16_t u16_at(std::span<const std::uint8_t> b, std::size_t k) noexcept {
  return static_cast<std::uint16_t>(b[2 * k] | b[2 * k + 1] << 8);
}

// The lanes' seeds of a tail code: its final state (u32 LE), then its last
// words in decoder order, zero bytes after them.
using Seeds = std::array<std::uint8_t, rd::seed_bytes(rd::kMaxLanes)>;
Seeds seeds_of(const TailCode& t, std::size_t stored) noexcept {
  Seeds seed{};
  for (unsigned b = 0; b < kTailStateBytes; ++b) seed[b] = static_cast<std::uint8_t>(t.state >> (8 * b));
  for (std::size_t k = stored; k < t.words.size(); ++k) {
    seed[kTailStateBytes + 2 * (k - stored)] = static_cast<std::uint8_t>(t.words[k]);
    seed[kTailStateBytes + 2 * (k - stored) + 1] = static_cast<std::uint8_t>(t.words[k] >> 8);
  }
  return seed;
}

// Decodes the last `tail` bytes of dst from the state and words in `seeds`
// (seeds_of) after the words `stored`; corrupt unless it ends at L having used
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

std::size_t tail_for(std::span<const std::uint8_t> src, const std::uint32_t* freqs, unsigned order, unsigned precision,
                     unsigned lanes) noexcept {
  if (!seeded(src.size(), lanes)) return 0;
  const Log2Table& log2_of = log2_table();
  static_assert(Log2Table{}.size() == (1u << ByteTables::kMaxPrecision) + 1);
  const double target = 16.0 * static_cast<double>(seed_words(lanes) + 1);
  const std::size_t most = std::min(src.size(), kMaxTailPerLane * lanes), chunk = kTailChunkPerLane * lanes;
  double bits = 0, chunk_start_bits = 0;
  std::size_t tail = 0;
  for (; tail < most && bits < target; ++tail) {
    if (tail % chunk == 0 && tail > chunk && bits - chunk_start_bits < static_cast<double>(chunk) / kTailBytesPerBit)
      return tail - chunk;  // the last chunk coded too little
    if (tail % chunk == 0) chunk_start_bits = bits;
    const std::size_t i = src.size() - 1 - tail;
    const std::uint32_t f = freqs[context_of(src, i, order) * 256 + src[i]];
    if (f == 0) break;  // a pair the lanes' model did not count (order 1, first pass)
    bits += precision - log2_of[f];
  }
  return std::min((tail + kTailUnit - 1) / kTailUnit, most / kTailUnit) * kTailUnit;
}

Result<std::size_t> encode_stream(unsigned order, std::span<const std::uint8_t> src, std::size_t tail,
                                  const ByteTables& tables, std::span<std::byte> dst, Isa isa, unsigned lanes) {
  const auto encode_lanes = [&](std::span<std::byte> out, std::span<const std::uint8_t> seed) {
    const auto part = lanes_part(src, tail);
    return order == 0 ? rd::encode_order0_unchecked(part, tables, out, isa, seed, lanes)
                      : rd::encode_order1_unchecked(part, tables, out, isa, seed, lanes);
  };
  if (!seeded(src.size(), lanes)) return encode_lanes(dst, {});
  if (tail % kTailUnit != 0) return errc::invalid_argument;
  const TailCode t = encode_tail(src, tail, tables, order);
  const std::size_t stored = t.words.size() > seed_words(lanes) ? t.words.size() - seed_words(lanes) : 0;
  const Seeds seed = seeds_of(t, stored);
  SpanWriter w(dst);
  w.put_varint(tail / kTailUnit);
  if (w.error() != errc::ok) return w.error();
  const auto size = encode_lanes(w.remaining(), std::span(seed).first(rd::seed_bytes(lanes)));
  if (!size) return size.error();
  SpanWriter after(w.remaining().subspan(*size));
  for (std::size_t k = 0; k < stored; ++k) after.put_u16(t.words[k]);
  if (after.error() != errc::ok) return after.error();
  return w.size() + *size + after.size();
}

errc decode_stream(unsigned order, std::span<const std::byte> src, const ByteTables& tables,
                   std::span<std::uint8_t> dst, Isa isa, unsigned lanes) {
  const auto decode_lanes = [&](std::span<const std::byte> in, std::size_t tail, std::span<std::uint8_t> seed) {
    const auto part = dst.first(dst.size() - tail);
    return order == 0 ? rd::decode_order0(in, tables, part, isa, seed, lanes)
                      : rd::decode_order1(in, tables, part, isa, seed, lanes);
  };
  if (!seeded(dst.size(), lanes)) return decode_lanes(src, 0, {}).error();
  ByteReader r(src);
  const std::uint64_t units = r.get_varint();
  if (!r.ok()) return r.error();
  if (units > dst.size() / kTailUnit) return errc::corrupt;
  const std::uint64_t tail = units * kTailUnit;
  Seeds seed{};
  const auto lane_seeds = std::span(seed).first(rd::seed_bytes(lanes));
  const auto rest = r.rest();
  const auto used = decode_lanes(rest, static_cast<std::size_t>(tail), lane_seeds);
  if (!used) return used.error();
  const auto stored = std::as_bytes(rest.subspan(*used));
  if (stored.size() % 2 != 0) return errc::corrupt;
  const auto stored_bytes = std::span(reinterpret_cast<const std::uint8_t*>(stored.data()), stored.size());
  return decode_tail(dst, static_cast<std::size_t>(tail), tables, order, stored_bytes, lane_seeds);
}

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
