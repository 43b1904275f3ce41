// apps/entcode/main.cpp — the entcode CLI: zstd-like front end of the rANS byte codec
// (entcode/byte_codec.hpp). Options: args.hpp; file rules: files.hpp; manual: doc/cli.md;
// `entcode bench`: bench.cpp.
//
// Streams block by block: memory stays bounded (about three blocks per thread)
// whatever the input size. With -T# the blocks of a batch are compressed on
// several threads and written in order, so the output is identical for every #.
// Decompression accepts concatenated frames. Each file is processed on its own:
// a failure is reported (one line on stderr), the file skipped, exit status 1.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "args.hpp"
#include "bench.hpp"
#include "entcode/crc32c.hpp"
#include "entcode/isa.hpp"
#include "entcode/byte_codec.hpp"
#include "files.hpp"

namespace {

using namespace entcode;
using namespace entcode::cli;
namespace bc = entcode::byte_codec;
using Clock = std::chrono::steady_clock;

constexpr const char* kSuffix = ".ec";

// --- progress and summary (stderr) ----------------------------------------------------

class Meter {
 public:
  Meter(const std::string& name, std::optional<std::size_t> total, int verbosity)
      : name_(name), total_(total), on_(verbosity >= 2 && ::isatty(2) != 0) {}
  ~Meter() {
    if (drawn_) std::fprintf(stderr, "\r%*s\r", 72, "");
  }
  Meter(const Meter&) = delete;
  Meter& operator=(const Meter&) = delete;

  void add(std::size_t in, std::size_t out) {
    in_ += in;
    out_ += out;
    if (!on_ || Clock::now() - last_ < std::chrono::milliseconds(200)) return;
    last_ = Clock::now();
    drawn_ = true;
    std::fprintf(stderr, "\r%-40.40s %8.1f MB", name_.c_str(), static_cast<double>(in_) / 1e6);
    if (total_ && *total_ > 0) std::fprintf(stderr, " %3.0f%%", 100.0 * static_cast<double>(in_) / static_cast<double>(*total_));
    std::fprintf(stderr, " %7.1f MB/s ", mb_per_s());
  }
  [[nodiscard]] std::size_t in() const { return in_; }
  [[nodiscard]] std::size_t out() const { return out_; }
  [[nodiscard]] double mb_per_s() const {
    const double s = std::chrono::duration<double>(Clock::now() - start_).count();
    return s > 0 ? static_cast<double>(std::max(in_, out_)) / 1e6 / s : 0.0;
  }

 private:
  std::string name_;
  std::optional<std::size_t> total_;
  bool on_;
  bool drawn_ = false;
  std::size_t in_ = 0, out_ = 0;
  Clock::time_point start_ = Clock::now(), last_ = start_;
};

// --- compression ---------------------------------------------------------------------------

struct BlockJob {
  std::vector<std::byte> src;
  std::size_t n = 0;
  bool last = false;  // the input's last chunk: its last block is flagged
  std::vector<std::byte> dst;
  std::optional<Result<std::size_t>> size;
  void read(Input& in, std::size_t block) {
    src.resize(block);
    n = in.read(src.data(), block);
  }
  void run(const bc::Options& o) {
    size = bc::compress_chunk(std::span(reinterpret_cast<const std::uint8_t*>(src.data()), n), dst, o, last);
  }
};

// Compresses the jobs of one batch, job 0 on this thread, the rest on their own.
void compress_batch(std::vector<BlockJob>& jobs, std::size_t count, const bc::Options& o) {
  std::vector<std::thread> workers;
  for (std::size_t j = 1; j < count; ++j) workers.emplace_back([&jobs, j, &o] { jobs[j].run(o); });
  jobs[0].run(o);
  for (auto& w : workers) w.join();
}

// The frame compress() writes: a chunk is read ahead so the input's last
// chunk is known when its batch is coded (its last block flagged; only an
// empty input gets the end marker).
void compress(Input& in, Output& out, const Args& args, Meter& meter) {
  const bc::Options& o = args.options;
  std::byte header[bc::kFrameHeaderSize];
  out.write(std::span(header, bc::write_frame_header(o, header)));
  const std::size_t block = std::size_t{1} << o.block_log2;
  const unsigned threads = args.threads != 0 ? args.threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<BlockJob> jobs(threads);
  BlockJob ahead;
  ahead.read(in, block);
  const bool empty = ahead.n == 0;
  std::uint32_t crc = 0;
  while (ahead.n != 0) {
    std::size_t count = 0;
    for (; count < jobs.size() && ahead.n != 0; ++count) {
      std::swap(jobs[count], ahead);
      ahead.read(in, jobs[count].n == block ? block : 0);
      jobs[count].last = ahead.n == 0;
      jobs[count].dst.resize(bc::block_bound(block));
    }
    compress_batch(jobs, count, o);
    for (std::size_t k = 0; k < count; ++k) {
      const BlockJob& j = jobs[k];
      if (!*j.size) fail(in.name(), to_string(j.size->error()));
      out.write(std::span(j.dst).first(**j.size));
      if (o.checksum) crc = crc32c(std::span(j.src).first(j.n), crc);
      meter.add(j.n, **j.size);
    }
  }
  std::byte tail[5] = {std::byte{0}};
  for (int b = 0; b < 4; ++b) tail[1 + b] = static_cast<std::byte>(crc >> (8 * b));
  const std::size_t first = empty ? 0 : 1, size = (o.checksum ? 5 : 1) - first;
  out.write(std::span(tail + first, size));
  meter.add(0, size);
}

// Reads concatenated frames from an input through one buffer.
class FrameReader {
 public:
  explicit FrameReader(Input& in) : in_(in) {}

