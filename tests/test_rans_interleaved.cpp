// test_rans_interleaved.cpp — ISA detection, and every SIMD kernel of the interleaved byte
// coder, for every lane count (64 = kByteCoderLanes, the public functions', 32, 16: the byte
// codec's smaller blocks), against the scalar reference of rans/reference_coder.hpp:
// byte-identical streams, identical decoded output, cross-decoding, truncation and corruption.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "entcode/isa.hpp"
#include "entcode/rans/interleaved.hpp"
#include "entcode/rans/reference.hpp"
#include "rans/kernels.hpp"
#include "rans/reference_coder.hpp"
#include "simd/dispatch.hpp"

using namespace entcode;
using namespace entcode::rans;
using namespace entcode::rans::reference;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes geometric(std::size_t n, double p, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::geometric_distribution<int> dist(p);
  Bytes v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(std::min(dist(rng), 255));
  return v;
}

// Text-like bytes with order-1 structure (a small Markov chain).
Bytes markov(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes v(n);
  std::uint8_t prev = 'a';
  for (auto& b : v) {
    const unsigned r = rng() % 16;
    b = static_cast<std::uint8_t>(r < 10 ? 'a' + (prev * 7 + r) % 26 : r < 14 ? ' ' : rng() % 256);
    prev = b;
  }
  return v;
}

// Frequencies at `precision` for the given counts (p >= 10 by the library,
// below by scaling a p = 10 model down keeping every present symbol >= 1).
std::vector<std::uint32_t> freqs_for(const std::vector<std::uint64_t>& counts, unsigned precision) {
  auto f = normalize_frequencies(counts, std::max(precision, 10u));
  REQUIRE(f.ok());
  std::vector<std::uint32_t> out = *f;
  if (precision >= 10) return out;
  // Coarse: give every present symbol 1 then the rest to the most frequent.
  std::fill(out.begin(), out.end(), 0);
  std::size_t best = 0, present = 0;
  for (std::size_t s = 0; s < counts.size(); ++s) {
    if (counts[s] == 0) continue;
    out[s] = 1;
    ++present;
    if (counts[s] > counts[best]) best = s;
  }
  REQUIRE(present <= (1u << precision));
  out[best] += (1u << precision) - static_cast<std::uint32_t>(present);
  return out;
}

ByteTables order0_tables(const Bytes& data, unsigned precision) {
  std::vector<std::uint64_t> counts(256, 0);
  for (auto b : data) ++counts[b];
  if (data.empty()) counts[0] = 1;
  const auto t = ByteTables::build(freqs_for(counts, precision), 1, precision);
  REQUIRE(t.ok());
  return *t;
}

// Reference order-1 mapping, written independently of the library (interleaved.hpp).
struct O1Ref {
  std::size_t n, lanes;
  std::size_t m = n / lanes;
  std::size_t index(std::size_t i) const { return i < lanes * m ? (i % lanes) * m + i / lanes : i; }
  int context(const Bytes& d, std::size_t i) const {
    if (i < lanes * m) return i / lanes == 0 ? 0 : d[(i % lanes) * m + i / lanes - 1];
    return i == 0 ? 0 : d[i - 1];
  }
};

ByteTables order1_tables(const Bytes& data, unsigned precision, unsigned lanes = kByteCoderLanes) {
  const O1Ref ref{data.size(), lanes};
  std::vector<std::uint64_t> counts(256 * 256, 0);
  for (std::size_t i = 0; i < data.size(); ++i) ++counts[static_cast<std::size_t>(ref.context(data, i)) * 256 + data[ref.index(i)]];
  std::vector<std::uint32_t> freqs(256 * 256, 0);
  for (unsigned c = 0; c < 256; ++c) {
    std::vector<std::uint64_t> cc(counts.begin() + c * 256, counts.begin() + (c + 1) * 256);
    bool any = false;
    for (auto v : cc) any = any || v != 0;
    if (!any) continue;
    const auto f = freqs_for(cc, precision);
    std::copy(f.begin(), f.end(), freqs.begin() + c * 256);
  }
  const auto t = ByteTables::build(freqs, 256, precision);
  REQUIRE(t.ok());
  return *t;
}

