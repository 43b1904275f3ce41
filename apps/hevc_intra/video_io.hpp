// apps/hevc_intra/video_io.hpp — 8-bit 4:2:0 video files for hevc_intra: raw yuv420p
// (frame size given by the caller) or YUV4MPEG2 (.y4m: size from the header, "C420*"
// or no colour-space tag; interlaced or other chroma formats are refused). "-" is
// stdin / stdout. Errors are returned as a message ("" on success).
#pragma once

#include <string>
#include <vector>

#include "picture.hpp"

namespace hevc_intra {

struct VideoInput {
  std::string path;     // "-": stdin
  int width = 0;        // raw input: required (> 0); y4m: ignored (the header says)
  int height = 0;
  int max_frames = 0;   // 0: all
};

// Reads every frame (up to max_frames). A raw file whose size is not a whole number
// of frames, a y4m with a bad header or a short frame, and an empty input are errors.
std::string read_video(const VideoInput& in, std::vector<Picture>& frames);

// Writes the frames as y4m when the path ends in ".y4m", else raw yuv420p.
std::string write_video(const std::string& path, const std::vector<Picture>& frames);

}  // namespace hevc_intra
