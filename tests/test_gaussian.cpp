// test_gaussian.cpp — Gaussian-conditional front-end: tables (hand vectors and
// regeneration), ECGL round trips (escapes up to 2^20, skips, K sub-streams,
// thread independence), every kernel ISA against the interleaved reference and
// the scalar kernel (edge cases), cost vs ideal, CompressAI stream mode
// (hand-derived vectors and an independent mirror of CompressAI's backend), the
// stream front-end, hostile inputs.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <random>
#include <thread>
#include <string>

#include "gaussian/escapes.hpp"
#include "gaussian/kernels.hpp"
#include "entcode/gaussian/compressai_stream.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"
#include "entcode/gaussian/stream_frontend.hpp"
#include "entcode/rans/stream_coder.hpp"
#include "support/gaussian_compressai_mirror.hpp"

using namespace entcode;
using namespace entcode::gaussian;

namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (const int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

// A synthetic latent: log-normal scales, Laplacian-ish values, some huge escapes.
struct Latent {
  std::vector<std::int32_t> symbols;
  std::vector<std::int32_t> indexes;
};

Latent make_latent(const GaussianConditional& gc, std::size_t n, std::uint64_t seed, double escape_rate = 0.001) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<float> scale_dist(0.0f, 1.2f);
  std::exponential_distribution<double> mag(1.0);
  std::vector<float> scales(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    scales[i] = scale_dist(rng);
    const double sign = (rng() & 1) ? 1.0 : -1.0;
    y[i] = static_cast<float>(sign * mag(rng) * scales[i] / std::sqrt(2.0));
    if (std::uniform_real_distribution<double>(0, 1)(rng) < escape_rate)
      y[i] = static_cast<float>(static_cast<std::int64_t>(rng() % (1u << 21)) - (1 << 20));
  }
  Latent l{std::vector<std::int32_t>(n), std::vector<std::int32_t>(n)};
  REQUIRE(gc.quantize(y, {}, l.symbols) == errc::ok);
  REQUIRE(gc.build_indexes(scales, l.indexes) == errc::ok);
  return l;
}

CdfTables small_tables() {
  // One table: values -1 (p = 1/4), 0 (p = 1/2), escape (p = 1/4).
  const std::vector<std::int32_t> cdf{0, 16384, 49152, 65536};
  const std::vector<std::int32_t> len{4};
  const std::vector<std::int32_t> off{-1};
  return CdfTables::create(cdf, 4, len, off).value();
}

compressai_mirror::Tables mirror_tables(const CdfTables& t) {
  compressai_mirror::Tables m;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto c = t.cdf(i);
    m.cdfs.emplace_back(c.begin(), c.end());
  }
  m.cdf_sizes = t.cdf_lengths();
  m.offsets = t.offsets();
  return m;
}

std::vector<std::byte> to_bytes(const std::string& s) {
  std::vector<std::byte> out(s.size());
  std::memcpy(out.data(), s.data(), s.size());
  return out;
}

void set_isa(const char* name) {
  if (name == nullptr) unsetenv("ENTCODE_ISA");
  else setenv("ENTCODE_ISA", name, 1);
}

}  // namespace

TEST_CASE("pmf_to_quantized_cdf: hand vectors", "[gaussian][tables]") {
  auto a = pmf_to_quantized_cdf(std::vector<double>{0.5, 0.5});
  REQUIRE(a);
  CHECK(*a == std::vector<std::uint32_t>{0, 32768, 65536});
  // Zero-width bins steal from the smallest bin wider than 1 (here the first).
  auto b = pmf_to_quantized_cdf(std::vector<double>{1.0, 0.0, 0.0});
  REQUIRE(b);
  CHECK(*b == std::vector<std::uint32_t>{0, 65534, 65535, 65536});
  // Rescaling: rounded frequencies 21845 + 21845 + 21845 = 65535 -> floor(65536 f / 65535).
  auto c = pmf_to_quantized_cdf(std::vector<double>{1 / 3.0, 1 / 3.0, 1 / 3.0});
  REQUIRE(c);
  CHECK(*c == std::vector<std::uint32_t>{0, 21845, 43690, 65536});
  CHECK(pmf_to_quantized_cdf(std::vector<double>{}).error() == errc::invalid_argument);
  CHECK(pmf_to_quantized_cdf(std::vector<double>{0.0, 0.0}).error() == errc::invalid_argument);
  CHECK(pmf_to_quantized_cdf(std::vector<double>{NAN}).error() == errc::invalid_argument);
}

TEST_CASE("built-in tables regenerate from the double builders", "[gaussian][tables]") {
  const auto& ca = GaussianConditional::builtin(ParamSet::compressai);
  const auto& f32 = GaussianConditional::builtin(ParamSet::compressai_f32);
  const auto& dc = GaussianConditional::builtin(ParamSet::dcvc);
  CHECK(tail_multiplier(1e-9) == Approx(6.1094102048693975).epsilon(1e-15));

  const auto scales = log_scale_table(0.11, 256.0, 64);
  CHECK(std::vector<double>(ca.scale_table().begin(), ca.scale_table().end()) == scales);
  auto rebuilt = build_gaussian_tables(scales, CenterRule::tail_mass, 1e-9);
  REQUIRE(rebuilt);
  CHECK(rebuilt->padded_cdfs() == ca.tables().padded_cdfs());
  CHECK(rebuilt->offsets() == ca.tables().offsets());
  CHECK(rebuilt->cdf_lengths() == ca.tables().cdf_lengths());
  CHECK(rebuilt->fingerprint() == ca.tables().fingerprint());
  // CompressAI facts: table 0 has pmf_center 1 (cdf_length 5), table 63 has 1565.
  CHECK(ca.tables().offset(0) == -1);
  CHECK(ca.tables().cdf_length(0) == 5);
  CHECK(ca.tables().offset(63) == -1565);

  auto rebuilt_dcvc = build_gaussian_tables(log_scale_table(0.11, 16.0, 128), CenterRule::dcvc);
  REQUIRE(rebuilt_dcvc);
  CHECK(rebuilt_dcvc->padded_cdfs() == dc.tables().padded_cdfs());
  CHECK(rebuilt_dcvc->offsets() == dc.tables().offsets());
  for (std::size_t t = 0; t < dc.tables().size(); ++t) {
    CHECK(dc.tables().offset(t) >= -8);
    CHECK(dc.tables().offset(t) <= -2);
  }

  // The float32 torch path differs from the double tables in exactly one CDF.
  std::vector<std::size_t> differing;
  for (std::size_t t = 0; t < 64; ++t) {
    const auto a = ca.tables().cdf(t);
    const auto b = f32.tables().cdf(t);
    if (!std::equal(a.begin(), a.end(), b.begin(), b.end())) differing.push_back(t);
  }
  CHECK(differing == std::vector<std::size_t>{46});
}

