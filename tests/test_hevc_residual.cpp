// test_hevc_residual.cpp — HEVC residual_coding() front-end (hevc/{scan,contexts,residual}.hpp).
//
// - scans and context derivations against hand-computed values from H.265;
// - the exact bin sequence of a hand-worked 4x4 block (a recording encoder);
// - round trips of random blocks for every TB size, component and scan, with
//   and without sign data hiding / transform_skip_flag, on every backend;
// - the coded-size table CABAC vs rANS (printed);
// - truncated and bit-flipped streams end in an error or a clean decode, never a crash.
#include <catch2/catch.hpp>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "entcode/hevc/residual_backends.hpp"  // the library's CABAC/rANS instantiations
#include "support/stream_backends.hpp"

using namespace entcode;
using namespace entcode::hevc;

namespace {

using test::CabacBackend;
using test::RansBackend;

// ---- a recording "encoder": lists the bins residual_coding() emits -------
struct RecContext {
  RecContext() = default;
  explicit RecContext(ContextInit) {}
  int tag = 0;  // set by the test to name the context
};
struct Recorder {
  using Context = RecContext;
  using SymbolModel = rans::SymbolModel;
  std::vector<std::string> log;
  void encode_bin(Context& c, int bin) { log.push_back("ctx" + std::to_string(c.tag) + "=" + std::to_string(bin)); }
  void encode_bypass(std::uint32_t bits, int n) {
    log.push_back("bypass" + std::to_string(n) + "=" + std::to_string(bits));
  }
  void encode_symbol(const SymbolModel&, int) {}
  void encode_terminate(int) {}
  Result<std::vector<std::byte>> finish() { return std::vector<std::byte>{}; }
};
static_assert(Encoder<Recorder>);

// Tags: last_x 100+i, last_y 200+i, csbf 300+i, sig 400+i, greater1 500+i, greater2 600+i.
ResidualContexts<RecContext> tagged_contexts() {
  ResidualContexts<RecContext> cx;
  auto tag = [](auto& arr, int base) {
    for (std::size_t i = 0; i < arr.size(); ++i) arr[i].tag = base + static_cast<int>(i);
  };
  tag(cx.last_x, 100);
  tag(cx.last_y, 200);
  tag(cx.coded_sub_block, 300);
  tag(cx.sig, 400);
  tag(cx.greater1, 500);
  tag(cx.greater2, 600);
  return cx;
}

// ---- random blocks ---------------------------------------------------------
// Residual-like blocks: a random last position, density and magnitudes that
// decay away from DC, occasional large levels (escape codes), random signs.
std::vector<std::int16_t> random_block(std::mt19937_64& rng, int log2, int style) {
  const int n = 1 << log2;
  std::vector<std::int16_t> c(static_cast<std::size_t>(n * n), 0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double density = style == 0 ? 0.15 : (style == 1 ? 0.6 : 1.0);
  const double scale = style == 2 ? 60.0 : 4.0;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const double decay = 1.0 / (1.0 + 0.3 * (x + y));
      if (u(rng) > density * (style == 2 ? 1.0 : decay)) continue;
      int level = 1 + static_cast<int>(-std::log(1.0 - u(rng)) * scale * decay);
      if (u(rng) < 0.01) level = 1 + static_cast<int>(rng() % 32768);
      c[static_cast<std::size_t>(y * n + x)] = static_cast<std::int16_t>(rng() & 1 ? -level : level);
    }
  if (std::all_of(c.begin(), c.end(), [](std::int16_t v) { return v == 0; }))
    c[rng() % c.size()] = static_cast<std::int16_t>(1 + rng() % 3);
  return c;
}

// Makes the hidden signs agree with the parities (what an SDH-aware quantiser does).
void apply_sign_hiding(std::vector<std::int16_t>& c, const TransformBlock& tb) {
  const int log2_sb = tb.log2_size - 2;
  for (int i = 0; i < (1 << (2 * log2_sb)); ++i) {
    const ScanPos sb = scan_positions(log2_sb, tb.scan)[i];
    int first = -1, last = -1, sum = 0;
    std::size_t first_idx = 0;
    for (int n = 0; n < 16; ++n) {
      const ScanPos p = scan_positions(2, tb.scan)[n];
      const auto idx = static_cast<std::size_t>((((sb.y << 2) + p.y) << tb.log2_size) + (sb.x << 2) + p.x);
      if (c[idx] == 0) continue;
      if (first < 0) { first = n; first_idx = idx; }
      last = n;
      sum += std::abs(c[idx]);
    }
    if (first >= 0 && last - first > 3) {
      const int mag = std::abs(c[first_idx]);
      c[first_idx] = static_cast<std::int16_t>((sum & 1) ? -mag : mag);
    }
  }
}

struct Case {
  TransformBlock tb;
  std::vector<std::int16_t> coeffs;
};

std::vector<Case> all_cases(std::uint64_t seed, int per_config) {
  std::mt19937_64 rng(seed);
  std::vector<Case> cases;
  for (int log2 = 2; log2 <= 5; ++log2)
    for (int c_idx = 0; c_idx < 3; ++c_idx)
      for (Scan scan : {Scan::diagonal, Scan::horizontal, Scan::vertical})
        for (int r = 0; r < per_config; ++r) {
          TransformBlock tb;
          tb.log2_size = log2;
          tb.c_idx = c_idx;
          tb.scan = scan;
          tb.sign_data_hiding = (r % 3) == 1;
          tb.transquant_bypass = (r % 5) == 4;
          tb.transform_skip_present = (r % 4) == 2;
          tb.transform_skip = (r % 8) == 2;
          auto coeffs = random_block(rng, log2, r % 3);
          if (tb.sign_data_hiding) apply_sign_hiding(coeffs, tb);
          cases.push_back({tb, std::move(coeffs)});
        }
  return cases;
}

template <class B>
std::vector<std::byte> encode_cases(const std::vector<Case>& cases) {
  typename B::Enc enc;
  ResidualContexts<typename B::Enc::Context> cx(0, 26);
  for (const auto& c : cases) REQUIRE(encode_residual(enc, cx, c.tb, c.coeffs) == errc::ok);
  enc.encode_terminate(1);
  auto bytes = enc.finish();
  REQUIRE(bytes.ok());
  return std::move(bytes.value());
}

// Decodes `cases.size()` blocks; returns the first error (ok if all match and the stream ends cleanly).
template <class B>
errc decode_cases(std::span<const std::byte> bytes, const std::vector<Case>& cases, bool check) {
  typename B::Dec dec(bytes);
  ResidualContexts<typename B::Dec::Context> cx(0, 26);
  std::vector<std::int16_t> out(32 * 32);
  for (const auto& c : cases) {
    bool ts = false;
    const errc e = decode_residual(dec, cx, c.tb, out, ts);
    if (e != errc::ok) return e;
    if (check) {
      INFO("log2 " << c.tb.log2_size << " c " << c.tb.c_idx << " scan " << int(c.tb.scan) << " sdh "
                   << c.tb.sign_data_hiding << " bypass " << c.tb.transquant_bypass);
      for (std::size_t i = 0; i < c.coeffs.size(); ++i)
        if (c.coeffs[i] != out[i]) { INFO("at " << i << " want " << c.coeffs[i] << " got " << out[i]); CHECK(false); break; }
      REQUIRE(std::equal(c.coeffs.begin(), c.coeffs.end(), out.begin()));
      REQUIRE(ts == (c.tb.transform_skip_present && c.tb.transform_skip));
    }
  }
  if (dec.decode_terminate() != 1) return dec.status() != errc::ok ? dec.status() : errc::corrupt;
  return dec.finish();
}

}  // namespace

