// apps/entcode/bench.cpp — `entcode bench`: entcode's byte codec and htscodecs' rANS
// (when built with it) side by side, in one process, on a real-data corpus (quality
// strings of the htslib-test SAM files and gatb-core FASTQ, text, a binary, when
// installed; synthetic geometric bytes always) or the given files.
// Every input is also cut into blocks of 16 KiB, 64 KiB, 256 KiB and 1 MiB, each
// block one call of each coder (as CRAM codes its blocks), besides one call for
// the whole input. Figures: total bytes, MB/s (median of repeated runs),
// preallocated output buffers for both coders, every round trip verified outside
// the timed region; then entcode / best htscodecs mode of the same order
// (speed ratios, size difference), also as `@ratio` lines that
// scripts/plot_bench.py turns into the plot of doc/perf.md.
#include "bench.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "entcode/byte_codec.hpp"
#include "entcode/isa.hpp"

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

// Regular files directly in `dir` whose name ends in `suffix`, sorted (none if dir is missing).
std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir, const std::string& suffix) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() >= suffix.size() && name.ends_with(suffix)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Field `field` (0-based, tab-separated) of the lines of `path` that pass `keep`, each ended by '\n'.
template <class Keep>
void append_lines(std::vector<std::uint8_t>& out, const std::filesystem::path& path, Keep&& keep) {
  std::ifstream in(path);
  std::string line;
  for (std::size_t n = 0; std::getline(in, line); ++n)
    if (std::string q; keep(n, line, q)) {
      out.insert(out.end(), q.begin(), q.end());
      out.push_back('\n');
    }
}

// Quality strings, one per line: the QUAL column (11th) of the htslib-test SAM
// records and the 4th line of every gatb-core FASTQ record. Two samples: all of
// them, and those of reads shorter than kLongRead. The first is two thirds one
// run (a 1,000,647-base read of '#' qualities, which order 0 codes as a run
// block and order 1 at ~nothing, lib/byte_codec/runs.hpp); the second is the
// quality strings of ordinary reads, where the coders' speed and model show.
constexpr std::size_t kLongRead = 4096;

std::vector<Sample> quality_corpus() {
  Sample all{"real quality strings (htslib-test SAM QUAL, gatb-core FASTQ)", {}};
  Sample short_reads{"real quality strings of reads < 4 KiB (no long run)", {}};
  auto keep = [&short_reads](const std::string& q) {
    if (q.size() >= kLongRead) return;
    short_reads.data.insert(short_reads.data.end(), q.begin(), q.end());
    short_reads.data.push_back('\n');
  };
  for (const auto& f : files_in("/usr/share/htslib-test/test", ".sam"))
    append_lines(all.data, f, [&keep](std::size_t, const std::string& line, std::string& q) {
      if (line.empty() || line[0] == '@') return false;
      std::istringstream fields(line);
      for (int i = 0; i < 11 && std::getline(fields, q, '\t'); ++i) {
      }
      if (fields.fail() || q == "*" || q.empty()) return false;
      keep(q);
      return true;
    });
  for (const auto& f : files_in("/usr/share/doc/gatb-core/test/db", ".fastq"))
    append_lines(all.data, f, [&keep](std::size_t n, const std::string& line, std::string& q) {
      q = line;
      if (n % 4 != 3) return false;
      keep(q);
      return true;
    });
  return {all, short_reads};
}

