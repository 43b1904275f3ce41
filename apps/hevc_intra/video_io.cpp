// apps/hevc_intra/video_io.cpp — raw yuv420p and YUV4MPEG2 reading and writing (video_io.hpp).
#include "video_io.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string_view>

namespace hevc_intra {

namespace {

struct Closer {
  void operator()(std::FILE* f) const {
    if (f != stdin && f != stdout) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, Closer>;

File open(const std::string& path, const char* mode) {
  if (path == "-") return File(mode[0] == 'r' ? stdin : stdout);
  return File(std::fopen(path.c_str(), mode));
}

std::string name(const std::string& path) { return path == "-" ? "<stdin/stdout>" : path; }

// The input as a cursor over its bytes.
struct Bytes {
  std::vector<std::uint8_t> data;
  std::size_t pos = 0;
  [[nodiscard]] std::size_t left() const { return data.size() - pos; }
  // One line without its '\n'; false if there is no '\n' before the end.
  bool line(std::string& out) {
    const auto* begin = data.data() + pos;
    const auto* nl = static_cast<const std::uint8_t*>(std::memchr(begin, '\n', left()));
    if (nl == nullptr) return false;
    out.assign(reinterpret_cast<const char*>(begin), static_cast<std::size_t>(nl - begin));
    pos += out.size() + 1;
    return true;
  }
  // A w x h 4:2:0 frame; false if fewer bytes are left.
  bool frame(int w, int h, Picture& p) {
    p = Picture(w, h);
    std::size_t need = 0;
    for (const Plane& pl : p.planes) need += pl.samples.size();
    if (left() < need) return false;
    for (Plane& pl : p.planes) {
      std::memcpy(pl.samples.data(), data.data() + pos, pl.samples.size());
      pos += pl.samples.size();
    }
    return true;
  }
};

bool parse_int(std::string_view s, int& v) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && end == s.data() + s.size() && v > 0;
}

// "" for 8-bit 4:2:0 (the C tag's value: 420, 420jpeg, 420paldv, 420mpeg2), else why not.
std::string check_y4m_colour_space(std::string_view c) {
  for (std::string_view ok : {"420", "420jpeg", "420paldv", "420mpeg2"})
    if (c == ok) return {};
  if (c.starts_with("420p"))
    return "y4m colour space C" + std::string(c) + ": " + std::string(c.substr(4)) + "-bit samples are not supported (8-bit only)";
  return "y4m colour space C" + std::string(c) + ": only 8-bit 4:2:0 is supported (C420, C420jpeg, C420paldv, C420mpeg2)";
}

// "YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg" -> width, height; "" or the reason.
std::string parse_y4m_header(const std::string& line, int& w, int& h) {
  std::size_t pos = 0;
  w = h = 0;
  while (pos < line.size()) {
    std::size_t end = line.find(' ', pos);
    if (end == std::string::npos) end = line.size();
    const std::string_view tok(line.data() + pos, end - pos);
    pos = end + 1;
    if (tok.empty() || tok == "YUV4MPEG2") continue;
    if (tok[0] == 'W' && !parse_int(tok.substr(1), w)) return "bad y4m width '" + std::string(tok) + "'";
    if (tok[0] == 'H' && !parse_int(tok.substr(1), h)) return "bad y4m height '" + std::string(tok) + "'";
    if (tok[0] == 'C')
      if (std::string e = check_y4m_colour_space(tok.substr(1)); !e.empty()) return e;
    if (tok[0] == 'I' && tok != "Ip" && tok != "I?")
      return "interlaced y4m (" + std::string(tok) + ") is not supported (progressive only)";
  }
  if (w == 0 || h == 0) return "y4m header without W and H";
  if (w % 2 || h % 2) return "y4m size " + std::to_string(w) + "x" + std::to_string(h) + " is odd (4:2:0 needs even)";
  return {};
}

bool wants_more(const VideoInput& in, const std::vector<Picture>& frames) {
  return in.max_frames == 0 || static_cast<int>(frames.size()) < in.max_frames;
}

std::string read_y4m(Bytes& b, const VideoInput& in, std::vector<Picture>& frames) {
  std::string line;
  if (!b.line(line)) return "truncated y4m header";
  int w = 0, h = 0;
  if (std::string e = parse_y4m_header(line, w, h); !e.empty()) return e;
  if (in.width > 0 && (in.width != w || in.height != h))
    return "--size " + std::to_string(in.width) + "x" + std::to_string(in.height) + " contradicts the y4m header's " +
           std::to_string(w) + "x" + std::to_string(h);
  while (b.left() > 0 && wants_more(in, frames)) {
    if (!b.line(line) || !line.starts_with("FRAME")) return "bad y4m frame header";
    Picture p;
    if (!b.frame(w, h, p)) return "y4m frame " + std::to_string(frames.size()) + " is truncated";
    frames.push_back(std::move(p));
  }
  return {};
}

std::string read_raw(Bytes& b, const VideoInput& in, std::vector<Picture>& frames) {
  if (in.width <= 0 || in.height <= 0) return "raw yuv input needs --size WxH";
  const std::size_t frame_size = static_cast<std::size_t>(in.width) * static_cast<std::size_t>(in.height) * 3 / 2;
  if (b.left() % frame_size != 0)
    return "input is not a whole number of " + std::to_string(in.width) + "x" + std::to_string(in.height) + " frames (" +
           std::to_string(b.left() % frame_size) + " bytes left over)";
  Picture p;
  while (wants_more(in, frames) && b.frame(in.width, in.height, p)) frames.push_back(p);
  return {};
}

}  // namespace

std::string read_video(const VideoInput& in, std::vector<Picture>& frames) {
  File f = open(in.path, "rb");
  if (!f) return name(in.path) + ": " + std::strerror(errno);
  Bytes b;
  std::uint8_t buf[1 << 16];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f.get())) > 0;) b.data.insert(b.data.end(), buf, buf + n);
  if (std::ferror(f.get())) return name(in.path) + ": " + std::strerror(errno);
  constexpr char kMagic[] = "YUV4MPEG2 ";
  const bool y4m = b.data.size() >= 10 && std::memcmp(b.data.data(), kMagic, 10) == 0;
  std::string e = y4m ? read_y4m(b, in, frames) : read_raw(b, in, frames);
  if (e.empty() && frames.empty()) e = "no input frames";
  return e.empty() ? e : name(in.path) + ": " + e;
}

std::string write_video(const std::string& path, const std::vector<Picture>& frames) {
  File f = open(path, "wb");
  if (!f) return name(path) + ": " + std::strerror(errno);
  const bool y4m = path.size() > 4 && path.ends_with(".y4m");
  bool ok = true;
  if (y4m && !frames.empty())
    ok = std::fprintf(f.get(), "YUV4MPEG2 W%d H%d F25:1 Ip A1:1 C420jpeg\n", frames[0].width(), frames[0].height()) > 0;
  for (const Picture& p : frames) ok = ok && (!y4m || std::fputs("FRAME\n", f.get()) >= 0) && write_yuv_frame(f.get(), p);
  ok = std::fflush(f.get()) == 0 && ok;
  return ok ? std::string() : name(path) + ": " + std::strerror(errno);
}

}  // namespace hevc_intra
