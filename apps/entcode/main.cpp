// entcode — command-line front end of the rANS byte codec (byte_codec.hpp).
// The `bench` subcommand lives in bench.cpp.
//
//   entcode compress   [-o out] [--order 0|1 | -1] [--check] [--block-log2 N] [in]
//   entcode decompress [-o out] [in]
//   entcode info       in
//   entcode bench      [files...]   (default: a built-in corpus)
// Input defaults to stdin, output to stdout. Streams block by block, so memory
// stays bounded (about three blocks) whatever the input size. With -o the output
// goes to a temporary file in the same directory, renamed over `out` only on
// success. Errors: one line on stderr, exit status 1. A progress bar is drawn
// on stderr when it is a terminal and the input is larger than 64 MiB.
// ENTCODE_ISA=scalar|sse2|avx2|avx512 forces the kernels (entcode/isa.hpp).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "entcode/crc32c.hpp"
#include "entcode/isa.hpp"
#include "entcode/byte_codec.hpp"

#include "bench.hpp"

namespace {

using namespace entcode;
namespace bc = entcode::byte_codec;
namespace fs = std::filesystem;

// A failure already described to the user: exit 1.
struct Failure {
  std::string message;
};
[[noreturn]] void fail(const std::string& what, const std::string& why) { throw Failure{what + ": " + why}; }

// --- files ------------------------------------------------------------------------

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

class Input {
 public:
  explicit Input(const std::string& path) : name_(path.empty() || path == "-" ? "<stdin>" : path) {
    if (path.empty() || path == "-") {
      f_ = stdin;
    } else {
      owned_.reset(std::fopen(path.c_str(), "rb"));
      if (!owned_) fail(name_, std::strerror(errno));
      f_ = owned_.get();
      std::error_code ec;
      const auto size = fs::file_size(path, ec);
      if (!ec) size_ = size;
    }
  }
  // Reads up to n bytes; fewer only at end of input.
  std::size_t read(std::byte* dst, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      const std::size_t r = std::fread(dst + got, 1, n - got, f_);
      if (r == 0) {
        if (std::ferror(f_)) fail(name_, "read error");
        break;
      }
      got += r;
    }
    return got;
  }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] std::optional<std::uintmax_t> size() const { return size_; }

 private:
  std::string name_;
  File owned_;
  std::FILE* f_ = nullptr;
  std::optional<std::uintmax_t> size_;
};

// Writes to stdout, or to a temporary next to `path` that commit() renames into place.
class Output {
 public:
  explicit Output(const std::string& path) : path_(path) {
    if (path.empty() || path == "-") {
      f_ = stdout;
      return;
    }
    const fs::path target(path);
    tmp_ = (target.parent_path().empty() ? fs::path(".") : target.parent_path()) /
           ("." + target.filename().string() + ".entcode-tmp-" + std::to_string(::getpid()));
    owned_.reset(std::fopen(tmp_.c_str(), "wb"));
    if (!owned_) fail(path, std::strerror(errno));
    f_ = owned_.get();
  }
  ~Output() {
    if (owned_) {  // not committed: drop the partial file
      owned_.reset();
      std::error_code ec;
      fs::remove(tmp_, ec);
    }
  }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void write(std::span<const std::byte> b) {
    if (!b.empty() && std::fwrite(b.data(), 1, b.size(), f_) != b.size()) fail(name(), "write error");
  }
  void commit() {
    if (std::fflush(f_) != 0) fail(name(), "write error");
    if (!owned_) return;
    if (std::fclose(owned_.release()) != 0) fail(name(), "write error");
    std::error_code ec;
    fs::rename(tmp_, path_, ec);
    if (ec) {
      fs::remove(tmp_, ec);
      fail(path_, "cannot rename the temporary output into place");
    }
  }
  [[nodiscard]] std::string name() const { return owned_ ? path_ : "<stdout>"; }

 private:
  std::string path_;
  fs::path tmp_;
  File owned_;
  std::FILE* f_ = nullptr;
};

// --- progress -----------------------------------------------------------------------

