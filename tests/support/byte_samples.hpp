// byte_samples.hpp — random byte samples and their statistics (counts, order-0
// entropy), shared by the rANS, hardening and fault-injection tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "entcode/rans/model.hpp"

namespace entcode::test {

inline std::vector<std::uint8_t> geometric_bytes(std::size_t n, double p, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::geometric_distribution<int> geo(p);
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(std::min(geo(rng), 255));
  return v;
}

inline std::vector<std::uint64_t> byte_counts(std::span<const std::uint8_t> data) {
  std::vector<std::uint64_t> counts(256, 0);
  for (auto b : data) ++counts[b];
  return counts;
}

// Order-0 entropy of the data in bits.
inline double order0_entropy_bits(std::span<const std::uint8_t> data) {
  double bits = 0;
  const auto n = static_cast<double>(data.size());
  for (const std::uint64_t c : byte_counts(data))
    if (c) bits -= static_cast<double>(c) * std::log2(static_cast<double>(c) / n);
  return bits;
}

}  // namespace entcode::test