TEST_CASE("CdfTables::create rejects invalid tables", "[gaussian][tables]") {
  const std::vector<std::int32_t> good{0, 100, 65536};
  const std::vector<std::int32_t> len{3};
  const std::vector<std::int32_t> off{0};
  CHECK(CdfTables::create(good, 3, len, off));
  CHECK(CdfTables::create(std::vector<std::int32_t>{0, 100, 65535}, 3, len, off).error() == errc::invalid_argument);
  CHECK(CdfTables::create(std::vector<std::int32_t>{0, 0, 65536}, 3, len, off).error() == errc::invalid_argument);
  CHECK(CdfTables::create(good, 3, std::vector<std::int32_t>{4}, off).error() == errc::invalid_argument);
  CHECK(CdfTables::create(good, 3, std::vector<std::int32_t>{1}, off).error() == errc::invalid_argument);
  CHECK(CdfTables::create(good, 3, len, std::vector<std::int32_t>{INT32_MAX}));  // one value: INT32_MAX
  CHECK(CdfTables::create(std::vector<std::int32_t>{0, 100, 200, 65536}, 4, std::vector<std::int32_t>{4},
                          std::vector<std::int32_t>{INT32_MAX})
            .error() == errc::invalid_argument);
  CHECK(CdfTables::create(good, 3, len, std::vector<std::int32_t>{}).error() == errc::invalid_argument);
}

TEST_CASE("build_indexes: CompressAI rounds up, DCVC rounds down in log scale", "[gaussian]") {
  const auto& ca = GaussianConditional::builtin(ParamSet::compressai);
  const auto table = ca.scale_table();
  std::vector<float> s{0.01f, 0.11f, static_cast<float>(table[1]) * 1.0001f, 300.0f, NAN};
  std::vector<std::int32_t> idx(s.size());
  REQUIRE(ca.build_indexes(s, idx) == errc::ok);
  CHECK(idx == std::vector<std::int32_t>{0, 0, 2, 63, 0});  // 0.11f < 0.11 (double): index 0

  auto dc = GaussianConditional::builtin(ParamSet::dcvc);
  const double step = std::log(16.0 / 0.11) / 127;
  std::vector<float> d{0.05f, 0.11f, static_cast<float>(0.11 * std::exp(2.5 * step)), 16.0f, 99.0f};
  REQUIRE(dc.build_indexes(d, idx) == errc::ok);
  CHECK(idx[0] == 0);
  CHECK(idx[1] == 0);
  CHECK(idx[2] == 2);
  CHECK(idx[3] >= 126);  // log(16) lands on 127 up to rounding, as in DCVC-RT
  CHECK(idx[4] == idx[3]);
  dc.set_force_zero_threshold(0.2);
  REQUIRE(dc.build_indexes(d, idx) == errc::ok);
  CHECK(idx[0] == kSkipIndex);
  CHECK(idx[1] == kSkipIndex);
  CHECK(idx[2] == kSkipIndex);  // 0.12 <= 0.2
  CHECK(idx[3] >= 126);
}

TEST_CASE("quantize / dequantize", "[gaussian]") {
  const auto& ca = GaussianConditional::builtin(ParamSet::compressai);
  const std::vector<float> y{0.5f, 1.5f, -2.5f, 3.9f, 1e10f};
  const std::vector<float> means{0.0f, 0.0f, 0.0f, 0.2f, 0.0f};
  std::vector<std::int32_t> q(y.size());
  REQUIRE(ca.quantize(y, means, q) == errc::ok);
  CHECK(q == std::vector<std::int32_t>{0, 2, -2, 4, INT32_MAX});  // ties to even, clamped
  REQUIRE(GaussianConditional::builtin(ParamSet::dcvc).quantize(y, means, q) == errc::ok);
  CHECK(q[4] == 127);
  std::vector<float> back(y.size());
  REQUIRE(GaussianConditional::dequantize(std::vector<std::int32_t>{1, 2, 3, 4, 5}, means, back) == errc::ok);
  CHECK(back[3] == 4.2f);
  CHECK(ca.quantize(std::vector<float>{NAN}, {}, std::span(q).first(1)) == errc::invalid_argument);
}

TEST_CASE("ECGL round trips: parameter sets, escapes, K, lanes, sizes", "[gaussian][ecgl]") {
  for (const ParamSet set : {ParamSet::compressai, ParamSet::compressai_f32, ParamSet::dcvc}) {
    const auto& gc = GaussianConditional::builtin(set);
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{31}, std::size_t{33}, std::size_t{5000}}) {
      const Latent l = make_latent(gc, n, n * 7 + static_cast<unsigned>(set), 0.01);
      for (const unsigned K : {1u, 2u, 3u, 7u}) {
        for (const unsigned lanes : {0u, 1u, 5u, 32u}) {
          const CodecOptions o{K, 0, lanes};
          auto enc = encode(gc.tables(), l.symbols, l.indexes, o);
          REQUIRE(enc);
          CHECK(enc->size() <= encode_bound(n, o));
          auto dec = decode(gc.tables(), *enc, l.indexes);
          REQUIRE(dec);
          CHECK(*dec == l.symbols);
        }
      }
    }
  }
}

TEST_CASE("ECGL: skipped symbols decode as zero", "[gaussian][ecgl]") {
  const auto& gc = GaussianConditional::builtin(ParamSet::dcvc);
  Latent l = make_latent(gc, 4000, 11);
  std::vector<std::int32_t> expect = l.symbols;
  for (std::size_t i = 0; i < l.indexes.size(); i += 3) {
    l.indexes[i] = kSkipIndex;
    expect[i] = 0;
  }
  // The kernels stop at the first skip and the container retries with the coded
  // symbols only: skips everywhere, or only near the end of the last sub-stream.
  for (const unsigned K : {1u, 2u, 3u}) {
    auto enc = encode(gc.tables(), l.symbols, l.indexes, {K, 0, 0});
    REQUIRE(enc);
    auto dec = decode(gc.tables(), *enc, l.indexes);
    REQUIRE(dec);
    CHECK(*dec == expect);
  }
  Latent tail = make_latent(gc, 5000, 12);
  expect = tail.symbols;
  for (std::size_t i = 4990; i < 5000; i += 2) {
    tail.indexes[i] = kSkipIndex;
    expect[i] = 0;
  }
  auto enc = encode(gc.tables(), tail.symbols, tail.indexes, {2, 0, 32});
  REQUIRE(enc);
  auto dec = decode(gc.tables(), *enc, tail.indexes);
  REQUIRE(dec);
  CHECK(*dec == expect);
}

// Table sets that take each kernel path: <= 32 tables, <= 64 (compressai), <= 128
// (dcvc) held in registers, and more (scalar table-info loads).
std::vector<GaussianConditional> kernel_table_sets() {
  std::vector<GaussianConditional> sets;
  for (const std::size_t levels : {20u, 200u}) sets.push_back(GaussianConditional::from_scale_table(log_scale_table(0.11, 64.0, levels)).value());
  sets.push_back(GaussianConditional::builtin(ParamSet::compressai));
  sets.push_back(GaussianConditional::builtin(ParamSet::dcvc));
  return sets;
}

