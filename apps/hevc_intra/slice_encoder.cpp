// slice_encoder.cpp — lossless CU plans: mode and transform-tree decision, TB residuals (see slice_encoder.hpp).
//
// Cost model: estimated bits of a residual sample ~ 1.5 + 2 log2(1 + |r|)
// (about what coeff_abs_level_remaining + sign + flags spend), in 1/4 bits;
// each extra TB costs a few bits of flags; a mode outside the MPM list costs
// 5 bypass bits, inside 1..2.
#include "slice_encoder.hpp"

#include <array>
#include <cmath>
#include <cstdlib>

namespace hevc_intra {

namespace {

constexpr int kSplitPenalty = 4 * 6;

const std::array<int, 256>& bit_costs() {
  static const std::array<int, 256> table = [] {
    std::array<int, 256> t{};
    for (int a = 0; a < 256; ++a) t[static_cast<std::size_t>(a)] = static_cast<int>(4 * (a == 0 ? 0.7 : 1.5 + 2 * std::log2(1.0 + a)));
    return t;
  }();
  return table;
}

int tb_cost(const Picture& src, const ZScan& z, int x, int y, int log2, int mode) {
  std::uint8_t pred[16 * 16];
  predict_intra(src.planes[0], z, 0, x, y, log2, mode, pred);
  const int n = 1 << log2;
  const auto& costs = bit_costs();
  int cost = 0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) cost += costs[static_cast<std::size_t>(std::abs(src.planes[0].at(x + i, y + j) - pred[j * n + i]))];
  return cost;
}

struct CuChoice {
  int mode = kDc;
  TbTree tree;
};

// Residual of one TB: src − intra prediction; returns whether any sample is nonzero.
bool tb_residual(const Picture& src, const ZScan& z, int c_idx, int x, int y, int log2, int mode,
                 std::int16_t* residual) {
  std::uint8_t pred[16 * 16];
  const Plane& plane = src.planes[static_cast<std::size_t>(c_idx)];
  predict_intra(plane, z, c_idx, x, y, log2, mode, pred);
  const int n = 1 << log2;
  bool any = false;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const int r = plane.at(x + i, y + j) - pred[j * n + i];
      residual[j * n + i] = static_cast<std::int16_t>(r);
      any = any || r != 0;
    }
  return any;
}

CuChoice choose_cu(const Picture& src, const ZScan& z, int x0, int y0, int left_mode, bool fast) {
  static constexpr int kFastModes[] = {kPlanar, kDc, kHorizontal, kVertical};
  const auto mpm = mpm_list(left_mode < 0 ? kDc : left_mode, kDc);
  CuChoice best;
  int best_cost = -1;
  for (int k = 0; k < (fast ? 4 : 35); ++k) {
    const int mode = fast ? kFastModes[k] : k;
    CuChoice c;
    c.mode = mode;
    const bool in_mpm = mode == mpm[0] || mode == mpm[1] || mode == mpm[2];
    int split_cost = kSplitPenalty;
    for (int i = 0; i < 4; ++i) {
      const int x8 = x0 + (i & 1) * 8;
      const int y8 = y0 + (i >> 1) * 8;
      const int whole = tb_cost(src, z, x8, y8, 3, mode);
      int quad = kSplitPenalty;
      for (int j = 0; j < 4; ++j) quad += tb_cost(src, z, x8 + (j & 1) * 4, y8 + (j >> 1) * 4, 2, mode);
      c.tree.split8[static_cast<std::size_t>(i)] = quad < whole;
      split_cost += std::min(whole, quad);
    }
    const int whole16 = tb_cost(src, z, x0, y0, 4, mode);
    c.tree.split = split_cost < whole16;
    if (!c.tree.split) c.tree.split8 = {};
    const int cost = std::min(whole16, split_cost) + 4 * (in_mpm ? 2 : 6);
    if (best_cost < 0 || cost < best_cost) {
      best = c;
      best_cost = cost;
    }
  }
  return best;
}

}  // namespace

CuPlan plan_lossless_cu(const Picture& src, const ZScan& z, int x0, int y0, int left_mode, bool fast) {
  const CuChoice choice = choose_cu(src, z, x0, y0, left_mode, fast);
  CuPlan plan;
  plan.mode = choice.mode;
  plan.tree = choice.tree;
  for_each_tb(plan.tree, x0, y0, [&](int c_idx, int x, int y, int log2) {
    TbLevels& tb = plan.tbs(c_idx).emplace_back();
    tb.cbf = tb_residual(src, z, c_idx, x, y, log2, plan.mode, tb.v.data());
  });
  return plan;
}

}  // namespace hevc_intra
