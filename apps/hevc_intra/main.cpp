// main.cpp — hevc_intra: a real HEVC (Annex-B, Main profile) lossless (or,
// with --qp, lossy) intra encoder built on entcode's CABAC engine, HEVC
// residual front-end and transforms, and a decoder for its own streams.
//
//   hevc_intra [options] -o out.hevc            encode
//     -i in.yuv --size WxH                         raw 8-bit yuv420p input (all frames)
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
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "codec.hpp"
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
};

int fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "hevc_intra: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  return 1;
}

bool parse_size(const char* s, int& w, int& h) { return std::sscanf(s, "%dx%d", &w, &h) == 2 && w > 0 && h > 0; }

bool parse_args(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string opt = argv[i];
    const bool has_value = i + 1 < argc;
    if (opt == "--decode" && has_value) {
      a.decode = true;
      a.input = argv[++i];
    } else if (opt == "-i" && has_value) {
      a.input = argv[++i];
    } else if (opt == "-o" && has_value) {
      a.output = argv[++i];
    } else if (opt == "--source-out" && has_value) {
      a.source_out = argv[++i];
    } else if (opt == "--pattern" && has_value) {
      if (!parse_pattern(argv[++i], a.pattern)) return false;
    } else if (opt == "--size" && has_value) {
      if (!parse_size(argv[++i], a.width, a.height)) return false;
    } else if (opt == "--frames" && has_value) {
      a.frames = std::atoi(argv[++i]);
      if (a.frames <= 0) return false;
    } else if (opt == "--recon-out" && has_value) {
      a.recon_out = argv[++i];
    } else if (opt == "--qp" && has_value) {
      a.options.qp = std::atoi(argv[++i]);
      if (a.options.qp < 0 || a.options.qp > 51) return false;
    } else if (opt == "--sign-hiding") {
      a.options.sign_hiding = true;
    } else if (opt == "--fast") {
      a.options.fast = true;
    } else if (opt == "--stats") {
      a.stats = true;
    } else {
      return false;
    }
  }
  return !a.output.empty();
}

std::vector<std::uint8_t> read_file(const std::string& path, bool& ok) {
  std::vector<std::uint8_t> bytes;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  ok = f != nullptr;
  if (!f) return bytes;
  std::uint8_t buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  std::fclose(f);
  return bytes;
}

bool write_frames(const std::string& path, const std::vector<Picture>& pictures) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  bool ok = true;
  for (const Picture& p : pictures) ok = ok && write_yuv_frame(f, p);
  return std::fclose(f) == 0 && ok;
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
  bool ok = false;
  const auto stream = read_file(a.input, ok);
  if (!ok) return fail("cannot read", a.input);
  auto pictures = decode_sequence(stream);
  if (!pictures) return fail("decode failed", entcode::to_string(pictures.error()));
  if (!write_frames(a.output, pictures.value())) return fail("cannot write", a.output);
  return 0;
}

int run_encode(const Args& a) {
  std::vector<Picture> pictures;
  if (!a.input.empty()) {
    std::FILE* f = std::fopen(a.input.c_str(), "rb");
    if (!f) return fail("cannot read", a.input);
    Picture p;
    while (read_yuv_frame(f, a.width, a.height, p)) pictures.push_back(p);
    std::fclose(f);
  } else {
    for (int i = 0; i < a.frames; ++i) pictures.push_back(make_pattern(a.pattern, a.width, a.height, i));
  }
  if (pictures.empty()) return fail("no input frames");
  if (a.width % 2 || a.height % 2) return fail("4:2:0 needs an even width and height");
  std::vector<Picture> recon;
  auto stream = encode_sequence(pictures, a.options, &recon);
  if (!stream) return fail("encode failed", entcode::to_string(stream.error()));
  std::FILE* f = std::fopen(a.output.c_str(), "wb");
  if (!f || std::fwrite(stream.value().data(), 1, stream.value().size(), f) != stream.value().size())
    return fail("cannot write", a.output);
  std::fclose(f);
  if (!a.source_out.empty() && !write_frames(a.source_out, pictures)) return fail("cannot write", a.source_out);
  if (!a.recon_out.empty() && !write_frames(a.recon_out, recon)) return fail("cannot write", a.recon_out);
  if (a.stats) {
    const double raw = static_cast<double>(pictures.size()) * a.width * a.height * 1.5;
    std::printf("%zu frames %dx%d: %zu bytes (%.3f bits/pixel, raw %.0f bytes)\n", pictures.size(), a.width, a.height,
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
  if (!parse_args(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: hevc_intra [-i in.yuv] [--pattern flat|noise|gradient|natural] [--size WxH]\n"
                 "                     [--frames N] [--source-out src.yuv] [--fast] [--stats]\n"
                 "                     [--qp N [--sign-hiding]] [--recon-out rec.yuv] -o out.hevc\n"
                 "       hevc_intra --decode in.hevc -o out.yuv\n");
    return 1;
  }
  return a.decode ? run_decode(a) : run_encode(a);
}
