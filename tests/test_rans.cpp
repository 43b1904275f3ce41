// test_rans.cpp — the scalar reference rANS: hand vectors, round trips, entropy, hostile input.
#include <catch2/catch.hpp>

#include <random>

#include "entcode/rans/reference.hpp"
#include "support/byte_samples.hpp"

using namespace entcode;
using namespace entcode::rans;
using namespace entcode::rans::reference;

namespace {

std::vector<std::byte> bytes_of(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

std::vector<std::byte> encode(std::span<const std::uint8_t> data, const SymbolModel& m, unsigned lanes) {
  std::vector<std::byte> out(interleaved_bound(data.size(), lanes));
  auto size = encode_bytes(data, m, lanes, out);
  REQUIRE(size);
  out.resize(*size);
  return out;
}

SymbolModel model_for(std::span<const std::uint8_t> data, unsigned precision) {
  auto counts = test::byte_counts(data);
  if (data.empty()) counts[0] = 1;
  auto m = SymbolModel::from_counts(counts, precision);
  REQUIRE(m);
  return *m;
}

// M = 4: symbol 0 = [0, 3), symbol 1 = [3, 4).
SymbolModel tiny_model() { return *SymbolModel::from_frequencies(std::vector<std::uint32_t>{3, 1}, 2); }

}  // namespace

TEST_CASE("hand-computed vector without renormalisation", "[rans]") {
  // Encode [1, 0] with one lane, in reverse:
  //   symbol 0: x = 65536 -> (65536 / 3) * 4 + 65536 % 3 + 0 = 21845 * 4 + 1 = 87381
  //   symbol 1: x = 87381 -> 87381 * 4 + 0 + 3 = 349527 = 0x00055557
  // Stream: the final state, little-endian, no words.
  const std::vector<std::uint8_t> data{1, 0};
  const auto stream = encode(data, tiny_model(), 1);
  CHECK(stream == bytes_of({0x57, 0x55, 0x05, 0x00}));
  std::vector<std::uint8_t> back(2);
  CHECK(decode_bytes(stream, tiny_model(), 1, back) == errc::ok);
  CHECK(back == data);
}

TEST_CASE("hand-computed vector with one renormalisation word", "[rans]") {
  // Eight 1s: each step is x' = 4x + 3, so after k steps x = 4^k * 65537 - 1.
  // Before the 8th step x = 16384 * 65537 - 1 = 1073758207 > x_max - 1 = 2^30 - 1,
  // so the encoder emits x & 0xffff = 0x3fff and continues from x >> 16 = 16384:
  // final state 4 * 16384 + 3 = 65539 = 0x00010003. Stream: 03 00 01 00 | ff 3f.
  const std::vector<std::uint8_t> data(8, 1);
  const auto stream = encode(data, tiny_model(), 1);
  CHECK(stream == bytes_of({0x03, 0x00, 0x01, 0x00, 0xff, 0x3f}));
  std::vector<std::uint8_t> back(8);
  CHECK(decode_bytes(stream, tiny_model(), 1, back) == errc::ok);
  CHECK(back == data);
}

TEST_CASE("two lanes interleave symbols and lay states out lane 0 first", "[rans]") {
  // [1, 0] on two lanes: lane 0 codes symbol 1 from L (65536 * 4 + 3 = 262147 = 0x00040003),
  // lane 1 codes symbol 0 from L (87381 = 0x00015555, as above).
  const std::vector<std::uint8_t> data{1, 0};
  CHECK(encode(data, tiny_model(), 2) == bytes_of({0x03, 0x00, 0x04, 0x00, 0x55, 0x55, 0x01, 0x00}));
}

TEST_CASE("round trips across sizes, distributions, lanes and precisions", "[rans]") {
  std::mt19937_64 rng(3);
  std::vector<std::vector<std::uint8_t>> inputs = {
      {}, {7}, {0, 255}, std::vector<std::uint8_t>(1000, 42), test::geometric_bytes(100000, 0.16, 1),
  };
  std::vector<std::uint8_t> all(256 * 40);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i * 7);
  inputs.push_back(all);
  // Skewed data where many symbols occur once (freq-1 symbols after normalisation).
  std::vector<std::uint8_t> rare(200000, 0);
  for (int s = 1; s < 256; ++s) rare[static_cast<std::size_t>(s) * 777] = static_cast<std::uint8_t>(s);
  inputs.push_back(rare);
  for (int t = 0; t < 20; ++t) inputs.push_back(test::geometric_bytes(rng() % 5000, 0.01 + 0.05 * t, rng()));

