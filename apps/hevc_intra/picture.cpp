// picture.cpp — padding, cropping, synthetic patterns and raw YUV I/O (see picture.hpp).
#include "picture.hpp"

#include <algorithm>
#include <cmath>

namespace hevc_intra {

namespace {

std::uint8_t clip8(double v) { return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L)); }

// A small deterministic hash -> [0, 1).
double hash01(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  std::uint32_t h = a * 0x9e3779b1u ^ (b + 0x7f4a7c15u) * 0x85ebca6bu ^ (c + 0x165667b1u) * 0xc2b2ae35u;
  h ^= h >> 15;
  h *= 0x2c1b3c6du;
  h ^= h >> 12;
  h *= 0x297a2d39u;
  h ^= h >> 15;
  return h / 4294967296.0;
}

double sample_value(Pattern p, int c, int x, int y, int w, int h, int frame) {
  const double fx = static_cast<double>(x) / std::max(1, w - 1);
  const double fy = static_cast<double>(y) / std::max(1, h - 1);
  switch (p) {
    case Pattern::flat:
      return c == 0 ? 96 + 8 * frame : (c == 1 ? 128 - 4 * frame : 140);
    case Pattern::noise:
      return 256 * hash01(static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y),
                          static_cast<std::uint32_t>(c * 1000 + frame));
    case Pattern::gradient:
      if (c == 0) return 255 * (0.6 * fx + 0.4 * fy) + 3 * frame;
      return c == 1 ? 64 + 128 * fy : 192 - 128 * fx;
    case Pattern::natural: {
      const double t = frame * 0.7;
      double v = c == 0 ? 90 + 80 * fx * (1 - 0.5 * fy) : (c == 1 ? 118 + 20 * fy : 134 - 18 * fx);
      v += (c == 0 ? 18 : 6) * std::sin(0.35 * x + 0.21 * y + t) * std::cos(0.17 * y - 0.05 * x);
      const bool in_box = (x / 8 + y / 12 + frame) % 7 == 0;  // hard edges
      if (in_box && c == 0) v += 45;
      v += (c == 0 ? 6 : 3) * (hash01(static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y),
                                      static_cast<std::uint32_t>(c + 7 * frame)) - 0.5);
      return v;
    }
  }
  return 0;
}

}  // namespace

Picture pad_to(const Picture& pic, int w, int h) {
  Picture out(w, h);
  for (int c = 0; c < 3; ++c) {
    const Plane& src = pic.planes[static_cast<std::size_t>(c)];
    Plane& dst = out.planes[static_cast<std::size_t>(c)];
    for (int y = 0; y < dst.height; ++y)
      for (int x = 0; x < dst.width; ++x) dst.at(x, y) = src.at(std::min(x, src.width - 1), std::min(y, src.height - 1));
  }
  return out;
}

Picture crop_to(const Picture& pic, int w, int h) {
  Picture out(w, h);
  for (int c = 0; c < 3; ++c) {
    Plane& dst = out.planes[static_cast<std::size_t>(c)];
    for (int y = 0; y < dst.height; ++y)
      for (int x = 0; x < dst.width; ++x) dst.at(x, y) = pic.planes[static_cast<std::size_t>(c)].at(x, y);
  }
  return out;
}

bool parse_pattern(const std::string& name, Pattern& out) {
  if (name == "flat") out = Pattern::flat;
  else if (name == "noise") out = Pattern::noise;
  else if (name == "gradient") out = Pattern::gradient;
  else if (name == "natural") out = Pattern::natural;
  else return false;
  return true;
}

Picture make_pattern(Pattern p, int w, int h, int frame) {
  Picture pic(w, h);
  for (int c = 0; c < 3; ++c) {
    Plane& pl = pic.planes[static_cast<std::size_t>(c)];
    const int s = c == 0 ? 1 : 2;  // chroma samples sit at twice the luma spacing
    for (int y = 0; y < pl.height; ++y)
      for (int x = 0; x < pl.width; ++x) pl.at(x, y) = clip8(sample_value(p, c, x * s, y * s, w, h, frame));
  }
  return pic;
}

bool write_yuv_frame(std::FILE* f, const Picture& pic) {
  for (const Plane& pl : pic.planes)
    if (std::fwrite(pl.samples.data(), 1, pl.samples.size(), f) != pl.samples.size()) return false;
  return true;
}

}  // namespace hevc_intra