// One kernel (ISA, lane count) against the interleaved reference on a latent.
void check_kernel(const CdfTables& t, const Latent& l, Isa isa) {
  constexpr unsigned lanes = detail::kFastLanes;
  INFO("isa " << to_string(isa));
  const std::size_t n = l.symbols.size();
  const std::size_t cap = detail::rans_bound(n, lanes);
  std::vector<std::byte> ref(cap);
  const std::size_t ref_size = detail::rans_encode_reference(t, l.symbols.data(), l.indexes.data(), n, lanes, ref.data(), cap);
  REQUIRE(ref_size > 0);
  ref.resize(ref_size);
  std::vector<std::int32_t> ref_out(n);
  REQUIRE(detail::rans_decode_reference(t, ref.data(), ref.size(), l.indexes.data(), n, lanes, ref_out.data()) == errc::ok);
  const auto escapes = detail::find_escapes(t, l.symbols.data(), l.indexes.data(), n);
  REQUIRE(escapes.size() > 100);
  CHECK(detail::find_decoded_escapes(t, l.indexes.data(), ref_out.data(), n) == escapes);
  const auto view = detail::view_of(t);
  const auto encode = detail::kernels_for(isa).encode32;
  const auto decode = detail::kernels_for(isa).decode32;
  // Encode: the reference's bytes at the end of dst (odd capacity: unaligned words), escapes flagged.
  std::vector<std::byte> out(cap + 1);
  std::vector<std::uint16_t> masks(detail::escape_words(n), 0xffff);
  detail::Escapes esc{masks.data()};
  const std::size_t size = encode(view, l.symbols.data(), l.indexes.data(), n, out.data(), out.size(), esc);
  REQUIRE(size == ref_size);
  CHECK(std::equal(ref.begin(), ref.end(), out.end() - static_cast<std::ptrdiff_t>(size)));
  CHECK(detail::flagged_positions(masks.data(), n) == escapes);
  // Decode: the reference's values, escapes flagged.
  std::vector<std::int32_t> dec(n);
  masks.assign(masks.size(), 0xffff);
  CHECK(decode(view, ref.data(), ref.size(), l.indexes.data(), n, dec.data(), esc) == errc::ok);
  CHECK(dec == ref_out);
  CHECK(detail::flagged_positions(masks.data(), n) == escapes);
  // An index outside the tables stops both (in a full block and in the partial one).
  for (const std::size_t at : {std::size_t{100}, n - 1}) {
    auto bad_idx = l.indexes;
    bad_idx[at] = static_cast<std::int32_t>(t.size());
    detail::Escapes stop{masks.data()};
    CHECK(encode(view, l.symbols.data(), bad_idx.data(), n, out.data(), out.size(), stop) == 0);
    CHECK(stop.bad_index);
    bad_idx[at] = kSkipIndex;
    CHECK(decode(view, ref.data(), ref.size(), bad_idx.data(), n, dec.data(), stop) == errc::invalid_argument);
  }
  // Truncated and corrupt inputs are reported the same way as the reference.
  CHECK(decode(view, ref.data(), ref.size() - 2, l.indexes.data(), n, dec.data(), esc) == errc::truncated);
  for (const std::size_t at : {std::size_t{5}, std::size_t{300}, ref.size() / 2, ref.size() - 1}) {
    std::vector<std::byte> bad = ref;
    bad[at] ^= std::byte{0x10};
    std::vector<std::int32_t> dec_ref(n);
    CHECK(decode(view, bad.data(), bad.size(), l.indexes.data(), n, dec.data(), esc) ==
          detail::rans_decode_reference(t, bad.data(), bad.size(), l.indexes.data(), n, lanes, dec_ref.data()));
  }
}

TEST_CASE("ECGL: every kernel ISA equals the interleaved reference", "[gaussian][isa]") {
  for (const auto& gc : kernel_table_sets()) {
    const CdfTables& t = gc.tables();
    INFO("tables " << t.size());
    const Latent l = make_latent(gc, 20011, 5, 0.01);
    for (const Isa isa : kAllIsas) {
      if (!isa_supported(isa)) {
        WARN("skipping ISA " << to_string(isa) << " (not supported by this CPU)");
        continue;
      }
      check_kernel(t, l, isa);
      // Whole streams through the public API under ENTCODE_ISA.
      set_isa(to_string(isa));
      auto enc = encode(t, l.symbols, l.indexes, {3, 0, 32});
      REQUIRE(enc);
      auto round = decode(t, *enc, l.indexes);
      set_isa("scalar");
      auto enc_scalar = encode(t, l.symbols, l.indexes, {3, 0, 32});
      set_isa(nullptr);
      REQUIRE(enc_scalar);
      CHECK(*enc == *enc_scalar);
      REQUIRE(round);
      CHECK(*round == l.symbols);
    }
  }
}

// Kernel edge cases, each ISA against the scalar kernel (same bytes, values,
// escape flags and error codes): partial and empty blocks, bad and skip indexes
// anywhere, every truncation near the end (the SIMD refills' zero-padded tail),
// damaged bytes. Symbols are uniform over each table's range plus escapes.
Latent random_latent(const CdfTables& t, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Latent l{std::vector<std::int32_t>(n), std::vector<std::int32_t>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    l.indexes[i] = static_cast<std::int32_t>(rng() % t.size());
    const auto range = static_cast<std::uint64_t>(t.cdf(static_cast<std::size_t>(l.indexes[i])).size() + 2);
    const std::uint64_t r = rng() % (range + 2);  // 2 below the table and 2 above (escapes) ...
    const std::int32_t in_range = t.offset(static_cast<std::size_t>(l.indexes[i])) + static_cast<std::int32_t>(r) - 2;
    l.symbols[i] = r == range ? INT32_MIN : r == range + 1 ? INT32_MAX : in_range;  // ... and the extremes
  }
  return l;
}

struct EncodeRun {
  std::size_t size;
  bool bad_index;
  std::vector<std::byte> bytes;  // the stream (when size > 0)
  std::vector<std::uint16_t> masks;
  bool operator==(const EncodeRun&) const = default;
};
EncodeRun run_encode(const detail::Kernels& k, const CdfTables& t, const Latent& l) {
  const std::size_t n = l.symbols.size();
  std::vector<std::byte> dst(detail::rans_bound(n, detail::kFastLanes) + 1);  // odd: unaligned words
  EncodeRun r{0, false, {}, std::vector<std::uint16_t>(detail::escape_words(n), 0xffff)};
  detail::Escapes esc{r.masks.data()};
  r.size = k.encode32(detail::view_of(t), l.symbols.data(), l.indexes.data(), n, dst.data(), dst.size(), esc);
  r.bad_index = esc.bad_index;
  if (r.size == 0) r.masks.clear();  // undefined after a stop
  r.bytes.assign(dst.end() - static_cast<std::ptrdiff_t>(r.size), dst.end());
  return r;
}

struct DecodeRun {
  errc status;
  std::vector<std::int32_t> out;  // values and flags only when ok
  std::vector<std::uint16_t> masks;
  bool operator==(const DecodeRun&) const = default;
};
DecodeRun run_decode(const detail::Kernels& k, const CdfTables& t, const std::vector<std::byte>& src, std::size_t size,
                     const std::vector<std::int32_t>& idx) {
  const std::size_t n = idx.size();
  DecodeRun r{errc::ok, std::vector<std::int32_t>(n), std::vector<std::uint16_t>(detail::escape_words(n), 0xffff)};
  detail::Escapes esc{r.masks.data()};
  r.status = k.decode32(detail::view_of(t), src.data(), size, idx.data(), n, r.out.data(), esc);
  if (r.status != errc::ok) r = {r.status, {}, {}};
  return r;
}