  // The next frame's header; nullopt at the end of the input (after one frame at least).
  std::optional<bc::FrameHeader> next_frame() {
    if (!fill(1)) {
      if (frames_ == 0) fail(in_.name(), "empty input (not an entcode frame)");
      return std::nullopt;
    }
    fill(bc::kFrameHeaderSize);
    const auto header = bc::read_frame_header(pending());
    if (!header && frames_ == 0) fail(in_.name(), to_string(header.error()));
    if (!header) fail(in_.name(), "data after frame " + std::to_string(frames_) + " is not an entcode frame");
    begin_ += bc::kFrameHeaderSize;
    ++frames_;
    return *header;
  }

  // Calls on_block(extent, bytes) for each block of the frame; returns the stored CRC32C (0: none).
  template <class OnBlock>
  std::uint32_t blocks(const bc::FrameHeader& h, OnBlock&& on_block) {
    const std::size_t max_block = bc::block_bound(h.block_size()) + (std::size_t{1} << 20);
    for (;;) {
      const auto ext = bc::peek_block(pending(), h);
      if (!ext && ext.error() == errc::truncated && !eof_ && pending().size() < max_block) {
        fill(std::min(max_block, std::max<std::size_t>(2 * pending().size(), std::size_t{1} << 16)));
        continue;
      }
      if (!ext) fail(in_.name(), to_string(ext.error()));
      if (ext->kind == bc::BlockKind::end) {
        begin_ += 1;
        break;
      }
      on_block(*ext, pending().first(ext->encoded_size));
      begin_ += ext->encoded_size;
      if (ext->last) break;
    }
    if (!h.checksum) return 0;
    if (!fill(4)) fail(in_.name(), to_string(errc::truncated));
    std::uint32_t stored = 0;
    for (int b = 0; b < 4; ++b) stored |= std::to_integer<std::uint32_t>(buf_[begin_++]) << (8 * b);
    return stored;
  }

  [[nodiscard]] unsigned frames() const { return frames_; }

 private:
  std::span<const std::byte> pending() const { return std::span(buf_).subspan(begin_, end_ - begin_); }

  // Makes `want` bytes pending unless the input ends first; true if they are.
  bool fill(std::size_t want) {
    if (end_ - begin_ >= want || eof_) return end_ - begin_ >= want;
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    buf_.resize(std::max({buf_.size(), want, std::size_t{1} << 16}));
    const std::size_t n = in_.read(buf_.data() + end_, buf_.size() - end_);
    eof_ = n < buf_.size() - end_;
    end_ += n;
    return end_ - begin_ >= want;
  }

