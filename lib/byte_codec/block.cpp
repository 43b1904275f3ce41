// byte_codec/block.cpp — one block of the byte codec: raw, run, order-0 and
// order-1 rANS (see entcode/byte_codec.hpp, doc/format.md "Byte codec
// container"), and the Context that carries the reusable scratch.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numeric>
#include <optional>

#include "../rans/kernels.hpp"
#include "../simd/dispatch.hpp"
#include "context.hpp"
#include "entcode/byte_codec.hpp"
#include "entcode/byte_io.hpp"
#include "entcode/rans/interleaved.hpp"
#include "grid_model.hpp"
#include "models.hpp"
#include "runs.hpp"
#include "stream.hpp"
#include "tables.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec {

namespace {

using detail::Scratch;
using rans::ByteTables;
constexpr unsigned kPrecision = 12;          // of order-0 and large order-1 blocks
// Order-1 blocks use the smallest precision that costs little: the decoder's
// slots of the used contexts then stay in L2 (Zen 5, 1 MiB: text at 11 bits,
// ~100 contexts x 8 KiB, decodes ~1.5x faster than at 12). Blocks from 1 MiB
// take the first of 10, 11, 12 bits whose models code the block's counts within
// kMaxOrder1Excess (10 bits) or twice that (11 bits) of their empirical
// entropy (text: 11; quality strings and geometric bytes, > 1% at 11: 12).
// Smaller ones use 10 bits (their tables are a large part of the block), but
// skewed ones from 128 KiB (coding to < kMaxSkewedBitsPerByte bits a byte at 10)
// search the same way within kMaxSmallOrder1Excess: HiFi-like quality strings,
// '~' ~97% and dips of ~60 other scores, floor each rare pair at 1/1024 and lose
// several % at 10 bits (256 KiB: +1.3% over htscodecs -> -0.6%); the excess costs
// ~20 us a 64 KiB block of text to compute, which the skew test spares it, and
// the search ~24% of a 64 KiB skewed block's encode (there 10 bits stay below
// htscodecs: HiFi-like -3.5%), so it starts at 128 KiB.
constexpr std::size_t kMinOrder1Precision12 = std::size_t{1} << 20;
constexpr unsigned kSmallOrder1Precision = 10;
constexpr double kMaxOrder1Excess = 0.002;
constexpr std::size_t kMinOrder1PrecisionSearch = std::size_t{128} << 10;
constexpr double kMaxSmallOrder1Excess = 0.01;
constexpr double kMaxSkewedBitsPerByte = 1.5;
constexpr std::size_t kMinOrder1Size = 4096;  // smaller blocks: order 0 (table cost)
constexpr std::size_t kTailGuessPerLane = 12;  // order 1's first tail guess, bytes a lane

// A block's descriptor byte: its kind in bits 0-2, bit 7 set on the frame's
// last block (then no end marker follows); a rANS block's stream parameters in
// bits 3-6: the lane count as rans::detail::lane_index in bits 3-4, 12 - precision
// in bits 5-6 (precision 9..12). Other kinds have bits 3-6 zero, the end marker all.
constexpr unsigned kKindBits = 3, kLaneIndexBits = 2, kPrecisionBits = 2;
constexpr unsigned kLastBit = 0x80;
std::uint8_t descriptor(BlockKind kind, unsigned precision = 0, unsigned lanes = 0) noexcept {
  const unsigned params =
      lanes == 0 ? 0 : rans::detail::lane_index(lanes) | (ByteTables::kMaxPrecision - precision) << kLaneIndexBits;
  return static_cast<std::uint8_t>(static_cast<unsigned>(kind) | params << kKindBits);
}
BlockKind kind_of(unsigned descriptor) noexcept { return static_cast<BlockKind>(descriptor & ((1u << kKindBits) - 1)); }
unsigned params_of(unsigned descriptor) noexcept { return (descriptor & ~kLastBit) >> kKindBits; }
struct StreamParams {
  unsigned precision, lanes;
};
StreamParams parse_stream_params(unsigned descriptor) noexcept {
  const unsigned params = params_of(descriptor);
  return StreamParams{ByteTables::kMaxPrecision - (params >> kLaneIndexBits),
                      rans::detail::kLaneCounts[params & ((1u << kLaneIndexBits) - 1)]};
}
static_assert(std::size(rans::detail::kLaneCounts) == 1u << kLaneIndexBits);
static_assert(kKindBits + kLaneIndexBits + kPrecisionBits == 7);

using simd::resolve;

using namespace detail;

// A block's head: its descriptor and raw_size - 1 (raw_size >= 1; 16 KiB blocks
// then take 2 varint bytes, not 3).
void put_head(SpanWriter& w, std::uint8_t descriptor, std::size_t raw_size) {
  w.put_u8(descriptor);
  w.put_varint(raw_size - 1);
}

std::size_t write_raw(std::span<const std::uint8_t> src, std::span<std::byte> dst) {
  SpanWriter w(dst);
  put_head(w, descriptor(BlockKind::raw), src.size());
  w.put_bytes(std::as_bytes(src));
  return w.size();
}

// A block's byte counts from its 256 contexts' counts (rows of 256: vectorised
// adds; for 64 KiB blocks cheaper than counting the bytes again).
std::array<std::uint32_t, 256> byte_counts(const std::vector<std::uint32_t>& counts) noexcept {
  std::array<std::uint32_t, 256> sums{};
  for (std::size_t row = 0; row < counts.size(); row += 256)
    for (unsigned s = 0; s < 256; ++s) sums[s] += counts[row + s];
  return sums;
}

// The block's counts: of its bytes into scratch.bytes (order 0), or of its byte
// pairs into scratch.counts (order 1, count_pairs) and their byte counts into
// scratch.bytes. Only the rows the previous block left non-zero are zeroed
// (16 KiB of DNA, order 1: zeroing all 256 KiB was ~5% of the encode).
void count_block(Scratch& scratch, std::span<const std::uint8_t> src, unsigned order, Isa isa) {
  if (order == 0) return order0_model_counts(src, scratch.bytes.data(), isa);
  if (scratch.counts.size() != 256 * 256) {
    scratch.counts.assign(256 * 256, 0);
    scratch.count_rows.fill(false);
  }
  clear_rows(scratch.counts.data(), scratch.count_rows);
  count_pairs(src, scratch.counts, scratch.spare);
  scratch.bytes = byte_counts(scratch.counts);
  for (unsigned c = 0; c < 256; ++c) scratch.count_rows[c] = c == 0 || scratch.bytes[c] != 0;
}

// Their order-0 code length in bytes.
std::size_t entropy_bytes(const std::array<std::uint32_t, 256>& counts) noexcept {
  return static_cast<std::size_t>(bits_of_counts(counts.data(), 256) / 8);
}

// The code length in bits of the byte counts under order-0 frequencies.
double order0_code_bits(const std::array<std::uint32_t, 256>& counts, const std::uint32_t* freqs, unsigned precision) noexcept {
  const Log2Table& log2_of = log2_table();
  double bits = 0;
  for (unsigned s = 0; s < 256; ++s) bits += counts[s] * (precision - log2_of[freqs[s]]);
  return bits;
}

// An order-1 model of the block after the lane starts of `lanes` lanes and a
// tail of `tail` bytes are moved to context 0 (move_lane_starts; undone before
// another lane count or tail is modelled): scratch.freqs[1], each context's
// resolution in `bits`, and the counts' code length under it.
struct Order1Model {
  unsigned precision;
  double code_bits;
};
Order1Model order1_model(Scratch& scratch, std::span<const std::uint8_t> src, unsigned lanes, std::size_t tail,
                         std::array<std::uint8_t, 256>& bits) {
  move_lane_starts(src, lanes, tail, scratch.counts, false);
  unsigned precision = kSmallOrder1Precision;
  auto model = [&] {
    return normalise(scratch.counts.data(), 256, precision, scratch.freqs[1], bits, scratch.bytes.data(), &scratch.freq_rows);
  };
  double coded = model();
  const bool large = src.size() >= kMinOrder1Precision12;
  const bool search = large || (src.size() >= kMinOrder1PrecisionSearch &&
                                coded < kMaxSkewedBitsPerByte * static_cast<double>(src.size()));
  const double limit = large ? kMaxOrder1Excess : kMaxSmallOrder1Excess;
  for (; search && precision < kPrecision &&
         excess(scratch.counts, coded) > limit * (precision - kSmallOrder1Precision + 1);) {
    ++precision;
    coded = model();
  }
  return {precision, coded};
}

// Where an order-1 model (normalise's) may be non-zero: contexts and symbols
// among the block's bytes (and context 0, the lanes' starts).
ByteTables::Support support_of(const std::array<std::uint32_t, 256>& bytes) noexcept {
  ByteTables::Support support;
  for (unsigned b = 0; b < 256; ++b) {
    support.contexts[b] = context_possible(bytes.data(), b);
    support.symbols[b] = bytes[b] != 0;
  }
  return support;
}

// A rANS block whose head and model are written, its stream not yet: its
// parameters, and its size about: the bytes written, the stream's size field
// and the content's code length under the model. What it leaves out is about
// the same for both orders (the stream's size and tail fields, the tail
// coder's start and end) or ~0 on average (a seeded lane, container v11: the
// lanes' final states cost what their starts carried, +-~7 bits a lane).
struct Draft {
  unsigned order, precision, lanes;
  std::size_t tail;
  std::size_t written;
  double code_bits;
  [[nodiscard]] double estimate(std::size_t raw_size) const noexcept {
    return static_cast<double>(written + varint_size(raw_size)) + code_bits / 8;
  }
};

// An order-0 block's head and model (of count_block's scratch.bytes) in w.
std::optional<Draft> draft_order0(Scratch& scratch, std::span<const std::uint8_t> src, SpanWriter& w) {
  const double entropy = bits_of_counts(scratch.bytes.data(), 256);
  const unsigned lanes = lanes_for(static_cast<std::size_t>(entropy / 8), src.size());
  std::vector<std::uint32_t>& freqs = scratch.freqs[0];
  order0_model(scratch.bytes.data(), entropy, kPrecision, freqs, scratch.form);
  const std::size_t tail = tail_for(src, freqs.data(), 0, kPrecision, lanes);
  put_head(w, descriptor(BlockKind::order0, kPrecision, lanes), src.size());
  put_model(w, freqs.data(), scratch.form);
  if (w.error() != errc::ok) return std::nullopt;
  return Draft{0, kPrecision, lanes, tail, w.size(), order0_code_bits(scratch.bytes, freqs.data(), kPrecision)};
}

// An order-1 block's head and tables (of count_block's scratch.counts) in w.
// The lane count follows the coded size (byte entropy), and order-1 models
// depend on it and on the tail: a first model with a guessed tail, then a
// second only if the tail needs more bytes (a longer tail than needed only
// stores more of its words). The guess: kTailGuessPerLane bytes a lane (the
// ~28 seed bits a lane at ~2.3 bits a byte), or more where the pair counts say
// the seeds need it (order1_tail_guess; a 178 KB binary ends in bytes that
// code to little: order-1 encode +28% without its second model).
std::optional<Draft> draft_order1(Scratch& scratch, std::span<const std::uint8_t> src, SpanWriter& w, Isa isa) {
  std::array<std::uint8_t, 256> bits{};
  const unsigned lanes = lanes_for(entropy_bytes(scratch.bytes), src.size());
  std::size_t tail = seeded(src.size(), lanes)
                         ? std::max(std::min(src.size(), kTailGuessPerLane * lanes),
                                    order1_tail_guess(src, scratch.counts.data(), scratch.bytes.data(), lanes))
                         : 0;
  Order1Model model = order1_model(scratch, src, lanes, tail, bits);
  if (const std::size_t needed = tail_for(src, scratch.freqs[1].data(), 1, model.precision, lanes); needed > tail) {
    move_lane_starts(src, lanes, tail, scratch.counts, true);
    tail = needed;
    model = order1_model(scratch, src, lanes, tail, bits);
  }
  put_head(w, descriptor(BlockKind::order1, model.precision, lanes), src.size());
  put_order1_tables(w, scratch.freqs[1], bits, scratch.bytes.data(), model.precision, isa, scratch.tables_section);
  if (w.error() != errc::ok) return std::nullopt;
  return Draft{1, model.precision, lanes, tail, w.size(), model.code_bits};
}

// The first `budget` bytes of dst (all of it when smaller).
std::span<std::byte> within(std::span<std::byte> dst, std::size_t budget) noexcept {
  return dst.first(std::min(dst.size(), budget));
}

// The block of a draft whose head and model start dst: its stream coded after
// them; its size, or 0 when it would not be smaller than `budget` bytes.
std::size_t finish_block(Scratch& scratch, const Draft& d, std::span<const std::uint8_t> src, std::span<std::byte> dst,
                         Isa isa, std::size_t budget) {
  const auto room_for_block = within(dst, budget);
  if (d.written > room_for_block.size()) return 0;
  ByteTables& tables = scratch.tables[d.order];
  const errc assigned = d.order == 0
                            ? tables.assign(scratch.freqs[0], 1, d.precision, ByteTables::Use::encode)
                            : tables.assign(scratch.freqs[1], d.precision, ByteTables::Use::encode, support_of(scratch.bytes));
  if (assigned != errc::ok) return 0;
  // The stream goes after room for its size's varint; it moves up once the size is known.
  SpanWriter w(room_for_block.subspan(d.written));
  const std::size_t room = varint_size(rans::encoded_bound(src.size()));
  w.reserve(room);
  if (w.error() != errc::ok) return 0;
  const auto out = w.remaining();
  const auto stream = encode_stream(d.order, src, d.tail, tables, out, isa, d.lanes);
  if (!stream) return 0;
  const std::size_t field = varint_size(*stream);
  SpanWriter size_writer(dst.subspan(d.written, field));
  size_writer.put_varint(*stream);
  if (field != room) std::memmove(dst.data() + d.written + field, out.data(), *stream);  // else in place (MBs)
  return d.written + field + *stream;
}

// An order-0 block, or 0 when it would not be smaller than `budget` bytes.
std::size_t write_order0(Scratch& scratch, std::span<const std::uint8_t> src, std::span<std::byte> dst, Isa isa,
                         std::size_t budget) {
  count_block(scratch, src, 0, isa);
  SpanWriter w(within(dst, budget));
  const auto draft = draft_order0(scratch, src, w);
  return draft ? finish_block(scratch, *draft, src, dst, isa, budget) : 0;
}

// Order 1 as asked, unless order 0 is smaller (data without order-1
// structure): the block of the smaller estimate (Draft::estimate) is coded,
// the other only drafted (order 0 into scratch.trial, and not even that when
// its code length alone passes the order-1 estimate). 0 when it does not beat
// `budget`. (Coding both where the estimates were within ~4 bytes a lane, to
// keep the smaller, doubled the order-1 encode of DNA-like bytes in 16-64 KiB
// blocks for a few bytes either way.)
std::size_t write_best_rans(Scratch& scratch, std::span<const std::uint8_t> src, std::span<std::byte> dst, Isa isa,
                            std::size_t budget) {
  count_block(scratch, src, 1, isa);
  SpanWriter w1(within(dst, budget));
  const auto d1 = draft_order1(scratch, src, w1, isa);
  const std::size_t n = src.size();
  if (d1 && static_cast<double>(entropy_bytes(scratch.bytes)) >= d1->estimate(n))
    return finish_block(scratch, *d1, src, dst, isa, budget);
  scratch.trial.resize(std::max(scratch.trial.size(), std::min(dst.size(), budget)));
  const auto trial = within(scratch.trial, budget);
  SpanWriter w0(trial);
  const auto d0 = draft_order0(scratch, src, w0);
  if (!d0 || (d1 && d1->estimate(n) <= d0->estimate(n))) return d1 ? finish_block(scratch, *d1, src, dst, isa, budget) : 0;
  // The whole budget: the lanes' encoder needs room for their final states
  // in full (4 bytes a lane) before it packs them.
  const std::size_t o0 = finish_block(scratch, *d0, src, trial, isa, budget);
  std::memcpy(dst.data(), trial.data(), o0);
  return o0;
}

// An order-1 block's frequencies into s.dec_freqs and where they may be
// non-zero into s.dec_support, zeroing only the rows the block before used
// (reads set r's error).
void read_order1_tables(Scratch& s, ByteReader& r, unsigned precision, Isa isa) {
  s.dec_freqs.resize(256 * 256);
  clear_rows(s.dec_freqs.data(), s.dec_support.contexts);
  s.dec_support = {};
  const auto section = r.get_bytes(static_cast<std::size_t>(r.get_varint()));
  if (r.ok()) r.fail(parse_order1_tables(section, s.dec_freqs.data(), precision, isa, s.dec_support, s.section));
}

errc decode_rans(Scratch& s, ByteReader& r, StreamParams params, std::span<std::uint8_t> dst, unsigned order, Isa isa) {
  const auto [precision, lanes] = params;
  ByteTables& tables = s.tables[order];
  if (order == 0) {
    s.freqs[0].assign(256, 0);
    get_model(r, s.freqs[0].data(), precision);
  } else {
    read_order1_tables(s, r, precision, isa);
  }
  const auto stream = r.get_bytes(static_cast<std::size_t>(r.get_varint()));
  if (!r.ok()) return r.error();
  const errc assigned = order == 0 ? tables.assign(s.freqs[0], 1, precision, ByteTables::Use::decode)
                                   : tables.assign(s.dec_freqs, precision, ByteTables::Use::decode, s.dec_support);
  if (assigned != errc::ok) return errc::corrupt;
  const errc e = decode_stream(order, stream, tables, dst, isa, lanes);
  // The block's stream is complete, so a decoder wanting more words means junk.
  return e == errc::truncated ? errc::corrupt : e;
}

std::size_t write_run(std::uint8_t byte, std::size_t n, std::span<std::byte> dst) {
  SpanWriter w(dst);
  put_head(w, descriptor(BlockKind::run), n);
  w.put_u8(byte);
  return w.size();
}

errc check_block(std::span<const std::uint8_t> src, std::span<std::byte> dst, const Options& options) {
  if (src.empty() || options.order > 1 || options.block_log2 < kMinBlockLog2 || options.block_log2 > kMaxBlockLog2 ||
      src.size() > (std::size_t{1} << options.block_log2))
    return errc::invalid_argument;
  return dst.size() < block_bound(src.size()) ? errc::output_too_small : errc::ok;
}

}  // namespace

