// bench_cabac.cpp — CABAC engine throughput in M bins/s, entcode's coder beside a
// bit-by-bit textbook transcription of the standard (tests/support/cabac_textbook.hpp)
// measured in the same run, so the ratio carries over to the peer figures
// (FFmpeg / x265 relative to a textbook coder on this machine class).
// Workloads (4 Mi bins each, fixed seeds): context-coded bins with p(MPS) ~ 0.8
// over 64 contexts in a pseudo-random context order; single bypass bins; bypass
// in groups of 8 bins per call; terminate bins (0, one per call).
// Loop-shaped workloads ("loop/..."): the shape of a real syntax decoder and of the
// bin-script harness FFmpeg and x265 are compared in (scripts/bench_cabac_workloads.sh):
// one 32-bit op word per operation read from memory (context-coded bin with its
// context index, a run of 1..16 bypass bins, or a terminate), a switch on its type,
// and every decoded value checked. Scripts: context-coded over 64 contexts with each
// context's bin equal to its preferred value with p = 0.8, 0.6, 0.95; bypass runs of
// 1 and of 8; mixed (p = 0.8, 60 % of bins bypass in runs of 1..16, 1 % terminates).
// Run pinned: taskset -c 1 ./bench_cabac --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "support/cabac_textbook.hpp"
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
    void bypass_n(std::uint32_t v, int n) { e.encode_bypass_bits(v, n); }
    std::vector<std::byte> finish_terminated() { return finish(); }  // the script ends with terminate(1)
  };
  static Ctx make_ctx(unsigned state, unsigned mps) { return Ctx(state, mps); }
  struct Dec {
    cabac::CabacDecoder d;
    explicit Dec(std::span<const std::byte> s) : d(s) {}
    int bin(Ctx& c) { return d.decode_bin(c); }
    int bypass() { return d.decode_bypass(); }
    std::uint32_t bypass8() { return d.decode_bypass_bits(8); }
    std::uint32_t bypass_n(int n) { return d.decode_bypass_bits(n); }
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
    void bypass8(std::uint32_t v) { bypass_n(v, 8); }
    void terminate(int b) { e.terminate(b); }
    std::vector<std::byte> finish() {
      e.terminate(1);
      return e.bytes();
    }
    void bypass_n(std::uint32_t v, int n) {
      for (int i = n - 1; i >= 0; --i) e.bypass(static_cast<int>((v >> i) & 1));
    }
    std::vector<std::byte> finish_terminated() { return e.bytes(); }
  };
  static Ctx make_ctx(unsigned state, unsigned mps) { return Ctx{static_cast<int>(state), static_cast<int>(mps)}; }
  struct Dec {
    textbook::Decoder d;
    explicit Dec(std::span<const std::byte> s) : d(s) {}
    int bin(Ctx& c) { return d.bin(c); }
    int bypass() { return d.bypass(); }
    std::uint32_t bypass8() { return bypass_n(8); }
    std::uint32_t bypass_n(int n) {
      std::uint32_t v = 0;
      for (int i = 0; i < n; ++i) v = v << 1 | static_cast<std::uint32_t>(d.bypass());
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

// ---- loop-shaped workloads: op words as in a bin script ----
enum : std::uint32_t { kOpCtx = 0, kOpBypass = 1, kOpTerm = 2 };

struct Script {
  std::vector<std::uint8_t> state, mps;  // per context: initial pStateIdx, valMps
  std::vector<std::uint32_t> ops;        // ctx << 8 | bin << 2 | 0; value << 16 | n << 8 | 1; bin << 2 | 2
  std::size_t bins = 0;
};

struct ScriptSpec {
  double p;            // P(context-coded bin == the context's preferred value)
  double bypass;       // fraction of bins that are bypass
  unsigned run_min, run_max;  // bypass run lengths
  double term;         // fraction of ops that are terminate 0
};

Script make_script(const ScriptSpec& sp, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  Script s;
  std::vector<std::uint32_t> preferred(kContexts);
  for (int c = 0; c < kContexts; ++c) {
    s.state.push_back(static_cast<std::uint8_t>(rng() % 63));
    s.mps.push_back(static_cast<std::uint8_t>(rng() & 1));
    preferred[static_cast<std::size_t>(c)] = static_cast<std::uint32_t>(rng() & 1);
  }
  const double mean_run = 0.5 * (sp.run_min + sp.run_max);
  const double bypass_ops = sp.bypass / mean_run, ctx_ops = 1.0 - sp.bypass;  // relative op rates
  const double p_bypass_op = bypass_ops / (bypass_ops + ctx_ops);
  while (s.bins < kBins) {
    if (uni(rng) < sp.term) {
      s.ops.push_back(kOpTerm);
      s.bins += 1;
    } else if (uni(rng) < p_bypass_op) {
      const auto n = static_cast<std::uint32_t>(sp.run_min + rng() % (sp.run_max - sp.run_min + 1));
      const auto v = static_cast<std::uint32_t>(rng() & ((1u << n) - 1));
      s.ops.push_back(v << 16 | n << 8 | kOpBypass);
      s.bins += n;
    } else {
      const auto c = static_cast<std::uint32_t>(rng() % kContexts);
      const std::uint32_t bin = uni(rng) < sp.p ? preferred[c] : 1 - preferred[c];
      s.ops.push_back(c << 8 | bin << 2 | kOpCtx);
      s.bins += 1;
    }
  }
  s.ops.push_back(1u << 2 | kOpTerm);  // end of the slice
  s.bins += 1;
  return s;
}

template <class K>
std::vector<typename K::Ctx> script_contexts(const Script& s) {
  std::vector<typename K::Ctx> ctx;
  for (std::size_t c = 0; c < s.state.size(); ++c) ctx.push_back(K::make_ctx(s.state[c], s.mps[c]));
  return ctx;
}

template <class K>
std::vector<std::byte> loop_encode(const Script& s, std::vector<typename K::Ctx>& ctx) {
  typename K::Enc enc;
  for (const std::uint32_t w : s.ops) {
    switch (w & 3u) {
      case kOpCtx: enc.bin(ctx[w >> 8], static_cast<int>((w >> 2) & 1)); break;
      case kOpBypass: enc.bypass_n(w >> 16, static_cast<int>((w >> 8) & 31)); break;
      default: enc.terminate(static_cast<int>((w >> 2) & 1)); break;
    }
  }
  return enc.finish_terminated();
}

template <class K>
std::uint32_t loop_decode(const Script& s, std::vector<typename K::Ctx>& ctx, std::span<const std::byte> in) {
  typename K::Dec dec(in);
  std::uint32_t err = 0;
  for (const std::uint32_t w : s.ops) {
    switch (w & 3u) {
      case kOpCtx: err |= static_cast<std::uint32_t>(dec.bin(ctx[w >> 8])) ^ ((w >> 2) & 1); break;
      case kOpBypass: err |= dec.bypass_n(static_cast<int>((w >> 8) & 31)) ^ (w >> 16); break;
      default: err |= static_cast<std::uint32_t>(dec.terminate()) ^ ((w >> 2) & 1); break;
    }
  }
  return err;
}

void report_bins(benchmark::State& state, std::size_t bins) {
  state.counters["Mbins/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(bins) / 1e6,
                                                 benchmark::Counter::kIsRate);
}

// Contexts are reset outside the clock; the stream is checked against the textbook's once.
template <class K>
void BM_LoopEncode(benchmark::State& state, const Script* s) {
  const auto init = script_contexts<K>(*s);
  const auto want = [&] { auto c = script_contexts<Textbook>(*s); return loop_encode<Textbook>(*s, c); }();
  for (auto _ : state) {
    state.PauseTiming();
    auto ctx = init;
    state.ResumeTiming();
    const auto out = loop_encode<K>(*s, ctx);
    if (out != want) state.SkipWithError("stream differs from the textbook's");
  }
  report_bins(state, s->bins);
}

template <class K>
void BM_LoopDecode(benchmark::State& state, const Script* s) {
  const auto init = script_contexts<K>(*s);
  auto c = script_contexts<Textbook>(*s);
  const auto stream = loop_encode<Textbook>(*s, c);
  for (auto _ : state) {
    state.PauseTiming();
    auto ctx = init;
    state.ResumeTiming();
    if (loop_decode<K>(*s, ctx, stream) != 0) state.SkipWithError("decoded bins differ from the script");
  }
  report_bins(state, s->bins);
}

void register_loops() {
  static const std::pair<const char*, ScriptSpec> specs[] = {
      {"context_p0.8", {0.8, 0, 1, 1, 0}},   {"context_p0.6", {0.6, 0, 1, 1, 0}},
      {"context_p0.95", {0.95, 0, 1, 1, 0}}, {"bypass_run1", {0.8, 1, 1, 1, 0}},
      {"bypass_run8", {0.8, 1, 8, 8, 0}},    {"mixed", {0.8, 0.6, 1, 16, 0.01}},
  };
  static std::vector<Script> scripts;
  scripts.reserve(std::size(specs));
  for (const auto& [name, spec] : specs) {
    scripts.push_back(make_script(spec, 2024 + scripts.size()));
    const Script* s = &scripts.back();
    const std::string n = std::string("loop/") + name;
    benchmark::RegisterBenchmark((n + "/decode/entcode").c_str(), BM_LoopDecode<Fast>, s)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((n + "/decode/textbook").c_str(), BM_LoopDecode<Textbook>, s)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((n + "/encode/entcode").c_str(), BM_LoopEncode<Fast>, s)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((n + "/encode/textbook").c_str(), BM_LoopEncode<Textbook>, s)->Unit(benchmark::kMillisecond);
  }
}

void register_all() {
  register_loops();
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
