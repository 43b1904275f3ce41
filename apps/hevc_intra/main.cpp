// main.cpp — hevc_intra: a real HEVC (Annex-B, Main profile) lossless (or,
// with --qp, lossy) intra encoder built on entcode's CABAC engine, HEVC
// residual front-end and transforms, and a decoder for its own streams.
//
//   hevc_intra [options] -o out.hevc            encode
//     -i in.yuv --size WxH | -i in.y4m | -i -      raw 8-bit yuv420p (whole frames) or y4m input
//     --pattern flat|noise|gradient|natural        built-in picture (default natural, 64x48)
//     --size WxH --frames N                        size / frame count of the built-in picture
//     --source-out src.yuv                         also write the encoded source frames
//     --fast                                       planar/DC/H/V only (default: all 35 modes)
//     --qp N                                       lossy at QP N (0..51) instead of lossless
//     --sign-hiding                                lossy: sign data hiding on
//     --recon-out rec.yuv                          also write the reconstruction (= any decoder's output)
//     --stats                                      print sizes (+ PSNR when lossy), incl. the same bins on rANS
//   hevc_intra --decode in.hevc -o out.yuv      decode (lossless or lossy streams of this encoder)
// Exit status 0 on success, 1 on any error (message on stderr).
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "codec.hpp"
#include "video_io.hpp"
#include "entcode/status.hpp"
#include "picture.hpp"

namespace {

using namespace hevc_intra;

struct Args {
  bool decode = false;
  bool stats = false;
  EncodeOptions options;
  std::string input;
  std::string output;
  std::string source_out;
  std::string recon_out;
  Pattern pattern = Pattern::natural;
  int width = 64;
  int height = 48;
  int frames = 1;
  int frames_given = 0;  // with -i: at most this many frames (0: all)
};

int fail(const std::string& what, const std::string& detail = {}) {
  std::fprintf(stderr, "hevc_intra: %s%s%s\n", what.c_str(), detail.empty() ? "" : ": ", detail.c_str());
  return 1;
}

constexpr const char* kUsage =
    "usage: hevc_intra [-i in.yuv|in.y4m|-] [--pattern flat|noise|gradient|natural] [--size WxH]\n"
    "                  [--frames N] [--source-out src.yuv] [--fast] [--stats]\n"
    "                  [--qp N [--sign-hiding]] [--recon-out rec.yuv] -o out.hevc|-\n"
    "       hevc_intra --decode in.hevc|- -o out.yuv|out.y4m|-\n"
    "Raw .yuv input needs --size; .y4m input carries its size. Outputs ending in .y4m are y4m.\n";

// A usage error, worded for the user.
struct BadArgs {
  std::string message;
};

int to_int(const std::string& opt, const std::string& v, int lo, int hi) {
  int n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || end != v.data() + v.size() || n < lo || n > hi)
    throw BadArgs{opt + " expects a number in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got '" + v + "'"};
  return n;
}

void parse_size(const std::string& v, int& w, int& h) {
  const auto x = v.find('x');
  if (x == std::string::npos) throw BadArgs{"--size expects WxH, got '" + v + "'"};
  w = to_int("--size (width)", v.substr(0, x), 1, 16384);
  h = to_int("--size (height)", v.substr(x + 1), 1, 16384);
}

// Options only an encode takes, and what they need.
constexpr const char* kEncodeOnly[] = {"-i", "--pattern", "--size", "--frames", "--source-out", "--fast",
                                       "--qp", "--sign-hiding", "--recon-out", "--stats"};

// Combinations that are refused: each option at most once, encode options not with
// --decode, -i or --pattern (not both), --sign-hiding only with --qp, --stats not with -o -.
void check_combination(const std::set<std::string>& seen, const Args& a) {
  if (a.decode)
    for (const char* opt : kEncodeOnly)
      if (seen.contains(opt)) throw BadArgs{std::string(opt) + " is an encode option (not with --decode)"};
  if (seen.contains("-i") && seen.contains("--pattern")) throw BadArgs{"-i and --pattern exclude each other"};
  if (seen.contains("--sign-hiding") && a.options.qp < 0) throw BadArgs{"--sign-hiding needs --qp (lossy coding)"};
  if (seen.contains("--stats") && a.output == "-") throw BadArgs{"--stats prints to stdout: not with -o -"};
  if (a.output.empty()) throw BadArgs{"no output (-o FILE, or -o - for stdout)"};
  if (seen.contains("--size") && (a.width % 2 || a.height % 2))
    throw BadArgs{"--size " + std::to_string(a.width) + "x" + std::to_string(a.height) + " is odd (4:2:0 needs even)"};
}

