// gaussian_latents — codes a synthetic latent tensor shaped like a 1080p frame's
// (C x H x W = 192 x 68 x 120, scales log-normal, values Laplacian-ish around
// a mean) with each parameter set and K = 1, 2 sub-streams; checks the round
// trip and prints bits/symbol against the ideal code length (sum of -log2 p of
// the quantised model, escapes at their raw bits) and M symbols/s.
// Usage: gaussian_latents [--quick]   (--quick: a 192 x 17 x 30 tensor, 1 run)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

#include "entcode/gaussian/escape.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"

using namespace entcode;
using namespace entcode::gaussian;

namespace {

struct Latent {
  std::vector<float> y, means, scales;
};

Latent synthesize(std::size_t n) {
  std::mt19937_64 rng(2024);
  std::lognormal_distribution<float> scale(-0.5f, 1.0f);
  std::normal_distribution<float> mean(0.0f, 2.0f);
  std::exponential_distribution<float> mag(1.0f);
  Latent l{std::vector<float>(n), std::vector<float>(n), std::vector<float>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    l.scales[i] = scale(rng);
    l.means[i] = mean(rng);
    const float sign = (rng() & 1) ? 1.0f : -1.0f;
    l.y[i] = l.means[i] + sign * mag(rng) * l.scales[i] / std::sqrt(2.0f);
  }
  return l;
}

double ideal_bits(const CdfTables& t, const std::vector<std::int32_t>& sym, const std::vector<std::int32_t>& idx) {
  double bits = 0;
  for (std::size_t i = 0; i < sym.size(); ++i) {
    if (idx[i] == kSkipIndex) continue;
    const auto k = static_cast<std::size_t>(idx[i]);
    const std::int64_t max = t.max_value(k);
    const std::int64_t v = std::int64_t{sym[i]} - t.offset(k);
    const bool esc = v < 0 || v >= max;
    bits -= std::log2(t.freq(k, static_cast<std::size_t>(esc ? max : v)) / 65536.0);
    if (esc)  // the escape's count nibble and raw chunks (gaussian/escape.hpp)
      bits += escape::kChunkBits * (1.0 + escape::chunks_of(escape::raw_of(v, static_cast<std::uint32_t>(max))));
  }
  return bits;
}

template <class Fn>
double best_seconds(int runs, Fn&& fn) {
  double best = 1e9;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const std::size_t C = 192, H = quick ? 17 : 68, W = quick ? 30 : 120, n = C * H * W;
  const int runs = quick ? 1 : 5;
  const Latent lat = synthesize(n);
  std::printf("latent %zu x %zu x %zu = %zu symbols\n", C, H, W, n);
  std::printf("%-15s %2s %10s %10s %9s %10s %10s\n", "set", "K", "bits/sym", "ideal", "overhead", "enc M/s", "dec M/s");
  bool ok = true;
  for (const auto& [set, name] : {std::pair{ParamSet::compressai, "compressai"},
                                  std::pair{ParamSet::compressai_f32, "compressai_f32"},
                                  std::pair{ParamSet::dcvc, "dcvc"}}) {
    const auto& gc = GaussianConditional::builtin(set);
    std::vector<std::int32_t> sym(n), idx(n);
    if (gc.quantize(lat.y, lat.means, sym) != errc::ok || gc.build_indexes(lat.scales, idx) != errc::ok) return 1;
    const double ideal = ideal_bits(gc.tables(), sym, idx);
    for (const unsigned K : {1u, 2u}) {
      const CodecOptions o{K, K, 0};
      std::vector<std::byte> stream(encode_bound(n, o));
      std::size_t size = 0;
      const double te = best_seconds(runs, [&] { size = encode(gc.tables(), sym, idx, stream, o).value(); });
      stream.resize(size);
      std::vector<std::int32_t> out(n);
      errc e = errc::ok;
      const double td = best_seconds(runs, [&] { e = decode(gc.tables(), stream, idx, out, K); });
      if (e != errc::ok || out != sym) {
        std::printf("%s K=%u: ROUND TRIP FAILED (%s)\n", name, K, to_string(e));
        ok = false;
        continue;
      }
      const double bits = 8.0 * static_cast<double>(size);
      std::printf("%-15s %2u %10.4f %10.4f %8.3f%% %10.1f %10.1f\n", name, K, bits / static_cast<double>(n),
                  ideal / static_cast<double>(n), 100.0 * (bits / ideal - 1.0), static_cast<double>(n) / te / 1e6,
                  static_cast<double>(n) / td / 1e6);
    }
  }
  std::printf(ok ? "round trips OK\n" : "FAILED\n");
  return ok ? 0 : 1;
}
