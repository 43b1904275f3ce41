// intra.cpp — HEVC intra sample prediction (see intra.hpp).
//
// References are kept in one array L[0..4n] running up the left column and
// along the top row, as the substitution process scans them:
//   L[2n - 1 - y] = p[-1][y] (y = -1..2n-1),  L[2n + 1 + x] = p[x][-1] (x = -1..2n-1),
// so L[2n] is the corner p[-1][-1].
#include "intra.hpp"

#include <algorithm>
#include <cstdlib>

#include "parameter_sets.hpp"

namespace hevc_intra {

long ZScan::address(int x, int y) const noexcept {
  const int ctbs_per_row = (width_ + kCtbSize - 1) >> kCtbLog2;
  const long ctb = static_cast<long>(y >> kCtbLog2) * ctbs_per_row + (x >> kCtbLog2);
  const int tx = (x >> kMinTbLog2) & 3;
  const int ty = (y >> kMinTbLog2) & 3;
  const int morton = (tx & 1) | (ty & 1) << 1 | (tx & 2) << 1 | (ty & 2) << 2;
  return ctb << (2 * (kCtbLog2 - kMinTbLog2)) | morton;
}

namespace {

constexpr int kMaxN = 32;

struct Refs {
  int n;
  int l[4 * kMaxN + 1];
  [[nodiscard]] int left(int y) const { return l[2 * n - 1 - y]; }  // p[-1][y], y >= -1
  [[nodiscard]] int top(int x) const { return l[2 * n + 1 + x]; }   // p[x][-1], x >= -1
};

// §8.4.4.2.2: gather the references, substituting unavailable ones.
void gather_refs(const Plane& recon, const ZScan& z, int c_idx, int x0, int y0, int n, Refs& r) {
  const int s = c_idx ? 1 : 0;  // component -> luma coordinate shift (4:2:0)
  bool avail[4 * kMaxN + 1];
  bool any = false;
  r.n = n;
  for (int i = 0; i <= 4 * n; ++i) {
    const int dx = i < 2 * n ? -1 : i - 2 * n - 1;
    const int dy = i < 2 * n ? 2 * n - 1 - i : -1;
    const int xn = x0 + dx;
    const int yn = y0 + dy;
    avail[i] = z.available(x0 << s, y0 << s, xn << s, yn << s);
    r.l[i] = avail[i] ? recon.at(xn, yn) : 0;
    any = any || avail[i];
  }
  if (!any) {
    std::fill_n(r.l, 4 * n + 1, 128);  // 1 << (BitDepth - 1)
    return;
  }
  if (!avail[0]) {
    int k = 1;
    while (!avail[k]) ++k;
    r.l[0] = r.l[k];
  }
  for (int i = 1; i <= 4 * n; ++i)
    if (!avail[i]) r.l[i] = r.l[i - 1];
}

// §8.4.4.2.3 filterFlag (luma only in 4:2:0; no strong smoothing).
bool filter_refs(int c_idx, int n, int mode) {
  if (c_idx != 0 || mode == kDc || n == 4) return false;
  const int dist = std::min(std::abs(mode - kVertical), std::abs(mode - kHorizontal));
  const int threshold = n == 8 ? 7 : (n == 16 ? 1 : 0);
  return dist > threshold;
}

void smooth(Refs& r) {
  const int last = 4 * r.n;
  int prev = r.l[0];
  for (int i = 1; i < last; ++i) {
    const int cur = r.l[i];
    r.l[i] = (prev + 2 * cur + r.l[i + 1] + 2) >> 2;
    prev = cur;
  }
}

std::uint8_t clip(int v) { return static_cast<std::uint8_t>(std::clamp(v, 0, 255)); }

void planar(const Refs& r, int log2, std::uint8_t* pred) {
  const int n = 1 << log2;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      pred[y * n + x] = static_cast<std::uint8_t>(((n - 1 - x) * r.left(y) + (x + 1) * r.top(n) +
                                                   (n - 1 - y) * r.top(x) + (y + 1) * r.left(n) + n) >>
                                                  (log2 + 1));
}

void dc(const Refs& r, int log2, bool edge_filter, std::uint8_t* pred) {
  const int n = 1 << log2;
  int sum = n;
  for (int i = 0; i < n; ++i) sum += r.top(i) + r.left(i);
  const int dc_val = sum >> (log2 + 1);
  std::fill_n(pred, n * n, static_cast<std::uint8_t>(dc_val));
  if (!edge_filter) return;
  pred[0] = static_cast<std::uint8_t>((r.left(0) + 2 * dc_val + r.top(0) + 2) >> 2);
  for (int x = 1; x < n; ++x) pred[x] = static_cast<std::uint8_t>((r.top(x) + 3 * dc_val + 2) >> 2);
  for (int y = 1; y < n; ++y) pred[y * n] = static_cast<std::uint8_t>((r.left(y) + 3 * dc_val + 2) >> 2);
}

// §8.4.4.2.6, modes 2..34.
void angular(const Refs& r, int log2, int mode, bool boundary_filter, std::uint8_t* pred) {
  constexpr int kAngle[35] = {0,   0,   32,  26,  21,  17,  13,  9,  5,  2,  0,  -2, -5, -9, -13, -17, -21, -26,
                              -32, -26, -21, -17, -13, -9,  -5,  -2, 0,  2,  5,  9,  13, 17, 21,  26,  32};
  constexpr int kInvAngle[35] = {0,    0,    0,    0,    0,     0,     0,     0,    0,     0,    0,    -4096,
                                 -1638, -910, -630, -482, -390, -315, -256, -315, -390, -482, -630, -910,
                                 -1638, -4096, 0,    0,    0,     0,     0,     0,    0,     0,    0};
  const int n = 1 << log2;
  const bool vertical = mode >= 18;
  const int angle = kAngle[mode];
  // main(k) = reference along the prediction direction, side(k) = the other one.
  auto main_ref = [&](int k) { return vertical ? r.top(k) : r.left(k); };
  auto side_ref = [&](int k) { return vertical ? r.left(k) : r.top(k); };
  int ref_buf[3 * kMaxN + 1];
  int* ref = ref_buf + kMaxN;  // ref[-n .. 2n]
  for (int x = 0; x <= n; ++x) ref[x] = main_ref(x - 1);
  if (angle < 0) {
    if (((n * angle) >> 5) < -1)
      for (int x = (n * angle) >> 5; x <= -1; ++x) ref[x] = side_ref(-1 + ((x * kInvAngle[mode] + 128) >> 8));
  } else {
    for (int x = n + 1; x <= 2 * n; ++x) ref[x] = main_ref(x - 1);
  }
  for (int j = 0; j < n; ++j) {  // j: distance along the side direction
    const int idx = ((j + 1) * angle) >> 5;
    const int fact = ((j + 1) * angle) & 31;
    for (int i = 0; i < n; ++i) {
      const int v = fact ? ((32 - fact) * ref[i + idx + 1] + fact * ref[i + idx + 2] + 16) >> 5 : ref[i + idx + 1];
      pred[vertical ? j * n + i : i * n + j] = static_cast<std::uint8_t>(v);
    }
  }
  if (boundary_filter && (mode == kVertical || mode == kHorizontal))
    for (int k = 0; k < n; ++k) {
      const std::uint8_t v = clip(main_ref(0) + ((side_ref(k) - side_ref(-1)) >> 1));
      pred[vertical ? k * n : k] = v;
    }
}

}  // namespace

void predict_intra(const Plane& recon, const ZScan& z, int c_idx, int x0, int y0, int log2_size, int mode,
                   std::uint8_t* pred) {
  const int n = 1 << log2_size;
  Refs r;
  gather_refs(recon, z, c_idx, x0, y0, n, r);
  if (filter_refs(c_idx, n, mode)) smooth(r);
  const bool edge_filters = c_idx == 0 && n < 32;
  if (mode == kPlanar) planar(r, log2_size, pred);
  else if (mode == kDc) dc(r, log2_size, edge_filters, pred);
  else angular(r, log2_size, mode, edge_filters, pred);
}

}  // namespace hevc_intra
