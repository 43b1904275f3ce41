// test_concurrency.cpp — every public object documented as shareable, used by
// several threads at once; each call's result must equal the one computed on
// one thread. Suite 'threads': scripts/tsan.sh (CI's TSan stage) runs it under
// ThreadSanitizer, so a data race fails it even when the results come out right.
// Objects (where the sharing is documented):
//   GaussianConditional::builtin, its first use included, and from_scale_table
//     objects (doc/api.md: immutable, shareable);
//   cabac::SymbolModel and rans::SymbolModel shared by stream coders
//     (include/entcode/cabac/context.hpp: immutable and shareable; stream.hpp),
//     and rans::SymbolModel shared by the reference interleaved coder;
//   rans::ByteTables shared by decoders (const; include/entcode/rans/interleaved.hpp);
//   the byte codec's overloads without a Context (one Context per thread,
//     include/entcode/byte_codec.hpp).
// CdfTables shared by coders: tests/test_gaussian.cpp ("shared immutable tables").
// The first test case must stay first: it is the process's first use of builtin().
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "entcode/byte_codec.hpp"
#include "entcode/gaussian/compressai_stream.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"
#include "entcode/rans/interleaved.hpp"
#include "entcode/rans/reference.hpp"
#include "support/byte_samples.hpp"
#include "support/stream_backends.hpp"

using namespace entcode;

namespace {

constexpr unsigned kThreads = 8;
constexpr int kRounds = 3;

// Runs job(k) for k = 0..kThreads-1 on kThreads threads that start together, each
// kRounds times; returns how many calls returned false.
template <class Job>
int run_together(const Job& job) {
  std::atomic<unsigned> ready{0};
  std::atomic<int> failed{0};
  {
    std::vector<std::jthread> pool;
    for (unsigned k = 0; k < kThreads; ++k)
      pool.emplace_back([&, k] {
        ++ready;
        while (ready.load() < kThreads) std::this_thread::yield();
        for (int r = 0; r < kRounds; ++r) failed += job(k) ? 0 : 1;
      });
  }
  return failed.load();
}

std::vector<float> scales_for(unsigned k, std::size_t n) {
  std::mt19937 rng(k);
  std::lognormal_distribution<float> scale(0.5f, 1.5f);
  std::vector<float> s(n);
  for (auto& v : s) v = scale(rng);
  return s;
}

std::vector<float> latents_for(unsigned k, std::size_t n) {
  std::mt19937 rng(100 + k);
  std::normal_distribution<float> y(0.f, 4.f);
  std::vector<float> v(n);
  for (auto& x : v) x = y(rng);
  return v;
}

// What a coder does with a GaussianConditional: indexes, symbols, a CompressAI stream.
struct GaussianResult {
  std::vector<std::int32_t> indexes, symbols;
  std::vector<std::byte> stream;
  bool operator==(const GaussianResult&) const = default;
};

GaussianResult code_latents(const gaussian::GaussianConditional& gc, unsigned k) {
  constexpr std::size_t n = 3000;
  GaussianResult r{std::vector<std::int32_t>(n), std::vector<std::int32_t>(n), {}};
  const auto y = latents_for(k, n);
  if (gc.build_indexes(scales_for(k, n), r.indexes) != errc::ok || gc.quantize(y, {}, r.symbols) != errc::ok) return {};
  auto s = gaussian::compressai::encode_with_indexes(gc.tables(), r.symbols, r.indexes);
  if (!s) return {};
  r.stream = std::move(*s);
  std::vector<std::int32_t> back(n);
  if (gaussian::compressai::decode_with_indexes(gc.tables(), r.stream, r.indexes, back) != errc::ok ||
      back != r.symbols)
    return {};
  return r;
}

gaussian::ParamSet param_set(unsigned k) { return static_cast<gaussian::ParamSet>(k % 3); }

std::vector<int> symbols_for(unsigned k, std::size_t n, int alphabet) {
  std::mt19937 rng(200 + k);
  std::vector<int> s(n);
  for (auto& v : s) v = static_cast<int>(rng() % static_cast<unsigned>(alphabet));
  return s;
}

template <class B>
Result<std::vector<std::byte>> encode_symbols(const typename B::Enc::SymbolModel& model, const std::vector<int>& s) {
  typename B::Enc enc;
  for (int v : s) enc.encode_symbol(model, v);
  return enc.finish();
}

template <class B>
bool decodes_to(const typename B::Dec::SymbolModel& model, std::span<const std::byte> bytes, const std::vector<int>& s) {
  typename B::Dec dec(bytes);
  for (int v : s)
    if (dec.decode_symbol(model) != v) return false;
  return dec.finish() == errc::ok;
}

// Content of a few KiB for thread k: order-1 blocks need >= 4 KiB.
std::vector<std::uint8_t> content_for(unsigned k) {
  return test::geometric_bytes(5000 + 700 * k, 0.05 + 0.05 * k, 300 + k);
}

}  // namespace

TEST_CASE("GaussianConditional::builtin: first use and coding from 8 threads at once", "[concurrency][threads]") {
  std::vector<const gaussian::GaussianConditional*> seen(kThreads);
  std::vector<GaussianResult> got(kThreads);
  const int failed = run_together([&](unsigned k) {
    seen[k] = &gaussian::GaussianConditional::builtin(param_set(k));
    got[k] = code_latents(*seen[k], k);
    return !got[k].stream.empty();
  });
  CHECK(failed == 0);
  for (unsigned k = 0; k < kThreads; ++k) {
    const auto& gc = gaussian::GaussianConditional::builtin(param_set(k));
    CHECK(seen[k] == &gc);
    CHECK(got[k] == code_latents(gc, k));
  }
}

