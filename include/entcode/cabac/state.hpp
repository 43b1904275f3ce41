// cabac/state.hpp — an HEVC context variable's state (pStateIdx, valMps), its
// initialisation from (initValue, SliceQpY) (ITU-T H.265 9.3.2.2), and the LPS
// probability that a pStateIdx stands for.
//
// pStateIdx is 0..62 (kMaxState); initial_cabac_state() only yields that range.
// lps_probability(s) = 0.5 * (0.01875 / 0.5)^(s / 63): the probability model the
// standard's state machine approximates (its design value; the coding tables of
// cabac/tables.hpp are the normative ones). Used wherever a state must be turned
// into a probability (cabac/context.cpp's fixed contexts, rans/stream_coder.cpp's
// CABAC-initialised binary contexts), so the formula lives only here.
#pragma once

#include <cmath>
#include <cstdint>

#include "entcode/stream.hpp"

namespace entcode {
inline namespace v0 {
namespace cabac {

struct CabacState {
  std::uint8_t state;  // pStateIdx, 0..62
  std::uint8_t mps;    // valMps, 0 or 1
};

// H.265 9.3.2.2: initValue + SliceQpY -> (pStateIdx, valMps).
constexpr CabacState initial_cabac_state(ContextInit init) noexcept {
  const int slope = (init.init_value >> 4) * 5 - 45;
  const int offset = ((init.init_value & 15) << 3) - 16;
  const int qp = init.slice_qp < 0 ? 0 : (init.slice_qp > 51 ? 51 : init.slice_qp);
  int pre = ((slope * qp) >> 4) + offset;
  pre = pre < 1 ? 1 : (pre > 126 ? 126 : pre);
  const bool mps = pre > 63;
  return {static_cast<std::uint8_t>(mps ? pre - 64 : 63 - pre), static_cast<std::uint8_t>(mps)};
}

// The probability of the least probable symbol in state pStateIdx (0..62).
inline double lps_probability(unsigned state) noexcept {
  return 0.5 * std::pow(0.01875 / 0.5, static_cast<double>(state) / 63.0);
}

}  // namespace cabac

// Spelled without cabac:: by earlier code (it lived in stream.hpp).
using cabac::CabacState;
using cabac::initial_cabac_state;

}  // namespace v0
}  // namespace entcode