// --- context ------------------------------------------------------------------------

Context::Context() : scratch_(std::make_unique<Scratch>()) {}
Context::~Context() = default;
Context::Context(Context&&) noexcept = default;
Context& Context::operator=(Context&&) noexcept = default;

namespace detail {
Context& thread_context() {
  thread_local Context ctx;
  return ctx;
}
}  // namespace detail

// --- blocks -------------------------------------------------------------------------

std::size_t block_bound(std::size_t n) noexcept { return 1 + varint_size(n - 1) + n; }

Result<std::size_t> compress_block(Context& ctx, std::span<const std::uint8_t> src, std::span<std::byte> dst,
                                   const Options& options, bool last) {
  if (const errc e = check_block(src, dst, options); e != errc::ok) return e;
  const auto isa = resolve(options.isa);
  if (!isa) return isa.error();
  const unsigned order = src.size() < kMinOrder1Size ? 0 : options.order;
  const std::size_t raw = block_bound(src.size());
  std::size_t size = 0;
  if (detail::run_end(src, 0) == src.size()) size = write_run(src[0], src.size(), dst);
  else if (order == 0) size = write_order0(ctx.scratch(), src, dst, *isa, raw - 1);
  else size = write_best_rans(ctx.scratch(), src, dst, *isa, raw - 1);
  if (size == 0) size = write_raw(src, dst);
  if (last) dst[0] |= std::byte{kLastBit};
  return size;
}