std::vector<std::byte> reference_order1(const Bytes& data, const ByteTables& t, unsigned lanes) {
  std::vector<SymbolModel> models;
  for (unsigned c = 0; c < 256; ++c) {
    std::vector<std::uint32_t> f(256);
    std::uint32_t sum = 0;
    for (unsigned s = 0; s < 256; ++s) sum += (f[s] = t.freq(c, s));
    if (sum == 0) f[0] = 1u << t.precision();
    auto m = SymbolModel::from_frequencies(f, t.precision());
    REQUIRE(m.ok());
    models.push_back(std::move(*m));
  }
  const O1Ref ref{data.size(), lanes};
  std::vector<std::byte> dst(interleaved_bound(data.size(), lanes));
  const auto size = interleaved_encode(
      data.size(), lanes,
      [&](std::size_t i) -> const EncSymbol& {
        return models[static_cast<std::size_t>(ref.context(data, i))].enc(data[ref.index(i)]);
      },
      dst);
  REQUIRE(size.ok());
  dst.resize(*size);
  return dst;
}

std::vector<Isa> machine_isas() {
  std::vector<Isa> v;
  for (Isa isa : kAllIsas) {
    if (isa_supported(isa)) v.push_back(isa);
    else WARN("ISA " << to_string(isa) << " not supported by this CPU: skipped");
  }
  return v;
}

const std::size_t kSizes[] = {0, 1, 31, 32, 33, 63, 64, 65, 95, 96, 97, 100, 127, 128, 129, 130, 191, 192, 193, 200, 260, 1000, 4099, 65536 + 7, 200000};

}  // namespace

TEST_CASE("isa: names, detection and ENTCODE_ISA override", "[isa]") {
  for (Isa isa : kAllIsas) REQUIRE(parse_isa(to_string(isa)) == isa);
  REQUIRE_FALSE(parse_isa("AVX2").has_value());
  REQUIRE(isa_supported(Isa::scalar));
  REQUIRE(isa_supported(best_isa()));
  for (Isa isa : kAllIsas)
    if (static_cast<int>(isa) <= static_cast<int>(best_isa())) REQUIRE(isa_supported(isa));

  ::unsetenv("ENTCODE_ISA");
  REQUIRE(*selected_isa() == best_isa());
  ::setenv("ENTCODE_ISA", "scalar", 1);
  REQUIRE(*selected_isa() == Isa::scalar);
  ::setenv("ENTCODE_ISA", "neon", 1);
  REQUIRE(selected_isa().error() == errc::invalid_argument);
  for (Isa isa : kAllIsas) {
    ::setenv("ENTCODE_ISA", to_string(isa), 1);
    REQUIRE(selected_isa().error() == (isa_supported(isa) ? errc::ok : errc::unsupported_isa));
  }
  ::unsetenv("ENTCODE_ISA");

  REQUIRE(kernel_isa(Isa::scalar) == Isa::scalar);
  REQUIRE(kernel_isa(best_isa()) == best_isa());
}

namespace dispatch_fakes {
const int kTables[4] = {0, 1, 2, 3};
const int* level0() noexcept { return &kTables[0]; }
const int* level1() noexcept { return &kTables[1]; }
const int* level2() noexcept { return &kTables[2]; }
const int* level3() noexcept { return &kTables[3]; }
const int* not_built() noexcept { return nullptr; }
}  // namespace dispatch_fakes

TEST_CASE("simd dispatch: the highest level <= the request that is listed, built and run by this CPU", "[isa]") {
  using namespace dispatch_fakes;
  const simd::KernelGetter<int> all[4] = {&level0, &level1, &level2, &level3};
  const simd::KernelGetter<int> gaps[4] = {nullptr, &not_built, &level2, nullptr};
  for (const Isa isa : kAllIsas) {
    Isa expect = Isa::scalar;  // the highest supported level <= isa
    for (const Isa l : kAllIsas)
      if (static_cast<int>(l) <= static_cast<int>(isa) && isa_supported(l)) expect = l;
    CHECK(simd::kernel_level(isa, all) == expect);
    CHECK(*simd::select(isa, all) == static_cast<int>(expect));
    // Unlisted (nullptr) and unbuilt (getter returns nullptr) levels are skipped;
    // a family without a scalar getter gets nullptr (its own scalar code runs).
    const bool avx2 = static_cast<int>(expect) >= static_cast<int>(Isa::avx2);
    CHECK(simd::kernel_level(isa, gaps) == (avx2 ? Isa::avx2 : Isa::scalar));
    CHECK(simd::select(isa, gaps) == (avx2 ? &kTables[2] : nullptr));
  }
  ::unsetenv("ENTCODE_ISA");
  CHECK(*simd::resolve(std::nullopt) == best_isa());
  CHECK(*simd::resolve(Isa::scalar) == Isa::scalar);
  for (const Isa isa : kAllIsas)
    CHECK(simd::resolve(isa).error() == (isa_supported(isa) ? errc::ok : errc::unsupported_isa));
}