TEST_CASE("scan tables follow H.265 6.5.3-6.5.5", "[hevc][scan]") {
  // 4x4 up-right diagonal: (0,0) (0,1) (1,0) (0,2) (1,1) (2,0) (0,3) ...
  const int diag[16][2] = {{0, 0}, {0, 1}, {1, 0}, {0, 2}, {1, 1}, {2, 0}, {0, 3}, {1, 2},
                           {2, 1}, {3, 0}, {1, 3}, {2, 2}, {3, 1}, {2, 3}, {3, 2}, {3, 3}};
  for (int i = 0; i < 16; ++i) {
    CHECK(scan_positions(2, Scan::diagonal)[i].x == diag[i][0]);
    CHECK(scan_positions(2, Scan::diagonal)[i].y == diag[i][1]);
    CHECK(scan_positions(2, Scan::horizontal)[i].x == i % 4);
    CHECK(scan_positions(2, Scan::vertical)[i].y == i % 4);
  }
  CHECK(scan_positions(1, Scan::diagonal)[1].y == 1);  // 2x2: (0,0) (0,1) (1,0) (1,1)
  CHECK(scan_positions(3, Scan::diagonal)[63].x == 7);
  for (int l = 0; l <= 3; ++l)
    for (Scan s : {Scan::diagonal, Scan::horizontal, Scan::vertical})
      for (int i = 0; i < (1 << (2 * l)); ++i) {
        const ScanPos p = scan_positions(l, s)[i];
        CHECK(scan_index(l, s, p.x, p.y) == i);
      }
  CHECK(intra_scan(10, 2, 0) == Scan::vertical);  // horizontal prediction -> vertical scan
  CHECK(intra_scan(26, 3, 0) == Scan::horizontal);
  CHECK(intra_scan(26, 3, 1) == Scan::diagonal);  // 8x8 chroma (4:2:0)
  CHECK(intra_scan(26, 4, 0) == Scan::diagonal);
  CHECK(intra_scan(1, 2, 2) == Scan::diagonal);
}