  Input& in_;
  std::vector<std::byte> buf_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  unsigned frames_ = 0;
};

// Decodes every frame; writes the content to out (nullptr: -t, check only).
void decompress(Input& in, Output* out, Meter& meter) {
  FrameReader frames(in);
  std::vector<std::uint8_t> block;
  while (const auto h = frames.next_frame()) {
    std::uint32_t crc = 0;
    const std::uint32_t stored = frames.blocks(*h, [&](const bc::BlockExtent& ext, std::span<const std::byte> bytes) {
      block.resize(ext.raw_size);
      if (const errc e = bc::decompress_block(bytes, block, *h); e != errc::ok) fail(in.name(), to_string(e));
      if (out) out->write(std::as_bytes(std::span(block)));
      if (h->checksum) crc = crc32c(std::as_bytes(std::span(block)), crc);
      meter.add(ext.encoded_size, ext.raw_size);
    });
    if (h->checksum && crc != stored) fail(in.name(), to_string(errc::checksum_mismatch));
  }
}

void list(Input& in) {
  FrameReader frames(in);
  while (const auto h = frames.next_frame()) {
    std::uint64_t blocks[5] = {}, content = 0, encoded = 0;
    const std::uint32_t stored = frames.blocks(*h, [&](const bc::BlockExtent& ext, auto) {
      ++blocks[static_cast<unsigned>(ext.kind)];
      content += ext.raw_size;
      encoded += ext.encoded_size;
    });
    std::printf("%s: entcode byte codec frame %u, version %u\n", in.name().c_str(), frames.frames(), unsigned{bc::kVersion});
    std::printf("  block size    %zu (2^%u)\n", h->block_size(), h->block_log2);
    std::printf("  blocks        %llu raw, %llu run, %llu order-0, %llu order-1\n",
                static_cast<unsigned long long>(blocks[1]), static_cast<unsigned long long>(blocks[2]),
                static_cast<unsigned long long>(blocks[3]), static_cast<unsigned long long>(blocks[4]));
    std::printf("  content       %llu bytes\n", static_cast<unsigned long long>(content));
    std::printf("  blocks coded  %llu bytes (%.3f bits/byte)\n", static_cast<unsigned long long>(encoded),
                content ? 8.0 * static_cast<double>(encoded) / static_cast<double>(content) : 0.0);
    if (h->checksum) std::printf("  crc32c        %08x\n", stored);
    else std::printf("  crc32c        none\n");
  }
}

// --- one file ----------------------------------------------------------------------------------

// Where the output of `input` goes: "" for stdout.
std::string output_path(const std::string& input, const Args& args) {
  if (!args.output.empty()) return args.output;
  if (args.to_stdout || input == "-") return "";
  if (args.mode == Mode::compress) return input + kSuffix;
  if (input.size() > std::strlen(kSuffix) && input.ends_with(kSuffix)) return input.substr(0, input.size() - std::strlen(kSuffix));
  fail(input, std::string("unknown suffix (expected ") + kSuffix + "; use -o or -c)");
}

void summary(const Input& in, const Output* out, const Meter& m, const Args& args) {
  if (args.verbosity < 2 || (out && out->name() == "<stdout>" && args.verbosity < 3)) return;
  const double pct = m.in() ? 100.0 * static_cast<double>(m.out()) / static_cast<double>(m.in()) : 0.0;
  if (args.mode == Mode::compress)
    std::fprintf(stderr, "%s: %zu -> %zu bytes (%.2f%%, %.1f MB/s) -> %s\n", in.name().c_str(), m.in(), m.out(), pct,
                 m.mb_per_s(), out->name().c_str());
  else if (out)
    std::fprintf(stderr, "%s: %zu -> %zu bytes (%.1f MB/s) -> %s\n", in.name().c_str(), m.in(), m.out(), m.mb_per_s(),
                 out->name().c_str());
  else
    std::fprintf(stderr, "%s: OK, %zu -> %zu bytes (%.1f MB/s)\n", in.name().c_str(), m.in(), m.out(), m.mb_per_s());
}

void process(const std::string& path, const Args& args) {
  Input in(path, args.force);
  if (in.is_stdin() && ::isatty(0) && !args.force) fail("<stdin>", "is a terminal (use -f to read it anyway)");
  if (args.mode == Mode::list) return list(in);
  Meter meter(in.name(), in.size(), args.verbosity);
  if (args.mode == Mode::test) {
    decompress(in, nullptr, meter);
    return summary(in, nullptr, meter, args);
  }
  const std::string target = output_path(path, args);
  std::optional<Output> opened;
  Output& out = target.empty() ? opened.emplace() : opened.emplace(target, in, args.force);
  if (args.mode == Mode::compress && out.is_terminal() && !args.force)
    fail(out.name(), "is a terminal; compressed data not written (use -f to force)");
  if (args.mode == Mode::compress) compress(in, out, args, meter);
  else decompress(in, &out, meter);
  out.commit();
  summary(in, &out, meter, args);
  if (args.remove && !in.is_stdin() && !target.empty() && ::unlink(path.c_str()) != 0) fail_errno(path);
}

int run(Args& args) {
  if (args.mode == Mode::bench) {
    bench(args.inputs, args.bench_repetitions);
    return 0;
  }
  if (const auto isa = selected_isa(); !isa) {
    const char* env = std::getenv("ENTCODE_ISA");
    fail(std::string("ENTCODE_ISA=") + (env ? env : ""), std::string(to_string(isa.error())) + " (scalar, sse2, avx2 or avx512)");
  }
  if (args.inputs.empty()) args.inputs.emplace_back("-");
  if (!args.output.empty() && args.inputs.size() > 1) fail("-o", "takes one input file (use -c to concatenate)");
  int status = 0;
  for (const std::string& path : args.inputs) {
    try {
      process(path, args);
    } catch (const Failure& f) {
      if (args.verbosity >= 1) std::fprintf(stderr, "entcode: %s\n", f.message.c_str());
      status = 1;
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  install_signal_cleanup();
  try {
    Args args = parse_args(argc, argv);
    return args.done ? 0 : run(args);
  } catch (const Failure& f) {
    std::fprintf(stderr, "entcode: %s\n", f.message.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "entcode: %s\n", e.what());
  }
  return 1;
}