// The stream of `lanes` lanes through the public functions (64 lanes) or the
// byte codec's entries (rans/kernels.hpp), unseeded.
Result<std::size_t> encode_lanes(unsigned order, const Bytes& data, const ByteTables& t, std::vector<std::byte>& dst,
                                 Isa isa, unsigned lanes) {
  if (lanes == kByteCoderLanes) return order == 0 ? encode_order0(data, t, dst, isa) : encode_order1(data, t, dst, isa);
  return order == 0 ? detail::encode_order0_unchecked(data, t, dst, isa, {}, lanes)
                    : detail::encode_order1_unchecked(data, t, dst, isa, {}, lanes);
}
errc decode_lanes(unsigned order, const std::vector<std::byte>& src, const ByteTables& t, Bytes& out, Isa isa,
                  unsigned lanes) {
  if (lanes == kByteCoderLanes) return order == 0 ? decode_order0(src, t, out, isa) : decode_order1(src, t, out, isa);
  return (order == 0 ? detail::decode_order0(src, t, out, isa, {}, lanes) : detail::decode_order1(src, t, out, isa, {}, lanes)).error();
}

// Decoders look slots up as `lookup` while alive (rans/kernels.hpp), then as timed.
struct ForcedSlotLookup {
  explicit ForcedSlotLookup(detail::SlotLookup lookup) { detail::set_slot_lookup(lookup); }
  ~ForcedSlotLookup() { detail::set_slot_lookup(std::nullopt); }
  ForcedSlotLookup(const ForcedSlotLookup&) = delete;
  ForcedSlotLookup& operator=(const ForcedSlotLookup&) = delete;
};
constexpr detail::SlotLookup kSlotLookups[] = {detail::SlotLookup::latency, detail::SlotLookup::gathers};

// With both slot lookups, every ISA's stream == want, and every ISA decodes want to data.
void check_isas(unsigned order, const Bytes& data, const ByteTables& t, const std::vector<std::byte>& want,
                unsigned lanes) {
  for (const auto lookup : kSlotLookups) {
    const ForcedSlotLookup forced(lookup);
    for (Isa isa : machine_isas()) {
      CAPTURE(to_string(isa), static_cast<int>(lookup));
      std::vector<std::byte> got(encoded_bound(data.size()));
      const auto size = encode_lanes(order, data, t, got, isa, lanes);
      REQUIRE(size.ok());
      got.resize(*size);
      REQUIRE(got == want);
      Bytes out(data.size(), 0xAA);
      REQUIRE(decode_lanes(order, want, t, out, isa, lanes) == errc::ok);
      REQUIRE(out == data);
    }
  }
}

// The reference stream of order-0 data under t, on `lanes` lanes.
std::vector<std::byte> reference_order0(const Bytes& data, const ByteTables& t, unsigned lanes) {
  std::vector<std::uint32_t> f(256);
  for (unsigned sym = 0; sym < 256; ++sym) f[sym] = t.freq(0, sym);
  auto model = SymbolModel::from_frequencies(f, t.precision());
  REQUIRE(model.ok());
  std::vector<std::byte> want(encoded_bound(data.size()));
  const auto want_size = encode_bytes(data, *model, lanes, want);
  REQUIRE(want_size.ok());
  want.resize(*want_size);
  return want;
}

TEST_CASE("order 0: every ISA writes the reference stream of every lane count and decodes it", "[interleaved]") {
  for (unsigned precision : {12u, 10u, 4u}) {
    for (std::size_t n : kSizes) {
      for (int kind = 0; kind < 3; ++kind) {
        Bytes data = kind == 0 ? geometric(n, 0.16, static_cast<std::uint32_t>(n))
                   : kind == 1 ? markov(n, 3)
                               : Bytes(n, 7);  // single symbol: freq = M
        if (precision == 4)
          for (auto& b : data) b &= 7;  // at most 8 symbols in 16 slots
        const ByteTables t = order0_tables(data, precision);
        for (const unsigned lanes : detail::kLaneCounts) {
          CAPTURE(precision, n, kind, lanes);
          check_isas(0, data, t, reference_order0(data, t, lanes), lanes);
        }
      }
    }
  }
}