TEST_CASE("context index derivations (9.3.4.2)", "[hevc][contexts]") {
  CHECK(last_prefix_ctx(2, false).offset == 0);
  CHECK(last_prefix_ctx(3, false).offset == 3);
  CHECK(last_prefix_ctx(4, false).offset == 6);
  CHECK(last_prefix_ctx(5, false).offset == 10);
  CHECK(last_prefix_ctx(5, false).shift == 1);
  CHECK(last_prefix_ctx(4, true).shift == 2);
  CHECK(last_prefix_ctx(3, true).offset == 15);
  // 4x4: ctxIdxMap; chroma + 27.
  CHECK(sig_coeff_ctx(2, false, Scan::diagonal, 0, 1, 3) == 7);
  CHECK(sig_coeff_ctx(2, true, Scan::diagonal, 0, 1, 1) == 27 + 3);
  // 8x8 luma DC, diagonal first sub-block, non-diagonal scan offset.
  CHECK(sig_coeff_ctx(3, false, Scan::diagonal, 0, 0, 0) == 0);
  CHECK(sig_coeff_ctx(3, false, Scan::diagonal, 0, 1, 0) == 9 + 1);
  CHECK(sig_coeff_ctx(3, false, Scan::horizontal, 0, 5, 0) == 15 + 3 + 1);
  CHECK(sig_coeff_ctx(4, false, Scan::diagonal, 3, 6, 6) == 21 + 3 + 2);
  CHECK(sig_coeff_ctx(4, true, Scan::diagonal, 1, 5, 5) == 27 + 12 + 1);
  CHECK(sig_coeff_ctx(5, false, Scan::diagonal, 2, 2, 1) == 21 + 0);
  CHECK(detail::last_pos_code(31).prefix == 9);
  CHECK(detail::last_pos_code(31).suffix == 7);
  CHECK(detail::last_pos_code(6).prefix == 5);
  CHECK(detail::last_pos_code(6).suffix_bits == 1);
  CHECK(detail::last_pos_code(7).suffix == 1);
  CHECK(detail::last_pos_code(13).prefix == 7);
  CHECK(detail::last_pos_code(13).suffix == 1);
}