class Progress {
 public:
  explicit Progress(std::optional<std::uintmax_t> total)
      : total_(total.value_or(0)), on_(::isatty(2) != 0 && total && *total > (std::uintmax_t{64} << 20)) {}
  void update(std::uintmax_t done) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const int pct = static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(std::max<std::uintmax_t>(total_, 1)));
    const int bars = std::clamp(pct / 4, 0, 25);
    std::fprintf(stderr, "\r[%.*s%*s] %3d%% %6.0f MB/s", bars, "#########################", 25 - bars, "", pct,
                 secs > 0 ? static_cast<double>(done) / 1e6 / secs : 0.0);
  }
  ~Progress() {
    if (on_) std::fprintf(stderr, "\r%*s\r", 50, "");
  }

 private:
  std::uintmax_t total_;
  bool on_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_{};
};

void check(errc e, const std::string& what) {
  if (e != errc::ok) fail(what, to_string(e));
}

// --- compress / decompress / info -------------------------------------------------------

void compress(const std::string& in_path, const std::string& out_path, const bc::Options& options) {
  Input in(in_path);
  Output out(out_path);
  Progress progress(in.size());
  std::byte header[bc::kFrameHeaderSize];
  out.write(std::span(header, bc::write_frame_header(options, header)));
  const std::size_t block = std::size_t{1} << options.block_log2;
  std::vector<std::byte> src(block), dst(bc::block_bound(block));
  std::uint32_t crc = 0;
  std::uintmax_t done = 0;
  for (;;) {
    const std::size_t n = in.read(src.data(), block);
    if (n == 0) break;
    const auto data = std::span(reinterpret_cast<const std::uint8_t*>(src.data()), n);
    const auto size = bc::compress_block(data, dst, options);
    if (!size) fail(in.name(), to_string(size.error()));
    out.write(std::span(dst).first(*size));
    if (options.checksum) crc = crc32c(std::span(src).first(n), crc);
    progress.update(done += n);
    if (n < block) break;
  }
  std::byte tail[5] = {std::byte{0}};
  for (int b = 0; b < 4; ++b) tail[1 + b] = static_cast<std::byte>(crc >> (8 * b));
  out.write(std::span(tail, options.checksum ? 5 : 1));
  out.commit();
}

// Reads a frame block by block: on_block(header, extent, block bytes) for each block.
// Returns the stored CRC32C (0 without checksum).
template <class OnBlock>
std::uint32_t read_frame(Input& in, OnBlock&& on_block) {
  std::vector<std::byte> buf(bc::kFrameHeaderSize);
  const std::size_t got = in.read(buf.data(), buf.size());
  const auto header = bc::read_frame_header(std::span(buf).first(got));
  if (!header) fail(in.name(), got == 0 ? "empty input (not an entcode frame)" : to_string(header.error()));
  const std::size_t max_block = bc::block_bound(header->block_size()) + (std::size_t{1} << 20);
  std::size_t begin = 0, end = 0;
  bool eof = false;
  buf.assign(std::size_t{1} << 16, std::byte{0});
  auto refill = [&] {  // moves pending bytes to the front and reads more
    std::memmove(buf.data(), buf.data() + begin, end - begin);
    end -= begin;
    begin = 0;
    if (end == buf.size()) buf.resize(std::min(max_block, buf.size() * 2));
    const std::size_t want = buf.size() - end;
    const std::size_t n = in.read(buf.data() + end, want);
    eof = n < want;
    end += n;
  };
  for (;;) {
    const auto ext = bc::peek_block(std::span(buf).subspan(begin, end - begin), *header);
    if (!ext && ext.error() == errc::truncated && !eof && end - begin < max_block) {
      refill();
      continue;
    }
    if (!ext) fail(in.name(), to_string(ext.error()));
    if (ext->kind == bc::BlockKind::end) {
      begin += 1;
      break;
    }
    on_block(*header, *ext, std::span<const std::byte>(buf).subspan(begin, ext->encoded_size));
    begin += ext->encoded_size;
  }
  std::uint32_t stored = 0;
  if (header->checksum) {
    if (end - begin < 4 && !eof) refill();
    if (end - begin < 4) fail(in.name(), to_string(errc::truncated));
    for (int b = 0; b < 4; ++b) stored |= std::to_integer<std::uint32_t>(buf[begin++]) << (8 * b);
  }
  std::byte extra;
  if (end != begin || (!eof && in.read(&extra, 1) != 0)) fail(in.name(), "trailing data after the entcode frame");
  return stored;
}

