// apps/hevc_intra/test_transform.cpp — HEVC integer transforms and flat quantisation
// (apps/hevc_intra/transform.hpp, quant.hpp): the standard's matrix entries,
// hand-computed inverse transforms (DC, DST, intermediate clipping),
// dequantisation values, the chroma QP table, and forward → quantise →
// dequantise → inverse round trips. The bit-exactness against real decoders
// is checked by the hevc_intra_lossy_* conformance tests (tests/conformance/).
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include "quant.hpp"
#include "transform.hpp"

using namespace entcode;
using namespace entcode::hevc;

namespace {

std::vector<std::int16_t> inverse(const std::vector<std::int16_t>& d, int log2, TransformType t) {
  std::vector<std::int16_t> r(d.size());
  REQUIRE(inverse_transform(d, log2, t, r) == errc::ok);
  return r;
}

}  // namespace

TEST_CASE("transform matrices hold the standard's entries", "[transform]") {
  constexpr int kRow1[16] = {90, 90, 88, 85, 82, 78, 73, 67, 61, 54, 46, 38, 31, 22, 13, 4};
  constexpr int kRow3[16] = {90, 82, 67, 46, 22, -4, -31, -54, -73, -85, -90, -88, -78, -61, -38, -13};
  for (int n = 0; n < 16; ++n) {
    CHECK(dct32_coefficient(1, n) == kRow1[n]);
    CHECK(dct32_coefficient(1, 31 - n) == -kRow1[n]);  // odd rows are antisymmetric
    CHECK(dct32_coefficient(3, n) == kRow3[n]);
    CHECK(dct32_coefficient(0, n) == 64);
  }
  constexpr int kDct4[4][4] = {{64, 64, 64, 64}, {83, 36, -36, -83}, {64, -64, -64, 64}, {36, -83, 83, -36}};
  constexpr int kDct8Row1[8] = {89, 75, 50, 18, -18, -50, -75, -89};
  constexpr int kDct16Row1[8] = {90, 87, 80, 70, 57, 43, 25, 9};
  for (int k = 0; k < 4; ++k)
    for (int n = 0; n < 4; ++n) CHECK(transform_coefficient(TransformType::dct, 2, k, n) == kDct4[k][n]);
  for (int n = 0; n < 8; ++n) {
    CHECK(transform_coefficient(TransformType::dct, 3, 1, n) == kDct8Row1[n]);
    CHECK(transform_coefficient(TransformType::dct, 4, 1, n) == kDct16Row1[n]);
  }
  CHECK(transform_coefficient(TransformType::dst, 2, 2, 1) == -29);
  CHECK(transform_type(true, 2, 0) == TransformType::dst);
  CHECK(transform_type(true, 2, 1) == TransformType::dct);
  CHECK(transform_type(true, 3, 0) == TransformType::dct);
  CHECK(transform_type(false, 2, 0) == TransformType::dct);
}

TEST_CASE("transform matrices are nearly orthogonal with norm 64^2 N", "[transform]") {
  for (int log2 = 2; log2 <= 5; ++log2)
    for (TransformType t : {TransformType::dct, TransformType::dst}) {
      if (t == TransformType::dst && log2 != 2) continue;
      const int n = 1 << log2;
      for (int k = 0; k < n; ++k)
        for (int l = 0; l < n; ++l) {
          long dot = 0;
          for (int i = 0; i < n; ++i) dot += long{transform_coefficient(t, log2, k, i)} * transform_coefficient(t, log2, l, i);
          const long norm = 4096L * n;
          if (k == l) CHECK(std::labs(dot - norm) * 100 < norm);  // within 1%
          else CHECK(std::labs(dot) * 100 < norm);
        }
    }
}

TEST_CASE("inverse transform: hand-computed blocks", "[transform]") {
  SECTION("4x4 DCT, DC only: stage 1 (64·64 + 64) >> 7 = 32, stage 2 (64·32 + 2048) >> 12 = 1") {
    std::vector<std::int16_t> d(16, 0);
    d[0] = 64;
    for (std::int16_t v : inverse(d, 2, TransformType::dct)) CHECK(v == 1);
  }
  SECTION("4x4 DST, coefficient (0,0) = 64") {
    std::vector<std::int16_t> d(16, 0);
    d[0] = 64;
    // g column 0 = {15, 28, 37, 42}; rows = ({29, 55, 74, 84}·g + 2048) >> 12
    const std::vector<std::int16_t> expect = {0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1};
    CHECK(inverse(d, 2, TransformType::dst) == expect);
  }
  SECTION("intermediate clipping to 2^15 - 1 after stage 1") {
    // Column 0 all 32767: e = {247, -47, 47, 9}·32767, g = {32767 (clipped from 63230), -12032, 12032, 2304}.
    std::vector<std::int16_t> d(16, 0);
    for (int j = 0; j < 4; ++j) d[static_cast<std::size_t>(4 * j)] = 32767;
    const std::vector<std::int16_t> r = inverse(d, 2, TransformType::dct);
    const int rows[4] = {512, -188, 188, 36};  // 988 in row 0 without the clip
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) CHECK(r[static_cast<std::size_t>(4 * y + x)] == rows[y]);
  }
  SECTION("every size: DC 256 gives a flat residual of 2 (the DC gain does not depend on the size)") {
    for (int log2 = 2; log2 <= 5; ++log2) {
      std::vector<std::int16_t> d(std::size_t{1} << (2 * log2), 0);
      d[0] = 256;  // g = (64·256 + 64) >> 7 = 128, r = (64·128 + 2048) >> 12 = 2
      for (std::int16_t v : inverse(d, log2, TransformType::dct)) CHECK(v == 2);
    }
  }
}

