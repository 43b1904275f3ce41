// bench_hevc_residual.cpp — HEVC residual_coding() throughput: M bins/s and
// M coefficients/s (TB samples, zeros included) for decode and encode, on the
// CABAC and the rANS backend, measured in the same run.
// Workloads (fixed seeds):
//  - lossless: residuals of a natural-looking synthetic 256x256 4:2:0 picture
//    (smooth shading + texture + edges + mild noise) against the HEVC DC
//    predictor of each TB from its source neighbours, luma TBs 4..32 and
//    chroma half size, cu_transquant_bypass (what apps/hevc_intra codes);
//  - sparse: lossy-like quantised blocks (few small levels decaying from DC).
// Bins are counted once by a counting wrapper around the encoder.
// Run pinned: taskset -c 1 ./bench_hevc_residual --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "entcode/cabac/decoder.hpp"
#include "entcode/cabac/encoder.hpp"
#include "entcode/hevc/residual.hpp"
#include "entcode/rans/stream_coder.hpp"

namespace {

using namespace entcode;
using namespace entcode::hevc;

struct Block {
  TransformBlock tb;
  std::vector<std::int16_t> coeffs;
};

struct Workload {
  std::vector<Block> blocks;
  std::uint64_t coeffs = 0;
  std::uint64_t bins = 0;  // context-coded + bypass + terminate
};

// Counts the bins an encoder is asked to code.
template <Encoder E>
struct CountingEncoder {
  using Context = typename E::Context;
  using SymbolModel = typename E::SymbolModel;
  E inner;
  std::uint64_t bins = 0;
  void encode_bin(Context& c, int b) { ++bins, inner.encode_bin(c, b); }
  void encode_bypass(std::uint32_t v, int n) { bins += static_cast<unsigned>(n), inner.encode_bypass(v, n); }
  void encode_symbol(const SymbolModel& m, int s) { inner.encode_symbol(m, s); }
  void encode_terminate(int b) { ++bins, inner.encode_terminate(b); }
  Result<std::vector<std::byte>> finish() { return inner.finish(); }
};

double natural(int c, int x, int y, std::mt19937_64& rng) {
  double v = c == 0 ? 90 + 0.3 * x - 0.1 * y : (c == 1 ? 118 + 0.1 * y : 134 - 0.1 * x);
  v += (c == 0 ? 18 : 6) * std::sin(0.35 * x + 0.21 * y) * std::cos(0.17 * y - 0.05 * x);
  if ((x / 8 + y / 12) % 7 == 0 && c == 0) v += 45;
  v += (c == 0 ? 6 : 3) * (static_cast<double>(rng() % 1000) / 1000.0 - 0.5);
  return std::clamp(std::round(v), 0.0, 255.0);
}

void add_lossless_blocks(Workload& w) {
  constexpr int kSize = 256;
  std::mt19937_64 rng(11);
  for (int c = 0; c < 3; ++c) {
    const int n = c ? kSize / 2 : kSize;
    std::vector<int> pic(static_cast<std::size_t>(n * n));
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) pic[static_cast<std::size_t>(y * n + x)] = static_cast<int>(natural(c, x * (c ? 2 : 1), y * (c ? 2 : 1), rng));
    for (int y0 = 0, row = 0; y0 < n; y0 += 32, ++row)
      for (int x0 = 0, col = 0; x0 < n; x0 += 32, ++col) {
        const int log2 = 2 + (row + col) % (c ? 3 : 4);  // TB sizes 4..32 luma, 4..16 chroma
        const int tbs = 1 << log2;
        for (int ty = y0; ty < y0 + 32; ty += tbs)
          for (int tx = x0; tx < x0 + 32; tx += tbs) {
            int sum = tbs, cnt = 0;
            for (int i = 0; i < tbs; ++i) {
              if (ty > 0) sum += pic[static_cast<std::size_t>((ty - 1) * n + tx + i)], ++cnt;
              if (tx > 0) sum += pic[static_cast<std::size_t>((ty + i) * n + tx - 1)], ++cnt;
            }
            const int dc = cnt ? (sum - tbs + cnt / 2) / cnt : 128;
            Block b;
            b.tb.log2_size = log2;
            b.tb.c_idx = c;
            b.tb.transquant_bypass = true;
            b.coeffs.resize(static_cast<std::size_t>(tbs * tbs));
            bool any = false;
            for (int y = 0; y < tbs; ++y)
              for (int x = 0; x < tbs; ++x) {
                const int r = pic[static_cast<std::size_t>((ty + y) * n + tx + x)] - dc;
                b.coeffs[static_cast<std::size_t>(y * tbs + x)] = static_cast<std::int16_t>(r);
                any = any || r != 0;
              }
            if (any) w.blocks.push_back(std::move(b));
          }
      }
  }
}