void check_kernel_edges(const CdfTables& t, const Latent& l, const detail::Kernels& k, const detail::Kernels& ref) {
  const std::size_t n = l.symbols.size();
  const EncodeRun enc = run_encode(ref, t, l);
  REQUIRE(enc.size > 0);
  CHECK(run_encode(k, t, l) == enc);
  const std::vector<std::byte>& s = enc.bytes;
  std::vector<std::byte> longer = s;
  longer.resize(s.size() + 2);
  CHECK(run_decode(k, t, longer, longer.size(), l.indexes) == run_decode(ref, t, longer, longer.size(), l.indexes));
  for (std::size_t size = 0; size <= s.size(); size += size + 40 < s.size() ? 17 : 1) {
    INFO("size " << size);
    CHECK(run_decode(k, t, s, size, l.indexes) == run_decode(ref, t, s, size, l.indexes));
  }
  for (std::size_t at = 0; at < s.size(); at += at + 40 < s.size() ? 7 : 1) {
    INFO("damaged byte " << at);
    std::vector<std::byte> bad = s;
    bad[at] ^= std::byte{0x24};
    CHECK(run_decode(k, t, bad, bad.size(), l.indexes) == run_decode(ref, t, bad, bad.size(), l.indexes));
  }
  const auto tables = static_cast<std::int32_t>(t.size());
  for (const std::size_t at : {std::size_t{0}, n / 2, n - 1}) {
    for (const std::int32_t bad : {kSkipIndex, tables, -1, INT32_MIN, INT32_MAX}) {
      INFO("index " << bad << " at " << at);
      Latent damaged = l;
      damaged.indexes[at] = bad;
      const EncodeRun stopped = run_encode(k, t, damaged);
      CHECK(stopped.size == 0);
      CHECK(stopped.bad_index);
      CHECK(run_decode(k, t, s, s.size(), damaged.indexes).status == errc::invalid_argument);
    }
  }
}

TEST_CASE("ECGL: every kernel ISA equals the scalar kernel on edge cases", "[gaussian][isa]") {
  // The dispatcher: the highest built kernel not above the ISA (AVX2 is distinct on x86-64).
  const detail::Kernels* scalar = detail::kernels_scalar();
  const detail::Kernels* avx2 = detail::kernels_avx2() != nullptr ? detail::kernels_avx2() : scalar;
  CHECK(&detail::kernels_for(Isa::scalar) == scalar);
  CHECK(&detail::kernels_for(Isa::sse2) == scalar);
  CHECK(&detail::kernels_for(Isa::avx2) == avx2);
  CHECK(&detail::kernels_for(Isa::avx512) == (detail::kernels_avx512() != nullptr ? detail::kernels_avx512() : avx2));
#if defined(__x86_64__)
  CHECK(avx2 != scalar);
#endif
  for (const auto& gc : kernel_table_sets()) {
    const CdfTables& t = gc.tables();
    INFO("tables " << t.size());
    for (const std::size_t n : {1u, 2u, 7u, 8u, 9u, 31u, 32u, 33u, 64u, 95u, 160u, 1000u, 4099u}) {
      INFO("n " << n);
      const Latent l = random_latent(t, n, n * 7 + t.size());
      for (const Isa isa : kAllIsas) {
        INFO("isa " << to_string(isa));
        if (!isa_supported(isa)) continue;
        const detail::Kernels& k = detail::kernels_for(isa);
        check_kernel_edges(t, l, k, *scalar);
        if (k.gathers != nullptr) check_kernel_edges(t, l, *k.gathers, *scalar);  // the hardware-gather variant
      }
    }
    // n = 0: the final states only.
    const Latent none = random_latent(t, 0, 1);
    for (const Isa isa : kAllIsas) {
      if (!isa_supported(isa)) continue;
      const EncodeRun enc = run_encode(detail::kernels_for(isa), t, none);
      CHECK(enc == run_encode(*scalar, t, none));
      CHECK(enc.size == 4 * detail::kFastLanes);
      CHECK(run_decode(detail::kernels_for(isa), t, enc.bytes, enc.size, none.indexes).status == errc::ok);
    }
  }
}

TEST_CASE("ECGL: escape-heavy latents", "[gaussian][ecgl]") {
  const auto& gc = GaussianConditional::builtin(ParamSet::compressai);
  const Latent l = make_latent(gc, 50000, 17, 0.2);
  for (const char* isa : {"scalar", static_cast<const char*>(nullptr)}) {
    set_isa(isa);
    auto enc = encode(gc.tables(), l.symbols, l.indexes, {2, 0, 32});
    REQUIRE(enc);
    auto dec = decode(gc.tables(), *enc, l.indexes);
    set_isa(nullptr);
    REQUIRE(dec);
    CHECK(*dec == l.symbols);
  }
}

TEST_CASE("ECGL: worst-case escapes fit encode_bound; exact-size and short buffers", "[gaussian][ecgl]") {
  const auto& gc = GaussianConditional::builtin(ParamSet::compressai);
  const std::size_t n = 5000;
  std::vector<std::int32_t> sym(n), idx(n);
  for (std::size_t i = 0; i < n; ++i) {
    sym[i] = (i % 2) ? INT32_MAX : INT32_MIN;  // 9 chunks each: the longest escapes
    idx[i] = static_cast<std::int32_t>(i % 64);
  }
  for (const unsigned K : {1u, 3u}) {
    const CodecOptions o{K, 0, 32};
    std::vector<std::byte> dst(encode_bound(n, o));
    auto size = encode(gc.tables(), sym, idx, dst, o);
    REQUIRE(size);
    dst.resize(*size);
    auto dec = decode(gc.tables(), dst, idx);
    REQUIRE(dec);
    CHECK(*dec == sym);
    // A buffer of exactly the stream's size works (through scratch memory); one byte less does not.
    std::vector<std::byte> exact(*size);
    auto again = encode(gc.tables(), sym, idx, exact, o);
    REQUIRE(again);
    CHECK(exact == dst);
    exact.pop_back();
    CHECK(encode(gc.tables(), sym, idx, exact, o).error() == errc::output_too_small);
  }
}

TEST_CASE("guide and slot-pair lookups equal a CDF search for every slot", "[gaussian][tables]") {
  // Built-in sets, and a table crowded with 1-wide bins at both ends (searched buckets).
  std::vector<std::int32_t> crowded{0};
  for (int i = 1; i <= 300; ++i) crowded.push_back(i);
  crowded.push_back(30000);
  for (int i = 299; i >= 0; --i) crowded.push_back(65536 - i - 1 == 30000 ? 30001 : 65536 - i - 1);
  crowded.back() = 65536;
  const auto crowded_len = std::vector<std::int32_t>{static_cast<std::int32_t>(crowded.size())};
  auto crowded_set = CdfTables::create(crowded, crowded.size(), crowded_len, std::vector<std::int32_t>{-300});
  REQUIRE(crowded_set);
  std::vector<const CdfTables*> sets{&GaussianConditional::builtin(ParamSet::compressai).tables(),
                                     &GaussianConditional::builtin(ParamSet::dcvc).tables(), &*crowded_set};
  for (const CdfTables* t : sets) {
    std::size_t searched = 0;
    std::size_t pair_searched = 0;
    for (std::size_t table = 0; table < t->size(); ++table) {
      const TableInfo& ti = t->info()[table];
      const auto cdf = t->cdf(table);
      CHECK(ti.guide_shift >= 4);
      CHECK(ti.guide_shift <= 12);
      for (std::uint32_t slot = 0; slot < 65536; ++slot) {
        const auto s = static_cast<std::uint32_t>(std::upper_bound(cdf.begin(), cdf.end(), slot) - cdf.begin() - 1);
        const GuideEntry g = t->guide_data()[ti.guide_base + (slot >> ti.guide_shift)];
        if (g.next == kGuideSearch) {
          ++searched;
          CHECK(g.bin <= s);
        }
        if (t->bin_at(table, slot) != s) FAIL("table " << table << " slot " << slot);
        // The pair: bin [start, split], bin + 1 [split + 1, last], else a search from bin + 2.
        const SlotPair p = t->pair_data()[ti.guide_base + (slot >> ti.guide_shift)];
        const std::uint32_t upper_end = p.bin + 2u < cdf.size() ? cdf[p.bin + 2u] : 65536u;
        if (p.start != cdf[p.bin] || p.split + 1u != cdf[p.bin + 1u] || p.last + 1u != upper_end)
          FAIL("pair of table " << table << " slot " << slot);
        if (slot > p.last) {
          ++pair_searched;
          if (s < p.bin + 2u) FAIL("pair search of table " << table << " slot " << slot);
        } else if (p.bin + (slot > p.split ? 1u : 0u) != s) {
          FAIL("pair bin of table " << table << " slot " << slot);
        }
      }
      const DecEntry& d = t->dec_data()[ti.base + ti.max_value];
      CHECK(d.escape == 1);
      CHECK(d.freq == t->freq(table, ti.max_value));
    }
    INFO("searched slots " << searched << ", by pairs " << pair_searched);
    CHECK(pair_searched <= searched);  // a pair covers its bucket's first two bins
    if (t != &*crowded_set) CHECK(searched * 100 < 65536 * t->size());  // < 1% of the built-in sets' slots
  }
}

