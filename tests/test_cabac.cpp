// test_cabac.cpp — the HEVC CABAC engine: hand-computed vectors, agreement with the
// textbook transcription (tests/support/cabac_textbook.hpp) both ways on millions of random
// bins, termination semantics, truncation / corruption, symbol binarisation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <random>

#include "support/cabac_script.hpp"
#include "entcode/cabac/decoder.hpp"
#include "entcode/cabac/encoder.hpp"
#include "entcode/stream.hpp"

using namespace entcode;
using namespace entcode::cabac;
namespace cs = cabac_script;

static_assert(Backend<CabacEncoder, CabacDecoder>);

namespace {

// ASan / TSan abort on an impossible allocation instead of returning null (GCC: __SANITIZE_*, clang: __has_feature).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizedAllocator = true;
#elif defined(__has_feature)
constexpr bool kSanitizedAllocator = __has_feature(address_sanitizer) || __has_feature(thread_sanitizer);
#else
constexpr bool kSanitizedAllocator = false;
#endif

std::vector<std::byte> bytes(std::initializer_list<unsigned> v) {
  std::vector<std::byte> out;
  for (unsigned b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

}  // namespace

TEST_CASE("tables and context initialisation", "[cabac]") {
  CHECK(kStateTable[0].rlps[3] == 240);
  CHECK(kStateTable[0].next[0] == (1 << 1 | 0));  // MPS: state 0 -> 1
  CHECK(kStateTable[0].next[1] == (0 << 1 | 1));  // LPS at state 0 flips the MPS
  CHECK(kStateTable[2 * 62 + 1].next[0] == (62 << 1 | 1));  // MPS saturates at 62
  CHECK(kStateTable[2 * 18].next[1] == (15 << 1));
  // initValue 63, SliceQpY 30: slope -30, offset 104, preCtxState ((-900) >> 4) + 104 = 47
  // -> valMps 0, pStateIdx 63 - 47 = 16.
  const Context c(ContextInit{63, 30});
  CHECK(c.state() == 16);
  CHECK(c.mps() == 0);
  // initValue 154 -> preCtxState 64 -> state 0, MPS 1 at every QP.
  CHECK(Context(ContextInit{154, 40}) == Context(CabacState{0, 1}));
  CHECK(Context{}.state() == 0);
  // The three other ways to build a context agree on the packed byte.
  for (unsigned p = 0; p <= 2 * kMaxState + 1; ++p) {
    const Context c_packed = Context::from_packed(p);
    REQUIRE(c_packed.packed() == p);
    REQUIRE(c_packed == Context(p >> 1, p & 1));
    REQUIRE(c_packed == Context(CabacState{static_cast<std::uint8_t>(p >> 1), static_cast<std::uint8_t>(p & 1)}));
  }
#ifdef NDEBUG
  // A state above 62 (an assertion in debug builds) is clamped to 62 (cabac/context.hpp).
  CHECK(Context(63, 1) == Context(kMaxState, 1));
  CHECK(Context(200, 0).packed() == 2 * kMaxState);
  CHECK(Context::from_packed(127).packed() == 2 * kMaxState + 1);
#endif
  // The LPS probability model: 0.5 at state 0, 0.01875 at state 63, strictly decreasing.
  CHECK(lps_probability(0) == 0.5);
  CHECK(std::abs(lps_probability(63) - 0.01875) < 1e-12);
  for (unsigned s = 1; s <= kMaxState; ++s) REQUIRE(lps_probability(s) < lps_probability(s - 1));
  for (unsigned r = 256; r < 511; ++r)
    for (std::uint64_t x : {std::uint64_t{0}, std::uint64_t{r} - 1, (std::uint64_t{r} << 20) - 1, std::uint64_t{12345678} % (std::uint64_t{r} << 20)})
      REQUIRE(((x * kBypassReciprocal[r]) >> kBypassReciprocalShift) == x / r);
}

// Hand-computed streams (derivations follow H.265 9.3.4.3; the encoder side as
// EncodeDecision / EncodeBypass / EncodeTerminate / EncodeFlush with PutBit).
TEST_CASE("hand-computed vectors", "[cabac]") {
  SECTION("empty stream: only the terminating bin") {
    // range 510 -> 508, low += 508 -> 508. Flush: range 2, 7 renorm steps each find
    // 256 <= low < 512 (low 508,504,496,480,448,384,256 -> outstanding 7, low 0);
    // PutBit(0) is the dropped first bit followed by 7 outstanding 1s; then
    // WriteBits(((0 >> 7) & 3) | 1, 2) = 01. Stream 1111111 01 + 7 zero bits = FE 80.
    CabacEncoder enc;
    const auto out = enc.finish().value();
    CHECK(out == bytes({0xfe, 0x80}));
    // Decoder: ivlOffset = 111111101b = 509 < 510; terminate: range 508 <= 509 -> 1.
    CabacDecoder dec(out);
    CHECK(dec.decode_terminate() == 1);
    CHECK(dec.finish() == errc::ok);
  }
  SECTION("one LPS at state 0, then end of slice") {
    // bin 1, ctx (0, MPS 0): qRangeIdx (510 >> 6) & 3 = 3, rLPS 240, rMPS 270;
    // LPS: low 270, range 240, MPS flips to 1, state transIdxLps[0] = 0.
    // Renorm: 256 <= 270 < 512 -> outstanding 1, low 14 -> 28, range 480.
    // terminate(1): range 478, low 506; flush: 6 steps with low in [256, 512)
    // (506,500,488,464,416,320 -> outstanding 7), then low 128 < 256: PutBit(0)
    // = dropped first bit + seven 1s; low 256; PutBit((256 >> 9) & 1 = 0) -> 0;
    // WriteBits((256 >> 7) & 3 | 1 = 3, 2) -> 11. Stream 1111111 0 11 + 000000 = FE C0.
    CabacEncoder enc;
    Context ctx;
    enc.encode_bin(ctx, 1);
    CHECK(ctx == Context(CabacState{0, 1}));
    enc.encode_terminate(1);
    const auto out = enc.finish().value();
    CHECK(out == bytes({0xfe, 0xc0}));
    // Decoder: offset 509 >= rMPS 270 -> LPS (bin 1), offset 239, range 240;
    // renorm: range 480, offset 478 | bit 9 (1) = 479; terminate: 479 >= 478 -> 1.
    CabacDecoder dec(out);
    Context d;
    CHECK(dec.decode_bin(d) == 1);
    CHECK(d == ctx);
    CHECK(dec.decode_terminate() == 1);
    CHECK(dec.finish() == errc::ok);
  }
  SECTION("three bypass bins 1 0 1") {
    // low = ((0 * 2 + 510) * 2 + 0) * 2 + 510 = 2550 over 3 shifts; terminate:
    // low 2550 + 508 = 3058; flush shifts 7 more and writes bits down to weight
    // 2^7 with the last forced to 1: 3058 | 1 = 3059 = 1011 1111 0011b (12 bits)
    // + 4 zero bits = BF 30.
    CabacEncoder enc;
    enc.encode_bypass(0b101, 3);
    const auto out = enc.finish().value();
    CHECK(out == bytes({0xbf, 0x30}));
    // Decoder: offset 101111110b = 382; (764|0) >= 510 -> 1, 254; (508|1) = 509 -> 0;
    // (1018|1) = 1019 -> 1, 509; terminate 509 >= 508 -> 1.
    CabacDecoder dec(out);
    CHECK(dec.decode_bypass(3) == 0b101);
    CHECK(dec.finish() == errc::ok);
    CabacDecoder dec1(out);
    CHECK(dec1.decode_bypass() == 1);
    CHECK(dec1.decode_bypass() == 0);
    CHECK(dec1.decode_bypass() == 1);
    CHECK(dec1.decode_terminate() == 1);
    CHECK(dec1.finish() == errc::ok);
  }
  SECTION("initialised context: MPS, MPS, LPS") {
    // ctx from initValue 63 at QP 30: state 16, MPS 0 (see above).
    // bin 0: q 3, rLPS[16][3] = 104, range 406, state 17.
    // bin 0: q (406 >> 6) & 3 = 2, rLPS[17][2] = 86, range 320, state 18.
    // bin 1: q (320 >> 6) & 3 = 1, rLPS[18][1] = 69, rMPS 251 -> low 251, range 69,
    //        state transIdxLps[18] = 15; renorm 2: range 276, low 1004.
    // terminate(1): range 274, low 1278; final bits = 1278 | 1 = 1279 = 100 1111 1111b
    // (11 bits) + 5 zero bits = 9F E0.
    CabacEncoder enc;
    Context ctx(ContextInit{63, 30});
    enc.encode_bin(ctx, 0);
    enc.encode_bin(ctx, 0);
    enc.encode_bin(ctx, 1);
    CHECK(ctx == Context(CabacState{15, 0}));
    enc.encode_terminate(1);
    const auto out = enc.finish().value();
    CHECK(out == bytes({0x9f, 0xe0}));
    // Decoder: offset 100111111b = 319 < 406 -> 0; 319 < 320 -> 0; 319 >= 251 -> 1,
    // offset 68, range 69; renorm 2: offset 272 | 11b = 275, range 276; 275 >= 274 -> 1.
    CabacDecoder dec(out);
    Context d(ContextInit{63, 30});
    CHECK(dec.decode_bin(d) == 0);
    CHECK(dec.decode_bin(d) == 0);
    CHECK(dec.decode_bin(d) == 1);
    CHECK(dec.decode_terminate() == 1);
    CHECK(dec.finish() == errc::ok);
  }
}

TEST_CASE("fast coders agree with the textbook transcription both ways", "[cabac]") {
  std::mt19937_64 rng(42);
  std::size_t total_ops = 0;
  for (int round = 0; round < 40; ++round) {
    const std::size_t n = round < 20 ? 1 + rng() % 200 : 50000;
    const unsigned end_every = round % 3 == 0 ? 5 : 500;
    const auto script = cs::random_script(rng, n, 1 + static_cast<int>(rng() % 64), end_every);
    total_ops += n;
    const auto fast = cs::encode_fast(script);
    const auto slow = cs::encode_textbook(script);
    REQUIRE(fast == slow);
    const auto expected = cs::expected_values(script);
    errc st{};
    REQUIRE(cs::decode_fast(slow, script, &st) == expected);
    REQUIRE(st == errc::ok);
    bool clean = false;
    REQUIRE(cs::decode_textbook(fast, script, &clean) == expected);
    REQUIRE(clean);
  }
  CHECK(total_ops > 1000000);
}

TEST_CASE("decisions at equality (offset == rMPS, 2 * offset == range) match the textbook", "[cabac]") {
  // Every initial ivlOffset followed by zero bits: the fast decoder's offset then has
  // no stray low bits, so the LPS test (offset >= rMPS) and the bypass test
  // (2 * offset + bit >= range) meet equality for some offset of every state.
  std::size_t compared = 0;
  for (unsigned offset = 0; offset < kInitRange; ++offset) {
    std::vector<std::byte> in(32, std::byte{0});
    in[0] = static_cast<std::byte>(offset >> 1);
    in[1] = static_cast<std::byte>((offset & 1) << 7);
    for (unsigned state : {0u, 5u, 20u, 40u, 62u}) {
      for (unsigned mps : {0u, 1u}) {
        CabacDecoder fast(in);
        textbook::Decoder slow(in);
        Context c(state, mps);
        textbook::Ctx t{static_cast<int>(state), static_cast<int>(mps)};
        for (int i = 0; i < 24; ++i) {
          int got = 0, want = 0;
          switch (i % 3) {
            case 0: got = fast.decode_bin(c), want = slow.bin(t); break;
            case 1: got = fast.decode_bypass(), want = slow.bypass(); break;
            default: got = static_cast<int>(fast.decode_bypass_bits(2)), want = slow.bypass() << 1, want |= slow.bypass();
          }
          REQUIRE(got == want);
          ++compared;
        }
        REQUIRE(fast.status() == errc::ok);
      }
    }
  }
  CHECK(compared == kInitRange * 5 * 2 * 24);
}

TEST_CASE("carries through runs of 0xFF and 0x00 bytes", "[cabac]") {
  // Bypass bins decoded from bytes full of 4..12-byte runs of 0x00 and 0xFF re-encode
  // to (nearly) those bytes: a run of 0x00 in the output is often a run of 0xFF that a
  // later carry rippled through, so the encoder meets chunks that are all ones when a
  // carry arrives (the carry must leave them) and carries into the byte before a run.
  std::mt19937_64 rng(11);
  std::size_t zero_runs = 0;  // 4-byte windows of 0x00 in the outputs
  for (int round = 0; round < 200; ++round) {
    std::vector<std::byte> crafted{static_cast<std::byte>(rng() % 0xff)};  // ivlOffset < 510
    while (crafted.size() < 160) {
      const std::size_t run = rng() % 3 == 0 ? 0 : 4 + rng() % 9;
      const auto fill = static_cast<std::byte>(rng() % 2 ? 0xff : 0x00);
      crafted.push_back(static_cast<std::byte>(rng()));
      crafted.insert(crafted.end(), run, fill);
    }
    CabacDecoder dec(crafted);
    cs::Script script;
    for (int i = 0; i < 70; ++i) script.ops.push_back({cs::Kind::bypass, 0, 16, dec.decode_bypass_bits(16)});
    const auto fast = cs::encode_fast(script);
    REQUIRE(fast == cs::encode_textbook(script));
    for (std::size_t i = 0; i + 4 <= fast.size(); ++i)
      zero_runs += std::all_of(fast.begin() + i, fast.begin() + i + 4, [](std::byte b) { return b == std::byte{0}; });
  }
  CHECK(zero_runs > 1000);
}

TEST_CASE("a failed buffer growth throws bad_alloc and leaves the encoder unchanged", "[cabac]") {
  const auto code = [](CabacEncoder& enc, int from, int to) {
    for (int i = from; i < to; ++i) {
      Context c(static_cast<unsigned>(i) % 63, 0);
      enc.encode_bin(c, i % 7 == 0);
      enc.encode_bypass_bits(static_cast<std::uint32_t>(i) & 0xff, 8);
    }
  };
  CabacEncoder ref;
  code(ref, 0, 20000);
  const auto want = ref.finish().value();
  REQUIRE(want.size() > 8192);  // the failures below hit a buffer that has grown
  std::vector<std::size_t> requests{std::numeric_limits<std::size_t>::max(), CabacEncoder::kMaxBytes};
  if (!kSanitizedAllocator) requests.push_back(CabacEncoder::kMaxBytes / 2);  // realloc fails (sanitizers abort)
  for (const std::size_t n : requests) {
    CabacEncoder enc;
    code(enc, 0, 10000);
    const std::size_t size = enc.finished_size();
    CHECK_THROWS_AS(enc.reserve(n), std::bad_alloc);
    CHECK(enc.finished_size() == size);
    code(enc, 10000, 20000);
    CHECK(enc.finish().value() == want);
  }
}

TEST_CASE("two million context-coded bins at p(MPS) ~ 0.8 round-trip", "[cabac]") {
  std::mt19937_64 rng(7);
  std::vector<std::uint8_t> ctx_idx(2000000), bin(2000000);
  std::vector<Context> enc_ctx(64);
  for (std::size_t i = 0; i < bin.size(); ++i) {
    ctx_idx[i] = static_cast<std::uint8_t>(rng() % 64);
    bin[i] = rng() % 10 < 2;
  }
  CabacEncoder enc;
  for (std::size_t i = 0; i < bin.size(); ++i) enc.encode_bin(enc_ctx[ctx_idx[i]], bin[i]);
  const auto out = enc.finish().value();
  // H(0.2) = 0.7219 bits per bin; CABAC's adaptive states stay within a few percent.
  CHECK(static_cast<double>(out.size()) * 8 / static_cast<double>(bin.size()) < 0.7219 * 1.05);
  CabacDecoder dec(out);
  std::vector<Context> dec_ctx(64);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < bin.size(); ++i) mismatches += dec.decode_bin(dec_ctx[ctx_idx[i]]) != bin[i];
  CHECK(mismatches == 0);
  CHECK(dec.finish() == errc::ok);
}

TEST_CASE("termination: codewords, finish and the end of the data", "[cabac]") {
  SECTION("finish adds no codeword after an explicit terminate(1)") {
    CabacEncoder a, b;
    Context ca, cb;
    a.encode_bin(ca, 1);
    b.encode_bin(cb, 1);
    a.encode_terminate(1);
    const auto explicit_end = a.finish().value();
    const auto implicit_end = b.finish().value();
    CHECK(explicit_end == implicit_end);
    CHECK(explicit_end.size() == 2);
  }
  SECTION("decoding after the last codeword is truncated") {
    CabacEncoder enc;
    enc.encode_bypass(5, 3);
    enc.encode_terminate(1);
    const auto out = enc.finish().value();
    CabacDecoder dec(out);
    CHECK(dec.decode_bypass(3) == 5);
    CHECK(dec.decode_terminate() == 1);
    CHECK(dec.status() == errc::ok);
    Context c;
    CHECK(dec.decode_bin(c) == 0);
    CHECK(dec.status() == errc::truncated);
    CHECK(dec.finish() == errc::truncated);
  }
  SECTION("finish without a final terminate call decodes it; bins left over are corrupt") {
    CabacEncoder enc;
    Context c;
    for (int i = 0; i < 100; ++i) enc.encode_bin(c, i % 3 == 0);
    const auto out = enc.finish().value();
    CabacDecoder dec(out);
    Context d;
    for (int i = 0; i < 100; ++i) REQUIRE(dec.decode_bin(d) == (i % 3 == 0));
    CHECK(dec.finish() == errc::ok);
    CabacDecoder early(out);
    Context e;
    for (int i = 0; i < 50; ++i) early.decode_bin(e);
    CHECK(early.finish() == errc::corrupt);
  }
  SECTION("trailing bytes and cabac_zero_words are corrupt") {
    CabacEncoder enc;
    enc.encode_bypass(0x1234, 16);
    auto out = enc.finish().value();
    out.push_back(std::byte{0});
    out.push_back(std::byte{0});
    CabacDecoder dec(out);
    CHECK(dec.decode_bypass(16) == 0x1234);
    CHECK(dec.finish() == errc::corrupt);
  }
  SECTION("several codewords in one stream (substreams)") {
    CabacEncoder enc;
    Context c;
    for (int k = 0; k < 5; ++k) {
      for (int i = 0; i < 37 * k; ++i) enc.encode_bin(c, i % 5 == 0);
      enc.encode_terminate(1);
    }
    const auto out = enc.finish().value();
    CabacDecoder dec(out);
    Context d;
    for (int k = 0; k < 5; ++k) {
      for (int i = 0; i < 37 * k; ++i) REQUIRE(dec.decode_bin(d) == (i % 5 == 0));
      REQUIRE(dec.decode_terminate() == 1);
    }
    CHECK(dec.finish() == errc::ok);
  }
}

TEST_CASE("invalid and short inputs", "[cabac]") {
  CHECK(CabacDecoder(std::span<const std::byte>{}).status() == errc::truncated);
  CHECK(CabacDecoder(bytes({0x12})).status() == errc::truncated);
  CHECK(CabacDecoder(bytes({0xff, 0x00})).status() == errc::corrupt);  // ivlOffset 510
  CHECK(CabacDecoder(bytes({0xff, 0x80})).status() == errc::corrupt);  // ivlOffset 511
  CHECK(CabacDecoder(bytes({0xfe, 0x80})).status() == errc::ok);       // ivlOffset 509
  CabacDecoder dec(bytes({0xfe, 0x80}));
  CHECK(dec.decode_bypass(33) == 0);
  CHECK(dec.status() == errc::invalid_argument);
  CabacEncoder enc;
  enc.encode_bypass(0, -1);
  CHECK(enc.finish().error() == errc::invalid_argument);
  // The encoder is reset by finish() and usable again.
  CHECK(enc.finish().value() == bytes({0xfe, 0x80}));
}

TEST_CASE("truncated streams report truncated, bit flips never crash", "[cabac]") {
  std::mt19937_64 rng(3);
  const auto script = cs::random_script(rng, 3000, 16, 1000000);
  const auto full = cs::encode_fast(script);
  REQUIRE(full.size() > 100);
  std::size_t truncated = 0, cuts = 0;
  for (std::size_t len = 0; len < full.size(); ++len) {
    errc st{};
    cs::decode_fast(std::span(full).first(len), script, &st);
    REQUIRE(st != errc::ok);
    truncated += st == errc::truncated;
    ++cuts;
  }
  // Missing bytes read as zeros until the decoder notices; it must say truncated.
  CHECK(truncated == cuts);

  // The stop bit and the alignment bits are checked exactly.
  errc st{};
  auto bad = full;
  bad.back() ^= std::byte{1};
  cs::decode_fast(bad, script, &st);
  CHECK(st != errc::ok);

  std::size_t detected = 0;
  for (std::size_t bit = 0; bit < 8 * full.size(); ++bit) {
    auto flipped = full;
    flipped[bit / 8] ^= static_cast<std::byte>(0x80 >> (bit % 8));
    const auto values = cs::decode_fast(flipped, script, &st);
    detected += st != errc::ok || values != cs::expected_values(script);
  }
  CHECK(detected == 8 * full.size());  // every flip changes the decode or fails it
}

TEST_CASE("after an error every call returns zero", "[cabac]") {
  CabacDecoder dec(bytes({0xff, 0xff, 0xff}));
  REQUIRE(dec.status() == errc::corrupt);
  Context c(CabacState{62, 1});
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(dec.decode_bin(c) == 0);
    REQUIRE(dec.decode_bypass() == 0);
    REQUIRE(dec.decode_bypass_bits(13) == 0);
    REQUIRE(dec.decode_terminate() == 0);
  }
  CHECK(dec.finish() == errc::corrupt);
}

