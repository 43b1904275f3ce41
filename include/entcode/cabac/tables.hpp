// cabac/tables.hpp — the constant tables of HEVC's arithmetic coding engine.
//
// kRangeTabLps and kTransIdxLps are ITU-T H.265 Table 9-46 / 9-47 (identical to
// H.264 Table 9-44 / 9-45); transIdxMps(s) = min(s + 1, 62). pStateIdx 63 is
// never reached by a context (initialisation yields 0..62, MPS steps stop at 62).
//
// The coders use a packed context state `p = pStateIdx << 1 | valMps` (0..125)
// and one derived row per packed state (StateRow): the four LPS ranges (at the
// coder's scale), their renormalisation shifts, and the packed successor states
// after an MPS and after an LPS (with the MPS flip at pStateIdx 0 folded in), so
// a decision needs one table row (the decoder uses the ranges and successors, the
// encoder the ranges, shifts and successors).
// kBypassReciprocal[r] = ceil(2^38 / r) for 256 <= r <= 510: x / r ==
// (x * kBypassReciprocal[r]) >> 38 exactly for x < 2^29 (Granlund–Montgomery,
// error term x * (m r - 2^38) < 2^29 * 2^9), used by grouped bypass decoding.
#pragma once

#include <array>
#include <cstdint>

namespace entcode {
inline namespace v0 {
namespace cabac {

inline constexpr std::uint8_t kRangeTabLps[64][4] = {
    {128, 176, 208, 240}, {128, 167, 197, 227}, {128, 158, 187, 216}, {123, 150, 178, 205}, {116, 142, 169, 195},
    {111, 135, 160, 185}, {105, 128, 152, 175}, {100, 122, 144, 166}, {95, 116, 137, 158},  {90, 110, 130, 150},
    {85, 104, 123, 142},  {81, 99, 117, 135},   {77, 94, 111, 128},   {73, 89, 105, 122},   {69, 85, 100, 116},
    {66, 80, 95, 110},    {62, 76, 90, 104},    {59, 72, 86, 99},     {56, 69, 81, 94},     {53, 65, 77, 89},
    {51, 62, 73, 85},     {48, 59, 69, 80},     {46, 56, 66, 76},     {43, 53, 63, 72},     {41, 50, 59, 69},
    {39, 48, 56, 65},     {37, 45, 54, 62},     {35, 43, 51, 59},     {33, 41, 48, 56},     {32, 39, 46, 53},
    {30, 37, 43, 50},     {29, 35, 41, 48},     {27, 33, 39, 45},     {26, 31, 37, 43},     {24, 30, 35, 41},
    {23, 28, 33, 39},     {22, 27, 32, 37},     {21, 26, 30, 35},     {20, 24, 29, 33},     {19, 23, 27, 31},
    {18, 22, 26, 30},     {17, 21, 25, 28},     {16, 20, 23, 27},     {15, 19, 22, 25},     {14, 18, 21, 24},
    {14, 17, 20, 23},     {13, 16, 19, 22},     {12, 15, 18, 21},     {12, 14, 17, 20},     {11, 14, 16, 19},
    {11, 13, 15, 18},     {10, 12, 15, 17},     {10, 12, 14, 16},     {9, 11, 13, 15},      {9, 11, 12, 14},
    {8, 10, 12, 14},      {8, 9, 11, 13},       {7, 9, 11, 12},       {7, 9, 10, 12},       {7, 8, 10, 11},
    {6, 8, 9, 11},        {6, 7, 9, 10},        {6, 7, 8, 9},         {2, 2, 2, 2},
};

inline constexpr std::uint8_t kTransIdxLps[64] = {
    0,  0,  1,  2,  2,  4,  4,  5,  6,  7,  8,  9,  9,  11, 11, 12, 13, 13, 15, 15, 16, 16,
    18, 18, 19, 19, 21, 21, 22, 22, 23, 24, 24, 25, 26, 26, 27, 27, 28, 29, 29, 30, 30, 30,
    31, 32, 32, 33, 33, 33, 34, 34, 35, 35, 35, 36, 36, 36, 37, 37, 37, 38, 38, 63,
};

constexpr std::uint8_t trans_idx_mps(unsigned state) noexcept {
  return static_cast<std::uint8_t>(state < 62 ? state + 1 : 62);
}

inline constexpr unsigned kMaxState = 62;   // largest pStateIdx a context can hold
inline constexpr unsigned kInitRange = 510;  // ivlCurrRange after initialisation (9.3.2.5)

// The renormalisation shift that brings a range of r (2 <= r <= 510) back to >= 256.
constexpr unsigned renorm_shift(unsigned r) noexcept {
  unsigned n = 0;
  while ((r << n) < 256) ++n;
  return n;
}

// One row per packed state p = pStateIdx << 1 | valMps, indexed by
// q = (range >> 6) & 3 = (range >> 6) - 4 for 256 <= range <= 511.
// RangeT is the range representation (uint8_t plain, or uint64_t pre-scaled).
template <class RangeT>
struct StateRow {
  RangeT rlps[4];              // rangeTabLps[pStateIdx][q], shifted left by the coder's scale
  std::uint8_t lps_shift[4];   // renorm_shift(rangeTabLps[pStateIdx][q])
  std::uint8_t next[2];        // packed state after [0] an MPS, [1] an LPS (MPS flip at state 0)
};

template <class RangeT, unsigned Scale>
constexpr std::array<StateRow<RangeT>, 128> make_state_table() noexcept {
  std::array<StateRow<RangeT>, 128> t{};
  for (unsigned p = 0; p < 128; ++p) {
    const unsigned s = p >> 1, mps = p & 1;
    for (unsigned q = 0; q < 4; ++q) {
      t[p].rlps[q] = static_cast<RangeT>(RangeT{kRangeTabLps[s][q]} << Scale);
      t[p].lps_shift[q] = static_cast<std::uint8_t>(renorm_shift(kRangeTabLps[s][q]));
    }
    t[p].next[0] = static_cast<std::uint8_t>(trans_idx_mps(s) << 1 | mps);
    t[p].next[1] = static_cast<std::uint8_t>(kTransIdxLps[s] << 1 | (s == 0 ? 1 - mps : mps));
  }
  return t;
}
inline constexpr auto kStateTable = make_state_table<std::uint8_t, 0>();

inline constexpr unsigned kBypassReciprocalShift = 38;
constexpr std::array<std::uint32_t, 512> make_bypass_reciprocals() noexcept {
  std::array<std::uint32_t, 512> t{};
  for (std::uint64_t r = 256; r < 512; ++r)
    t[r] = static_cast<std::uint32_t>(((std::uint64_t{1} << kBypassReciprocalShift) + r - 1) / r);
  return t;
}
inline constexpr std::array<std::uint32_t, 512> kBypassReciprocal = make_bypass_reciprocals();

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