// The pieces between long runs are blocks of their own; each fits what the run
// before it saved (a run block is <= 7 bytes for >= kMinSplitRun content bytes,
// a piece's block <= block_bound(piece)), so the chunk stays within block_bound.
Result<std::size_t> compress_chunk(Context& ctx, std::span<const std::uint8_t> src, std::span<std::byte> dst,
                                   const Options& options, bool last) {
  if (const errc e = check_block(src, dst, options); e != errc::ok) return e;
  const auto isa = resolve(options.isa);
  if (!isa) return isa.error();
  std::size_t pos = 0, out = 0;
  auto piece = [&](std::size_t end) -> errc {
    const auto size = compress_block(ctx, src.subspan(pos, end - pos), dst.subspan(out), options, last && end == src.size());
    if (!size) return size.error();
    out += *size;
    pos = end;
    return errc::ok;
  };
  detail::RunSplitter runs(src, *isa);
  for (detail::ByteRun run = options.order == 0 ? runs.next(0) : detail::ByteRun{}; run.size() != 0; run = runs.next(pos)) {
    if (run.begin > pos)
      if (const errc e = piece(run.begin); e != errc::ok) return e;
    const std::size_t at = out;
    out += write_run(src[run.begin], run.size(), dst.subspan(out));
    pos = run.end;
    if (last && pos == src.size()) dst[at] |= std::byte{kLastBit};
  }
  if (pos < src.size())
    if (const errc e = piece(src.size()); e != errc::ok) return e;
  return out;
}