TEST_CASE("decode windows: the three bins around the mode, each slot's bin as a CDF search", "[gaussian][tables]") {
  for (const ParamSet set : {ParamSet::compressai_f32, ParamSet::compressai, ParamSet::dcvc}) {
    const CdfTables& t = GaussianConditional::builtin(set).tables();
    REQUIRE(t.window_data().size() == t.size());
    std::size_t windows = 0;
    for (std::size_t table = 0; table < t.size(); ++table) {
      const DecodeWindow& w = t.window_data()[table];
      const auto cdf = t.cdf(table);
      if (w.width == 0) continue;
      ++windows;
      CHECK(w.width >= kWindowMinWidth);
      const auto a = static_cast<std::uint32_t>(w.value - t.offset(table));
      CHECK(a + 2 < t.max_value(table));  // never the escape bin
      for (std::uint32_t k = 0; k < 3; ++k) {
        CHECK(static_cast<std::uint32_t>(w.bin[k]) == t.freq(table, a + k));
        CHECK(w.bin[k] >> 32 == cdf[a + k]);
      }
      for (std::uint32_t slot = 0; slot < 65536; ++slot) {
        const auto s = static_cast<std::uint32_t>(std::upper_bound(cdf.begin(), cdf.end(), slot) - cdf.begin() - 1);
        const bool inside = slot - w.lo < w.width;
        if (inside != (s >= a && s <= a + 2)) FAIL("table " << table << " slot " << slot << " inside " << inside);
        if (inside && a + (slot >= w.first[0] ? 1u : 0u) + (slot >= w.first[1] ? 1u : 0u) != s)
          FAIL("table " << table << " slot " << slot);
      }
    }
    // The sharp tables (small scales) all have one: the fast path is exercised.
    CHECK(windows >= (set == ParamSet::dcvc ? 10u : 21u));
  }
}

TEST_CASE("ECGL: the same bytes for the same K on any thread count", "[gaussian][threads]") {
  const auto& gc = GaussianConditional::builtin(ParamSet::compressai);
  const Latent l = make_latent(gc, 30000, 3);
  for (const unsigned K : {2u, 4u, 5u}) {
    auto one = encode(gc.tables(), l.symbols, l.indexes, {K, 1, 0});
    REQUIRE(one);
    for (const unsigned threads : {0u, 2u, 4u, 8u}) {
      auto many = encode(gc.tables(), l.symbols, l.indexes, {K, threads, 0});
      REQUIRE(many);
      CHECK(*many == *one);
      auto dec = decode(gc.tables(), *one, l.indexes, threads);
      REQUIRE(dec);
      CHECK(*dec == l.symbols);
    }
  }
}

TEST_CASE("ECGL: compressed size within 0.5% of the ideal code length", "[gaussian][cost]") {
  for (const ParamSet set : {ParamSet::compressai, ParamSet::dcvc}) {
    const auto& gc = GaussianConditional::builtin(set);
    const Latent l = make_latent(gc, 400000, 21, 0.0);
    // Ideal: -log2 of the model probability; escapes add their 4-bit chunks and count.
    double ideal_bits = 0;
    for (std::size_t i = 0; i < l.symbols.size(); ++i) {
      const auto t = static_cast<std::size_t>(l.indexes[i]);
      const std::int64_t max = gc.tables().max_value(t);
      const std::int64_t v = std::int64_t{l.symbols[i]} - gc.tables().offset(t);
      const bool escape = v < 0 || v >= max;
      ideal_bits -= std::log2(gc.tables().freq(t, static_cast<std::size_t>(escape ? max : v)) / 65536.0);
      if (escape) {
        const std::uint64_t raw = static_cast<std::uint64_t>(v < 0 ? -2 * v - 1 : 2 * (v - max));
        unsigned chunks = 0;
        while ((raw >> (4 * chunks)) != 0) ++chunks;
        ideal_bits += 4.0 * (1 + chunks);
      }
    }
    for (const unsigned K : {1u, 2u}) {
      auto enc = encode(gc.tables(), l.symbols, l.indexes, {K, 0, 0});
      REQUIRE(enc);
      const double ratio = static_cast<double>(enc->size()) * 8 / ideal_bits;
      INFO("set " << static_cast<int>(set) << " K " << K << " bytes " << enc->size() << " ideal " << ideal_bits / 8);
      CHECK(ratio < 1.005);  // measured 1.0024..1.0034
    }
  }
}

TEST_CASE("ECGL: hostile inputs give errors, never crashes", "[gaussian][hostile]") {
  const auto& gc = GaussianConditional::builtin(ParamSet::compressai);
  const Latent l = make_latent(gc, 3000, 9, 0.02);
  auto enc = encode(gc.tables(), l.symbols, l.indexes, {2, 0, 0});
  REQUIRE(enc);
  const auto& s = *enc;
  std::vector<std::int32_t> out(l.indexes.size());
  // Every proper prefix is truncated (the header gives every size).
  for (std::size_t cut = 0; cut < s.size(); ++cut)
    CHECK(decode(gc.tables(), std::span(s).first(cut), l.indexes, out) == errc::truncated);
  // Trailing junk is corrupt.
  auto longer = s;
  longer.push_back(std::byte{0});
  CHECK(decode(gc.tables(), longer, l.indexes, out) == errc::corrupt);
  // Bit flips: an error or (rarely) other symbols, never a crash.
  std::mt19937 rng(1);
  int detected = 0;
  for (int k = 0; k < 300; ++k) {
    auto bad = s;
    bad[rng() % bad.size()] ^= static_cast<std::byte>(1u << (rng() % 8));
    const errc e = decode(gc.tables(), bad, l.indexes, out);
    detected += e != errc::ok;
  }
  CHECK(detected > 200);
  // Header fields.
  auto bad = s;
  bad[0] = std::byte{'X'};
  CHECK(decode(gc.tables(), bad, l.indexes, out) == errc::bad_header);
  bad = s;
  bad[4] = std::byte{2};
  CHECK(decode(gc.tables(), bad, l.indexes, out) == errc::unsupported_version);
  bad = s;
  bad[6] = std::byte{33};
  CHECK(decode(gc.tables(), bad, l.indexes, out) == errc::bad_header);
  // Other tables, other symbol counts, bad indexes.
  CHECK(decode(GaussianConditional::builtin(ParamSet::compressai_f32).tables(), s, l.indexes, out) ==
        errc::invalid_argument);
  auto fewer = l.indexes;
  fewer.pop_back();
  CHECK(decode(gc.tables(), s, fewer, std::span(out).first(fewer.size())) == errc::invalid_argument);
  auto bad_idx = l.indexes;
  bad_idx[5] = 64;
  CHECK(decode(gc.tables(), s, bad_idx, out) == errc::invalid_argument);
  CHECK(encode(gc.tables(), l.symbols, bad_idx).error() == errc::invalid_argument);
  bad_idx[5] = -2;
  CHECK(encode(gc.tables(), l.symbols, bad_idx).error() == errc::invalid_argument);
  CHECK(encode(gc.tables(), l.symbols, l.indexes, {0, 0, 0}).error() == errc::invalid_argument);
  CHECK(encode(gc.tables(), l.symbols, l.indexes, {256, 0, 0}).error() == errc::invalid_argument);
  std::vector<std::byte> tiny(10);
  CHECK(encode(gc.tables(), l.symbols, l.indexes, tiny).error() == errc::output_too_small);
}