  for (const auto& data : inputs) {
    for (unsigned p : {10u, 12u, 16u}) {
      const SymbolModel m = model_for(data, p);
      for (unsigned lanes : {1u, 2u, 7u, 32u, 64u}) {
        const auto stream = encode(data, m, lanes);
        CHECK(stream.size() <= interleaved_bound(data.size(), lanes));
        std::vector<std::uint8_t> back(data.size());
        REQUIRE(decode_bytes(stream, m, lanes, back) == errc::ok);
        REQUIRE(back == data);
      }
    }
  }
}

TEST_CASE("16 MiB of geometric bytes codes within 0.2% of the order-0 entropy", "[rans]") {
  const auto data = test::geometric_bytes(std::size_t{16} << 20, 0.16, 42);
  const SymbolModel m = model_for(data, 14);
  const auto stream = encode(data, m, 32);
  const double bits = 8.0 * static_cast<double>(stream.size());
  const double h = test::order0_entropy_bits(data);
  INFO("entropy " << h / 8 << " bytes, coded " << stream.size() << " bytes, +" << (bits / h - 1) * 100 << "%");
  CHECK(bits <= h * 1.002);
  std::vector<std::uint8_t> back(data.size());
  REQUIRE(decode_bytes(stream, m, 32, back) == errc::ok);
  CHECK(back == data);
}

TEST_CASE("encoder reports a too-small destination instead of overflowing", "[rans]") {
  const auto data = test::geometric_bytes(5000, 0.1, 5);
  const SymbolModel m = model_for(data, 12);
  const auto full = encode(data, m, 32);
  std::vector<std::byte> small(full.size() - 1);
  CHECK(encode_bytes(data, m, 32, small).error() == errc::output_too_small);
  std::vector<std::byte> exact(full.size());
  CHECK(encode_bytes(data, m, 32, exact).value() == full.size());
  const std::vector<std::uint8_t> absent{1, 2, 3};  // not in the model
  std::vector<std::uint64_t> counts(256, 0);
  counts[0] = 1;
  CHECK(encode_bytes(absent, *SymbolModel::from_counts(counts, 12), 1, exact).error() == errc::invalid_argument);
  CHECK(encode_bytes(data, m, 0, exact).error() == errc::invalid_argument);
}

TEST_CASE("every truncation is reported as an error", "[rans][hostile]") {
  const auto data = test::geometric_bytes(3000, 0.2, 9);
  const SymbolModel m = model_for(data, 12);
  for (unsigned lanes : {1u, 32u}) {
    const auto stream = encode(data, m, lanes);
    std::vector<std::uint8_t> back(data.size());
    for (std::size_t cut = 0; cut < stream.size(); ++cut) {
      std::vector<std::byte> prefix(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(cut));
      const errc e = decode_bytes(prefix, m, lanes, back);
      REQUIRE(e != errc::ok);
      if (cut < 4 * lanes) REQUIRE(e == errc::truncated);
    }
  }
}

TEST_CASE("bit flips decode to an error or to the original data", "[rans][hostile]") {
  const auto data = test::geometric_bytes(3000, 0.2, 11);
  const SymbolModel m = model_for(data, 12);
  const auto stream = encode(data, m, 32);
  std::mt19937_64 rng(13);
  int detected = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    auto bad = stream;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] ^= static_cast<std::byte>(1u << (rng() % 8));
    std::vector<std::uint8_t> back(data.size());
    const errc e = decode_bytes(bad, m, 32, back);
    if (e != errc::ok) ++detected;
    else REQUIRE((back == data || bad == stream));
  }
  CHECK(detected > 1900);  // the end-state check catches nearly every flip
}
