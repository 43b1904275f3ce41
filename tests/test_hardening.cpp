// test_hardening.cpp — hostile input against every stream format entcode writes.
//
// For a reference stream of each format: every truncation point and 1000
// random 1..4-bit flips must never crash or read outside the input (run under
// ASan in CI), and the decoder's peak heap use must stay within a bound of its
// input and output (tracked by replacing the global operator new/delete in this
// test executable). Formats with a checksum must decode to the original data or
// return an error; formats with end-of-stream checks must detect every
// truncation and >= 60% of flips; HEVC slice data (like any CABAC data) has no
// redundancy, so only safety is required there. Detection rates are printed.
// Header claims of huge sizes are rejected before allocating.
// Formats: byte codec frames (raw, run, order-0, order-1, with CRC32C), the
// Gaussian ECGL container (K = 1 and 3) and CompressAI stream, the HEVC
// residual slice data on CABAC and rANS. (The reference rANS payload and the
// stream coders are covered the same way in test_rans.cpp / test_stream.cpp.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>
#include <random>

#include "entcode/byte_io.hpp"
#include "entcode/cabac/decoder.hpp"
#include "entcode/cabac/encoder.hpp"
#include "entcode/gaussian/compressai_stream.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"
#include "entcode/hevc/residual.hpp"
#include "entcode/byte_codec.hpp"
#include "entcode/rans/stream_coder.hpp"
#include "support/byte_samples.hpp"

// ---- heap accounting -------------------------------------------------------
// The global operator new/delete of this executable count live bytes (by
// malloc_usable_size, so a block from any allocator is accounted consistently)
// and the peak. The test links the static library, so the decoders' own
// allocations come through here. Under AddressSanitizer or ThreadSanitizer the
// replacement is left out (their runtimes own operator new: ASan checks new/free
// pairing, TSan's would be defined twice); the heap bounds are then checked by
// the ordinary build, memory safety and races by the sanitizer builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ENTCODE_HEAP_ACCOUNTING 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define ENTCODE_HEAP_ACCOUNTING 0
#endif
#endif
#ifndef ENTCODE_HEAP_ACCOUNTING
#define ENTCODE_HEAP_ACCOUNTING 1
#endif

namespace {
std::atomic<std::int64_t> g_live{0};
std::atomic<std::int64_t> g_peak{0};
}  // namespace

#if ENTCODE_HEAP_ACCOUNTING
#include <malloc.h>
namespace {
void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (!p) throw std::bad_alloc();
  const std::int64_t live = g_live += static_cast<std::int64_t>(malloc_usable_size(p));
  std::int64_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  return p;
}
void counted_free(void* p) noexcept {
  if (!p) return;
  g_live -= static_cast<std::int64_t>(malloc_usable_size(p));
  std::free(p);
}
}  // namespace
void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
#endif

using namespace entcode;