TEST_CASE("Enc64Entry: the reciprocal step equals the division for every frequency", "[gaussian][compressai]") {
  __extension__ using U128 = unsigned __int128;
  std::mt19937_64 rng(9);
  for (std::uint32_t freq = 1; freq <= 65536; ++freq) {
    const std::uint32_t start = 65536 - freq;
    const Enc64Entry e = make_enc64_entry(start, freq);
    const std::uint64_t top = std::uint64_t{freq} << 47;  // x < top after renormalisation
    for (const std::uint64_t x : {std::uint64_t{1} << 31, top - 1, top / 2 + 1, std::uint64_t{1} << 31 | rng() % top}) {
      if (x >= top) continue;
      const auto q = static_cast<std::uint64_t>((U128{x} * e.rcp) >> 64) >> e.shift;
      const std::uint64_t want = ((x / freq) << 16) + x % freq + start;
      if (x + e.bias + q * e.cmpl != want) FAIL("freq " << freq << " x " << x);
    }
  }
}

TEST_CASE("CompressAI mode: hand-derived vectors", "[gaussian][compressai]") {
  const CdfTables t = small_tables();
  // One symbol 0 (bin 1: start 16384, freq 32768) from x = 2^31:
  //   x = (2^31 / 32768) << 16 + 0 + 16384 = 2^32 + 16384 -> words lo 0x4000, hi 1.
  auto a = compressai::encode_with_indexes(t, std::vector<std::int32_t>{0}, std::vector<std::int32_t>{0});
  REQUIRE(a);
  CHECK(*a == bytes({0x00, 0x40, 0, 0, 0x01, 0, 0, 0}));
  // Symbols {0, -1}: encode -1 (bin 0, freq 16384) first: x = 2^33; then 0: 2^34 + 16384.
  auto b = compressai::encode_with_indexes(t, std::vector<std::int32_t>{0, -1}, std::vector<std::int32_t>{0, 0});
  REQUIRE(b);
  CHECK(*b == bytes({0x00, 0x40, 0, 0, 0x04, 0, 0, 0}));
  // Escape: 5 -> v = 6 >= max 2, raw = 2 (6 - 2) = 8, one chunk. Encoder order:
  //   chunk 8: x = 2^31 << 4 | 8; count 1: x = 2^39 + 129;
  //   escape bin (start 49152, freq 16384): x = 2^25 << 16 + 129 + 49152 = 2^41 + 49281.
  auto c = compressai::encode_with_indexes(t, std::vector<std::int32_t>{5}, std::vector<std::int32_t>{0});
  REQUIRE(c);
  CHECK(*c == bytes({0x81, 0xc0, 0, 0, 0x00, 0x02, 0, 0}));
  // Zero symbols: just the flushed initial state (CompressAI asserts here).
  auto z = compressai::encode_with_indexes(t, std::vector<std::int32_t>{}, std::vector<std::int32_t>{});
  REQUIRE(z);
  CHECK(*z == bytes({0, 0, 0, 0x80, 0, 0, 0, 0}));
  for (const auto& [stream, syms] : {std::pair{*a, std::vector<std::int32_t>{0}},
                                     std::pair{*b, std::vector<std::int32_t>{0, -1}},
                                     std::pair{*c, std::vector<std::int32_t>{5}}}) {
    auto d = compressai::decode_with_indexes(t, stream, std::vector<std::int32_t>(syms.size(), 0));
    REQUIRE(d);
    CHECK(*d == syms);
  }
}

TEST_CASE("CompressAI mode: bytes equal the CompressAI-mirroring backend", "[gaussian][compressai]") {
  // The built-in sets, and 400 tables whose slot pairs (> 4 MB) exceed the decoder's
  // budget (5/8 of L2) on any usual CPU: both of its bin lookups (pairs, guide) run.
  const auto many = GaussianConditional::from_scale_table(log_scale_table(0.11, 256.0, 400)).value();
  CHECK(many.tables().pair_data().size() * sizeof(SlotPair) > (std::size_t{4} << 20));
  for (const GaussianConditional* set : {&GaussianConditional::builtin(ParamSet::compressai_f32),
                                         &GaussianConditional::builtin(ParamSet::compressai),
                                         &GaussianConditional::builtin(ParamSet::dcvc), &many}) {
    const auto& gc = *set;
    const auto mirror = mirror_tables(gc.tables());
    for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{100}, std::size_t{20000}}) {
      const Latent l = make_latent(gc, n, n + 100, 0.01);
      auto ours = compressai::encode_with_indexes(gc.tables(), l.symbols, l.indexes);
      REQUIRE(ours);
      const std::string theirs = compressai_mirror::encode(mirror, l.symbols, l.indexes);
      CHECK(*ours == to_bytes(theirs));
      auto dec = compressai::decode_with_indexes(gc.tables(), *ours, l.indexes);
      REQUIRE(dec);
      CHECK(*dec == l.symbols);
      CHECK(compressai_mirror::decode(mirror, theirs, l.indexes) == l.symbols);
    }
  }
}

TEST_CASE("CompressAI mode: sharp tables (window path) decode as the mirror, across refills and escapes",
          "[gaussian][compressai]") {
  const auto& gc = GaussianConditional::builtin(ParamSet::compressai_f32);
  const auto mirror = mirror_tables(gc.tables());
  std::mt19937_64 rng(21);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (const std::size_t n : {std::size_t{1}, std::size_t{3}, std::size_t{5000}, std::size_t{100000}}) {
    std::vector<std::int32_t> sym(n), idx(n);
    for (std::size_t i = 0; i < n; ++i) {
      idx[i] = static_cast<std::int32_t>(rng() % 21);
      sym[i] = static_cast<std::int32_t>(std::nearbyint(normal(rng) * gc.scale_table()[static_cast<std::size_t>(idx[i])]));
      if (rng() % 1000 == 0) sym[i] = static_cast<std::int32_t>(rng() % 2001) - 1000;  // escapes
    }
    const std::string theirs = compressai_mirror::encode(mirror, sym, idx);
    auto dec = compressai::decode_with_indexes(gc.tables(), to_bytes(theirs), idx);
    REQUIRE(dec);
    CHECK(*dec == sym);
  }
}