TEST_CASE("hand-worked 4x4 luma block gives the standard's bins", "[hevc][residual]") {
  // TransCoeffLevel: (0,0) = 5, (0,1) = -2, (1,0) = 1; diagonal scan positions 0, 1, 2.
  std::vector<std::int16_t> c(16, 0);
  c[0] = 5;
  c[4] = -2;  // x = 0, y = 1
  c[1] = 1;   // x = 1, y = 0
  Recorder rec;
  auto cx = tagged_contexts();
  TransformBlock tb;
  REQUIRE(encode_residual(rec, cx, tb, c) == errc::ok);
  // last (1, 0): x prefix "10" on ctx 0,1; y prefix "0" on ctx 0.
  // sig: n=1 (0,1) ctxIdxMap[4] = 2; n=0 ctx 0. greater1 ctxSet 0: greater1Ctx 1, 2, 0.
  // greater2 ctx 0 = 0; signs +,-,+ = 010; remaining of 5 at base 2 = 3, k = 0: 1110.
  const std::vector<std::string> want = {"ctx100=1", "ctx101=0", "ctx200=0", "ctx402=1", "ctx400=1", "ctx501=0",
                                         "ctx502=1", "ctx500=1", "ctx600=0", "bypass3=2", "bypass1=1",
                                         "bypass1=1", "bypass1=1", "bypass1=0", "bypass0=0"};
  CHECK(rec.log == want);

  // Vertical scan swaps the coded last position: last (1, 0) is coded as x = 0, y = 1.
  Recorder rec2;
  tb.scan = Scan::vertical;
  REQUIRE(encode_residual(rec2, cx, tb, c) == errc::ok);
  REQUIRE(rec2.log.size() >= 3);
  CHECK(rec2.log[0] == "ctx100=0");
  CHECK(rec2.log[1] == "ctx200=1");
  CHECK(rec2.log[2] == "ctx201=0");
}

TEST_CASE("coeff_abs_level_remaining escapes and the Rice update", "[hevc][residual]") {
  // One DC coefficient of 100 in a 4x4: greater1 = 1, greater2 = 1, remaining 97 at k = 0:
  // 97 >= 4: EG1 of 93: 93 - 2 - 4 - 8 - 16 - 32 = 31 < 64 -> 4 + 5 ones, 0, then 6 bits of 31.
  std::vector<std::int16_t> c(16, 0);
  c[0] = 100;
  Recorder rec;
  auto cx = tagged_contexts();
  REQUIRE(encode_residual(rec, cx, TransformBlock{}, c) == errc::ok);
  std::vector<std::string> want = {"ctx100=0", "ctx200=0", "ctx501=1", "ctx600=1", "bypass1=0"};
  for (int i = 0; i < 9; ++i) want.push_back("bypass1=1");
  want.push_back("bypass1=0");
  want.push_back("bypass6=31");
  CHECK(rec.log == want);
}

TEST_CASE("encoder rejects unrepresentable blocks without coding", "[hevc][residual]") {
  Recorder rec;
  auto cx = tagged_contexts();
  std::vector<std::int16_t> zero(16, 0);
  CHECK(encode_residual(rec, cx, TransformBlock{}, zero) == errc::invalid_argument);
  TransformBlock bad;
  bad.log2_size = 6;
  CHECK(encode_residual(rec, cx, bad, std::vector<std::int16_t>(64 * 64, 1)) == errc::invalid_argument);
  CHECK(encode_residual(rec, cx, TransformBlock{}, std::vector<std::int16_t>(8, 1)) == errc::invalid_argument);
  // Sign hiding: first..last distance 15 > 3, sum 2 is even, but the first coefficient is negative.
  std::vector<std::int16_t> c(16, 0);
  c[0] = -1;
  c[15] = 1;
  TransformBlock sdh;
  sdh.sign_data_hiding = true;
  CHECK(encode_residual(rec, cx, sdh, c) == errc::invalid_argument);
  CHECK(rec.log.empty());
  c[0] = 1;
  CHECK(encode_residual(rec, cx, sdh, c) == errc::ok);
  sdh.transquant_bypass = true;  // bypass disables hiding: any sign is fine
  c[0] = -1;
  CHECK(encode_residual(rec, cx, sdh, c) == errc::ok);
}