void add_sparse_blocks(Workload& w) {
  std::mt19937_64 rng(12);
  std::geometric_distribution<int> level(0.6);
  for (int i = 0; i < 6000; ++i) {
    Block b;
    b.tb.log2_size = 2 + static_cast<int>(rng() % 4);
    b.tb.c_idx = static_cast<int>(rng() % 3);
    b.tb.sign_data_hiding = false;
    const int n = 1 << b.tb.log2_size;
    b.coeffs.assign(static_cast<std::size_t>(n * n), 0);
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        if (rng() % 100 < static_cast<unsigned>(60 / (1 + x + y)))
          b.coeffs[static_cast<std::size_t>(y * n + x)] = static_cast<std::int16_t>((1 + level(rng)) * (rng() & 1 ? -1 : 1));
    b.coeffs[0] = static_cast<std::int16_t>(1 + level(rng));
    w.blocks.push_back(std::move(b));
  }
}

const Workload& workload(int which) {
  static const std::array<Workload, 2> w = [] {
    Workload l, s;
    add_lossless_blocks(l);
    add_sparse_blocks(s);
    for (Workload* x : {&l, &s}) {
      CountingEncoder<cabac::CabacEncoder> enc;
      ResidualContexts<cabac::Context> cx;
      for (const Block& b : x->blocks) {
        (void)encode_residual(enc, cx, b.tb, b.coeffs);
        x->coeffs += b.coeffs.size();
      }
      x->bins = enc.bins;
    }
    return std::array<Workload, 2>{std::move(l), std::move(s)};
  }();
  return w[static_cast<std::size_t>(which)];
}

template <class E>
std::vector<std::byte> encode_all(const Workload& w) {
  E enc;
  ResidualContexts<typename E::Context> cx;
  for (const Block& b : w.blocks) (void)encode_residual(enc, cx, b.tb, b.coeffs);
  return std::move(enc.finish().value());
}

void set_counters(benchmark::State& state, const Workload& w, std::size_t bytes) {
  const auto it = static_cast<double>(state.iterations());
  state.counters["Mbins/s"] = benchmark::Counter(static_cast<double>(w.bins) * it / 1e6, benchmark::Counter::kIsRate);
  state.counters["Mcoeffs/s"] = benchmark::Counter(static_cast<double>(w.coeffs) * it / 1e6, benchmark::Counter::kIsRate);
  state.counters["bits/coeff"] = 8.0 * static_cast<double>(bytes) / static_cast<double>(w.coeffs);
}

template <class E, class D>
void BM_decode(benchmark::State& state) {
  const Workload& w = workload(static_cast<int>(state.range(0)));
  const auto bytes = encode_all<E>(w);
  std::vector<std::int16_t> out(32 * 32);
  for (auto _ : state) {
    D dec(bytes);
    ResidualContexts<typename D::Context> cx;
    for (const Block& b : w.blocks) (void)decode_residual(dec, cx, b.tb, out);
    benchmark::DoNotOptimize(out.data());
    if (dec.finish() != errc::ok) state.SkipWithError("decode failed");
  }
  set_counters(state, w, bytes.size());
}

template <class E>
void BM_encode(benchmark::State& state) {
  const Workload& w = workload(static_cast<int>(state.range(0)));
  std::size_t size = 0;
  for (auto _ : state) {
    const auto bytes = encode_all<E>(w);
    size = bytes.size();
    benchmark::DoNotOptimize(bytes.data());
  }
  set_counters(state, w, size);
}

// Arg 0 = lossless residuals, 1 = sparse lossy-like levels.
BENCHMARK_TEMPLATE(BM_decode, cabac::CabacEncoder, cabac::CabacDecoder)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_decode, rans::StreamEncoder, rans::StreamDecoder)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_encode, cabac::CabacEncoder)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_encode, rans::StreamEncoder)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
