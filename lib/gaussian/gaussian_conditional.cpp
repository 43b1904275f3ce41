// gaussian/gaussian_conditional.cpp — the ECGL container: sub-streams, threads,
// skip compaction; parameter sets, build_indexes, quantize
// (see include/entcode/gaussian/gaussian_conditional.hpp).
#include "entcode/gaussian/gaussian_conditional.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <thread>

#include "entcode/byte_io.hpp"
#include "entcode/isa.hpp"
#include "escapes.hpp"
#include "kernels.hpp"
#include "tables_data.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {

namespace {

constexpr std::uint8_t kMagic[4] = {'E', 'C', 'G', 'L'};
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kAutoLaneThreshold = 1024;  // sub-streams below this use one lane
constexpr std::size_t kMaxVarint = 10;
constexpr std::size_t kHeaderBound = 4 + 3 + 4 + 2 * kMaxVarint;

// floor(m * k / K) without overflow.
std::size_t substream_begin(std::size_t m, unsigned k, unsigned K) noexcept {
  return (m / K) * k + (m % K) * k / K;
}

unsigned thread_count(unsigned requested, unsigned K) noexcept {
  static const unsigned hw = std::max(1u, std::thread::hardware_concurrency());  // a file read per call in glibc
  const unsigned t = requested == 0 ? hw : requested;
  return std::max(1u, std::min(t, K));
}

// Runs fn(k) for k in [0, K) on up to `threads` threads (the caller is one of them).
// An exception in any worker (std::bad_alloc) is rethrown here once all have joined.
template <class Fn>
void parallel_for(unsigned K, unsigned threads, Fn&& fn) {
  const unsigned T = thread_count(threads, K);
  std::vector<std::exception_ptr> errors(T);
  auto worker = [&](unsigned w) {
    try {
      for (unsigned k = w; k < K; k += T) fn(k);
    } catch (...) {
      errors[w] = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> pool;
    pool.reserve(T - 1);
    for (unsigned w = 1; w < T; ++w) pool.emplace_back(worker, w);
    worker(0);
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// Branch-free, so the compiler vectorises it (a branchy loop costs ~1 cycle per symbol).
bool valid_indexes(const CdfTables& t, std::span<const std::int32_t> idx, bool& any_skip) noexcept {
  const auto size = static_cast<std::uint32_t>(t.size());
  constexpr auto skip = static_cast<std::uint32_t>(kSkipIndex);
  std::uint32_t bad = 0;
  std::uint32_t skips = 0;
  for (const std::int32_t i : idx) {
    const auto u = static_cast<std::uint32_t>(i);
    bad |= static_cast<std::uint32_t>(u >= size) & static_cast<std::uint32_t>(u != skip);
    skips |= static_cast<std::uint32_t>(u == skip);
  }
  any_skip = skips != 0;
  return bad == 0;
}

// The coded (non-skipped) entries of v, in order.
template <class T>
std::vector<T> compact(std::span<const T> v, std::span<const std::int32_t> idx) {
  std::vector<T> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    if (idx[i] != kSkipIndex) out.push_back(v[i]);
  return out;
}

std::byte* put_varint(std::byte* p, std::uint64_t v) noexcept {
  for (; v >= 0x80; v >>= 7) *p++ = static_cast<std::byte>((v & 0x7f) | 0x80);
  *p++ = static_cast<std::byte>(v);
  return p;
}

const detail::Kernels* selected_kernels() noexcept {
  const auto isa = selected_isa();
  return isa ? &detail::fastest_kernels(*isa) : nullptr;
}

// Lanes of each sub-stream when m symbols are coded.
unsigned lanes_for(std::size_t m, const CodecOptions& o) noexcept {
  return o.lanes != 0 ? o.lanes : (m / o.substreams >= kAutoLaneThreshold ? detail::kFastLanes : 1u);
}

// Where sub-stream k is encoded: [rans_bound bytes, the rANS stream at their end][escape nibbles].
struct SubRegion {
  std::size_t begin, rans_cap;
};

// One encoded sub-stream in its region: rANS bytes [rans, rans + rans_size) directly
// followed by esc_size escape bytes.
struct EncodedSub {
  const std::byte* rans = nullptr;
  std::size_t rans_size = 0;
  std::size_t esc_size = 0;
  bool bad_index = false;  // a kernel stopped at an index outside the tables
};

EncodedSub encode_substream(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx, std::size_t n,
                            unsigned lanes, const detail::Kernels& kernels, std::byte* region, std::size_t rans_cap) {
  EncodedSub sub;
  std::byte* const rans_end = region + rans_cap;
  std::vector<std::size_t> escapes;
  if (lanes == detail::kFastLanes) {
    const std::unique_ptr<std::uint16_t[]> masks(new std::uint16_t[detail::escape_words(n)]);
    detail::Escapes esc{masks.get()};
    sub.rans_size = kernels.encode32(detail::view_of(t), sym, idx, n, region, rans_cap, esc);
    if (esc.bad_index) {
      sub.bad_index = true;
      return sub;
    }
    escapes = detail::flagged_positions(masks.get(), n);
  } else {
    sub.rans_size = detail::rans_encode_reference(t, sym, idx, n, lanes, region, rans_cap);
    std::memmove(rans_end - sub.rans_size, region, sub.rans_size);
    escapes = detail::find_escapes(t, sym, idx, n);
  }
  sub.rans = rans_end - sub.rans_size;
  sub.esc_size = detail::encode_escapes(t, sym, idx, escapes, reinterpret_cast<std::uint8_t*>(rans_end));
  return sub;
}

errc decode_substream(const CdfTables& t, std::span<const std::byte> src, const std::int32_t* idx, std::size_t n,
                      unsigned lanes, const detail::Kernels& kernels, std::int32_t* out) {
  ByteReader r(src);
  const std::uint64_t rans_size = r.get_varint();
  if (!r.ok()) return r.error();
  if (rans_size > r.remaining()) return errc::truncated;
  const auto rans = r.get_bytes(static_cast<std::size_t>(rans_size));
  std::vector<std::size_t> escapes;
  if (lanes == detail::kFastLanes) {
    const std::unique_ptr<std::uint16_t[]> masks(new std::uint16_t[detail::escape_words(n)]);
    detail::Escapes esc{masks.get()};
    const errc e = kernels.decode32(detail::view_of(t), rans.data(), rans.size(), idx, n, out, esc);
    if (e != errc::ok) return e;
    escapes = detail::flagged_positions(masks.get(), n);
  } else {
    const errc e = detail::rans_decode_reference(t, rans.data(), rans.size(), idx, n, lanes, out);
    if (e != errc::ok) return e;
    escapes = detail::find_decoded_escapes(t, idx, out, n);
  }
  return detail::decode_escapes(t, r.rest(), idx, escapes, out);
}

// Encodes into dst, which must hold the regions (see encode_coded).
Result<std::size_t> encode_into(const CdfTables& t, std::span<const std::int32_t> sym, std::span<const std::int32_t> idx,
                                std::size_t n_total, std::span<std::byte> dst, const CodecOptions& o, unsigned lanes,
                                std::span<const SubRegion> regions, const detail::Kernels& kernels) {
  const unsigned K = o.substreams;
  const std::size_t m = sym.size();
  std::vector<EncodedSub> subs(K);
  parallel_for(K, o.threads, [&](unsigned k) {
    const std::size_t b = substream_begin(m, k, K);
    const std::size_t e = substream_begin(m, k + 1, K);
    subs[k] = encode_substream(t, sym.data() + b, idx.data() + b, e - b, lanes, kernels,
                               dst.data() + regions[k].begin, regions[k].rans_cap);
  });
  if (std::ranges::any_of(subs, [](const EncodedSub& s) { return s.bad_index; })) return errc::invalid_argument;
  for (const EncodedSub& s : subs)
    if (s.rans_size == 0) return errc::output_too_small;  // not reached: the regions are large enough
  SpanWriter w(dst);
  w.put_bytes(std::as_bytes(std::span(kMagic)));
  w.put_u8(kVersion);
  w.put_u8(0);  // flags
  w.put_u8(static_cast<std::uint8_t>(lanes));
  w.put_u32(t.fingerprint());
  w.put_varint(n_total);
  w.put_varint(K);
  for (const EncodedSub& s : subs) w.put_varint(varint_size(s.rans_size) + s.rans_size + s.esc_size);
  if (w.error() != errc::ok) return w.error();
  // Move the sub-streams down behind the header (each lies at or after its final place).
  std::byte* p = dst.data() + w.size();
  for (const EncodedSub& s : subs) {
    p = put_varint(p, s.rans_size);
    std::memmove(p, s.rans, s.rans_size + s.esc_size);
    p += s.rans_size + s.esc_size;
  }
  return static_cast<std::size_t>(p - dst.data());
}

Result<std::size_t> encode_coded(const CdfTables& t, std::span<const std::int32_t> sym,
                                 std::span<const std::int32_t> idx, std::size_t n_total, std::span<std::byte> dst,
                                 const CodecOptions& o) {
  const detail::Kernels* kernels = selected_kernels();
  if (kernels == nullptr) return selected_isa().error();
  const unsigned K = o.substreams;
  const std::size_t m = sym.size();
  const unsigned lanes = lanes_for(m, o);
  // Layout while encoding: header room, then per sub-stream its varint's room and region.
  std::vector<SubRegion> regions(K);
  std::size_t need = kHeaderBound + K * kMaxVarint;
  for (unsigned k = 0; k < K; ++k) {
    const std::size_t n = substream_begin(m, k + 1, K) - substream_begin(m, k, K);
    regions[k] = {need + kMaxVarint, detail::rans_bound(n, lanes)};
    need += kMaxVarint + regions[k].rans_cap + detail::kMaxEscapeBytes * n + detail::kEscapeSlack;
  }
  if (dst.size() >= need) return encode_into(t, sym, idx, n_total, dst, o, lanes, regions, *kernels);
  std::vector<std::byte> scratch(need);
  auto r = encode_into(t, sym, idx, n_total, scratch, o, lanes, regions, *kernels);
  if (!r) return r;
  if (*r > dst.size()) return errc::output_too_small;
  std::memcpy(dst.data(), scratch.data(), *r);
  return r;
}

}  // namespace

std::size_t encode_bound(std::size_t n, const CodecOptions& options) noexcept {
  const std::size_t K = std::clamp(options.substreams, 1u, kMaxSubstreams);
  return kHeaderBound + K * (2 * kMaxVarint + detail::rans_bound(0, kMaxEcglLanes) + detail::kEscapeSlack) +
         n * (2 + detail::kMaxEscapeBytes);
}

Result<std::size_t> encode(const CdfTables& tables, std::span<const std::int32_t> symbols,
                           std::span<const std::int32_t> indexes, std::span<std::byte> dst,
                           const CodecOptions& options) {
  if (symbols.size() != indexes.size() || options.substreams < 1 || options.substreams > kMaxSubstreams ||
      options.lanes > kMaxEcglLanes)
    return errc::invalid_argument;
  // The kernels check the indexes as they go; the scan runs only when one stopped
  // at an index outside the tables (a skip, or an error).
  if (lanes_for(symbols.size(), options) == detail::kFastLanes) {
    auto r = encode_coded(tables, symbols, indexes, symbols.size(), dst, options);
    if (r || r.error() != errc::invalid_argument) return r;
  }
  bool any_skip = false;
  if (!valid_indexes(tables, indexes, any_skip)) return errc::invalid_argument;
  if (!any_skip) return encode_coded(tables, symbols, indexes, symbols.size(), dst, options);
  const auto sym = compact(symbols, indexes);
  const auto idx = compact(indexes, indexes);
  return encode_coded(tables, sym, idx, symbols.size(), dst, options);
}

Result<std::vector<std::byte>> encode(const CdfTables& tables, std::span<const std::int32_t> symbols,
                                      std::span<const std::int32_t> indexes, const CodecOptions& options) {
  // Uninitialised scratch: only the pages the encoder writes are touched.
  const std::size_t bound = encode_bound(symbols.size(), options);
  const std::unique_ptr<std::byte[]> scratch(new std::byte[bound]);
  auto r = encode(tables, symbols, indexes, std::span(scratch.get(), bound), options);
  if (!r) return r.error();
  return std::vector<std::byte>(scratch.get(), scratch.get() + *r);
}

namespace {

struct Header {
  unsigned lanes = 0;
  unsigned K = 0;
  std::vector<std::span<const std::byte>> subs;
};

Result<Header> parse_header(const CdfTables& t, std::span<const std::byte> src, std::size_t n) {
  ByteReader r(src);
  const auto magic = r.get_bytes(4);
  if (!r.ok()) return r.error();
  if (std::memcmp(magic.data(), kMagic, 4) != 0) return errc::bad_header;
  const std::uint8_t version = r.get_u8();
  const std::uint8_t flags = r.get_u8();
  Header h;
  h.lanes = r.get_u8();
  const std::uint32_t fingerprint = r.get_u32();
  const std::uint64_t count = r.get_varint();
  h.K = static_cast<unsigned>(std::min<std::uint64_t>(r.get_varint(), 256));
  if (!r.ok()) return r.error();
  if (version != kVersion || flags != 0) return errc::unsupported_version;
  if (h.lanes < 1 || h.lanes > kMaxEcglLanes || h.K < 1 || h.K > kMaxSubstreams) return errc::bad_header;
  if (fingerprint != t.fingerprint() || count != n) return errc::invalid_argument;
  std::vector<std::uint64_t> sizes(h.K);
  for (auto& s : sizes) s = r.get_varint();
  if (!r.ok()) return r.error();
  for (const std::uint64_t s : sizes) {
    if (s > r.remaining()) return errc::truncated;
    h.subs.push_back(r.get_bytes(static_cast<std::size_t>(s)));
  }
  if (r.remaining() != 0) return errc::corrupt;
  return h;
}

errc decode_coded(const CdfTables& t, const Header& h, std::span<const std::int32_t> idx, std::span<std::int32_t> out,
                  unsigned threads) {
  const detail::Kernels* kernels = selected_kernels();
  if (kernels == nullptr) return selected_isa().error();
  const std::size_t m = idx.size();
  std::vector<errc> errors(h.K, errc::ok);
  parallel_for(h.K, threads, [&](unsigned k) {
    const std::size_t b = substream_begin(m, k, h.K);
    const std::size_t e = substream_begin(m, k + 1, h.K);
    errors[k] = decode_substream(t, h.subs[k], idx.data() + b, e - b, h.lanes, *kernels, out.data() + b);
  });
  for (const errc e : errors)
    if (e != errc::ok) return e;
  return errc::ok;
}

}  // namespace

errc decode(const CdfTables& tables, std::span<const std::byte> src, std::span<const std::int32_t> indexes,
            std::span<std::int32_t> out, unsigned threads) {
  if (out.size() != indexes.size()) return errc::invalid_argument;
  auto header = parse_header(tables, src, indexes.size());
  if (!header) return header.error();
  // As in encode(), the kernels check the indexes; after any failure the scan
  // tells a bad index or skipped symbols (the sub-streams were split wrongly
  // then: retry with the coded ones) from a bad stream.
  std::optional<errc> failed;
  if (header->lanes == detail::kFastLanes) {
    const errc e = decode_coded(tables, *header, indexes, out, threads);
    if (e == errc::ok) return e;
    failed = e;
  }
  bool any_skip = false;
  if (!valid_indexes(tables, indexes, any_skip)) return errc::invalid_argument;
  if (!any_skip && failed) return *failed;
  if (!any_skip) return decode_coded(tables, *header, indexes, out, threads);
  const auto idx = compact(indexes, indexes);
  std::vector<std::int32_t> coded(idx.size());
  if (const errc e = decode_coded(tables, *header, idx, coded, threads); e != errc::ok) return e;
  for (std::size_t i = 0, j = 0; i < out.size(); ++i) out[i] = indexes[i] == kSkipIndex ? 0 : coded[j++];
  return errc::ok;
}

Result<std::vector<std::int32_t>> decode(const CdfTables& tables, std::span<const std::byte> src,
                                         std::span<const std::int32_t> indexes, unsigned threads) {
  std::vector<std::int32_t> out(indexes.size());
  const errc e = decode(tables, src, indexes, out, threads);
  if (e != errc::ok) return e;
  return out;
}

// --- GaussianConditional -------------------------------------------------------

namespace {

CdfTables builtin_tables(const detail::BuiltinTableData& d) {
  // Rows are concatenated in the data; create() takes them padded to one stride.
  const std::size_t stride = static_cast<std::size_t>(*std::max_element(d.lengths, d.lengths + d.tables));
  std::vector<std::int32_t> padded(stride * d.tables, 0);
  for (std::size_t t = 0, pos = 0; t < d.tables; pos += static_cast<std::size_t>(d.lengths[t]), ++t)
    std::copy_n(d.cdf + pos, d.lengths[t], padded.begin() + static_cast<std::ptrdiff_t>(t * stride));
  auto r = CdfTables::create(padded, stride, std::span(d.lengths, d.tables), std::span(d.offsets, d.tables));
  return std::move(r.value());  // generated constants are valid (tested)
}

}  // namespace

GaussianConditional::GaussianConditional(CdfTables tables, std::vector<double> scales, IndexRule rule,
                                         std::int32_t lo, std::int32_t hi)
    : tables_(std::move(tables)), scales_(std::move(scales)), rule_(rule), clamp_lo_(lo), clamp_hi_(hi) {}

const GaussianConditional& GaussianConditional::builtin(ParamSet set) {
  constexpr std::int32_t kMin = std::numeric_limits<std::int32_t>::min();
  constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
  auto make = [](const detail::BuiltinTableData& d, IndexRule rule, std::int32_t lo, std::int32_t hi) {
    return GaussianConditional(builtin_tables(d), std::vector<double>(d.scales, d.scales + d.tables), rule, lo, hi);
  };
  switch (set) {
    case ParamSet::compressai_f32: {
      static const GaussianConditional g = make(detail::kCompressaiF32, IndexRule::round_up, kMin, kMax);
      return g;
    }
    case ParamSet::dcvc: {
      static const GaussianConditional g = make(detail::kDcvc, IndexRule::log_floor, -128, 127);
      return g;
    }
    case ParamSet::compressai:
      break;
  }
  static const GaussianConditional g = make(detail::kCompressaiDouble, IndexRule::round_up, kMin, kMax);
  return g;
}

Result<GaussianConditional> GaussianConditional::from_scale_table(std::span<const double> scale_table,
                                                                  double tail_mass) {
  auto tables = build_gaussian_tables(scale_table, CenterRule::tail_mass, tail_mass);
  if (!tables) return tables.error();
  return GaussianConditional(std::move(*tables), std::vector<double>(scale_table.begin(), scale_table.end()),
                             IndexRule::round_up, std::numeric_limits<std::int32_t>::min(),
                             std::numeric_limits<std::int32_t>::max());
}

errc GaussianConditional::build_indexes(std::span<const float> scales, std::span<std::int32_t> indexes) const noexcept {
  if (indexes.size() != scales.size()) return errc::invalid_argument;
  const auto last = static_cast<std::int32_t>(scales_.size() - 1);
  const double log_lo = std::log(scales_.front());
  const double recip = last > 0 ? last / (std::log(scales_.back()) - log_lo) : 0.0;
  for (std::size_t i = 0; i < scales.size(); ++i) {
    const double s = scales[i];
    if (force_zero_ && !(s > *force_zero_)) {
      indexes[i] = kSkipIndex;
      continue;
    }
    if (rule_ == IndexRule::round_up) {
      const auto it = std::lower_bound(scales_.begin(), scales_.end() - 1, s);  // first table scale >= s
      indexes[i] = static_cast<std::int32_t>(it - scales_.begin());
    } else {
      const double c = std::isnan(s) ? scales_.front() : std::clamp(s, scales_.front(), scales_.back());
      indexes[i] = std::clamp(static_cast<std::int32_t>((std::log(c) - log_lo) * recip), 0, last);
    }
  }
  return errc::ok;
}

errc GaussianConditional::quantize(std::span<const float> y, std::span<const float> means,
                                   std::span<std::int32_t> symbols) const noexcept {
  if (symbols.size() != y.size() || (!means.empty() && means.size() != y.size())) return errc::invalid_argument;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const float d = means.empty() ? y[i] : y[i] - means[i];  // float32 like torch
    const float r = std::nearbyint(d);                        // ties to even (torch.round)
    if (std::isnan(r)) return errc::invalid_argument;
    const double c = std::clamp(static_cast<double>(r), static_cast<double>(clamp_lo_), static_cast<double>(clamp_hi_));
    symbols[i] = static_cast<std::int32_t>(c);
  }
  return errc::ok;
}

errc GaussianConditional::dequantize(std::span<const std::int32_t> symbols, std::span<const float> means,
                                     std::span<float> y) noexcept {
  if (symbols.size() != y.size() || (!means.empty() && means.size() != y.size())) return errc::invalid_argument;
  for (std::size_t i = 0; i < y.size(); ++i)
    y[i] = static_cast<float>(symbols[i]) + (means.empty() ? 0.0f : means[i]);
  return errc::ok;
}

}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
