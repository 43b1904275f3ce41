// picture.hpp — 8-bit YUV 4:2:0 pictures: planes, raw .yuv I/O, padding to
// the coded size, and the built-in synthetic test pictures.
//
// Plane samples are row-major without padding. A raw yuv420p frame is the Y
// plane then Cb then Cr, chroma (w/2)x(h/2); sizes must be even.
// Patterns (deterministic for a given size and frame index): flat, noise
// (uniform: the worst case), gradient, natural (smooth shading + texture +
// edges + mild noise: what camera content looks like to an intra coder).
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace hevc_intra {

struct Plane {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> samples;

  Plane() = default;
  Plane(int w, int h) : width(w), height(h), samples(static_cast<std::size_t>(w) * static_cast<std::size_t>(h)) {}
  std::uint8_t& at(int x, int y) { return samples[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)]; }
  [[nodiscard]] std::uint8_t at(int x, int y) const {
    return samples[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)];
  }
};

struct Picture {
  std::array<Plane, 3> planes;  // Y, Cb, Cr

  Picture() = default;
  Picture(int w, int h) : planes{Plane(w, h), Plane(w / 2, h / 2), Plane(w / 2, h / 2)} {}
  [[nodiscard]] int width() const { return planes[0].width; }
  [[nodiscard]] int height() const { return planes[0].height; }
};

// Copy of `pic` grown to (w, h) by repeating the last column/row (w, h >= pic's).
Picture pad_to(const Picture& pic, int w, int h);
// The top-left (w, h) of `pic`.
Picture crop_to(const Picture& pic, int w, int h);

enum class Pattern { flat, noise, gradient, natural };
bool parse_pattern(const std::string& name, Pattern& out);
Picture make_pattern(Pattern p, int w, int h, int frame);

// Raw yuv420p: read one frame (false at a clean end of file), append one frame.
bool write_yuv_frame(std::FILE* f, const Picture& pic);

}  // namespace hevc_intra