Result<BlockExtent> peek_block(std::span<const std::byte> src, const FrameHeader& header) noexcept {
  ByteReader r(src);
  const unsigned d = r.get_u8();
  const BlockKind kind = kind_of(d);
  if (!r.ok()) return r.error();
  const bool coded = kind == BlockKind::order0 || kind == BlockKind::order1;
  // An unknown kind, stray parameter bits or a flagged end marker, before the size is read.
  if (kind > BlockKind::order1 || (!coded && params_of(d) != 0) || (kind == BlockKind::end && d != 0))
    return errc::corrupt;
  if (kind == BlockKind::end) return BlockExtent{kind, 1, 0, true};
  const StreamParams params = parse_stream_params(d);
  const std::uint64_t raw_m1 = r.get_varint();
  if (!r.ok()) return r.error();
  if (raw_m1 >= header.block_size()) return errc::corrupt;
  const auto n = static_cast<std::size_t>(raw_m1) + 1;
  switch (kind) {
    case BlockKind::raw: r.get_bytes(n); break;
    case BlockKind::run: r.get_u8(); break;
    case BlockKind::order0:
    case BlockKind::order1: {
      if (kind == BlockKind::order0) {
        std::uint32_t freqs[256] = {};
        get_model(r, freqs, params.precision);
      } else {
        r.get_bytes(static_cast<std::size_t>(r.get_varint()));  // tables section, parsed by the decoder
      }
      r.get_bytes(static_cast<std::size_t>(r.get_varint()));
      break;
    }
    default: return errc::corrupt;
  }
  if (!r.ok()) return r.error();
  return BlockExtent{kind, r.position(), n, (d & kLastBit) != 0};
}

