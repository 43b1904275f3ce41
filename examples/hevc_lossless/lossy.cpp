// lossy.cpp — transform/quantise/reconstruct per TB and the RD choice of a
// CU's mode and transform tree (see lossy.hpp).
//
// Sign data hiding (§7.3.8.11: a sub-block whose first and last significant
// scan positions are more than 3 apart omits the first one's sign, inferred
// from the parity of the sub-block's level sum): when the parity is wrong the
// level with the cheapest ±1 change (by its quantisation error) is adjusted,
// never moving the first or last significant position.
#include "lossy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <span>
#include <vector>

#include "entcode/hevc/quant.hpp"
#include "entcode/hevc/scan.hpp"
#include "entcode/hevc/transform.hpp"

namespace hevc_lossless {

namespace {

namespace hevc = entcode::hevc;

constexpr int kRoundingQ9 = 171;  // dead zone: round up from 2/3 of a step (intra)
constexpr int kMaxTbSamples = 16 * 16;
constexpr int kCandidates = 4;

// The transform/quantisation calls get block sizes fixed by the coding tree, so
// an error code from them is a bug in this program, never a property of the input.
void must(entcode::errc e) {
  if (e == entcode::errc::ok) return;
  std::fprintf(stderr, "hevc_lossless: internal error: %s\n", entcode::to_string(e));
  std::abort();
}
// ~3 bits of a level that becomes (in)significant, in squared quantisation steps:
// λ / step² = 0.57 · 2^(-8/3) ≈ 0.09 per bit at every QP.
constexpr double kRateSteps2 = 0.3;

double lambda_for(int qp) { return 0.57 * std::pow(2.0, (qp - 12) / 3.0); }

// Bits of a mode: 1..2 through the MPM list, 1 + 5 otherwise.
int mode_bits(const std::array<int, 3>& mpm, int mode) {
  return mode == mpm[0] ? 2 : (mode == mpm[1] || mode == mpm[2]) ? 3 : 6;
}

// Coarse residual_coding() bits: cbf, last position, a flag per position up to
// the last diagonal, and per level its flags, sign and magnitude.
double level_bits(const TbLevels& tb, int log2) {
  if (!tb.cbf) return 1;
  const int n = 1 << log2;
  int nnz = 0;
  int last = 0;
  double bits = 1;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const int a = std::abs(tb.v[static_cast<std::size_t>(y * n + x)]);
      if (a == 0) continue;
      ++nnz;
      last = std::max(last, x + y);
      bits += 2 + 2 * std::log2(a);
    }
  const int area = std::min((last + 1) * (last + 2) / 2, n * n);
  return bits + 2 * std::log2(1 + last) + 0.5 * (area - nnz);
}

void hide_signs(std::int16_t* levels, const std::int32_t* coeffs, int log2, hevc::Scan scan, int qp) {
  const double unit = std::ldexp(1.0, 14 + qp / 6 + 7 - log2);  // 2^qBits for 8-bit video
  const double scale = hevc::kQuantScale[static_cast<std::size_t>(qp % 6)];
  const hevc::ScanPos* sb_scan = hevc::scan_positions(log2 - 2, scan);
  const hevc::ScanPos* cscan = hevc::scan_positions(2, scan);
  for (int s = 0; s < 1 << (2 * (log2 - 2)); ++s) {
    int idx[16];
    int first = -1;
    int last = -1;
    int sum = 0;
    for (int k = 0; k < 16; ++k) {
      idx[k] = (((sb_scan[s].y << 2) + cscan[k].y) << log2) + (sb_scan[s].x << 2) + cscan[k].x;
      const int a = std::abs(levels[idx[k]]);
      if (a == 0) continue;
      if (first < 0) first = k;
      last = k;
      sum += a;
    }
    if (first < 0 || last - first <= 3 || (sum & 1) == (levels[idx[first]] < 0 ? 1 : 0)) continue;
    int best = -1;
    int best_step = 0;
    double best_cost = std::numeric_limits<double>::max();
    for (int k = first; k <= last; ++k) {
      const int a = std::abs(levels[idx[k]]);
      const double frac = std::abs(coeffs[idx[k]]) * scale / unit - a;  // quantisation error in steps
      const bool inner = k > first && k < last;
      const double up = 1 - 2 * frac + (a == 0 ? kRateSteps2 : 0);    // a new significant level costs bits
      const double down = 1 + 2 * frac - (a == 1 ? kRateSteps2 : 0);  // one fewer saves them
      if (a < 32767 && (a > 0 || inner) && up < best_cost) {
        best = k;
        best_step = 1;
        best_cost = up;
      }
      if ((a > 1 || (a == 1 && inner)) && down < best_cost) {
        best = k;
        best_step = -1;
        best_cost = down;
      }
    }
    std::int16_t& l = levels[idx[best]];  // best >= 0: +1 on the last level is always allowed
    const bool negative = l != 0 ? l < 0 : coeffs[idx[best]] < 0;
    const int a = std::abs(l) + best_step;
    l = static_cast<std::int16_t>(negative ? -a : a);
  }
}

struct TbCode {
  TbLevels levels;
  long ssd = 0;
};

// Predicts from `rec`, quantises the residual, writes the reconstruction to `rec`.
TbCode code_tb(const Picture& src, Picture& rec, const ZScan& z, int c_idx, int x, int y, int log2, int mode,
               const LossyOptions& opt) {
  const int n = 1 << log2;
  const auto count = static_cast<std::size_t>(n * n);
  const Plane& s = src.planes[static_cast<std::size_t>(c_idx)];
  Plane& r = rec.planes[static_cast<std::size_t>(c_idx)];
  std::uint8_t pred[kMaxTbSamples];
  predict_intra(r, z, c_idx, x, y, log2, mode, pred);
  std::int16_t res[kMaxTbSamples];
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) res[j * n + i] = static_cast<std::int16_t>(s.at(x + i, y + j) - pred[j * n + i]);
  std::int32_t coeffs[kMaxTbSamples];
  must(hevc::forward_transform(std::span(res, count), log2, hevc::transform_type(true, log2, c_idx),
                               std::span(coeffs, count)));
  TbCode out;
  const int qp = tb_qp(opt.qp, c_idx);
  hevc::quantize(std::span(coeffs, count), log2, qp, kRoundingQ9, std::span(out.levels.v.data(), count));
  if (opt.sign_hiding) hide_signs(out.levels.v.data(), coeffs, log2, hevc::intra_scan(mode, log2, c_idx), qp);
  out.levels.cbf = std::any_of(out.levels.v.begin(), out.levels.v.begin() + static_cast<long>(count), [](std::int16_t v) { return v != 0; });
  reconstruct_tb(r, c_idx, x, y, log2, qp, pred, out.levels.cbf ? out.levels.v.data() : nullptr);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const long d = s.at(x + i, y + j) - r.at(x + i, y + j);
      out.ssd += d * d;
    }
  return out;
}