// English/legal text: the common licenses, then Debian copyright files, up to 4 MiB.
Sample text_corpus() {
  Sample s{"real text (common-licenses + /usr/share/doc/*/copyright, <= 4 MiB)", {}};
  constexpr std::size_t kMax = std::size_t{4} << 20;
  std::vector<std::filesystem::path> paths = files_in("/usr/share/common-licenses", "");
  std::error_code ec;
  std::vector<std::filesystem::path> docs;
  for (const auto& e : std::filesystem::directory_iterator("/usr/share/doc", ec))
    if (std::filesystem::is_regular_file(e.path() / "copyright", ec)) docs.push_back(e.path() / "copyright");
  std::sort(docs.begin(), docs.end());
  paths.insert(paths.end(), docs.begin(), docs.end());
  for (const auto& p : paths) {
    if (s.data.size() >= kMax) break;
    std::ifstream f(p, std::ios::binary);
    s.data.insert(s.data.end(), std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  s.data.resize(std::min(s.data.size(), kMax));
  return s;
}

Sample geometric_corpus() {
  Sample g{"synthetic geometric p=0.16 (16 MiB)", std::vector<std::uint8_t>(std::size_t{16} << 20)};
  std::mt19937_64 rng(42);
  std::geometric_distribution<int> geo(0.16);
  for (auto& b : g.data) b = static_cast<std::uint8_t>(std::min(geo(rng), 255));
  return g;
}

std::vector<Sample> default_corpus() {
  std::vector<Sample> corpus = quality_corpus();
  corpus.push_back(text_corpus());
  std::erase_if(corpus, [](const Sample& s) { return s.data.empty(); });
  corpus.push_back({"binary: entcode executable", read_file("/proc/self/exe")});
  corpus.push_back(geometric_corpus());
  return corpus;
}

double seconds_of(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The input cut into calls of `block` bytes (the last may be shorter).
struct Calls {
  std::span<const std::uint8_t> data;
  std::size_t block;
  [[nodiscard]] std::size_t count() const noexcept { return (data.size() + block - 1) / block; }
  [[nodiscard]] std::span<const std::uint8_t> at(std::size_t i) const noexcept {
    return data.subspan(i * block, std::min(block, data.size() - i * block));
  }
};

// One coder over every call, into preallocated per-call output regions
// (call i writes at offset[i], up to offset[i + 1]).
struct Coder {
  std::string name;
  unsigned order = 0;
  bool ours = false;
  int hts_flags = 0;  // htscodecs mode (ours == false)
  std::vector<std::size_t> offset{0};
  std::vector<std::byte> dst;
  std::vector<std::size_t> size;
};

Coder make_coder(const Calls& calls, std::string name, unsigned order, bool ours, int hts_flags) {
  Coder c{std::move(name), order, ours, hts_flags, {0}, {}, std::vector<std::size_t>(calls.count())};
  for (std::size_t i = 0; i < calls.count(); ++i) {
    const std::size_t n = calls.at(i).size();
#if defined(ENTCODE_HAVE_HTSCODECS)
    const std::size_t bound = ours ? bc::bound(n, {}) : rans_compress_bound_4x16(static_cast<unsigned>(n), hts_flags);
#else
    const std::size_t bound = bc::bound(n, {});
#endif
    c.offset.push_back(c.offset.back() + bound);
  }
  c.dst.resize(c.offset.back());
  return c;
}

std::span<std::byte> region(Coder& c, std::size_t i) { return std::span(c.dst).subspan(c.offset[i], c.offset[i + 1] - c.offset[i]); }

void compress_calls(Coder& c, const Calls& calls, bc::Context& ctx) {
  bc::Options o;
  o.order = c.order;
  o.block_log2 = bc::kMaxBlockLog2;
  for (std::size_t i = 0; i < calls.count(); ++i) {
    const auto in = calls.at(i);
    if (c.ours) {
      const auto r = bc::compress(ctx, in, region(c, i), o);
      if (!r) fail(c.name, to_string(r.error()));
      c.size[i] = *r;
      continue;
    }
#if defined(ENTCODE_HAVE_HTSCODECS)
    auto n = static_cast<unsigned>(region(c, i).size());
    if (!rans_compress_to_4x16(const_cast<unsigned char*>(in.data()), static_cast<unsigned>(in.size()),
                               reinterpret_cast<unsigned char*>(region(c, i).data()), &n, c.hts_flags))
      fail(c.name, "compress failed");
    c.size[i] = n;
#endif
  }
}

void decompress_calls(Coder& c, const Calls& calls, bc::Context& ctx, std::span<std::uint8_t> back) {
  for (std::size_t i = 0; i < calls.count(); ++i) {
    const auto out = back.subspan(i * calls.block, calls.at(i).size());
    const auto src = region(c, i).first(c.size[i]);
    if (c.ours) {
      if (!bc::decompress(ctx, src, out).ok()) fail(c.name, "decode failed");
      continue;
    }
#if defined(ENTCODE_HAVE_HTSCODECS)
    auto n = static_cast<unsigned>(out.size());
    if (!rans_uncompress_to_4x16(reinterpret_cast<unsigned char*>(src.data()), static_cast<unsigned>(src.size()),
                                 out.data(), &n) ||
        n != out.size())
      fail(c.name, "decode failed");
#endif
  }
}

struct Row {
  std::string coder;
  unsigned order;
  bool ours;
  std::size_t size;
  double enc, dec;  // MB/s
};

std::vector<Coder> coders(const Calls& calls) {
  std::vector<Coder> v;
  for (unsigned order : {0u, 1u}) v.push_back(make_coder(calls, "entcode order-" + std::to_string(order), order, true, 0));
#if defined(ENTCODE_HAVE_HTSCODECS)
  v.push_back(make_coder(calls, "htscodecs 4x16 order-0", 0, false, 0));
  v.push_back(make_coder(calls, "htscodecs 32x16 order-0 (SIMD auto)", 0, false, RANS_ORDER_X32 | RANS_ORDER_SIMD_AUTO));
  v.push_back(make_coder(calls, "htscodecs 4x16 order-1", 1, false, 1));
  v.push_back(make_coder(calls, "htscodecs 32x16 order-1 (SIMD auto)", 1, false, 1 | RANS_ORDER_X32 | RANS_ORDER_SIMD_AUTO));
#endif
  return v;
}

// Every repetition runs every coder once, in turn (load from other processes
// then hits all coders alike), encoders then decoders; medians per coder.
// Round trips are verified outside the timed region.
std::vector<Row> measure(const Calls& calls, int reps, bc::Context& ctx) {
  std::vector<Coder> cs = coders(calls);
  std::vector<std::vector<double>> te(cs.size()), td(cs.size());
  for (int r = 0; r < reps; ++r)
    for (std::size_t k = 0; k < cs.size(); ++k) te[k].push_back(seconds_of([&] { compress_calls(cs[k], calls, ctx); }));
  std::vector<std::uint8_t> back(calls.data.size());
  std::vector<Row> rows;
  for (std::size_t k = 0; k < cs.size(); ++k) {
    std::fill(back.begin(), back.end(), std::uint8_t{0});
    decompress_calls(cs[k], calls, ctx, back);
    if (!std::equal(back.begin(), back.end(), calls.data.begin(), calls.data.end())) fail(cs[k].name, "round trip failed");
  }
  for (int r = 0; r < reps; ++r)
    for (std::size_t k = 0; k < cs.size(); ++k) td[k].push_back(seconds_of([&] { decompress_calls(cs[k], calls, ctx, back); }));
  const double mb = static_cast<double>(calls.data.size()) / 1e6;
  for (std::size_t k = 0; k < cs.size(); ++k) {
    std::size_t total = 0;
    for (const std::size_t n : cs[k].size) total += n;
    rows.push_back({cs[k].name, cs[k].order, cs[k].ours, total, mb / median(te[k]), mb / median(td[k])});
  }
  return rows;
}

std::string block_name(std::size_t block, std::size_t n) {
  if (block >= n) return "whole";
  return block >= (std::size_t{1} << 20) ? std::to_string(block >> 20) + " MiB" : std::to_string(block >> 10) + " KiB";
}

// entcode / the best htscodecs mode of each order, per measure (speed: fastest; size: smallest).
void print_ratios(const std::string& sample, const std::string& block, const std::vector<Row>& rows) {
  for (unsigned order : {0u, 1u}) {
    const Row* ours = nullptr;
    double enc = 0, dec = 0;
    std::size_t size = SIZE_MAX;
    for (const Row& r : rows) {
      if (r.order != order) continue;
      if (r.ours) {
        ours = &r;
        continue;
      }
      enc = std::max(enc, r.enc);
      dec = std::max(dec, r.dec);
      size = std::min(size, r.size);
    }
    if (ours == nullptr || size == SIZE_MAX) continue;
    const double delta = 100.0 * (static_cast<double>(ours->size) / static_cast<double>(size) - 1);
    std::printf("    order-%u vs best htscodecs: enc %.2fx  dec %.2fx  size %+.2f%%\n", order, ours->enc / enc,
                ours->dec / dec, delta);
    std::printf("@ratio\t%s\t%s\t%u\t%.4f\t%.4f\t%.4f\n", sample.c_str(), block.c_str(), order, ours->enc / enc,
                ours->dec / dec, delta);
  }
}

void print_rows(const std::vector<Row>& rows, std::size_t n) {
  std::printf("    %-36s %12s %8s %10s %10s\n", "coder", "bytes", "ratio", "enc MB/s", "dec MB/s");
  for (const Row& r : rows)
    std::printf("    %-36s %12zu %8.4f %10.0f %10.0f\n", r.coder.c_str(), r.size,
                static_cast<double>(r.size) / static_cast<double>(n), r.enc, r.dec);
}

constexpr std::size_t kBlocks[] = {std::size_t{16} << 10, std::size_t{64} << 10, std::size_t{256} << 10,
                                   std::size_t{1} << 20};

}  // namespace

void bench(const std::vector<std::string>& files, int reps) {
  const auto isa = selected_isa();
  if (!isa) fail("ENTCODE_ISA", to_string(isa.error()));
  std::printf("entcode bench: ISA %s (best on this CPU: %s), median of %d runs, preallocated buffers,\n"
              "every block one call of each coder (one reused entcode byte_codec::Context)\n",
              to_string(*isa), to_string(best_isa()), reps);
  std::vector<Sample> corpus;
  if (files.empty()) corpus = default_corpus();
  for (const auto& f : files) corpus.push_back({f, read_file(f)});
  bc::Context ctx;
  for (const Sample& s : corpus) {
    std::printf("\n%s: %zu bytes\n", s.name.c_str(), s.data.size());
    if (s.data.empty()) continue;
    std::vector<std::size_t> blocks;
    for (const std::size_t b : kBlocks)
      if (b < s.data.size()) blocks.push_back(b);
    blocks.push_back(s.data.size());
    for (const std::size_t b : blocks) {
      const Calls calls{s.data, b};
      const std::string name = block_name(b, s.data.size());
      std::printf("  block %s (%zu calls)\n", name.c_str(), calls.count());
      const auto rows = measure(calls, reps, ctx);
      print_rows(rows, s.data.size());
      print_ratios(s.name, name, rows);
    }
  }
}

}  // namespace entcode::cli