// Models of 1 .. kMaxFewSymbols + 1 symbols take the few-symbol kernels
// (register compares, kernels.hpp FewSymbols) where the ISA has them, at
// every kFewSizes boundary; symbols spread over the byte range (0 and 255
// included), skewed so that some get a single slot.
TEST_CASE("order 0: models of few symbols decode the reference stream on every ISA", "[interleaved]") {
  std::mt19937 rng(17);
  for (unsigned size = 1; size <= detail::kMaxFewSymbols + 1; ++size) {
    Bytes alphabet;
    for (unsigned i = 0; i < size; ++i) alphabet.push_back(static_cast<std::uint8_t>(i * 255 / std::max(size - 1, 1u)));
    for (unsigned precision : {12u, 9u}) {
      Bytes data(4099 + 64 * 300);
      std::geometric_distribution<unsigned> pick(0.45);
      for (auto& b : data) b = alphabet[std::min<unsigned>(pick(rng), size - 1)];
      data[data.size() / 2] = alphabet.back();  // every symbol present
      const ByteTables t = order0_tables(data, precision);
      for (const unsigned lanes : detail::kLaneCounts) {
        CAPTURE(size, precision, lanes);
        check_isas(0, data, t, reference_order0(data, t, lanes), lanes);
      }
    }
  }
}

// Models whose symbols lie in a window of kEncWindow bytes take the window
// encoder (entries by register permutes, kernels.hpp EncWindow) where the ISA
// has it: windows at both ends of the byte range and inside, exactly
// kEncWindow wide (both edges present), narrower, and one wider (loads).
TEST_CASE("order 0: models in a window of symbols encode the reference stream on every ISA", "[interleaved]") {
  std::mt19937 rng(23);
  for (const auto& [lo, width] : {std::pair{0u, detail::kEncWindow}, std::pair{33u, detail::kEncWindow}, std::pair{65u, 20u},
                                 std::pair{192u, detail::kEncWindow}, std::pair{100u, 33u}, std::pair{40u, detail::kEncWindow + 1}}) {
    Bytes data(4099 + 64 * 300);
    std::geometric_distribution<unsigned> pick(0.2);
    for (auto& b : data) b = static_cast<std::uint8_t>(lo + std::min(pick(rng), width - 1));
    data[7] = static_cast<std::uint8_t>(lo);
    data[data.size() / 2] = static_cast<std::uint8_t>(lo + width - 1);
    for (unsigned i = 0; i < width; i += 3) data[100 + i] = static_cast<std::uint8_t>(lo + i);
    const ByteTables t = order0_tables(data, 12);
    for (const unsigned lanes : detail::kLaneCounts) {
      CAPTURE(lo, width, lanes);
      check_isas(0, data, t, reference_order0(data, t, lanes), lanes);
    }
  }
}

TEST_CASE("order 1: every ISA writes the reference stream of every lane count and decodes it", "[interleaved]") {
  for (unsigned precision : {12u, 10u}) {
    for (std::size_t n : kSizes) {
      for (int kind = 0; kind < 2; ++kind) {
        const Bytes data = kind == 0 ? markov(n, static_cast<std::uint32_t>(n)) : geometric(n, 0.3, 9);
        for (const unsigned lanes : detail::kLaneCounts) {
          CAPTURE(precision, n, kind, lanes);
          const ByteTables t = order1_tables(data, precision, lanes);
          check_isas(1, data, t, reference_order1(data, t, lanes), lanes);
        }
      }
    }
  }
}

TEST_CASE("encoders report a short destination and uncodable bytes", "[interleaved]") {
  const Bytes data = geometric(5000, 0.16, 1);
  const ByteTables t = order0_tables(data, 12);
  std::vector<std::byte> full(encoded_bound(data.size()));
  const std::size_t size = *encode_order0(data, t, full, Isa::scalar);
  for (Isa isa : machine_isas()) {
    for (std::size_t cap : {std::size_t{0}, std::size_t{100}, size / 2, size - 1}) {
      std::vector<std::byte> dst(cap);
      REQUIRE(encode_order0(data, t, dst, isa).error() == errc::output_too_small);
    }
    std::vector<std::byte> exact(size);
    REQUIRE(encode_order0(data, t, exact, isa).ok());
    Bytes other = data;
    other[10] = 255;  // absent from the model
    if (t.freq(0, 255) == 0) REQUIRE(encode_order0(other, t, full, isa).error() == errc::invalid_argument);
  }
  const ByteTables t1 = order1_tables(data, 12);
  REQUIRE(encode_order1(data, t, full, Isa::scalar).error() == errc::invalid_argument);  // wrong table kind
  Bytes small(10);
  REQUIRE(decode_order0(full, t1, small, Isa::scalar) == errc::invalid_argument);
}

