// test_fault_injection.cpp — allocation failure in every encoder and decoder entry point.
//
// This executable replaces the global operator new (and realloc) with one that can be
// armed to fail (throw std::bad_alloc; realloc returns null) at its k-th call. Each entry point is run once
// without faults, then with the k-th allocation failing for k = 0, 1, ... until a
// run completes without reaching the armed allocation, so every allocation site on
// that path fails once. A faulted run must throw std::bad_alloc or return an error
// (never terminate, crash, leak under LSan, or return "ok" with other data), and the
// next fault-free run must give the fault-free result again (nothing was left
// corrupted: no half-filled cache, no stuck state). Entry points that run worker
// threads (the Gaussian coder with threads = 2) are included: an allocation failing
// inside a worker must come back to the caller too.
// Under AddressSanitizer or ThreadSanitizer the replacement is left out (their
// runtimes own operator new, see test_hardening.cpp) and the cases are skipped.
// Guarantees exercised: doc/security.md ("Fault injection").
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "entcode/cabac/decoder.hpp"
#include "entcode/cabac/encoder.hpp"
#include "entcode/gaussian/cdf_tables.hpp"
#include "entcode/gaussian/compressai_stream.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"
#include "entcode/hevc/residual.hpp"
#include "entcode/byte_codec.hpp"
#include "entcode/isa.hpp"
#include "entcode/rans/interleaved.hpp"
#include "entcode/rans/reference.hpp"
#include "entcode/rans/stream_coder.hpp"
#include "support/byte_samples.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ENTCODE_FAULT_INJECTION 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define ENTCODE_FAULT_INJECTION 0
#endif
#endif
#ifndef ENTCODE_FAULT_INJECTION
#define ENTCODE_FAULT_INJECTION 1
#endif

// ---- the failing allocator ---------------------------------------------------
namespace {
// Allocations left before the armed failure; < 0: disarmed. The failing call
// disarms it, so one run sees exactly one failure.
std::atomic<long> g_countdown{-1};
std::atomic<bool> g_failed{false};
}  // namespace