TEST_CASE("CompressAI mode: every window slot and its neighbours decode as the reference step", "[gaussian][compressai]") {
  // One rANS step by the format's definition (compressai_stream.hpp), on a crafted
  // state: the window path must give the same bin and the same next state (seen
  // through the second symbol) for boundary slots and, in three tables, every slot.
  struct Step {
    std::uint32_t bin;
    std::uint64_t x;
    std::size_t word;
  };
  auto step = [](std::span<const std::uint32_t> cdf, std::uint64_t x, std::span<const std::uint32_t> words, std::size_t p) {
    const auto slot = static_cast<std::uint32_t>(x & 0xffff);
    const auto s = static_cast<std::uint32_t>(std::upper_bound(cdf.begin(), cdf.end(), slot) - cdf.begin() - 1);
    x = (cdf[s + 1] - cdf[s]) * (x >> 16) + slot - cdf[s];
    if (x < compressai::kStateLow) x = x << 32 | words[p++];
    return Step{s, x, p};
  };
  std::mt19937_64 rng(5);
  std::size_t checked = 0;
  for (const ParamSet set : {ParamSet::compressai_f32, ParamSet::dcvc}) {
    const CdfTables& t = GaussianConditional::builtin(set).tables();
    for (std::size_t table = 0; table < t.size(); ++table) {
      const DecodeWindow& w = t.window_data()[table];
      if (w.width == 0) continue;
      std::vector<std::uint32_t> slots;
      if (table % 7 == 0) {
        for (std::uint32_t s = 0; s < 65536; ++s) slots.push_back(s);
      } else {
        for (const std::uint32_t b : {w.lo, w.first[0], w.first[1], w.lo + w.width})
          for (const std::uint32_t d : {0u, 1u, 2u}) slots.push_back((b - 1 + d) & 0xffff);
      }
      const auto cdf = t.cdf(table);
      const std::vector<std::int32_t> idx{static_cast<std::int32_t>(table), static_cast<std::int32_t>(table)};
      for (const std::uint32_t slot : slots) {
        std::vector<std::uint32_t> words{0, 0, static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng())};
        const std::uint64_t x = (std::uint64_t{1} << 31 | (rng() & ((std::uint64_t{1} << 62) - 1))) & ~std::uint64_t{0xffff} | slot;
        words[0] = static_cast<std::uint32_t>(x);
        words[1] = static_cast<std::uint32_t>(x >> 32);
        const Step a = step(cdf, x, words, 2);
        const Step b = step(cdf, a.x, words, a.word);
        if (a.bin == t.max_value(table)) continue;
        const std::size_t n = b.bin == t.max_value(table) ? 1 : 2;  // escapes need their own nibbles
        std::vector<std::byte> stream(words.size() * 4);
        std::memcpy(stream.data(), words.data(), stream.size());
        compressai::StreamDecoder d;
        REQUIRE(d.start(stream) == errc::ok);
        std::vector<std::int32_t> out(n);
        REQUIRE(d.decode(t, std::span(idx).first(n), out) == errc::ok);
        if (out[0] != t.offset(table) + static_cast<std::int32_t>(a.bin) ||
            (n == 2 && out[1] != t.offset(table) + static_cast<std::int32_t>(b.bin)))
          FAIL("table " << table << " slot " << slot << " x " << x);
        ++checked;
      }
    }
  }
  CHECK(checked > 3 * 65536);
}

TEST_CASE("CompressAI mode: a dst of exactly the stream's size suffices, a smaller one is refused",
          "[gaussian][compressai]") {
  // The encoder stores every step's word before deciding to keep it (branch-free
  // renormalisation); that must never ask for more room than the stream needs.
  for (const ParamSet set : {ParamSet::compressai, ParamSet::dcvc}) {
    const auto& gc = GaussianConditional::builtin(set);
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{3000}}) {
      const Latent l = make_latent(gc, n, n + 11, 0.02);
      const auto stream = compressai::encode_with_indexes(gc.tables(), l.symbols, l.indexes).value();
      std::vector<std::byte> exact(stream.size());
      const auto size = compressai::encode_with_indexes(gc.tables(), l.symbols, l.indexes, exact);
      REQUIRE(size);
      CHECK(*size == stream.size());
      CHECK(exact == stream);
      for (const std::size_t less : {std::size_t{1}, std::size_t{4}}) {
        std::vector<std::byte> small(stream.size() - less);
        CHECK(compressai::encode_with_indexes(gc.tables(), l.symbols, l.indexes, small).error() ==
              errc::output_too_small);
      }
    }
  }
}

TEST_CASE("CompressAI mode: segments (BufferedRansEncoder) and incremental decoding", "[gaussian][compressai]") {
  // Two segments on different table sets are the stream of their concatenation over
  // the union of the tables (the mirror codes that in one call).
  const auto& a = GaussianConditional::builtin(ParamSet::compressai);
  const auto& b = GaussianConditional::builtin(ParamSet::dcvc);
  const Latent la = make_latent(a, 3000, 5, 0.01);
  const Latent lb = make_latent(b, 2000, 6, 0.01);
  const compressai::Segment segs[] = {{&a.tables(), la.symbols, la.indexes}, {&b.tables(), lb.symbols, lb.indexes}};
  auto stream = compressai::encode_segments(segs);
  REQUIRE(stream);
  compressai_mirror::Tables both = mirror_tables(a.tables());
  const compressai_mirror::Tables mb = mirror_tables(b.tables());
  both.cdfs.insert(both.cdfs.end(), mb.cdfs.begin(), mb.cdfs.end());
  both.cdf_sizes.insert(both.cdf_sizes.end(), mb.cdf_sizes.begin(), mb.cdf_sizes.end());
  both.offsets.insert(both.offsets.end(), mb.offsets.begin(), mb.offsets.end());
  std::vector<std::int32_t> symbols = la.symbols, indexes = la.indexes;
  symbols.insert(symbols.end(), lb.symbols.begin(), lb.symbols.end());
  for (const std::int32_t i : lb.indexes) indexes.push_back(i + static_cast<std::int32_t>(a.tables().size()));
  CHECK(*stream == to_bytes(compressai_mirror::encode(both, symbols, indexes)));
  // The span overload writes the same bytes to the front of dst.
  std::vector<std::byte> dst(compressai::encode_bound(symbols.size()));
  auto size = compressai::encode_segments(segs, dst);
  REQUIRE(size);
  CHECK(std::vector<std::byte>(dst.begin(), dst.begin() + static_cast<std::ptrdiff_t>(*size)) == *stream);
  // Incremental decoding in three calls (the first segment split in two).
  compressai::StreamDecoder d;
  CHECK(d.finish() == errc::invalid_argument);  // not started
  REQUIRE(d.start(*stream) == errc::ok);
  std::vector<std::int32_t> out(symbols.size());
  const std::span<const std::int32_t> ia(la.indexes);
  REQUIRE(d.decode(a.tables(), ia.first(1000), std::span(out).first(1000)) == errc::ok);
  CHECK(d.finish() == errc::corrupt);  // not at the end yet
  REQUIRE(d.decode(a.tables(), ia.subspan(1000), std::span(out).subspan(1000, 2000)) == errc::ok);
  REQUIRE(d.decode(b.tables(), lb.indexes, std::span(out).subspan(3000)) == errc::ok);
  CHECK(out == symbols);
  CHECK(d.finish() == errc::ok);
  // Reading past the end is truncated, and the error sticks.
  std::vector<std::int32_t> more(50);
  CHECK(d.decode(a.tables(), std::span(la.indexes).first(50), more) == errc::truncated);
  CHECK(d.decode(a.tables(), std::span(la.indexes).first(1), std::span(more).first(1)) == errc::truncated);
  CHECK(d.finish() == errc::truncated);
  CHECK(d.start(std::span(*stream).first(6)) == errc::truncated);
  // A segment without tables or with mismatched sizes is refused.
  const compressai::Segment bad[] = {{nullptr, la.symbols, la.indexes}};
  CHECK(compressai::encode_segments(bad).error() == errc::invalid_argument);
  const compressai::Segment uneven[] = {{&a.tables(), la.symbols, lb.indexes}};
  CHECK(compressai::encode_segments(uneven).error() == errc::invalid_argument);
}

