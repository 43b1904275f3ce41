// main.cpp — runs the ```cpp blocks of doc/api.md and README.md, which
// scripts/extract_snippets.py puts into api_snippets.inc (namespaces `api` and
// `readme`), on small inputs. Exit status 1 names the snippet that failed.
#include "api_snippets.inc"

#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

bool check(bool ok, const char* what) {
  std::printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  return ok;
}

}  // namespace

int main() {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "entropy coding with rANS and CABAC, line " + std::to_string(i) + "\n";
  const std::vector<std::uint8_t> data(text.begin(), text.end());

  std::vector<float> y(4096), means(4096), scales(4096);
  for (std::size_t i = 0; i < y.size(); ++i) {
    means[i] = static_cast<float>(i % 7) - 3.0f;
    scales[i] = 0.2f + static_cast<float>(i % 13) * 0.5f;
    y[i] = means[i] + scales[i] * std::sin(static_cast<float>(i));
  }

  std::array<std::int16_t, 64> levels{};  // an 8x8 residual block, row-major
  levels[0] = 37, levels[1] = -9, levels[8] = 6, levels[9] = 2, levels[2] = -1, levels[24] = 1;

  namespace cabac = entcode::cabac;
  namespace rans = entcode::rans;
  bool ok = check(api::bytes_round_trip(data), "doc/api.md bytes");
  ok &= check(api::latents_round_trip(y, means, scales), "doc/api.md latents");
  ok &= check(api::decisions_round_trip<cabac::CabacEncoder, cabac::CabacDecoder>(), "doc/api.md decisions, CABAC");
  ok &= check(api::decisions_round_trip<rans::StreamEncoder, rans::StreamDecoder>(), "doc/api.md decisions, rANS");
  ok &= check(api::residual_on_both_backends(levels), "doc/api.md residual block");
  ok &= check(readme::round_trip(data), "README.md library snippet");
  return ok ? 0 : 1;
}