void save_block(const Plane& p, int x, int y, int n, std::uint8_t* buf) {
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) buf[j * n + i] = p.at(x + i, y + j);
}
void restore_block(Plane& p, int x, int y, int n, const std::uint8_t* buf) {
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) p.at(x + i, y + j) = buf[j * n + i];
}

// Sum of absolute 4x4 Hadamard-transformed differences over the 16x16 CU.
int satd16(const Plane& src, int x0, int y0, const std::uint8_t* pred) {
  int total = 0;
  for (int by = 0; by < 16; by += 4)
    for (int bx = 0; bx < 16; bx += 4) {
      int d[4][4];
      for (int j = 0; j < 4; ++j) {
        int r[4];
        for (int i = 0; i < 4; ++i) r[i] = src.at(x0 + bx + i, y0 + by + j) - pred[(by + j) * 16 + bx + i];
        d[j][0] = r[0] + r[1] + r[2] + r[3];
        d[j][1] = r[0] - r[1] + r[2] - r[3];
        d[j][2] = r[0] + r[1] - r[2] - r[3];
        d[j][3] = r[0] - r[1] - r[2] + r[3];
      }
      for (int i = 0; i < 4; ++i)
        total += std::abs(d[0][i] + d[1][i] + d[2][i] + d[3][i]) + std::abs(d[0][i] - d[1][i] + d[2][i] - d[3][i]) +
                 std::abs(d[0][i] + d[1][i] - d[2][i] - d[3][i]) + std::abs(d[0][i] - d[1][i] - d[2][i] + d[3][i]);
    }
  return total / 2;
}

struct LumaChoice {
  TbTree tree;
  std::vector<TbLevels> tbs;
  double cost = 0;
};