TEST_CASE("symbol models binarise a CDF onto fixed-context bins", "[cabac]") {
  CHECK(SymbolModel::from_cdf(std::vector<std::uint32_t>{0, 65536}, 16).ok());
  CHECK(SymbolModel::from_cdf(std::vector<std::uint32_t>{0, 3, 2, 65536}, 16).error() == errc::invalid_argument);
  CHECK(SymbolModel::from_cdf(std::vector<std::uint32_t>{1, 65536}, 16).error() == errc::invalid_argument);
  CHECK(SymbolModel::from_cdf(std::vector<std::uint32_t>{0, 100}, 16).error() == errc::invalid_argument);
  CHECK(SymbolModel::from_cdf(std::vector<std::uint32_t>{0}, 16).error() == errc::invalid_argument);
  CHECK(SymbolModel::from_cdf(std::vector<std::uint32_t>{0, 1u << 17}, 17).error() == errc::invalid_argument);

  // A geometric distribution over 40 symbols (with zero-width symbols at the end).
  std::vector<std::uint32_t> cdf{0};
  double p = 0.2;
  for (int s = 0; s < 40; ++s, p *= 0.8) cdf.push_back(cdf.back() + static_cast<std::uint32_t>(p * 65536 * 0.98) + (s < 30));
  cdf.back() = 65536;
  cdf.insert(cdf.end(), 3, 65536);
  const auto model = SymbolModel::from_cdf(cdf, 16).value();
  REQUIRE(model.size() == 43);

  std::mt19937_64 rng(9);
  std::vector<int> syms(200000);
  double entropy = 0;
  for (auto& s : syms) {
    const auto u = static_cast<std::uint32_t>(rng() % 65536);
    s = static_cast<int>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin()) - 1;
    entropy -= std::log2((cdf[static_cast<std::size_t>(s) + 1] - cdf[static_cast<std::size_t>(s)]) / 65536.0);
  }
  CabacEncoder enc;
  for (int s : syms) enc.encode_symbol(model, s);
  enc.encode_symbol(model, 42);  // zero-width symbols stay codable
  const auto out = enc.finish().value();
  CHECK(static_cast<double>(out.size()) * 8 < entropy * 1.06);
  CabacDecoder dec(out);
  for (int s : syms) REQUIRE(dec.decode_symbol(model) == s);
  CHECK(dec.decode_symbol(model) == 42);
  CHECK(dec.finish() == errc::ok);

  CabacEncoder bad;
  bad.encode_symbol(model, 43);
  CHECK(bad.finish().error() == errc::invalid_argument);
}

