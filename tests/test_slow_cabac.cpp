// test_slow_cabac.cpp — (suite 'slow') the acceptance check of the CABAC engine:
// at least 10^8 random bins (context-coded with random per-context probabilities,
// bypass groups of 0..32, single bypass, terminate 0/1) coded by the fast encoder
// and the textbook transcription (tests/support/cabac_textbook.hpp) must give identical
// bytes, and each decoder must decode the other's stream back to the bins.
#include <catch2/catch.hpp>

#include <cstdio>
#include <random>

#include "support/cabac_script.hpp"

namespace cs = cabac_script;

namespace {

std::uint64_t bin_count(const cs::Script& s) {
  std::uint64_t n = 0;
  for (const cs::Op& op : s.ops) n += op.kind == cs::Kind::bypass ? op.n : 1;
  return n;
}

}  // namespace

TEST_CASE("10^8 random bins: fast coders and the textbook agree both ways", "[cabac][slow]") {
  std::mt19937_64 rng(20240601);
  std::uint64_t bins = 0;
  int scripts = 0;
  while (bins < 100'000'000) {
    const auto script = cs::random_script(rng, 1'000'000, 1 + static_cast<int>(rng() % 64), 1 + static_cast<unsigned>(rng() % 5000));
    bins += bin_count(script);
    ++scripts;
    const auto fast = cs::encode_fast(script);
    const auto slow = cs::encode_textbook(script);
    REQUIRE(fast == slow);
    const auto expected = cs::expected_values(script);
    entcode::errc st{};
    REQUIRE(cs::decode_fast(slow, script, &st) == expected);
    REQUIRE(st == entcode::errc::ok);
    bool clean = false;
    REQUIRE(cs::decode_textbook(fast, script, &clean) == expected);
    REQUIRE(clean);
  }
  std::printf("%d scripts, %llu bins agree\n", scripts, static_cast<unsigned long long>(bins));
  CHECK(bins >= 100'000'000);
}