namespace {

using Bytes = std::vector<std::byte>;
struct Decoded {
  errc error;
  Bytes output;  // the decoded data, serialised
};
using DecodeFn = std::function<Decoded(std::span<const std::byte>)>;

template <class T>
Bytes as_bytes_vec(const std::vector<T>& v) {
  const auto b = std::as_bytes(std::span(v));
  return Bytes(b.begin(), b.end());
}

// Peak heap bytes allocated while running f (beyond what was live before);
// 0 when heap accounting is compiled out.
template <class F>
std::size_t peak_heap(F&& f) {
  const std::int64_t before = g_live.load();
  g_peak = before;
  f();
  return static_cast<std::size_t>(std::max<std::int64_t>(0, g_peak.load() - before));
}

// What a format guarantees about corrupted input beyond "no crash, bounded heap".
enum class Integrity {
  checksum,   // a CRC covers the content: corrupt input never decodes "ok" to other data
  end_check,  // end-of-stream consistency checks: corruption is detected with high probability
  none,       // like HEVC slice data: any bit pattern may be a valid, different stream
};

// The hardening contract for one reference stream.
void check_hostile(const char* name, const Bytes& stream, const Bytes& original, const DecodeFn& decode,
                   std::size_t heap_limit, Integrity integrity) {
  INFO(name << ": " << stream.size() << " bytes");
  const Decoded ref = decode(stream);
  REQUIRE(ref.error == errc::ok);
  REQUIRE(ref.output == original);
  auto check_one = [&](const Bytes& input, const char* what, std::size_t at) {
    Decoded got{};
    const std::size_t heap = peak_heap([&] { got = decode(input); });
    INFO(what << " at " << at << ": " << to_string(got.error) << ", heap " << heap);
    if (integrity == Integrity::checksum) REQUIRE((got.error != errc::ok || got.output == original));
    REQUIRE(heap <= heap_limit);
    return got.error != errc::ok;
  };
  std::size_t truncations_detected = 0;
  for (std::size_t cut = 0; cut < stream.size(); ++cut)
    truncations_detected += check_one(Bytes(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(cut)), "truncation", cut);
  std::mt19937_64 rng(std::hash<std::string>{}(name));
  std::size_t flips_detected = 0, flips_changed = 0;
  for (int trial = 0; trial < 1000; ++trial) {
    Bytes bad = stream;
    for (int f = 0, n = 1 + static_cast<int>(rng() % 4); f < n; ++f)
      bad[rng() % bad.size()] ^= static_cast<std::byte>(1u << (rng() % 8));
    if (bad == stream) continue;
    ++flips_changed;
    flips_detected += check_one(bad, "bit flip", static_cast<std::size_t>(trial));
  }
  std::printf("%-28s %6zu B  truncations detected %zu/%zu  flips detected %zu/%zu\n", name, stream.size(),
              truncations_detected, stream.size(), flips_detected, flips_changed);
  if (integrity != Integrity::none) {
    CHECK(truncations_detected == stream.size());
    CHECK(flips_detected * 100 >= flips_changed * (integrity == Integrity::checksum ? 100 : 60));
  }
}

// ---- byte codec -------------------------------------------------------------

void check_byte_codec(const char* name, const std::vector<std::uint8_t>& data, unsigned order, bool checksum) {
  byte_codec::Options opt;
  opt.order = order;
  opt.checksum = checksum;
  opt.block_log2 = byte_codec::kMinBlockLog2;
  const auto stream = byte_codec::compress(data, opt);
  REQUIRE(stream);
  const std::size_t block = std::size_t{1} << opt.block_log2;
  check_hostile(name, *stream, as_bytes_vec(data),
                [&](std::span<const std::byte> in) {
                  auto out = byte_codec::decompress(in, data.size() + block);
                  return out ? Decoded{errc::ok, as_bytes_vec(*out)} : Decoded{out.error(), {}};
                },
                // block scratch, the output (bounded by max_size), order-1 tables (256 x 2^12 x 4 B)
                4 * block + 2 * (data.size() + block) + (6u << 20),
                checksum ? Integrity::checksum : Integrity::end_check);
}

TEST_CASE("byte codec frames survive truncation and bit flips", "[hardening][byte_codec]") {
  const auto geo = test::geometric_bytes(70000, 0.16, 1);
  check_byte_codec("byte codec order-0", geo, 0, false);
  check_byte_codec("byte codec order-1 + crc", geo, 1, true);
  check_byte_codec("byte codec run", std::vector<std::uint8_t>(5000, 9), 0, false);
  std::mt19937_64 rng(2);
  std::vector<std::uint8_t> noise(3000);
  for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
  check_byte_codec("byte codec raw + crc", noise, 0, true);
}

TEST_CASE("heap accounting sees the library's own allocations", "[hardening]") {
  if (!ENTCODE_HEAP_ACCOUNTING) {
    WARN("skipped: heap accounting is compiled out under AddressSanitizer");
    return;
  }
  const auto data = test::geometric_bytes(70000, 0.16, 1);
  const auto frame = byte_codec::compress(data);
  REQUIRE(frame);
  Result<std::vector<std::uint8_t>> out = errc::ok;
  const std::size_t heap = peak_heap([&] { out = byte_codec::decompress(*frame, data.size()); });
  REQUIRE(out);
  CHECK(heap >= data.size());  // the output vector, allocated inside the library
}

TEST_CASE("byte codec rejects huge size claims before allocating", "[hardening][byte_codec]") {
  // A valid header followed by an order-0 block claiming 2^26 bytes, with no payload.
  Bytes frame(byte_codec::kFrameHeaderSize);
  byte_codec::Options opt;
  opt.block_log2 = byte_codec::kMaxBlockLog2;
  byte_codec::write_frame_header(opt,
                                 std::span<std::byte, byte_codec::kFrameHeaderSize>(frame.data(), frame.size()));
  ByteWriter w;
  w.put_bytes(frame);
  w.put_u8(static_cast<std::uint8_t>(byte_codec::BlockKind::order0));
  w.put_varint(std::uint64_t{1} << byte_codec::kMaxBlockLog2);
  const Bytes claim = w.take();
  Result<std::vector<std::uint8_t>> out = errc::ok;
  const std::size_t heap = peak_heap([&] { out = byte_codec::decompress(claim, std::size_t{1} << 30); });
  CHECK_FALSE(out.ok());
  CHECK(heap < (1u << 20));
}

// ---- Gaussian ---------------------------------------------------------------

struct Latents {
  std::vector<std::int32_t> symbols, indexes;
};
Latents random_latents(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Latents l;
  for (std::size_t i = 0; i < n; ++i) {
    const auto idx = static_cast<std::int32_t>(rng() % 64);
    l.indexes.push_back(idx);
    const double scale = 0.11 * std::pow(256 / 0.11, idx / 63.0);
    l.symbols.push_back(static_cast<std::int32_t>(std::lround(std::normal_distribution<double>(0, scale)(rng))) +
                        (rng() % 500 == 0 ? 100000 : 0));  // a few escapes
  }
  return l;
}

TEST_CASE("Gaussian streams survive truncation and bit flips", "[hardening][gaussian]") {
  const auto& tables = gaussian::GaussianConditional::builtin(gaussian::ParamSet::compressai).tables();
  const Latents l = random_latents(4000, 3);
  const std::size_t limit = 64 * l.indexes.size() + (1u << 20);
  for (unsigned k : {1u, 3u}) {
    const auto stream = gaussian::encode(tables, l.symbols, l.indexes, {.substreams = k, .threads = 1});
    REQUIRE(stream);
    check_hostile(k == 1 ? "gaussian ECGL K=1" : "gaussian ECGL K=3", *stream, as_bytes_vec(l.symbols),
                  [&](std::span<const std::byte> in) {
                    std::vector<std::int32_t> out(l.indexes.size());
                    const errc e = gaussian::decode(tables, in, l.indexes, out, 1);
                    return Decoded{e, e == errc::ok ? as_bytes_vec(out) : Bytes{}};
                  },
                  limit, Integrity::end_check);
  }
  const auto cai = gaussian::compressai::encode_with_indexes(tables, l.symbols, l.indexes);
  REQUIRE(cai);
  check_hostile("gaussian CompressAI stream", *cai, as_bytes_vec(l.symbols),
                [&](std::span<const std::byte> in) {
                  std::vector<std::int32_t> out(l.indexes.size());
                  const errc e = gaussian::compressai::decode_with_indexes(tables, in, l.indexes, out);
                  return Decoded{e, e == errc::ok ? as_bytes_vec(out) : Bytes{}};
                },
                limit, Integrity::none);
}

// ---- HEVC residual slice data ------------------------------------------------

struct Blocks {
  std::vector<hevc::TransformBlock> tbs;
  std::vector<std::vector<std::int16_t>> coeffs;
};
Blocks random_blocks(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Blocks b;
  for (int i = 0; i < 24; ++i) {
    hevc::TransformBlock tb;
    tb.log2_size = 2 + static_cast<int>(rng() % 4);
    tb.c_idx = static_cast<int>(rng() % 3);
    tb.transquant_bypass = true;
    std::vector<std::int16_t> c(std::size_t{1} << (2 * tb.log2_size));
    for (auto& v : c) v = rng() % 3 ? 0 : static_cast<std::int16_t>(static_cast<int>(rng() % 41) - 20);
    c[rng() % c.size()] = 7;  // never all zero
    b.tbs.push_back(tb);
    b.coeffs.push_back(std::move(c));
  }
  return b;
}

template <class Enc, class Dec>
void check_residual(const char* name, Integrity integrity) {
  const Blocks b = random_blocks(4);
  Enc enc;
  hevc::ResidualContexts<typename Enc::Context> ecx;
  Bytes original;
  for (std::size_t i = 0; i < b.tbs.size(); ++i) {
    REQUIRE(hevc::encode_residual(enc, ecx, b.tbs[i], b.coeffs[i]) == errc::ok);
    const Bytes c = as_bytes_vec(b.coeffs[i]);
    original.insert(original.end(), c.begin(), c.end());
  }
  enc.encode_terminate(1);
  const auto stream = enc.finish();
  REQUIRE(stream);
  check_hostile(name, *stream, original,
                [&](std::span<const std::byte> in) {
                  Dec dec(in);
                  hevc::ResidualContexts<typename Dec::Context> dcx;
                  Bytes out;
                  for (const auto& tb : b.tbs) {
                    std::vector<std::int16_t> c(std::size_t{1} << (2 * tb.log2_size));
                    bool ts = false;
                    if (const errc e = hevc::decode_residual(dec, dcx, tb, c, ts); e != errc::ok) return Decoded{e, {}};
                    const Bytes cb = as_bytes_vec(c);
                    out.insert(out.end(), cb.begin(), cb.end());
                  }
                  const int term = dec.decode_terminate();
                  const errc e = dec.finish();
                  if (e != errc::ok) return Decoded{e, {}};
                  return term == 1 ? Decoded{errc::ok, out} : Decoded{errc::corrupt, {}};
                },
                std::size_t{1} << 20, integrity);
}

TEST_CASE("HEVC residual slice data survives truncation and bit flips", "[hardening][hevc]") {
  check_residual<cabac::CabacEncoder, cabac::CabacDecoder>("hevc residual on CABAC", Integrity::none);
  check_residual<rans::StreamEncoder, rans::StreamDecoder>("hevc residual on rANS", Integrity::end_check);
}

}  // namespace
