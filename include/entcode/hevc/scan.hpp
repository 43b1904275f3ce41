// hevc/scan.hpp — the three coefficient scans of H.265 §6.5.3–6.5.5 and the
// mode-dependent scan choice of §7.4.9.11.
//
// ScanOrder[log2BlockSize][scanIdx][sPos] of the standard for log2BlockSize
// 0..3 (1x1..8x8 blocks: sub-block grids of 4x4..32x32 transform blocks, and
// the 4x4 positions inside a sub-block), plus the inverse tables (position ->
// scan index). All tables are computed at compile time from the standard's
// generation loops. Invariant: scan(l, s)[inverse(l, s)[y][x]] == (x, y).
#pragma once

#include <array>
#include <cstdint>

namespace entcode {
inline namespace v0 {
namespace hevc {

// scanIdx of the standard.
enum class Scan : std::uint8_t { diagonal = 0, horizontal = 1, vertical = 2 };

struct ScanPos {
  std::uint8_t x;
  std::uint8_t y;
};

namespace detail {

constexpr int kMaxScanLog2 = 3;  // 8x8 positions (sub-block grid of a 32x32 TB)

struct ScanTables {
  // pos[log2][scan][sPos], inv[log2][scan][y * 8 + x]
  std::array<std::array<std::array<ScanPos, 64>, 3>, kMaxScanLog2 + 1> pos{};
  std::array<std::array<std::array<std::uint8_t, 64>, 3>, kMaxScanLog2 + 1> inv{};
};

// §6.5.3 up-right diagonal, §6.5.4 horizontal (raster), §6.5.5 vertical.
constexpr void fill_scan(ScanTables& t, int log2, Scan scan) {
  const int n = 1 << log2;
  auto& out = t.pos[static_cast<std::size_t>(log2)][static_cast<std::size_t>(scan)];
  int i = 0;
  if (scan == Scan::diagonal) {
    int x = 0;
    int y = 0;
    while (i < n * n) {
      while (y >= 0) {
        if (x < n && y < n) out[static_cast<std::size_t>(i++)] = {static_cast<std::uint8_t>(x), static_cast<std::uint8_t>(y)};
        --y;
        ++x;
      }
      y = x;
      x = 0;
    }
  } else {
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b) {
        const int x = scan == Scan::horizontal ? b : a;
        const int y = scan == Scan::horizontal ? a : b;
        out[static_cast<std::size_t>(i++)] = {static_cast<std::uint8_t>(x), static_cast<std::uint8_t>(y)};
      }
  }
  auto& inv = t.inv[static_cast<std::size_t>(log2)][static_cast<std::size_t>(scan)];
  for (int s = 0; s < n * n; ++s) {
    const ScanPos p = out[static_cast<std::size_t>(s)];
    inv[static_cast<std::size_t>(p.y * 8 + p.x)] = static_cast<std::uint8_t>(s);
  }
}

constexpr ScanTables make_scan_tables() {
  ScanTables t{};
  for (int l = 0; l <= kMaxScanLog2; ++l)
    for (Scan s : {Scan::diagonal, Scan::horizontal, Scan::vertical}) fill_scan(t, l, s);
  return t;
}

inline constexpr ScanTables kScanTables = make_scan_tables();

}  // namespace detail

// Positions of a (1 << log2) square block in scan order; log2 in 0..3.
constexpr const ScanPos* scan_positions(int log2, Scan scan) noexcept {
  return detail::kScanTables.pos[static_cast<std::size_t>(log2)][static_cast<std::size_t>(scan)].data();
}

// Scan index of position (x, y) of a (1 << log2) square block; log2 in 0..3.
constexpr int scan_index(int log2, Scan scan, int x, int y) noexcept {
  return detail::kScanTables.inv[static_cast<std::size_t>(log2)][static_cast<std::size_t>(scan)]
                                 [static_cast<std::size_t>(y * 8 + x)];
}

// §7.4.9.11 scanIdx for a TB of an intra CU (4:2:0): mode-dependent for 4x4
// TBs of any component and 8x8 luma TBs; diagonal otherwise and for inter.
constexpr Scan intra_scan(int pred_mode_intra, int log2_trafo_size, int c_idx) noexcept {
  if (!(log2_trafo_size == 2 || (log2_trafo_size == 3 && c_idx == 0))) return Scan::diagonal;
  if (pred_mode_intra >= 6 && pred_mode_intra <= 14) return Scan::vertical;
  if (pred_mode_intra >= 22 && pred_mode_intra <= 30) return Scan::horizontal;
  return Scan::diagonal;
}

}  // namespace hevc
}  // namespace v0
}  // namespace entcode
