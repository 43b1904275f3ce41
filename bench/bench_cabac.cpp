// bench_cabac.cpp — CABAC engine throughput in M bins/s, entcode's coder beside a
// bit-by-bit textbook transcription of the standard (tests/cabac_textbook.hpp)
// measured in the same run, so the ratio carries over to the peer figures
// (FFmpeg / x265 relative to a textbook coder on this machine class).
// Workloads (4 Mi bins each, fixed seeds): context-coded bins with p(MPS) ~ 0.8
// over 64 contexts in a pseudo-random context order; single bypass bins; bypass
// in groups of 8 bins per call; terminate bins (0, one per call).
// Run pinned: taskset -c 1 ./bench_cabac --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "../tests/cabac_textbook.hpp"
#include "entcode/cabac/decoder.hpp"
#include "entcode/cabac/encoder.hpp"

namespace {

using namespace entcode;

constexpr std::size_t kBins = std::size_t{1} << 22;
constexpr int kContexts = 64;

enum class Work { context, bypass, bypass8, terminate };

struct Data {
  std::vector<std::uint8_t> ctx_idx, bins;  // context workload
  std::vector<std::uint8_t> bypass_bytes;   // bypass workloads: kBins / 8 random bytes
  Data() : ctx_idx(kBins), bins(kBins), bypass_bytes(kBins / 8) {
    std::mt19937_64 rng(2024);
    for (std::size_t i = 0; i < kBins; ++i) {
      ctx_idx[i] = static_cast<std::uint8_t>(rng() % kContexts);
      bins[i] = rng() % 10 < 2;  // p(1) = 0.2: the contexts learn MPS 0 with p ~ 0.8
    }
    for (auto& b : bypass_bytes) b = static_cast<std::uint8_t>(rng());
  }
};
const Data& data() {
  static const Data d;
  return d;
}

// entcode's engine.
struct Fast {
  using Ctx = cabac::Context;
  struct Enc {
    cabac::CabacEncoder e;
    void bin(Ctx& c, int b) { e.encode_bin(c, b); }
    void bypass(int b) { e.encode_bypass_bits(static_cast<std::uint32_t>(b), 1); }
    void bypass8(std::uint32_t v) { e.encode_bypass_bits(v, 8); }
    void terminate(int b) { e.encode_terminate(b); }
    std::vector<std::byte> finish() { return *e.finish(); }
  };
  struct Dec {
    cabac::CabacDecoder d;
    explicit Dec(std::span<const std::byte> s) : d(s) {}
    int bin(Ctx& c) { return d.decode_bin(c); }
    int bypass() { return d.decode_bypass(); }
    std::uint32_t bypass8() { return d.decode_bypass_bits(8); }
    int terminate() { return d.decode_terminate(); }
  };
};

// The textbook transcription: one bit at a time, bitsOutstanding, PutBit.
struct Textbook {
  using Ctx = textbook::Ctx;
  struct Enc {
    textbook::Encoder e;
    void bin(Ctx& c, int b) { e.bin(c, b); }
    void bypass(int b) { e.bypass(b); }
    void bypass8(std::uint32_t v) {
      for (int i = 7; i >= 0; --i) e.bypass(static_cast<int>((v >> i) & 1));
    }
    void terminate(int b) { e.terminate(b); }
    std::vector<std::byte> finish() {
      e.terminate(1);
      return e.bytes();
    }
  };
  struct Dec {
    textbook::Decoder d;
    explicit Dec(std::span<const std::byte> s) : d(s) {}
    int bin(Ctx& c) { return d.bin(c); }
    int bypass() { return d.bypass(); }
    std::uint32_t bypass8() {
      std::uint32_t v = 0;
      for (int i = 0; i < 8; ++i) v = v << 1 | static_cast<std::uint32_t>(d.bypass());
      return v;
    }
    int terminate() { return d.terminate(); }
  };
};

template <class K>
std::vector<std::byte> encode(Work w) {
  const Data& d = data();
  typename K::Enc enc;
  std::vector<typename K::Ctx> ctx(kContexts);
  switch (w) {
    case Work::context:
      for (std::size_t i = 0; i < kBins; ++i) enc.bin(ctx[d.ctx_idx[i]], d.bins[i]);
      break;
    case Work::bypass:
      for (std::size_t i = 0; i < kBins; ++i) enc.bypass((d.bypass_bytes[i / 8] >> (i % 8)) & 1);
      break;
    case Work::bypass8:
      for (auto b : d.bypass_bytes) enc.bypass8(b);
      break;
    case Work::terminate:
      for (std::size_t i = 0; i < kBins; ++i) enc.terminate(0);
      break;
  }
  return enc.finish();
}

template <class K>
std::uint64_t decode(std::span<const std::byte> stream, Work w) {
  const Data& d = data();
  typename K::Dec dec(stream);
  std::vector<typename K::Ctx> ctx(kContexts);
  std::uint64_t sum = 0;
  switch (w) {
    case Work::context:
      for (std::size_t i = 0; i < kBins; ++i) sum += static_cast<std::uint64_t>(dec.bin(ctx[d.ctx_idx[i]]));
      break;
    case Work::bypass:
      for (std::size_t i = 0; i < kBins; ++i) sum += static_cast<std::uint64_t>(dec.bypass());
      break;
    case Work::bypass8:
      for (std::size_t i = 0; i < kBins / 8; ++i) sum += dec.bypass8();
      break;
    case Work::terminate:
      for (std::size_t i = 0; i < kBins; ++i) sum += static_cast<std::uint64_t>(dec.terminate());
      break;
  }
  return sum;
}

void report(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kBins));
  state.counters["Mbins/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kBins / 1e6, benchmark::Counter::kIsRate);
}

template <class K>
void BM_Encode(benchmark::State& state, Work w) {
  for (auto _ : state) benchmark::DoNotOptimize(encode<K>(w));
  report(state);
}

template <class K>
void BM_Decode(benchmark::State& state, Work w) {
  const auto stream = encode<Fast>(w);  // both coders write identical bytes
  if (stream != encode<Textbook>(w)) {
    state.SkipWithError("entcode and textbook streams differ");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(decode<K>(stream, w));
  report(state);
}

void register_all() {
  const std::pair<Work, const char*> works[] = {
      {Work::context, "context"}, {Work::bypass, "bypass"}, {Work::bypass8, "bypass8"}, {Work::terminate, "terminate"}};
  for (const auto& [w, name] : works) {
    const std::string n = name;
    benchmark::RegisterBenchmark(("decode/" + n + "/entcode").c_str(), BM_Decode<Fast>, w)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("decode/" + n + "/textbook").c_str(), BM_Decode<Textbook>, w)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("encode/" + n + "/entcode").c_str(), BM_Encode<Fast>, w)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("encode/" + n + "/textbook").c_str(), BM_Encode<Textbook>, w)->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
