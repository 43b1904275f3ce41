// bench_rans.cpp — rANS throughput (MB/s of uncompressed data).
//
// 1. Scalar reference coder, single state and 32-way interleaved, order-0 model
//    at 14-bit precision, 16 MiB geometric bytes.
// 2. The byte codec (byte_codec.hpp) per ISA (scalar/sse2/avx2/avx512, skipped
//    when the CPU lacks it) and order, and htscodecs' rans_compress_to_4x16 with
//    flags 0, RANS_ORDER_X32|SIMD_AUTO, 1 and 1|X32|SIMD_AUTO, in this binary on the
//    same buffers (preallocated outputs for both): (a) 64 MiB geometric p = 0.16,
//    (b) 16 MiB text (/usr/share/common-licenses + dictionary words if present,
//    repeated; synthetic words otherwise), (c) a binary (libentcode.so itself).
//    Counters: bytes_out, ratio (bytes_out / input).
// Run pinned: taskset -c 1 ./bench_rans --benchmark_repetitions=5
//   --benchmark_report_aggregates_only=true [--benchmark_out=rans.json]
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "entcode/isa.hpp"
#include "entcode/byte_codec.hpp"
#include "entcode/rans/reference.hpp"

#if defined(ENTCODE_HAVE_HTSCODECS)
#include <htscodecs/rANS_static4x16.h>
#endif

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
  std::vector<std::byte> out(rans::reference::interleaved_bound(c.data.size(), lanes));
  std::size_t size = 0;
  for (auto _ : state) {
    size = *rans::reference::encode_bytes(c.data, c.model, lanes, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.data.size()));
  state.counters["bytes_out"] = static_cast<double>(size);
}

void BM_ReferenceDecode(benchmark::State& state) {
  const auto lanes = static_cast<unsigned>(state.range(0));
  const Corpus& c = corpus();
  std::vector<std::byte> enc(rans::reference::interleaved_bound(c.data.size(), lanes));
  enc.resize(*rans::reference::encode_bytes(c.data, c.model, lanes, enc));
  std::vector<std::uint8_t> out(c.data.size());
  for (auto _ : state) {
    if (rans::reference::decode_bytes(enc, c.model, lanes, out) != errc::ok) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.data.size()));
}

BENCHMARK(BM_ReferenceEncode)->Arg(1)->Arg(32)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReferenceDecode)->Arg(1)->Arg(32)->Unit(benchmark::kMillisecond);

// --- byte codec vs htscodecs -------------------------------------------------------

std::vector<std::uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::uint8_t> text_corpus() {
  std::vector<std::uint8_t> seed;
  for (const char* f : {"/usr/share/dict/words", "/usr/share/common-licenses/GPL-3", "/usr/share/common-licenses/Apache-2.0"}) {
    if (!std::filesystem::exists(f)) continue;
    const auto v = read_file(f);
    seed.insert(seed.end(), v.begin(), v.end());
  }
  if (seed.empty())
    for (int i = 0; i < 20000; ++i)
      for (char c : std::string("entropy coder stream of text ") + std::to_string(i * 7919 % 1000) + "\n")
        seed.push_back(static_cast<std::uint8_t>(c));
  std::vector<std::uint8_t> out;
  while (out.size() < (std::size_t{16} << 20)) out.insert(out.end(), seed.begin(), seed.end());
  out.resize(std::size_t{16} << 20);
  return out;
}

std::vector<std::uint8_t> binary_corpus() {
  for (const char* f : {"lib/libentcode.so", "../lib/libentcode.so", "libentcode.so"})
    if (std::filesystem::exists(f)) return read_file(f);
  return read_file("/proc/self/exe");
}

const std::vector<std::uint8_t>& sample(int which) {
  static const std::vector<std::uint8_t> geo = geometric_bytes(std::size_t{64} << 20, 0.16, 7);
  static const std::vector<std::uint8_t> text = text_corpus();
  static const std::vector<std::uint8_t> bin = binary_corpus();
  return which == 0 ? geo : which == 1 ? text : bin;
}
const char* kSampleNames[] = {"geometric64M", "text16M", "binary"};