// Under both slot lookups; order 0 with many symbols and with five (the few-symbol decoder).
TEST_CASE("decoders: truncated streams are `truncated`, damaged ones never crash", "[interleaved]") {
  Bytes bases = geometric(3000, 0.5, 7);
  for (auto& b : bases) b = "ACGTN"[std::min<unsigned>(b, 4)];
  const Bytes data1 = markov(3000, 6);
  const ByteTables t1 = order1_tables(data1, 12);
  std::vector<std::byte> s1(encoded_bound(3000));
  s1.resize(*encode_order1(data1, t1, s1, Isa::scalar));
  std::mt19937 rng(11);
  for (const Bytes& data0 : {geometric(3000, 0.16, 5), bases}) {
    const ByteTables t0 = order0_tables(data0, 12);
    std::vector<std::byte> s0(encoded_bound(3000));
    s0.resize(*encode_order0(data0, t0, s0, Isa::scalar));
    for (const auto lookup : kSlotLookups) {
      const ForcedSlotLookup forced(lookup);
      for (Isa isa : machine_isas()) {
        CAPTURE(to_string(isa), static_cast<int>(lookup), data0[0]);
        Bytes out(3000);
        for (std::size_t cut = 0; cut < s0.size(); cut += 1 + cut / 8) {
          CAPTURE(cut);
          const std::span<const std::byte> p0(s0.data(), cut), p1(s1.data(), std::min(cut, s1.size() - 1));
          REQUIRE(decode_order0(p0, t0, out, isa) == errc::truncated);
          REQUIRE(decode_order1(p1, t1, out, isa) == errc::truncated);
        }
        // Trailing junk and low initial states are corrupt.
        auto longer = s0;
        longer.push_back(std::byte{0});
        longer.push_back(std::byte{0});
        REQUIRE(decode_order0(longer, t0, out, isa) == errc::corrupt);
        auto low = s0;
        low[3] = low[2] = std::byte{0};
        REQUIRE(decode_order0(low, t0, out, isa) == errc::corrupt);
        // Bit flips: any outcome but a crash; the same outcome on every ISA.
        for (int trial = 0; trial < 200; ++trial) {
          auto bad0 = s0, bad1 = s1;
          bad0[rng() % bad0.size()] ^= std::byte{static_cast<std::uint8_t>(1u << (rng() % 8))};
          bad1[rng() % bad1.size()] ^= std::byte{static_cast<std::uint8_t>(1u << (rng() % 8))};
          Bytes ref_out(3000), got_out(3000);
          REQUIRE(decode_order0(bad0, t0, got_out, isa) == decode_order0(bad0, t0, ref_out, Isa::scalar));
          REQUIRE(decode_order1(bad1, t1, got_out, isa) == decode_order1(bad1, t1, ref_out, Isa::scalar));
        }
      }
    }
  }
}

