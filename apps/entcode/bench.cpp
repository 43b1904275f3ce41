// apps/entcode/bench.cpp — `entcode bench`: entcode's byte codec and htscodecs' rANS
// (when built with it) side by side on a built-in corpus or the given files: sizes,
// ratios and MB/s, medians of repeated runs, preallocated output buffers for both
// coders, every round trip verified outside the timed region.
#include "bench.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "entcode/isa.hpp"
#include "entcode/rans/byte_codec.hpp"

#if defined(ENTCODE_HAVE_HTSCODECS)
#include <htscodecs/rANS_static4x16.h>
#endif

namespace entcode::cli {
namespace {

namespace bc = entcode::byte_codec;

[[noreturn]] void fail(const std::string& what, const std::string& why) { throw std::runtime_error(what + ": " + why); }

// The whole of `path` ("-": stdin); a directory or a failed read is an error, never an empty sample.
std::vector<std::uint8_t> read_file(const std::string& path) {
  if (path == "-") return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  if (std::filesystem::is_directory(path)) fail(path, "is a directory");
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(path, "cannot open");
  std::vector<std::uint8_t> data{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  if (f.bad()) fail(path, "read error");
  return data;
}

struct Sample {
  std::string name;
  std::vector<std::uint8_t> data;
};

std::vector<Sample> default_corpus() {
  std::vector<Sample> corpus;
  std::mt19937_64 rng(42);
  std::geometric_distribution<int> geo(0.16);
  Sample g{"geometric p=0.16 (64 MiB)", std::vector<std::uint8_t>(std::size_t{64} << 20)};
  for (auto& b : g.data) b = static_cast<std::uint8_t>(std::min(geo(rng), 255));
  corpus.push_back(std::move(g));
  // Text: English-like words with Zipf-ish frequencies (no file needed).
  static constexpr const char* kWords[] = {"the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as",
                                           "was", "with", "be", "by", "on", "not", "he", "this", "are", "or",
                                           "his", "from", "at", "which", "but", "have", "an", "had", "they",
                                           "you", "were", "their", "one", "all", "we", "can", "her", "has",
                                           "there", "been", "if", "more", "when", "will", "would", "who", "so",
                                           "entropy", "coder", "stream", "interleaved", "symbol", "state"};
  Sample t{"synthetic text (16 MiB)", {}};
  t.data.reserve(std::size_t{16} << 20);
  std::size_t words = 0;
  while (t.data.size() < (std::size_t{16} << 20)) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    const auto idx = static_cast<std::size_t>(std::pow(u, 2.5) * std::size(kWords));
    for (const char* c = kWords[std::min(idx, std::size(kWords) - 1)]; *c; ++c) t.data.push_back(static_cast<std::uint8_t>(*c));
    t.data.push_back(++words % 13 == 0 ? '\n' : (words % 7 == 0 ? ',' : ' '));
  }
  corpus.push_back(std::move(t));
  // A binary: this executable.
  corpus.push_back({"binary: entcode executable", read_file("/proc/self/exe")});
  return corpus;
}

template <class F>
double median_seconds(F&& f, int reps) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

struct Row {
  std::string coder;
  std::size_t size;
  double enc, dec;  // MB/s
};

void print_rows(const Sample& s, const std::vector<Row>& rows) {
  std::printf("\n%s: %zu bytes\n", s.name.c_str(), s.data.size());
  std::printf("  %-34s %12s %8s %10s %10s\n", "coder", "bytes", "ratio", "enc MB/s", "dec MB/s");
  for (const Row& r : rows)
    std::printf("  %-34s %12zu %8.4f %10.0f %10.0f\n", r.coder.c_str(), r.size,
                static_cast<double>(r.size) / static_cast<double>(s.data.size()), r.enc, r.dec);
}

}  // namespace

void bench(const std::vector<std::string>& files, int reps) {
  const auto isa = selected_isa();
  if (!isa) fail("ENTCODE_ISA", to_string(isa.error()));
  std::printf("entcode bench: ISA %s (best on this CPU: %s), median of %d runs, preallocated buffers\n",
              to_string(*isa), to_string(best_isa()), reps);
  std::vector<Sample> corpus;
  if (files.empty()) corpus = default_corpus();
  for (const auto& f : files) corpus.push_back({f, read_file(f)});
  for (const Sample& s : corpus) {
    const double mb = static_cast<double>(s.data.size()) / 1e6;
    std::vector<Row> rows;
    std::vector<std::uint8_t> back(s.data.size());
    for (unsigned order : {0u, 1u}) {
      bc::Options o;
      o.order = order;
      o.block_log2 = bc::kMaxBlockLog2;
      std::vector<std::byte> dst(bc::bound(s.data.size(), o));
      std::size_t size = 0;
      const double te = median_seconds([&] { size = *bc::compress(s.data, dst, o); }, reps);
      const auto frame = std::span(dst).first(size);
      std::fill(back.begin(), back.end(), std::uint8_t{0});
      const double td = median_seconds([&] {
        if (!bc::decompress(frame, back).ok()) fail(s.name, "entcode round trip failed");
      }, reps);
      if (back != s.data) fail(s.name, "entcode round trip failed");  // checked outside the timing, as for htscodecs
      rows.push_back({"entcode order-" + std::to_string(order), size, mb / te, mb / td});
    }
#if defined(ENTCODE_HAVE_HTSCODECS)
    const struct {
      const char* name;
      int flags;
    } hts[] = {{"htscodecs 4x16 order-0", 0},
               {"htscodecs 32x16 order-0 (SIMD auto)", RANS_ORDER_X32 | RANS_ORDER_SIMD_AUTO},
               {"htscodecs 4x16 order-1", 1},
               {"htscodecs 32x16 order-1 (SIMD auto)", 1 | RANS_ORDER_X32 | RANS_ORDER_SIMD_AUTO}};
    auto* in = const_cast<unsigned char*>(s.data.data());
    const auto n = static_cast<unsigned>(s.data.size());
    for (const auto& h : hts) {
      std::vector<unsigned char> dst(rans_compress_bound_4x16(n, h.flags));
      unsigned size = 0;
      const double te = median_seconds([&] {
        size = static_cast<unsigned>(dst.size());
        if (!rans_compress_to_4x16(in, n, dst.data(), &size, h.flags)) fail(s.name, "htscodecs failed");
      }, reps);
      std::fill(back.begin(), back.end(), std::uint8_t{0});
      const double td = median_seconds([&] {
        unsigned out = n;
        if (!rans_uncompress_to_4x16(dst.data(), size, back.data(), &out) || out != n) fail(s.name, "htscodecs failed");
      }, reps);
      if (back != s.data) fail(s.name, "htscodecs round trip failed");
      rows.push_back({h.name, size, mb / te, mb / td});
    }
#endif
    print_rows(s, rows);
  }
}

}  // namespace entcode::cli