void decompress(const std::string& in_path, const std::string& out_path) {
  Input in(in_path);
  Output out(out_path);
  Progress progress(in.size());
  std::vector<std::uint8_t> block;
  std::uint32_t crc = 0;
  std::uintmax_t done = 0;
  bool checksum = false;
  const std::uint32_t stored = read_frame(in, [&](const bc::FrameHeader& h, const bc::BlockExtent& ext, auto bytes) {
    block.resize(ext.raw_size);
    check(bc::decompress_block(bytes, block, h), in.name());
    out.write(std::as_bytes(std::span(block)));
    checksum = h.checksum;
    if (checksum) crc = crc32c(std::as_bytes(std::span(block)), crc);
    progress.update(done += ext.encoded_size);
  });
  if (checksum && crc != stored) fail(in.name(), to_string(errc::checksum_mismatch));
  out.commit();
}

void info(const std::string& in_path) {
  Input in(in_path);
  std::uint64_t blocks[5] = {}, content = 0, encoded = 0;
  bc::FrameHeader header;
  const std::uint32_t stored = read_frame(in, [&](const bc::FrameHeader& h, const bc::BlockExtent& ext, auto) {
    header = h;
    ++blocks[static_cast<unsigned>(ext.kind)];
    content += ext.raw_size;
    encoded += ext.encoded_size;
  });
  std::printf("%s: entcode byte codec frame, version %u\n", in.name().c_str(), unsigned{bc::kVersion});
  std::printf("  block size    %zu (2^%u)\n", header.block_size(), header.block_log2);
  std::printf("  blocks        %llu raw, %llu run, %llu order-0, %llu order-1\n",
              static_cast<unsigned long long>(blocks[1]), static_cast<unsigned long long>(blocks[2]),
              static_cast<unsigned long long>(blocks[3]), static_cast<unsigned long long>(blocks[4]));
  std::printf("  content       %llu bytes\n", static_cast<unsigned long long>(content));
  std::printf("  blocks coded  %llu bytes (%.3f bits/byte)\n", static_cast<unsigned long long>(encoded),
              content ? 8.0 * static_cast<double>(encoded) / static_cast<double>(content) : 0.0);
  if (header.checksum) std::printf("  crc32c        %08x\n", stored);
  else std::printf("  crc32c        none\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"entcode: SIMD-interleaved rANS byte compressor (order 0 / order 1)"};
  app.require_subcommand(1);
  std::string in_path, out_path;
  bc::Options options;
  auto* c = app.add_subcommand("compress", "compress a file or stdin");
  c->add_option("in", in_path, "input file (default: stdin)");
  c->add_option("-o,--output", out_path, "output file (default: stdout)");
  c->add_option("--order", options.order, "model order: 0 or 1")->check(CLI::Range(0, 1));
  c->add_flag_callback("-1", [&] { options.order = 1; }, "order 1 (same as --order 1)");
  c->add_flag("--check", options.checksum, "store a CRC32C of the content");
  c->add_option("--block-log2", options.block_log2, "block size as a power of two")
      ->check(CLI::Range(bc::kMinBlockLog2, bc::kMaxBlockLog2));
  auto* d = app.add_subcommand("decompress", "decompress a file or stdin");
  d->add_option("in", in_path, "input file (default: stdin)");
  d->add_option("-o,--output", out_path, "output file (default: stdout)");
  auto* i = app.add_subcommand("info", "describe an entcode frame");
  i->add_option("in", in_path, "input file")->required();
  auto* b = app.add_subcommand("bench", "MB/s and ratio of entcode and htscodecs side by side");
  std::vector<std::string> files;
  int reps = 5;
  b->add_option("files", files, "files to benchmark (default: a built-in corpus)");
  b->add_option("-r,--repetitions", reps, "runs per measurement (median)")->check(CLI::Range(1, 100));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  try {
    if (*c) compress(in_path, out_path, options);
    else if (*d) decompress(in_path, out_path);
    else if (*i) info(in_path);
    else if (*b) entcode::cli::bench(files, reps);
  } catch (const Failure& f) {
    std::fprintf(stderr, "entcode: %s\n", f.message.c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "entcode: %s\n", e.what());
    return 1;
  }
  return 0;
}