TEST_CASE("dequantize: hand-computed §8.6.3 values and clipping", "[quant]") {
  auto one = [](int level, int log2, int qp) {
    std::vector<std::int16_t> l(std::size_t{1} << (2 * log2), 0), d(l.size());
    l[0] = static_cast<std::int16_t>(level);
    REQUIRE(dequantize(l, log2, qp, d) == errc::ok);
    return int{d[0]};
  };
  CHECK(one(1, 2, 22) == 256);     // (16·64 << 3 + 16) >> 5
  CHECK(one(1, 2, 0) == 20);       // (16·40 + 16) >> 5
  CHECK(one(1, 5, 37) == 180);     // (16·45 << 6 + 128) >> 8 = 180.5 -> 180
  CHECK(one(-1, 5, 37) == -180);   // (-46080 + 128) >> 8 = -179.5 -> -180
  CHECK(one(32767, 2, 51) == 32767);
  CHECK(one(-32768, 3, 51) == -32768);
  CHECK(one(0, 4, 51) == 0);
}

TEST_CASE("quantize: hand-computed levels", "[quant]") {
  std::vector<std::int32_t> c(16, 0);
  std::vector<std::int16_t> l(16);
  c[0] = 100;  // qp 4, 4x4: qBits 19, (100·16384 + 171 << 10) >> 19 = 3
  c[1] = -100;
  c[2] = 10;   // (163840 + 175104) >> 19 = 0
  CHECK(quantize(c, 2, 4, 171, l) == 2);
  CHECK(l[0] == 3);
  CHECK(l[1] == -3);
  CHECK(l[2] == 0);
  CHECK(quantize(c, 2, 4, 511, l) == 3);  // near-rounding: 10 -> 1
}

TEST_CASE("chroma QP mapping (Table 8-10)", "[quant]") {
  constexpr int kExpect[58] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                               20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 29, 30, 31, 32, 33, 33, 34, 34, 35, 35,
                               36, 36, 37, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51};
  for (int q = 0; q <= 57; ++q) CHECK(chroma_qp_from_qpi(q) == kExpect[q]);
  CHECK(chroma_qp(22, 0) == 22);
  CHECK(chroma_qp(32, 0) == 31);
  CHECK(chroma_qp(42, 0) == 37);
  CHECK(chroma_qp(51, 12) == 51);  // qPi clipped to 57
  CHECK(chroma_qp(0, -3) == 0);
}

TEST_CASE("forward -> quantize -> dequantize -> inverse approximates the residual", "[transform][quant]") {
  std::mt19937 rng(7);
  for (int log2 = 2; log2 <= 5; ++log2)
    for (TransformType t : {TransformType::dct, TransformType::dst}) {
      if (t == TransformType::dst && log2 != 2) continue;
      const std::size_t n = std::size_t{1} << (2 * log2);
      for (int qp : {0, 4, 22, 37}) {
        double sq_err = 0;
        for (int trial = 0; trial < 20; ++trial) {
          std::vector<std::int16_t> r(n), lev(n), d(n), back(n);
          std::vector<std::int32_t> c(n);
          for (auto& v : r) v = static_cast<std::int16_t>(static_cast<int>(rng() % 511) - 255);
          REQUIRE(forward_transform(r, log2, t, c) == errc::ok);
          for (std::int32_t v : c) REQUIRE(std::abs(v) < 32768);
          REQUIRE(quantize(c, log2, qp, 256, lev) >= 0);
          REQUIRE(dequantize(lev, log2, qp, d) == errc::ok);
          REQUIRE(inverse_transform(d, log2, t, back) == errc::ok);
          for (std::size_t i = 0; i < n; ++i) sq_err += (r[i] - back[i]) * (r[i] - back[i]);
        }
        // Uniform quantiser with step 2^((qp - 4) / 6): MSE ≈ step² / 12 (+ transform rounding).
        const double step = std::pow(2.0, (qp - 4) / 6.0);
        const double mse = sq_err / (20.0 * static_cast<double>(n));
        INFO("log2 " << log2 << " dst " << (t == TransformType::dst) << " qp " << qp << " mse " << mse);
        CHECK(mse < step * step / 12 * 1.3 + 1.5);  // + integer-transform rounding (~1.2 at 32x32)
      }
    }
}

TEST_CASE("transform and quantiser reject invalid arguments", "[transform][quant]") {
  std::vector<std::int16_t> a(1024), b(1024);
  std::vector<std::int32_t> c(1024);
  CHECK(inverse_transform(a, 3, TransformType::dst, b) == errc::invalid_argument);
  CHECK(inverse_transform(a, 6, TransformType::dct, b) == errc::invalid_argument);
  CHECK(inverse_transform(std::span(a).first(15), 2, TransformType::dct, b) == errc::invalid_argument);
  CHECK(forward_transform(a, 1, TransformType::dct, c) == errc::invalid_argument);
  CHECK(forward_transform(a, 2, TransformType::dct, std::span(c).first(8)) == errc::invalid_argument);
  CHECK(dequantize(a, 2, 52, b) == errc::invalid_argument);
  CHECK(dequantize(a, 2, -1, b) == errc::invalid_argument);
  CHECK(quantize(c, 2, 22, 512, a) == -1);
  CHECK(quantize(c, 5, 22, 171, std::span(a).first(100)) == -1);
}
