// rans_demo.cpp — the quick demo: generates a small corpus in memory, codes each
// input with the scalar reference rANS (order-0, 32 lanes, 14-bit model),
// verifies the round trip and prints ratio, bits/byte vs entropy, and MB/s.
// Exit status 1 if any round trip fails.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "entcode/rans/reference.hpp"

namespace {

using namespace entcode;
using Clock = std::chrono::steady_clock;
constexpr unsigned kDemoLanes = 32;  // any count in [1, rans::reference::kMaxReferenceLanes]

struct Input {
  std::string name;
  std::vector<std::uint8_t> data;
};

std::vector<Input> make_corpus() {
  constexpr std::size_t n = std::size_t{16} << 20;
  std::mt19937_64 rng(42);
  std::vector<Input> corpus;
  std::geometric_distribution<int> geo(0.16);
  Input g{"geometric p=0.16", std::vector<std::uint8_t>(n)};
  for (auto& b : g.data) b = static_cast<std::uint8_t>(std::min(geo(rng), 255));
  corpus.push_back(std::move(g));
  // Text-like: words drawn from a Zipf-ish vocabulary.
  const char* words[] = {"the ", "of ", "and ", "entropy ", "coding ", "a ", "rANS ", "state ", "to ", "is ",
                         "in ", "symbol ", "frequency ", "table\n", "with ", "SIMD ", "lanes, ", "decoder. "};
  Input t{"text-like words", {}};
  while (t.data.size() < n) {
    const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(std::pow(18.0, std::generate_canonical<double, 32>(rng))) , 17);
    for (const char* c = words[k]; *c; ++c) t.data.push_back(static_cast<std::uint8_t>(*c));
  }
  corpus.push_back(std::move(t));
  Input u{"uniform random", std::vector<std::uint8_t>(n)};
  for (auto& b : u.data) b = static_cast<std::uint8_t>(rng());
  corpus.push_back(std::move(u));
  return corpus;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

bool run(const Input& in) {
  std::vector<std::uint64_t> counts(256, 0);
  for (auto b : in.data) ++counts[b];
  double h = 0;
  for (auto c : counts)
    if (c) h -= static_cast<double>(c) * std::log2(static_cast<double>(c) / static_cast<double>(in.data.size()));
  const auto model = rans::SymbolModel::from_counts(counts, 14);
  std::vector<std::byte> enc(rans::reference::interleaved_bound(in.data.size(), kDemoLanes));
  auto t0 = Clock::now();
  const auto size = rans::reference::encode_bytes(in.data, *model, kDemoLanes, enc);
  const double t_enc = seconds_since(t0);
  if (!size) return false;
  std::vector<std::uint8_t> dec(in.data.size());
  t0 = Clock::now();
  const errc e = rans::reference::decode_bytes(std::span(enc).first(*size), *model, kDemoLanes, dec);
  const double t_dec = seconds_since(t0);
  const bool ok = e == errc::ok && dec == in.data;
  const double mb = static_cast<double>(in.data.size()) / 1e6;
  std::printf("%-18s %9zu -> %9zu  ratio %5.3f  %5.3f bits/B (H0 %5.3f)  enc %6.0f MB/s  dec %6.0f MB/s  %s\n",
              in.name.c_str(), in.data.size(), *size, static_cast<double>(in.data.size()) / static_cast<double>(*size),
              8.0 * static_cast<double>(*size) / static_cast<double>(in.data.size()),
              h / static_cast<double>(in.data.size()), mb / t_enc, mb / t_dec, ok ? "round trip ok" : "ROUND TRIP FAILED");
  return ok;
}

}  // namespace

int main() {
  std::printf("entcode scalar reference rANS (order-0, %u lanes, 14-bit model), single thread\n", kDemoLanes);
  bool ok = true;
  for (const auto& in : make_corpus()) ok = run(in) && ok;
  return ok ? 0 : 1;
}