// Parses argv into a; false after --help (answered on stdout). Throws BadArgs.
bool parse_args(int argc, char** argv, Args& a) {
  std::set<std::string> seen;
  for (int i = 1; i < argc; ++i) {
    const std::string opt = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw BadArgs{opt + " needs a value"};
      return argv[++i];
    };
    if (opt == "--help" || opt == "-h") {
      std::fputs(kUsage, stdout);
      return false;
    }
    if (!seen.insert(opt).second) throw BadArgs{opt + " given twice"};
    if (opt == "--decode") a.decode = true, a.input = value();
    else if (opt == "-i") a.input = value();
    else if (opt == "-o") a.output = value();
    else if (opt == "--source-out") a.source_out = value();
    else if (opt == "--recon-out") a.recon_out = value();
    else if (opt == "--pattern") {
      const std::string v = value();
      if (!parse_pattern(v, a.pattern)) throw BadArgs{"--pattern expects flat, noise, gradient or natural, got '" + v + "'"};
    } else if (opt == "--size") parse_size(value(), a.width, a.height);
    else if (opt == "--frames") a.frames = a.frames_given = to_int(opt, value(), 1, 100000);
    else if (opt == "--qp") a.options.qp = to_int(opt, value(), 0, 51);
    else if (opt == "--sign-hiding") a.options.sign_hiding = true;
    else if (opt == "--fast") a.options.fast = true;
    else if (opt == "--stats") a.stats = true;
    else throw BadArgs{(opt.starts_with("-") && opt != "-" ? "unknown option '" : "unexpected argument '") + opt + "'"};
  }
  check_combination(seen, a);
  if (!a.input.empty() && !seen.contains("--size")) a.width = a.height = 0;  // raw input then fails with a reason
  return true;
}

// PSNR of plane c over all frames (99 dB when identical).
double psnr(const std::vector<Picture>& a, const std::vector<Picture>& b, int c) {
  double sse = 0;
  double count = 0;
  for (std::size_t f = 0; f < a.size(); ++f) {
    const auto& pa = a[f].planes[static_cast<std::size_t>(c)].samples;
    const auto& pb = b[f].planes[static_cast<std::size_t>(c)].samples;
    for (std::size_t i = 0; i < pa.size(); ++i) sse += (pa[i] - pb[i]) * (pa[i] - pb[i]);
    count += static_cast<double>(pa.size());
  }
  return sse == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 * count / sse);
}

int run_decode(const Args& a) {
  std::FILE* f = a.input == "-" ? stdin : std::fopen(a.input.c_str(), "rb");
  if (!f) return fail(a.input, std::strerror(errno));
  std::vector<std::uint8_t> stream;
  std::uint8_t buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) stream.insert(stream.end(), buf, buf + n);
  const bool read_error = std::ferror(f) != 0;
  if (f != stdin) std::fclose(f);
  if (read_error) return fail(a.input, "read error");
  std::string why;
  auto pictures = decode_sequence(stream, &why);
  if (pictures.error() == entcode::errc::unsupported_version)
    return fail(a.input, "uses a feature hevc_intra does not support: " + why);
  if (!pictures) return fail(a.input, std::string("decode failed: ") + entcode::to_string(pictures.error()));
  if (std::string e = write_video(a.output, pictures.value()); !e.empty()) return fail(e);
  return 0;
}

int run_encode(const Args& a) {
  std::vector<Picture> pictures;
  if (!a.input.empty()) {
    if (std::string e = read_video({a.input, a.width, a.height, a.frames_given}, pictures); !e.empty()) return fail(e);
  } else {
    for (int i = 0; i < a.frames; ++i) pictures.push_back(make_pattern(a.pattern, a.width, a.height, i));
  }
  if (pictures[0].width() % 2 || pictures[0].height() % 2) return fail("4:2:0 needs an even width and height");
  std::vector<Picture> recon;
  auto stream = encode_sequence(pictures, a.options, &recon);
  if (!stream) return fail("encode failed", entcode::to_string(stream.error()));
  std::FILE* f = a.output == "-" ? stdout : std::fopen(a.output.c_str(), "wb");
  if (!f) return fail(a.output, std::strerror(errno));
  bool ok = std::fwrite(stream.value().data(), 1, stream.value().size(), f) == stream.value().size();
  ok = (f == stdout ? std::fflush(f) : std::fclose(f)) == 0 && ok;
  if (!ok) return fail(a.output, std::strerror(errno));
  if (!a.source_out.empty())
    if (std::string e = write_video(a.source_out, pictures); !e.empty()) return fail(e);
  if (!a.recon_out.empty())
    if (std::string e = write_video(a.recon_out, recon); !e.empty()) return fail(e);
  if (a.stats) {
    const int w = pictures[0].width();
    const int h = pictures[0].height();
    const double raw = static_cast<double>(pictures.size()) * w * h * 1.5;
    std::printf("%zu frames %dx%d: %zu bytes (%.3f bits/pixel, raw %.0f bytes)\n", pictures.size(), w, h,
                stream.value().size(), 8.0 * static_cast<double>(stream.value().size()) / (raw / 1.5), raw);
    if (a.options.qp >= 0)
      std::printf("QP %d: PSNR Y %.2f dB, Cb %.2f dB, Cr %.2f dB\n", a.options.qp, psnr(pictures, recon, 0),
                  psnr(pictures, recon, 1), psnr(pictures, recon, 2));
    auto sizes = slice_payload_sizes(pictures[0], a.options);
    if (sizes)
      std::printf("frame 0 slice data: CABAC %zu bytes, same bins on rANS %zu bytes (%.3fx)\n", sizes.value().cabac,
                  sizes.value().rans, static_cast<double>(sizes.value().rans) / static_cast<double>(sizes.value().cabac));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  try {
    if (!parse_args(argc, argv, a)) return 0;
  } catch (const BadArgs& e) {
    return fail(e.message + " (see hevc_intra --help)");
  }
  return a.decode ? run_decode(a) : run_encode(a);
}
