// gaussian_compressai_mirror.hpp — an independent, deliberately plain model of
// CompressAI's C++ rANS backend (rans_interface.cpp + rans64.h), written from the
// format description in include/entcode/gaussian/compressai_stream.hpp: one
// 64-bit state, per-symbol table lookup in vector<vector<int32_t>> CDFs, a
// division per encoded symbol, a linear CDF search per decoded symbol.
// Used by tests/test_gaussian.cpp (bytes must equal entcode's CompressAI mode)
// and bench/bench_gaussian.cpp (the baseline the speed-up is measured against).
// No error handling: inputs must be valid (as in CompressAI).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace compressai_mirror {

constexpr std::uint64_t kL = std::uint64_t{1} << 31;

struct Tables {
  std::vector<std::vector<std::int32_t>> cdfs;
  std::vector<std::int32_t> cdf_sizes;
  std::vector<std::int32_t> offsets;
};

// Writes below ptr (CompressAI's backward output pointer).
inline void enc_put(std::uint64_t& x, std::uint32_t*& ptr, std::uint32_t start, std::uint32_t freq, unsigned prec) {
  const std::uint64_t x_max = ((kL >> prec) << 32) * freq;
  if (x >= x_max) {
    *--ptr = static_cast<std::uint32_t>(x);
    x >>= 32;
  }
  x = ((x / freq) << prec) + (x % freq) + start;
}

// One buffered coding step, as CompressAI's BufferedRansEncoder keeps them.
struct Step {
  std::uint16_t start;
  std::uint16_t range;
  bool bypass;
};

// Buffers the steps in symbol order, then codes them from the last into a
// 0xCC-filled word buffer (CompressAI's flush); returns the stream bytes.
inline std::string encode(const Tables& t, const std::vector<std::int32_t>& symbols,
                          const std::vector<std::int32_t>& indexes) {
  std::vector<Step> steps;
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    const auto& cdf = t.cdfs[static_cast<std::size_t>(indexes[i])];
    const std::int32_t max_value = t.cdf_sizes[static_cast<std::size_t>(indexes[i])] - 2;
    std::int32_t value = symbols[i] - t.offsets[static_cast<std::size_t>(indexes[i])];
    std::uint32_t raw = 0;
    if (value < 0) {
      raw = static_cast<std::uint32_t>(-2 * value - 1);
      value = max_value;
    } else if (value >= max_value) {
      raw = static_cast<std::uint32_t>(2 * (value - max_value));
      value = max_value;
    }
    const auto v = static_cast<std::size_t>(value);
    steps.push_back({static_cast<std::uint16_t>(cdf[v]), static_cast<std::uint16_t>(cdf[v + 1] - cdf[v]), false});
    if (value == max_value) {
      std::int32_t n = 0;
      while (n < 8 && (raw >> (n * 4)) != 0) ++n;
      steps.push_back({static_cast<std::uint16_t>(n), static_cast<std::uint16_t>(n + 1), true});  // n < 15
      for (std::int32_t j = 0; j < n; ++j) {
        const auto c = static_cast<std::uint16_t>((raw >> (j * 4)) & 15);
        steps.push_back({c, static_cast<std::uint16_t>(c + 1), true});
      }
    }
  }
  // As CompressAI's flush: one word per step, filled with 0xCC, written backwards
  // (+ 2: CompressAI's buffer has no room for the final state with one symbol).
  std::vector<std::uint32_t> output(steps.size() + 2, 0xCC);
  std::uint32_t* ptr = output.data() + output.size();
  std::uint64_t x = kL;
  while (!steps.empty()) {
    const Step s = steps.back();
    if (s.bypass) enc_put(x, ptr, s.start, 1, 4);
    else enc_put(x, ptr, s.start, s.range, 16);  // range 0 would mean 65536: not in valid tables
    steps.pop_back();
  }
  *--ptr = static_cast<std::uint32_t>(x >> 32);
  *--ptr = static_cast<std::uint32_t>(x);
  const auto end = output.data() + output.size();
  return std::string(reinterpret_cast<const char*>(ptr), static_cast<std::size_t>(end - ptr) * 4);
}

inline std::vector<std::int32_t> decode(const Tables& t, const std::string& stream,
                                        const std::vector<std::int32_t>& indexes) {
  std::vector<std::uint32_t> words(stream.size() / 4);
  std::memcpy(words.data(), stream.data(), words.size() * 4);
  std::size_t p = 2;
  std::uint64_t x = words[0] | std::uint64_t{words[1]} << 32;
  auto advance = [&](std::uint32_t start, std::uint32_t freq, unsigned prec) {
    x = freq * (x >> prec) + (x & ((std::uint64_t{1} << prec) - 1)) - start;
    if (x < kL) x = x << 32 | words[p++];
  };
  auto get_bits = [&]() {
    const auto v = static_cast<std::uint32_t>(x & 15);
    advance(v, 1, 4);
    return static_cast<std::int32_t>(v);
  };
  std::vector<std::int32_t> out(indexes.size());
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    const auto& cdf = t.cdfs[static_cast<std::size_t>(indexes[i])];
    const std::int32_t max_value = t.cdf_sizes[static_cast<std::size_t>(indexes[i])] - 2;
    const auto cum = static_cast<std::int32_t>(x & 0xffff);
    const auto end = cdf.begin() + t.cdf_sizes[static_cast<std::size_t>(indexes[i])];
    const auto it = std::find_if(cdf.begin(), end, [cum](std::int32_t v) { return v > cum; });
    const auto s = static_cast<std::size_t>(it - cdf.begin() - 1);
    advance(static_cast<std::uint32_t>(cdf[s]), static_cast<std::uint32_t>(cdf[s + 1] - cdf[s]), 16);
    auto value = static_cast<std::int32_t>(s);
    if (value == max_value) {
      std::int32_t val = get_bits();
      std::int32_t n = val;
      while (val == 15) n += (val = get_bits());
      std::int32_t raw = 0;
      for (std::int32_t j = 0; j < n; ++j) raw |= get_bits() << (j * 4);
      value = raw >> 1;
      value = (raw & 1) ? -value - 1 : value + max_value;
    }
    out[i] = value + t.offsets[static_cast<std::size_t>(indexes[i])];
  }
  return out;
}

}  // namespace compressai_mirror