TEST_CASE("encoder output: finish(span), finished_size, reserve, reuse", "[cabac]") {
  const auto code = [](CabacEncoder& enc, unsigned seed, bool terminate) {
    std::mt19937 rng(seed);
    std::vector<Context> ctx(8);
    for (int i = 0; i < 100000; ++i) {  // ~10 KB: several buffer growths
      if (i % 5 == 0) enc.encode_bypass_bits(rng() & 0xffff, 16);
      else enc.encode_bin(ctx[rng() % 8], rng() % 3 == 0);
    }
    if (terminate) enc.encode_terminate(1);
  };
  for (const bool terminate : {false, true}) {
    CabacEncoder ref;
    code(ref, 5, terminate);
    const auto want = ref.finish().value();
    REQUIRE(want.size() > 8192);

    CabacEncoder enc;
    enc.reserve(100);
    code(enc, 5, terminate);
    const std::size_t n = enc.finished_size();
    CHECK(n == want.size());
    std::vector<std::byte> out(n + 3, std::byte{0xaa});
    CHECK(enc.finish(std::span(out).first(n - 1)).error() == errc::output_too_small);
    CHECK(enc.finished_size() == n);  // unchanged by the failed call
    REQUIRE(enc.finish(out).value() == n);
    CHECK(std::equal(want.begin(), want.end(), out.begin()));
    CHECK(out[n] == std::byte{0xaa});
    // The encoder was reset and keeps working (and its buffer).
    code(enc, 5, terminate);
    CHECK(enc.finish().value() == want);
  }
  // finished_size() is exact at every register fill (pend 0..31 before the flush).
  for (int bins = 0; bins < 96; ++bins) {
    CabacEncoder enc;
    Context c;
    for (int i = 0; i < bins; ++i) enc.encode_bin(c, i % 3 == 0);
    const std::size_t n = enc.finished_size();
    REQUIRE(enc.finish().value().size() == n);
  }
  CabacEncoder empty;
  CHECK(empty.finished_size() == 2);  // the terminate codeword alone: 7 + 2 bits, aligned
  CHECK(empty.finish().value().size() == 2);
}