TEST_CASE("ByteTables::assign reuses an object: same tables as build(), failures leave it unusable", "[interleaved]") {
  const Bytes text = [] {
    Bytes v;
    for (int i = 0; v.size() < 30000; ++i)
      for (char ch : std::to_string(i * 7919 % 1000) + " words of text\n") v.push_back(static_cast<std::uint8_t>(ch));
    return v;
  }();
  const ByteTables o1 = order1_tables(text, 10), o0 = order0_tables(text, 12);
  ByteTables t = o1;  // 256-context tables (both directions) reused for a 1-context decoder
  std::vector<std::uint32_t> f0(256);
  for (unsigned s = 0; s < 256; ++s) f0[s] = o0.freq(0, s);
  REQUIRE(t.assign(f0, 1, 12, ByteTables::Use::decode) == errc::ok);
  REQUIRE(!t.can_encode());
  REQUIRE(std::equal(t.slots(), t.slots() + 4096, o0.slots()));
  std::vector<std::byte> enc(encoded_bound(text.size()));
  enc.resize(*encode_order0(text, o0, enc, Isa::scalar));
  Bytes back(text.size());
  REQUIRE(decode_order0(enc, t, back, Isa::scalar) == errc::ok);
  REQUIRE(back == text);
  f0[0] += 1;  // no longer sums to 2^12
  REQUIRE(t.assign(f0, 1, 12) == errc::invalid_argument);
  REQUIRE(!t.can_encode());
  REQUIRE(!t.can_decode());
  // Frequencies whose 32-bit sum wraps around to exactly 2^12 (each far above it).
  std::vector<std::uint32_t> wrap(256, 0);
  wrap[0] = std::uint32_t{1} << 31;
  wrap[1] = (std::uint32_t{1} << 31) + 4096;
  REQUIRE(t.assign(wrap, 1, 12) == errc::invalid_argument);
  REQUIRE(!t.can_decode());
}

// Symbols first + (0 .. k-1) in contexts of the same symbols and 0, at 10 bits:
// k = 26 takes the listed alphabet, k = 200 the masked whole rows.
TEST_CASE("ByteTables::assign with a support: only its rows and columns are read", "[interleaved]") {
  for (const auto& alphabet : {std::pair{unsigned{'a'}, 26u}, std::pair{40u, 200u}}) {
    const unsigned first = alphabet.first, k = alphabet.second;
    CAPTURE(k);
    const unsigned last = first + k - 1, outside = 255;  // outside: neither a context nor a symbol
    const Bytes data = [&] {
      Bytes v;
      std::mt19937 rng(9);
      for (std::size_t i = 0; i < 40000; ++i) v.push_back(static_cast<std::uint8_t>(first + (rng() % k + i % 3) % k));
      return v;
    }();
    const ByteTables full = order1_tables(data, 10);
    std::vector<std::uint32_t> freqs(256 * 256);
    ByteTables::Support support;
    for (unsigned c = 0; c < 256; ++c)
      for (unsigned s = 0; s < 256; ++s)
        if ((freqs[c * 256 + s] = full.freq(c, s)) != 0) support.contexts[c] = support.symbols[s] = true;
    REQUIRE(std::count(support.contexts.begin(), support.contexts.end(), true) == k + 1);
    REQUIRE(std::count(support.symbols.begin(), support.symbols.end(), true) == k);
    // Junk outside the support is never read: an unused context there, a symbol outside it.
    std::vector<std::uint32_t> junk = freqs;
    junk[outside * 256 + outside] = 1024;
    junk[first * 256 + outside] = 77;
    ByteTables t = order1_tables(data, 10);  // reused: rows and slots of the old model are replaced
    for (ByteTables::Use use : {ByteTables::Use::both, ByteTables::Use::decode, ByteTables::Use::encode}) {
      REQUIRE(t.assign(junk, 10, use, support) == errc::ok);
      for (unsigned c = 0; c < 256; ++c)
        for (unsigned s = 0; s < 256; ++s) REQUIRE(t.freq(c, s) == full.freq(c, s));
      if (use != ByteTables::Use::encode) REQUIRE(std::equal(t.slots(), t.slots() + (256 << 10), full.slots()));
      if (use != ByteTables::Use::decode)
        for (unsigned c = 0; c < 256; ++c)
          for (unsigned s = 0; s < 256; ++s)
            if (full.freq(c, s) != 0) REQUIRE(t.enc()[c * 256 + s].packed == full.enc()[c * 256 + s].packed);
    }
    // A smaller support after a larger one: the rows it drops read 0, their slots the unused entry.
    ByteTables::Support fewer = support;
    fewer.contexts[last] = false;
    REQUIRE(t.assign(freqs, 10, ByteTables::Use::decode, fewer) == errc::ok);
    for (unsigned s = 0; s < 256; ++s) REQUIRE(t.freq(last, s) == 0);
    REQUIRE(std::all_of(t.slots(last), t.slots(last) + 1024, [](std::uint32_t e) { return e == 0; }));
    // A row in the support that does not sum to the total is refused.
    fewer.symbols[first + 1] = false;
    REQUIRE(t.assign(freqs, 10, ByteTables::Use::decode, fewer) == errc::invalid_argument);
    REQUIRE(!t.can_decode());
  }
}