TEST_CASE("GaussianConditional::from_scale_table: one object shared by 8 threads", "[concurrency][threads]") {
  const double scales[] = {0.11, 0.3, 0.8, 1.5, 3.0, 7.0, 16.0, 40.0};
  const auto gc = gaussian::GaussianConditional::from_scale_table(scales);
  REQUIRE(gc);
  std::vector<GaussianResult> expected;
  for (unsigned k = 0; k < kThreads; ++k) expected.push_back(code_latents(*gc, k));
  CHECK(run_together([&](unsigned k) { return code_latents(*gc, k) == expected[k]; }) == 0);
}

TEMPLATE_TEST_CASE("stream coders: one SymbolModel shared by 8 encoders and decoders", "[concurrency][threads]",
                   ENTCODE_STREAM_BACKENDS) {
  const std::uint32_t cdf[] = {0, 20000, 45000, 60000, 64000, 65536};
  const auto model = TestType::Enc::SymbolModel::from_cdf(cdf, 16);
  REQUIRE(model);
  std::vector<std::vector<int>> symbols;
  std::vector<std::vector<std::byte>> expected;
  for (unsigned k = 0; k < kThreads; ++k) {
    symbols.push_back(symbols_for(k, 4000, 5));
    expected.push_back(encode_symbols<TestType>(*model, symbols[k]).value());
  }
  CHECK(run_together([&](unsigned k) {
          const auto bytes = encode_symbols<TestType>(*model, symbols[k]);
          return bytes && *bytes == expected[k] && decodes_to<TestType>(*model, *bytes, symbols[k]);
        }) == 0);
}

TEST_CASE("reference rANS: one SymbolModel shared by 8 interleaved coders", "[concurrency][threads]") {
  const auto data = test::geometric_bytes(20000, 0.1, 7);
  const auto model = rans::SymbolModel::from_counts(test::byte_counts(data), 12);
  REQUIRE(model);
  auto encode = [&](unsigned k) {
    std::vector<std::byte> buf(rans::reference::interleaved_bound(data.size(), k + 1));
    const auto n = rans::reference::encode_bytes(data, *model, k + 1, buf);
    if (!n) return std::vector<std::byte>{};
    buf.resize(*n);
    return buf;
  };
  std::vector<std::vector<std::byte>> expected;
  for (unsigned k = 0; k < kThreads; ++k) expected.push_back(encode(k));
  CHECK(run_together([&](unsigned k) {
          std::vector<std::uint8_t> back(data.size());
          return encode(k) == expected[k] &&
                 rans::reference::decode_bytes(expected[k], *model, k + 1, back) == errc::ok && back == data;
        }) == 0);
}

TEST_CASE("rans::ByteTables: one order-0 and one order-1 table set shared by 8 decoders", "[concurrency][threads]") {
  const auto data = test::geometric_bytes(40000, 0.08, 11);
  std::vector<std::uint32_t> f0(256, 0), f1(256 * 256, 0);
  {
    const auto n0 = rans::normalize_frequencies(test::byte_counts(data), 12).value();
    std::copy(n0.begin(), n0.end(), f0.begin());
    for (unsigned c = 0; c < 256; ++c) std::copy(n0.begin(), n0.end(), f1.begin() + c * 256);
  }
  const auto t0 = rans::ByteTables::build(f0, 1, 12).value();
  const auto t1 = rans::ByteTables::build(f1, 256, 12).value();
  std::vector<std::byte> s0(rans::encoded_bound(data.size())), s1(s0.size());
  s0.resize(rans::encode_order0(data, t0, s0, Isa::scalar).value());
  s1.resize(rans::encode_order1(data, t1, s1, Isa::scalar).value());
  std::vector<Isa> isas;  // each thread decodes with one of the ISAs this CPU runs
  for (unsigned i = 0; i <= static_cast<unsigned>(best_isa()); ++i)
    if (isa_supported(static_cast<Isa>(i))) isas.push_back(static_cast<Isa>(i));
  CHECK(run_together([&](unsigned k) {
          const Isa isa = isas[k % isas.size()];
          std::vector<std::uint8_t> a(data.size()), b(data.size());
          return rans::decode_order0(s0, t0, a, isa) == errc::ok && a == data &&
                 rans::decode_order1(s1, t1, b, isa) == errc::ok && b == data;
        }) == 0);
}

TEST_CASE("byte codec: the overloads without a Context from 8 threads at once", "[concurrency][threads]") {
  std::vector<std::vector<std::uint8_t>> contents;
  std::vector<std::vector<std::byte>> expected;
  for (unsigned k = 0; k < kThreads; ++k) {
    contents.push_back(content_for(k));
    byte_codec::Options o;
    o.order = k % 2;
    expected.push_back(byte_codec::compress(contents[k], o).value());
  }
  CHECK(run_together([&](unsigned k) {
          byte_codec::Options o;
          o.order = k % 2;
          const auto frame = byte_codec::compress(contents[k], o);
          const auto back = byte_codec::decompress(expected[k], contents[k].size());
          return frame && *frame == expected[k] && back && *back == contents[k];
        }) == 0);
}
