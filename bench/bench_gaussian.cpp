// bench_gaussian.cpp — Gaussian-conditional latent coding, M symbols/s.
//
// A 1.1 M-symbol frame (1080p P-frame size) per iteration, symbols drawn from
// each table's own Gaussian. Arguments: set (0 compressai, 1 dcvc), dist (0:
// indexes uniform over all tables, 1: mostly small scales, indexes 0..20 for
// compressai / 0..40 for dcvc), K (sub-streams = threads; 1 or 2).
//   BM_ecgl_{encode,decode}        entcode's multi-lane format (default ISA;
//                                  ENTCODE_ISA=scalar|avx512 to compare)
//   BM_compressai_{encode,decode}  entcode's CompressAI-compatible stream mode
//   BM_baseline_{encode,decode}    tests/support/gaussian_compressai_mirror.hpp: a plain
//                                  model of CompressAI's backend (one 64-bit
//                                  state, per-symbol table lookup, division,
//                                  linear CDF search) — the ratio's denominator.
// Example: taskset -c 1 bench_gaussian --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <random>

#include "support/gaussian_compressai_mirror.hpp"
#include "entcode/gaussian/compressai_stream.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"

using namespace entcode;
using namespace entcode::gaussian;

namespace {

constexpr std::size_t kSymbols = 1100000;

struct Frame {
  const GaussianConditional* gc;
  std::vector<std::int32_t> symbols;
  std::vector<std::int32_t> indexes;
  compressai_mirror::Tables mirror;
  std::string mirror_stream;
  std::vector<std::byte> compressai_stream;
};

Frame make_frame(int set, int dist) {
  Frame f;
  f.gc = &GaussianConditional::builtin(set == 0 ? ParamSet::compressai : ParamSet::dcvc);
  const auto& t = f.gc->tables();
  const auto tables = static_cast<std::int32_t>(t.size());
  const std::int32_t small = set == 0 ? 20 : 40;
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(0.0, 1.0);
  f.symbols.resize(kSymbols);
  f.indexes.resize(kSymbols);
  for (std::size_t i = 0; i < kSymbols; ++i) {
    const std::int32_t idx = static_cast<std::int32_t>(rng() % static_cast<std::uint64_t>(dist == 0 ? tables : small + 1));
    f.indexes[i] = idx;
    const double v = std::nearbyint(normal(rng) * f.gc->scale_table()[static_cast<std::size_t>(idx)]);
    f.symbols[i] = static_cast<std::int32_t>(std::clamp(v, -1e6, 1e6));
  }
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto c = t.cdf(i);
    f.mirror.cdfs.emplace_back(c.begin(), c.end());
  }
  f.mirror.cdf_sizes = t.cdf_lengths();
  f.mirror.offsets = t.offsets();
  f.mirror_stream = compressai_mirror::encode(f.mirror, f.symbols, f.indexes);
  f.compressai_stream = compressai::encode_with_indexes(t, f.symbols, f.indexes).value();
  return f;
}

const Frame& frame(int set, int dist) {
  static std::map<int, Frame> frames;
  auto it = frames.find(set * 2 + dist);
  if (it == frames.end()) it = frames.emplace(set * 2 + dist, make_frame(set, dist)).first;
  return it->second;
}

void finish(benchmark::State& state, std::size_t bytes) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSymbols));
  state.counters["bits/sym"] = static_cast<double>(bytes) * 8 / kSymbols;
}

void BM_ecgl_encode(benchmark::State& state) {
  const Frame& f = frame(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const auto K = static_cast<unsigned>(state.range(2));
  const CodecOptions o{K, K, 0};
  std::vector<std::byte> dst(encode_bound(kSymbols, o));
  std::size_t size = 0;
  for (auto _ : state) {
    size = encode(f.gc->tables(), f.symbols, f.indexes, dst, o).value();
    benchmark::DoNotOptimize(dst.data());
  }
  finish(state, size);
}

void BM_ecgl_decode(benchmark::State& state) {
  const Frame& f = frame(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const auto K = static_cast<unsigned>(state.range(2));
  const auto stream = encode(f.gc->tables(), f.symbols, f.indexes, {K, K, 0}).value();
  std::vector<std::int32_t> out(kSymbols);
  for (auto _ : state) {
    if (decode(f.gc->tables(), stream, f.indexes, out, K) != errc::ok) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  if (out != f.symbols) state.SkipWithError("mismatch");
  finish(state, stream.size());
}

void BM_compressai_encode(benchmark::State& state) {
  const Frame& f = frame(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  std::vector<std::byte> dst(compressai::encode_bound(kSymbols));
  std::size_t size = 0;
  for (auto _ : state) {
    size = compressai::encode_with_indexes(f.gc->tables(), f.symbols, f.indexes, dst).value();
    benchmark::DoNotOptimize(dst.data());
  }
  finish(state, size);
}

void BM_compressai_decode(benchmark::State& state) {
  const Frame& f = frame(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  std::vector<std::int32_t> out(kSymbols);
  for (auto _ : state) {
    if (compressai::decode_with_indexes(f.gc->tables(), f.compressai_stream, f.indexes, out) != errc::ok)
      state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  finish(state, f.compressai_stream.size());
}

void BM_baseline_encode(benchmark::State& state) {
  const Frame& f = frame(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  std::size_t size = 0;
  for (auto _ : state) {
    const std::string s = compressai_mirror::encode(f.mirror, f.symbols, f.indexes);
    size = s.size();
    benchmark::DoNotOptimize(s.data());
  }
  finish(state, size);
}

void BM_baseline_decode(benchmark::State& state) {
  const Frame& f = frame(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  for (auto _ : state) {
    auto out = compressai_mirror::decode(f.mirror, f.mirror_stream, f.indexes);
    benchmark::DoNotOptimize(out.data());
  }
  finish(state, f.mirror_stream.size());
}

// K = 1 on one thread is timed in CPU time like the baseline (less noise on a
// shared machine); K = 2 on two threads in wall-clock time.
void ecgl_args(benchmark::internal::Benchmark* b, int K) {
  b->ArgNames({"set", "dist", "K"});
  for (int set : {0, 1})
    for (int dist : {0, 1}) b->Args({set, dist, K});
  b->Unit(benchmark::kMillisecond);
  if (K > 1) b->UseRealTime();
}
void ecgl_args_1(benchmark::internal::Benchmark* b) { ecgl_args(b, 1); }
void ecgl_args_2(benchmark::internal::Benchmark* b) { ecgl_args(b, 2); }

void single_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"set", "dist"});
  for (int set : {0, 1})
    for (int dist : {0, 1}) b->Args({set, dist});
  b->Unit(benchmark::kMillisecond);
}

}  // namespace

BENCHMARK(BM_ecgl_encode)->Apply(ecgl_args_1);
BENCHMARK(BM_ecgl_decode)->Apply(ecgl_args_1);
BENCHMARK(BM_ecgl_encode)->Apply(ecgl_args_2);
BENCHMARK(BM_ecgl_decode)->Apply(ecgl_args_2);
BENCHMARK(BM_compressai_encode)->Apply(single_args);
BENCHMARK(BM_compressai_decode)->Apply(single_args);
BENCHMARK(BM_baseline_encode)->Apply(single_args);
BENCHMARK(BM_baseline_decode)->Apply(single_args);

BENCHMARK_MAIN();