TEST_CASE("shared immutable tables: 8 threads code with the same CdfTables objects", "[gaussian][compressai][threads]") {
  // What the Python objects do with their shared tables (python/entcode/_entcode.cpp);
  // run under TSan/ASan in CI (suite 'threads'). Every result must equal the one-thread one.
  const auto& a = GaussianConditional::builtin(ParamSet::compressai);
  const CdfTables own = CdfTables::create(a.tables().padded_cdfs(), a.tables().max_cdf_length(),
                                          a.tables().cdf_lengths(), a.tables().offsets()).value();
  const CdfTables* sets[] = {&own, &GaussianConditional::builtin(ParamSet::dcvc).tables()};
  struct Job {
    Latent l;
    const CdfTables* t;
    std::vector<std::byte> cai, ecgl;
  };
  std::vector<Job> jobs;
  for (std::uint64_t k = 0; k < 8; ++k) {
    const CdfTables* t = sets[k % 2];
    Latent l = make_latent(k % 2 ? GaussianConditional::builtin(ParamSet::dcvc) : a, 5000 + 300 * k, 40 + k, 0.01);
    auto cai = compressai::encode_with_indexes(*t, l.symbols, l.indexes).value();
    auto ecgl = encode(*t, l.symbols, l.indexes, {2, 1, 0}).value();
    jobs.push_back({std::move(l), t, std::move(cai), std::move(ecgl)});
  }
  std::vector<int> bad(jobs.size(), 0);
  {
    std::vector<std::jthread> pool;
    for (std::size_t k = 0; k < jobs.size(); ++k)
      pool.emplace_back([&, k] {
        const Job& j = jobs[k];
        for (int rep = 0; rep < 5; ++rep) {
          bad[k] += compressai::encode_with_indexes(*j.t, j.l.symbols, j.l.indexes).value() != j.cai;
          bad[k] += compressai::decode_with_indexes(*j.t, j.cai, j.l.indexes).value() != j.l.symbols;
          bad[k] += encode(*j.t, j.l.symbols, j.l.indexes, {2, 1, 0}).value() != j.ecgl;
          bad[k] += decode(*j.t, j.ecgl, j.l.indexes, 1).value() != j.l.symbols;
        }
      });
  }
  CHECK(bad == std::vector<int>(jobs.size(), 0));
}

TEST_CASE("CompressAI mode: hostile inputs", "[gaussian][compressai][hostile]") {
  const auto& gc = GaussianConditional::builtin(ParamSet::compressai);
  const Latent l = make_latent(gc, 2000, 77, 0.02);
  auto s = compressai::encode_with_indexes(gc.tables(), l.symbols, l.indexes);
  REQUIRE(s);
  std::vector<std::int32_t> out(l.indexes.size());
  for (std::size_t cut = 0; cut < s->size(); cut += 4)
    CHECK(compressai::decode_with_indexes(gc.tables(), std::span(*s).first(cut), l.indexes, out) == errc::truncated);
  CHECK(compressai::decode_with_indexes(gc.tables(), std::span(*s).first(s->size() - 1), l.indexes, out) ==
        errc::truncated);
  auto longer = *s;
  longer.insert(longer.end(), 4, std::byte{0});
  CHECK(compressai::decode_with_indexes(gc.tables(), longer, l.indexes, out) == errc::corrupt);
  std::mt19937 rng(2);
  int detected = 0;
  for (int k = 0; k < 200; ++k) {
    auto bad = *s;
    bad[rng() % bad.size()] ^= static_cast<std::byte>(1u << (rng() % 8));
    detected += compressai::decode_with_indexes(gc.tables(), bad, l.indexes, out) != errc::ok;
  }
  CHECK(detected > 150);
  auto bad_idx = l.indexes;
  bad_idx[0] = 99;
  CHECK(compressai::decode_with_indexes(gc.tables(), *s, bad_idx, out) == errc::invalid_argument);
  CHECK(compressai::encode_with_indexes(gc.tables(), l.symbols, bad_idx).error() == errc::invalid_argument);
  // The coders check each index as they code it (no pass of their own).
  const auto tables = static_cast<std::int32_t>(gc.tables().size());
  for (const std::size_t at : {std::size_t{1000}, l.indexes.size() - 1})
    for (const std::int32_t v : {tables, -1, INT32_MIN, INT32_MAX}) {
      auto late = l.indexes;
      late[at] = v;
      CHECK(compressai::decode_with_indexes(gc.tables(), *s, late, out) == errc::invalid_argument);
      CHECK(compressai::encode_with_indexes(gc.tables(), l.symbols, late).error() == errc::invalid_argument);
      compressai::StreamDecoder d;  // the incremental decoder refuses before decoding anything
      REQUIRE(d.start(*s) == errc::ok);
      CHECK(d.decode(gc.tables(), late, out) == errc::invalid_argument);
      CHECK(d.decode(gc.tables(), l.indexes, out) == errc::ok);
      CHECK(d.finish() == errc::ok);
      CHECK(out == l.symbols);
    }
}

TEST_CASE("stream front-end over the common interface (rANS backend)", "[gaussian][stream]") {
  const auto& gc = GaussianConditional::builtin(ParamSet::compressai);
  const Latent l = make_latent(gc, 3000, 4, 0.01);
  auto models = make_stream_models<rans::SymbolModel>(gc.tables());
  REQUIRE(models);
  rans::StreamEncoder enc;
  REQUIRE(encode_latents(enc, std::span<const rans::SymbolModel>(*models), gc.tables(), l.symbols, l.indexes) ==
          errc::ok);
  auto bytes_out = enc.finish();
  REQUIRE(bytes_out);
  rans::StreamDecoder dec(*bytes_out);
  std::vector<std::int32_t> out(l.indexes.size());
  REQUIRE(decode_latents(dec, std::span<const rans::SymbolModel>(*models), gc.tables(), l.indexes, out) == errc::ok);
  CHECK(out == l.symbols);
  // The bulk path costs about the same.
  auto bulk = encode(gc.tables(), l.symbols, l.indexes);
  REQUIRE(bulk);
  CHECK(static_cast<double>(bulk->size()) < 1.02 * static_cast<double>(bytes_out->size()) + 4 * 32 + 16);
}