errc decompress_block(Context& ctx, std::span<const std::byte> src, std::span<std::uint8_t> dst,
                      const FrameHeader& header, std::optional<Isa> isa) {
  const auto ext = peek_block(src, header);
  if (!ext) return ext.error();
  if (ext->kind == BlockKind::end || ext->raw_size != dst.size()) return errc::invalid_argument;
  const auto use = resolve(isa);
  if (!use) return use.error();
  ByteReader r(src.first(ext->encoded_size));
  const auto params = parse_stream_params(r.get_u8());
  r.get_varint();
  switch (ext->kind) {
    case BlockKind::raw: std::memcpy(dst.data(), r.get_bytes(dst.size()).data(), dst.size()); return errc::ok;
    case BlockKind::run: std::memset(dst.data(), r.get_u8(), dst.size()); return errc::ok;
    case BlockKind::order0: return decode_rans(ctx.scratch(), r, params, dst, 0, *use);
    case BlockKind::order1: return decode_rans(ctx.scratch(), r, params, dst, 1, *use);
    case BlockKind::end: break;
  }
  return errc::corrupt;
}

Result<std::size_t> compress_block(std::span<const std::uint8_t> src, std::span<std::byte> dst, const Options& options,
                                   bool last) {
  return compress_block(detail::thread_context(), src, dst, options, last);
}

Result<std::size_t> compress_chunk(std::span<const std::uint8_t> src, std::span<std::byte> dst, const Options& options,
                                   bool last) {
  return compress_chunk(detail::thread_context(), src, dst, options, last);
}

errc decompress_block(std::span<const std::byte> src, std::span<std::uint8_t> dst, const FrameHeader& header,
                      std::optional<Isa> isa) {
  return decompress_block(detail::thread_context(), src, dst, header, isa);
}

}  // namespace byte_codec
}  // namespace v0
}  // namespace entcode