// Best luma tree for `mode`: one 16x16 TB, or four 8x8 nodes of one 8x8 or four 4x4 TBs each.
LumaChoice luma_rd(const Picture& src, Picture& rec, const ZScan& z, int x0, int y0, int mode, const LossyOptions& opt,
                   double lambda) {
  auto code = [&](int x, int y, int log2, LumaChoice& into) {
    TbCode t = code_tb(src, rec, z, 0, x, y, log2, mode, opt);
    into.cost += static_cast<double>(t.ssd) + lambda * level_bits(t.levels, log2);
    into.tbs.push_back(t.levels);
  };
  LumaChoice whole;
  whole.cost = lambda;  // split_transform_flag
  code(x0, y0, 4, whole);
  std::uint8_t rec16[16 * 16];
  save_block(rec.planes[0], x0, y0, 16, rec16);

  LumaChoice split;
  split.tree.split = true;
  split.cost = lambda;
  for (int i = 0; i < 4; ++i) {
    const int x8 = x0 + (i & 1) * 8;
    const int y8 = y0 + (i >> 1) * 8;
    LumaChoice one;
    one.cost = lambda;
    code(x8, y8, 3, one);
    std::uint8_t rec8[8 * 8];
    save_block(rec.planes[0], x8, y8, 8, rec8);
    LumaChoice four;
    four.cost = lambda;
    for (int j = 0; j < 4; ++j) code(x8 + (j & 1) * 4, y8 + (j >> 1) * 4, 2, four);
    LumaChoice& pick = four.cost < one.cost ? four : one;
    if (&pick == &one) restore_block(rec.planes[0], x8, y8, 8, rec8);
    split.tree.split8[static_cast<std::size_t>(i)] = &pick == &four;
    split.cost += pick.cost;
    split.tbs.insert(split.tbs.end(), pick.tbs.begin(), pick.tbs.end());
  }
  if (split.cost < whole.cost) return split;
  restore_block(rec.planes[0], x0, y0, 16, rec16);
  return whole;
}

// The kCandidates modes with the lowest SATD + sqrt(λ)·mode bits.
std::vector<int> candidate_modes(const Picture& src, const Picture& rec, const ZScan& z, int x0, int y0,
                                 const std::array<int, 3>& mpm, const LossyOptions& opt, double lambda) {
  static constexpr int kFastModes[] = {kPlanar, kDc, kHorizontal, kVertical};
  std::vector<std::pair<double, int>> scored;
  for (int k = 0; k < (opt.fast ? 4 : 35); ++k) {
    const int mode = opt.fast ? kFastModes[k] : k;
    std::uint8_t pred[kMaxTbSamples];
    predict_intra(rec.planes[0], z, 0, x0, y0, 4, mode, pred);
    scored.emplace_back(satd16(src.planes[0], x0, y0, pred) + std::sqrt(lambda) * mode_bits(mpm, mode), mode);
  }
  const auto keep = std::min<std::size_t>(kCandidates, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<long>(keep), scored.end());
  std::vector<int> modes;
  for (std::size_t i = 0; i < keep; ++i) modes.push_back(scored[i].second);
  for (const int m : mpm)  // the cheap-to-signal modes always get a full try
    if (std::find(modes.begin(), modes.end(), m) == modes.end()) modes.push_back(m);
  return modes;
}

}  // namespace

int tb_qp(int slice_qp, int c_idx) { return c_idx == 0 ? slice_qp : hevc::chroma_qp(slice_qp, 0); }

void reconstruct_tb(Plane& rec, int c_idx, int x, int y, int log2, int qp, const std::uint8_t* pred,
                    const std::int16_t* levels) {
  const int n = 1 << log2;
  const auto count = static_cast<std::size_t>(n * n);
  std::int16_t res[kMaxTbSamples] = {};
  if (levels != nullptr) {
    std::int16_t scaled[kMaxTbSamples];
    must(hevc::dequantize(std::span(levels, count), log2, qp, std::span(scaled, count)));
    must(hevc::inverse_transform(std::span<const std::int16_t>(scaled, count), log2,
                                 hevc::transform_type(true, log2, c_idx), std::span(res, count)));
  }
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) rec.at(x + i, y + j) = static_cast<std::uint8_t>(std::clamp(pred[j * n + i] + res[j * n + i], 0, 255));
}

CuPlan plan_lossy_cu(const Picture& src, Picture& rec, const ZScan& z, int x0, int y0, int left_mode,
                     const LossyOptions& options) {
  const double lambda = lambda_for(options.qp);
  const auto mpm = mpm_list(left_mode < 0 ? kDc : left_mode, kDc);
  LumaChoice best;
  int best_mode = kDc;
  double best_cost = std::numeric_limits<double>::max();
  std::uint8_t best_rec[16 * 16];
  for (const int mode : candidate_modes(src, rec, z, x0, y0, mpm, options, lambda)) {
    LumaChoice c = luma_rd(src, rec, z, x0, y0, mode, options, lambda);
    const double cost = c.cost + lambda * mode_bits(mpm, mode);
    if (cost < best_cost) {
      best = std::move(c);
      best_mode = mode;
      best_cost = cost;
      save_block(rec.planes[0], x0, y0, 16, best_rec);
    }
  }
  restore_block(rec.planes[0], x0, y0, 16, best_rec);
  CuPlan plan;
  plan.mode = best_mode;
  plan.bypass = false;
  plan.tree = best.tree;
  plan.luma = std::move(best.tbs);
  for_each_tb(plan.tree, x0, y0, [&](int c_idx, int x, int y, int log2) {
    if (c_idx > 0) plan.tbs(c_idx).push_back(code_tb(src, rec, z, c_idx, x, y, log2, best_mode, options).levels);
  });
  return plan;
}

}  // namespace hevc_lossless