void set_counters(benchmark::State& state, std::size_t in, std::size_t out) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in));
  state.counters["bytes_out"] = static_cast<double>(out);
  state.counters["ratio"] = static_cast<double>(out) / static_cast<double>(in);
}

// args: sample, order, isa, decode?
void BM_ByteCodec(benchmark::State& state) {
  const auto& data = sample(static_cast<int>(state.range(0)));
  const auto isa = static_cast<Isa>(state.range(2));
  if (!isa_supported(isa)) {
    state.SkipWithError("ISA not supported by this CPU");
    return;
  }
  byte_codec::Options o;
  o.order = static_cast<unsigned>(state.range(1));
  o.block_log2 = byte_codec::kMaxBlockLog2;
  o.isa = isa;
  std::vector<std::byte> dst(byte_codec::bound(data.size(), o));
  std::size_t size = *byte_codec::compress(data, dst, o);
  std::vector<std::uint8_t> back(data.size());
  for (auto _ : state) {
    if (state.range(3) == 0) {
      size = *byte_codec::compress(data, dst, o);
    } else if (!byte_codec::decompress(std::span(dst).first(size), back, isa).ok()) {
      state.SkipWithError("decode failed");
    }
    benchmark::DoNotOptimize(dst.data());
    benchmark::DoNotOptimize(back.data());
  }
  set_counters(state, data.size(), size);
  state.SetLabel(std::string(kSampleNames[state.range(0)]) + " o" + std::to_string(o.order) + " " + to_string(isa) +
                 (state.range(3) ? " decode" : " encode"));
}

void byte_codec_args(benchmark::internal::Benchmark* b) {
  for (int s = 0; s < 3; ++s)
    for (int order = 0; order < 2; ++order)
      for (int isa = 0; isa < 4; ++isa)
        for (int dec = 0; dec < 2; ++dec) b->Args({s, order, isa, dec});
}
BENCHMARK(BM_ByteCodec)->Apply(byte_codec_args)->Unit(benchmark::kMillisecond);

#if defined(ENTCODE_HAVE_HTSCODECS)
// args: sample, flags index, decode?
constexpr int kHtsFlags[] = {0, RANS_ORDER_X32 | RANS_ORDER_SIMD_AUTO, 1, 1 | RANS_ORDER_X32 | RANS_ORDER_SIMD_AUTO};
const char* kHtsNames[] = {"4x16 o0", "32x16 o0 simd-auto", "4x16 o1", "32x16 o1 simd-auto"};

void BM_Htscodecs(benchmark::State& state) {
  const auto& data = sample(static_cast<int>(state.range(0)));
  const int flags = kHtsFlags[state.range(1)];
  auto* in = const_cast<unsigned char*>(data.data());
  const auto n = static_cast<unsigned>(data.size());
  std::vector<unsigned char> dst(rans_compress_bound_4x16(n, flags));
  unsigned size = static_cast<unsigned>(dst.size());
  rans_compress_to_4x16(in, n, dst.data(), &size, flags);
  std::vector<unsigned char> back(data.size());
  for (auto _ : state) {
    if (state.range(2) == 0) {
      size = static_cast<unsigned>(dst.size());
      if (!rans_compress_to_4x16(in, n, dst.data(), &size, flags)) state.SkipWithError("htscodecs failed");
    } else {
      unsigned out = n;
      if (!rans_uncompress_to_4x16(dst.data(), size, back.data(), &out)) state.SkipWithError("htscodecs failed");
    }
    benchmark::DoNotOptimize(dst.data());
    benchmark::DoNotOptimize(back.data());
  }
  set_counters(state, data.size(), size);
  state.SetLabel(std::string(kSampleNames[state.range(0)]) + " htscodecs " + kHtsNames[state.range(1)] +
                 (state.range(2) ? " decode" : " encode"));
}
void hts_args(benchmark::internal::Benchmark* b) {
  for (int s = 0; s < 3; ++s)
    for (int f = 0; f < 4; ++f)
      for (int dec = 0; dec < 2; ++dec) b->Args({s, f, dec});
}
BENCHMARK(BM_Htscodecs)->Apply(hts_args)->Unit(benchmark::kMillisecond);
#endif

}  // namespace

BENCHMARK_MAIN();