#if ENTCODE_FAULT_INJECTION
namespace {
// True for the armed allocation (which disarms the countdown).
bool fail_now() {
  long c = g_countdown.load();
  while (c >= 0 && !g_countdown.compare_exchange_weak(c, c - 1)) {
  }
  if (c != 0) return false;
  g_failed = true;
  return true;
}
void* failing_alloc(std::size_t n) {
  if (fail_now()) throw std::bad_alloc();
  void* p = std::malloc(n == 0 ? 1 : n);
  if (!p) throw std::bad_alloc();
  return p;
}
}  // namespace
// realloc counts too (the CABAC encoder grows its buffer with it); glibc's own
// implementation stays reachable as __libc_realloc.
extern "C" void* __libc_realloc(void* p, std::size_t n) noexcept;
extern "C" void* realloc(void* p, std::size_t n) noexcept { return fail_now() ? nullptr : __libc_realloc(p, n); }
void* operator new(std::size_t n) { return failing_alloc(n); }
void* operator new[](std::size_t n) { return failing_alloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

using namespace entcode;

namespace {

// What an entry point produced: an error code and, when ok, its output as bytes.
struct Outcome {
  errc e = errc::ok;
  std::vector<std::uint8_t> bytes;
  bool operator==(const Outcome&) const = default;
};

template <class T>
Outcome bytes_of(errc e, std::span<const T> v) {
  if (e != errc::ok) return {e, {}};
  const auto b = std::as_bytes(v);
  std::vector<std::uint8_t> out(b.size());
  std::memcpy(out.data(), b.data(), b.size());
  return {errc::ok, std::move(out)};
}
template <class T>
Outcome outcome(const Result<std::vector<T>>& r) {
  return r ? bytes_of<T>(errc::ok, *r) : Outcome{r.error(), {}};
}

// Runs `f` with each of its allocations failing in turn (see the file comment);
// returns the number of allocation sites reached.
template <class F>
long fail_each_allocation(const std::string& name, F f) {
  INFO(name);
  const Outcome expected = f();
  REQUIRE(expected.e == errc::ok);
  long k = 0;
  for (;; ++k) {
    g_failed = false;
    g_countdown = k;
    bool threw = false;
    Outcome got;
    try {
      got = f();
    } catch (const std::bad_alloc&) {
      threw = true;
    }
    g_countdown = -1;
    INFO("allocation " << k);
    if (!g_failed) {  // the run completed before the k-th allocation: all sites done
      REQUIRE(got == expected);
      break;
    }
    CHECK((threw || got.e != errc::ok));
    REQUIRE(f() == expected);
  }
  return k;
}

bool fault_injection_available() {
  if (!ENTCODE_FAULT_INJECTION) WARN("skipped: operator new belongs to the sanitizer runtime");
  return ENTCODE_FAULT_INJECTION;
}

const std::vector<std::uint8_t>& sample_bytes() {
  static const auto v = test::geometric_bytes(150000, 0.05, 7);
  return v;
}

}  // namespace

TEST_CASE("byte codec entry points survive allocation failure", "[fault][byte_codec]") {
  if (!fault_injection_available()) return;
  const auto& data = sample_bytes();
  for (unsigned order : {0u, 1u}) {
    byte_codec::Options o;
    o.order = order;
    o.checksum = order == 1;
    o.block_log2 = byte_codec::kMinBlockLog2;  // several blocks
    const auto frame = byte_codec::compress(data, o);
    REQUIRE(frame);
    CHECK(fail_each_allocation("compress", [&] { return outcome(byte_codec::compress(data, o)); }) > 0);
    CHECK(fail_each_allocation("decompress", [&] { return outcome(byte_codec::decompress(*frame, data.size())); }) > 0);
    fail_each_allocation("inspect", [&] {
      const auto info = byte_codec::inspect(*frame);
      return info ? Outcome{errc::ok, {static_cast<std::uint8_t>(info->content_size)}} : Outcome{info.error(), {}};
    });
  }
}

TEST_CASE("reference rANS entry points survive allocation failure", "[fault][rans]") {
  if (!fault_injection_available()) return;
  const auto& data = sample_bytes();
  const auto counts = test::byte_counts(data);
  const auto model = rans::SymbolModel::from_counts(counts, 12);
  REQUIRE(model);
  std::vector<std::byte> buf(rans::reference::interleaved_bound(data.size(), 8));
  const auto size = rans::reference::encode_bytes(data, *model, 8, buf);
  REQUIRE(size);
  const auto stream = std::span(buf).first(*size);
  fail_each_allocation("SymbolModel::from_counts", [&] {
    const auto m = rans::SymbolModel::from_counts(counts, 12);
    if (!m) return Outcome{m.error(), {}};
    std::vector<std::byte> b(rans::reference::interleaved_bound(data.size(), 8));
    const auto n = rans::reference::encode_bytes(data, *m, 8, b);
    return n ? bytes_of<std::byte>(errc::ok, std::span(b).first(*n)) : Outcome{n.error(), {}};
  });
  fail_each_allocation("decode_bytes", [&] {
    std::vector<std::uint8_t> out(data.size());
    return bytes_of<std::uint8_t>(rans::reference::decode_bytes(stream, *model, 8, out), out);
  });
}

namespace {

// One bin/bypass/terminate/symbol sequence through a stream backend pair.
template <class E, class D, class Model>
Outcome stream_roundtrip(const Model& model) {
  E enc;
  typename E::Context ectx[4];
  const auto& data = sample_bytes();
  for (std::size_t i = 0; i < 5000; ++i) {
    const std::uint8_t b = data[i];
    enc.encode_bin(ectx[b & 3], b & 1);
    enc.encode_bypass(b, 8);
    enc.encode_symbol(model, b % 3);
  }
  enc.encode_terminate(1);
  auto bytes = enc.finish();
  if (!bytes) return {bytes.error(), {}};
  D dec(*bytes);
  typename D::Context dctx[4];
  std::vector<std::uint8_t> back;
  for (std::size_t i = 0; i < 5000; ++i) {
    back.push_back(static_cast<std::uint8_t>(dec.decode_bin(dctx[data[i] & 3])));
    back.push_back(static_cast<std::uint8_t>(dec.decode_bypass(8)));
    back.push_back(static_cast<std::uint8_t>(dec.decode_symbol(model)));
  }
  back.push_back(static_cast<std::uint8_t>(dec.decode_terminate()));
  const errc e = dec.finish();
  return e == errc::ok ? Outcome{e, std::move(back)} : Outcome{e, {}};
}

}  // namespace

TEST_CASE("stream coders survive allocation failure", "[fault][stream]") {
  if (!fault_injection_available()) return;
  const std::vector<std::uint32_t> cdf{0, 20000, 50000, 65536};
  const auto rm = rans::SymbolModel::from_cdf(cdf, 16);
  const auto cm = cabac::SymbolModel::from_cdf(cdf, 16);
  REQUIRE(rm);
  REQUIRE(cm);
  CHECK(fail_each_allocation("rANS stream", [&] {
          return stream_roundtrip<rans::StreamEncoder, rans::StreamDecoder>(*rm);
        }) > 0);
  CHECK(fail_each_allocation("CABAC", [&] { return stream_roundtrip<cabac::CabacEncoder, cabac::CabacDecoder>(*cm); }) > 0);
}

TEST_CASE("Gaussian coders survive allocation failure, also in worker threads", "[fault][gaussian]") {
  if (!fault_injection_available()) return;
  const auto& gc = gaussian::GaussianConditional::builtin(gaussian::ParamSet::compressai);
  const auto tables = static_cast<std::int32_t>(gc.tables().size());
  std::vector<std::int32_t> sym(6000), idx(6000);
  for (std::size_t i = 0; i < sym.size(); ++i) {
    idx[i] = i % 50 == 0 ? gaussian::kSkipIndex : static_cast<std::int32_t>(i * 7 % static_cast<std::size_t>(tables));
    sym[i] = static_cast<std::int32_t>(i % 11) - 5 + (i % 997 == 0 ? 5000 : 0);
  }
  for (unsigned threads : {1u, 2u}) {
    const gaussian::CodecOptions o{3, threads, 0};
    const auto enc = gaussian::encode(gc.tables(), sym, idx, o);
    REQUIRE(enc);
    CHECK(fail_each_allocation("ECGL encode", [&] { return outcome(gaussian::encode(gc.tables(), sym, idx, o)); }) > 0);
    CHECK(fail_each_allocation("ECGL decode",
                               [&] { return outcome(gaussian::decode(gc.tables(), *enc, idx, threads)); }) > 0);
  }
  std::vector<std::int32_t> cidx = idx;
  for (auto& i : cidx)
    if (i == gaussian::kSkipIndex) i = 0;
  const auto cenc = gaussian::compressai::encode_with_indexes(gc.tables(), sym, cidx);
  REQUIRE(cenc);
  CHECK(fail_each_allocation("CompressAI encode", [&] {
          return outcome(gaussian::compressai::encode_with_indexes(gc.tables(), sym, cidx));
        }) > 0);
  CHECK(fail_each_allocation("CompressAI decode", [&] {
          return outcome(gaussian::compressai::decode_with_indexes(gc.tables(), *cenc, cidx));
        }) > 0);
}

namespace {

template <class E, class D>
Outcome residual_roundtrip(const hevc::TransformBlock& tb, const std::vector<std::int16_t>& levels) {
  E enc;
  hevc::ResidualContexts<typename E::Context> ecx(0, 30);
  for (int i = 0; i < 4; ++i)
    if (const errc e = hevc::encode_residual(enc, ecx, tb, levels); e != errc::ok) return {e, {}};
  auto bytes = enc.finish();
  if (!bytes) return {bytes.error(), {}};
  D dec(*bytes);
  hevc::ResidualContexts<typename D::Context> dcx(0, 30);
  std::vector<std::int16_t> out(levels.size()), all;
  for (int i = 0; i < 4; ++i) {
    if (const errc e = hevc::decode_residual(dec, dcx, tb, out); e != errc::ok) return {e, {}};
    all.insert(all.end(), out.begin(), out.end());
  }
  return bytes_of<std::int16_t>(dec.finish(), all);
}

}  // namespace

TEST_CASE("HEVC residual coding survives allocation failure on both backends", "[fault][hevc]") {
  if (!fault_injection_available()) return;
  hevc::TransformBlock tb;
  tb.log2_size = 4;
  std::vector<std::int16_t> levels(256);
  for (std::size_t i = 0; i < levels.size(); ++i) levels[i] = static_cast<std::int16_t>(i % 7 == 0 ? 40 - i % 90 : 0);
  CHECK(fail_each_allocation("CABAC residual", [&] {
          return residual_roundtrip<cabac::CabacEncoder, cabac::CabacDecoder>(tb, levels);
        }) > 0);
  CHECK(fail_each_allocation("rANS residual", [&] {
          return residual_roundtrip<rans::StreamEncoder, rans::StreamDecoder>(tb, levels);
        }) > 0);
}

namespace {

// `n` bytes of CABAC bypass bits: the encoder's buffer (kInitialBytes) grows by
// doubling through realloc several times on the way.
Outcome cabac_bypass_bytes(std::size_t n, std::size_t reserve_at = 0, std::size_t reserve_bytes = 0) {
  cabac::CabacEncoder enc;
  const auto& data = sample_bytes();
  for (std::size_t i = 0; i < n / 2; ++i) {
    if (i == reserve_at && reserve_bytes > 0) enc.reserve(reserve_bytes);
    enc.encode_bypass(static_cast<std::uint32_t>(data[i % data.size()]) * 257u, 16);
  }
  return outcome(enc.finish());
}

}  // namespace

TEST_CASE("CABAC encoder buffer growth survives allocation failure", "[fault][cabac]") {
  if (!fault_injection_available()) return;
  // 4 KiB -> 256 KiB: six reallocs, each failing once; the finished vector is one more allocation.
  CHECK(fail_each_allocation("CABAC growth", [] { return cabac_bypass_bytes(200000); }) >= 7);
}

TEST_CASE("CabacEncoder::reserve failure leaves the encoder unchanged", "[fault][cabac]") {
  if (!fault_injection_available()) return;
  const Outcome expected = cabac_bypass_bytes(20000);
  REQUIRE(expected.e == errc::ok);
  cabac::CabacEncoder enc;
  const auto& data = sample_bytes();
  for (std::size_t i = 0; i < 10000; ++i) {
    if (i == 5000) {
      g_countdown = 0;
      CHECK_THROWS_AS(enc.reserve(std::size_t{1} << 20), std::bad_alloc);
      g_countdown = -1;
      CHECK_THROWS_AS(enc.reserve(cabac::CabacEncoder::kMaxBytes), std::bad_alloc);  // refused before allocating
    }
    enc.encode_bypass(static_cast<std::uint32_t>(data[i % data.size()]) * 257u, 16);
  }
  CHECK(outcome(enc.finish()) == expected);
  // An injected failure in reserve() on the way does not change the bytes either.
  CHECK(fail_each_allocation("reserve", [] { return cabac_bypass_bytes(20000, 3000, std::size_t{1} << 16); }) >= 2);
}

namespace {

// Order-0 (contexts 1) or order-1 (256) frequencies of `data` for the interleaved
// byte coder, every byte value >= 1 in every context (so any segment start codes).
std::vector<std::uint32_t> byte_coder_freqs(std::span<const std::uint8_t> data, unsigned contexts, unsigned precision) {
  std::vector<std::uint64_t> counts(std::size_t{contexts} * 256, 1);
  for (std::size_t i = 1; i < data.size(); ++i) ++counts[(contexts == 1 ? 0 : std::size_t{data[i - 1]} * 256) + data[i]];
  std::vector<std::uint32_t> freqs;
  for (unsigned c = 0; c < contexts; ++c) {
    const auto f = rans::normalize_frequencies(std::span(counts).subspan(std::size_t{c} * 256, 256), precision);
    REQUIRE(f);
    freqs.insert(freqs.end(), f->begin(), f->end());
  }
  return freqs;
}

// Encodes and decodes data with the interleaved coder and tables t (of t.contexts()).
Outcome interleaved_roundtrip(std::span<const std::uint8_t> data, const rans::ByteTables& t, Isa isa) {
  const bool order0 = t.contexts() == 1;
  std::vector<std::byte> buf(rans::encoded_bound(data.size()));
  const auto n = order0 ? rans::encode_order0(data, t, buf, isa) : rans::encode_order1(data, t, buf, isa);
  if (!n) return {n.error(), {}};
  std::vector<std::uint8_t> back(data.size());
  const auto stream = std::span(buf).first(*n);
  const errc e = order0 ? rans::decode_order0(stream, t, back, isa) : rans::decode_order1(stream, t, back, isa);
  if (e != errc::ok) return {e, {}};
  if (!std::equal(back.begin(), back.end(), data.begin(), data.end())) return {errc::corrupt, {}};
  return bytes_of<std::byte>(errc::ok, stream);
}

}  // namespace

TEST_CASE("interleaved rANS coder survives allocation failure on every ISA, reused tables too", "[fault][rans]") {
  if (!fault_injection_available()) return;
  const auto data = std::span(sample_bytes()).first(20000);
  for (unsigned contexts : {1u, 256u}) {
    const auto freqs = byte_coder_freqs(data, contexts, 12);
    for (Isa isa : kAllIsas) {
      if (!isa_supported(isa)) continue;
      INFO(to_string(isa) << " contexts " << contexts);
      CHECK(fail_each_allocation("fresh tables", [&] {
              const auto t = rans::ByteTables::build(freqs, contexts, 12);
              return t ? interleaved_roundtrip(data, *t, isa) : Outcome{t.error(), {}};
            }) > 0);
      // A ByteTables object reused for bigger tables (as byte_codec::Context reuses one):
      // an assign() that threw must leave an object that cannot code (as after an
      // error, rans/interleaved.hpp), and a later assign() must make it whole again.
      const auto small = byte_coder_freqs(data.first(100), 1, 10);
      CHECK(fail_each_allocation("reused tables", [&] {
              rans::ByteTables reused;
              try {
                if (reused.assign(small, 1, 10) != errc::ok || reused.assign(freqs, contexts, 12) != errc::ok)
                  return Outcome{errc::invalid_argument, {}};
              } catch (const std::bad_alloc&) {
                CHECK_FALSE(reused.can_decode());
                CHECK_FALSE(reused.can_encode());
                throw;
              }
              return interleaved_roundtrip(data, reused, isa);
            }) > 0);
    }
  }
}

TEST_CASE("byte codec block API with a caller's Context survives allocation failure", "[fault][byte_codec]") {
  if (!fault_injection_available()) return;
  const auto& data = sample_bytes();
  byte_codec::Context ctx;  // shared by every run, faulted or not
  for (unsigned order : {1u, 0u}) {
    byte_codec::Options o;
    o.order = order;
    o.block_log2 = byte_codec::kMinBlockLog2;
    const auto block = std::span(data).first(std::size_t{1} << o.block_log2);
    const byte_codec::FrameHeader header{o.block_log2, false};
    CHECK(fail_each_allocation("compress_block + decompress_block", [&] {
            std::vector<std::byte> buf(byte_codec::block_bound(block.size()));
            const auto n = byte_codec::compress_block(ctx, block, buf, o);
            if (!n) return Outcome{n.error(), {}};
            std::vector<std::uint8_t> back(block.size());
            const errc e = byte_codec::decompress_block(ctx, std::span(buf).first(*n), back, header);
            if (e != errc::ok || !std::equal(back.begin(), back.end(), block.begin())) return Outcome{errc::corrupt, {}};
            return bytes_of<std::byte>(errc::ok, std::span(buf).first(*n));
          }) >= 0);
  }
}

TEST_CASE("Gaussian table construction survives allocation failure", "[fault][gaussian]") {
  if (!fault_injection_available()) return;
  const auto scales = gaussian::log_scale_table(0.11, 256.0, 64);
  for (auto rule : {gaussian::CenterRule::tail_mass, gaussian::CenterRule::dcvc}) {
    CHECK(fail_each_allocation("build_gaussian_tables", [&] {
            const auto t = gaussian::build_gaussian_tables(scales, rule);
            if (!t) return Outcome{t.error(), {}};
            std::vector<std::int32_t> sym(500), idx(500);
            for (std::size_t i = 0; i < sym.size(); ++i) {
              sym[i] = static_cast<std::int32_t>(i % 9) - 4;
              idx[i] = static_cast<std::int32_t>(i % t->size());
            }
            return outcome(gaussian::compressai::encode_with_indexes(*t, sym, idx));
          }) > 0);
  }
}