TEMPLATE_TEST_CASE("residual round trips: every size, component, scan", "[hevc][residual]", ENTCODE_STREAM_BACKENDS) {
  const auto cases = all_cases(0xc0ffee, 12);
  const auto bytes = encode_cases<TestType>(cases);
  CHECK(decode_cases<TestType>(bytes, cases, true) == errc::ok);
}

TEMPLATE_TEST_CASE("residual decoder: truncation and bit flips end in an error, not a crash", "[hevc][residual]",
                   ENTCODE_STREAM_BACKENDS) {
  const auto cases = all_cases(0xbadc0de, 1);
  const auto bytes = encode_cases<TestType>(cases);
  int errors = 0;
  for (std::size_t cut = 0; cut < bytes.size(); cut += 1 + bytes.size() / 64) {
    const errc e = decode_cases<TestType>(std::span(bytes).first(cut), cases, false);
    CHECK(e != errc::ok);
    errors += e == errc::truncated;
  }
  CHECK(errors > 0);
  std::mt19937_64 rng(7);
  int detected = 0;
  const int flips = 200;
  for (int t = 0; t < flips; ++t) {
    auto bad = bytes;
    bad[rng() % bad.size()] ^= static_cast<std::byte>(1u << (rng() % 8));
    detected += decode_cases<TestType>(bad, cases, false) != errc::ok;
  }
  CHECK(detected > flips / 2);  // the end-of-stream checks catch most flips
}

namespace {
template <class B>
std::size_t coded_size(const std::vector<Case>& cases) {
  return encode_cases<B>(cases).size();
}
}  // namespace

TEST_CASE("coded sizes per TB size and backend (table)", "[hevc][residual][table]") {
  std::printf("\nHEVC residual_coding() coded bytes, 200 random residual-like blocks per row\n");
  std::printf("%-6s %-7s %10s %10s %8s\n", "TB", "comp", "CABAC", "rANS", "rANS/CABAC");
  for (int log2 = 2; log2 <= 5; ++log2)
    for (int chroma = 0; chroma < 2; ++chroma) {
      std::mt19937_64 rng(static_cast<std::uint64_t>(log2 * 10 + chroma));
      std::vector<Case> cases;
      for (int r = 0; r < 200; ++r) {
        TransformBlock tb;
        tb.log2_size = log2;
        tb.c_idx = chroma;
        cases.push_back({tb, random_block(rng, log2, r % 2)});
      }
      const std::size_t cabac_size = coded_size<CabacBackend>(cases);
      const std::size_t rans_size = coded_size<RansBackend>(cases);
      // Same bins, same context modelling: the two backends land within a few percent.
      CHECK(static_cast<double>(rans_size) < 1.1 * static_cast<double>(cabac_size));
      CHECK(static_cast<double>(cabac_size) < 1.1 * static_cast<double>(rans_size));
      std::printf("%2dx%-3d %-7s %10zu %10zu %8.3f\n", 1 << log2, 1 << log2, chroma ? "chroma" : "luma", cabac_size,
                  rans_size, static_cast<double>(rans_size) / static_cast<double>(cabac_size));
    }
}

TEMPLATE_TEST_CASE("an all-zero first sub-block before the last one round-trips", "[hevc][residual]",
                   ENTCODE_STREAM_BACKENDS) {
  // Only (4, 4) of an 8x8 is nonzero: sub-block (0, 0) is inferred coded, all its sig flags are 0.
  for (bool sdh : {false, true}) {
    Case c;
    c.tb.log2_size = 3;
    c.tb.sign_data_hiding = sdh;
    c.coeffs.assign(64, 0);
    c.coeffs[4 * 8 + 4] = -3;
    const std::vector<Case> cases{c};
    CHECK(decode_cases<TestType>(encode_cases<TestType>(cases), cases, true) == errc::ok);
  }
}
