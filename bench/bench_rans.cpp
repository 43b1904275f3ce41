// bench_rans.cpp — rANS throughput (MB/s of uncompressed data) on geometric bytes.
//
// Scalar reference coder, single state and 32-way interleaved, order-0 model at
// 14-bit precision. Run pinned: taskset -c 1 ./bench_rans --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "entcode/rans/rans.hpp"

namespace {

using namespace entcode;

std::vector<std::uint8_t> geometric_bytes(std::size_t n, double p, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::geometric_distribution<int> geo(p);
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(std::min(geo(rng), 255));
  return v;
}

struct Corpus {
  std::vector<std::uint8_t> data = geometric_bytes(std::size_t{16} << 20, 0.16, 42);
  rans::SymbolModel model = [this] {
    std::vector<std::uint64_t> counts(256, 0);
    for (auto b : data) ++counts[b];
    return *rans::SymbolModel::from_counts(counts, 14);
  }();
};
const Corpus& corpus() {
  static const Corpus c;
  return c;
}

void BM_ReferenceEncode(benchmark::State& state) {
  const auto lanes = static_cast<unsigned>(state.range(0));
  const Corpus& c = corpus();
  std::vector<std::byte> out(rans::interleaved_bound(c.data.size(), lanes));
  std::size_t size = 0;
  for (auto _ : state) {
    size = *rans::encode_bytes(c.data, c.model, lanes, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.data.size()));
  state.counters["bytes_out"] = static_cast<double>(size);
}

void BM_ReferenceDecode(benchmark::State& state) {
  const auto lanes = static_cast<unsigned>(state.range(0));
  const Corpus& c = corpus();
  std::vector<std::byte> enc(rans::interleaved_bound(c.data.size(), lanes));
  enc.resize(*rans::encode_bytes(c.data, c.model, lanes, enc));
  std::vector<std::uint8_t> out(c.data.size());
  for (auto _ : state) {
    if (rans::decode_bytes(enc, c.model, lanes, out) != errc::ok) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.data.size()));
}

BENCHMARK(BM_ReferenceEncode)->Arg(1)->Arg(32)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReferenceDecode)->Arg(1)->Arg(32)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
