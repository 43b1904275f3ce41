// apps/entcode/args.cpp — parsing of the entcode command line (args.hpp).
#include "args.hpp"

#include <charconv>
#include <cstdio>
#include <string_view>

#include "entcode/version.hpp"
#include "files.hpp"

namespace entcode::cli {

namespace {

namespace bc = entcode::byte_codec;

constexpr const char* kUsage =
    "usage: entcode [options] [files...]      compress (default) or, with -d, decompress files\n"
    "       entcode compress|decompress|test|info [options] [files...]\n"
    "       entcode bench [-r N] [files...]    entcode and htscodecs side by side\n"
    "With no file, or '-', reads stdin and writes stdout. FILE becomes FILE.ec (and back with -d).\n"
    "  -z, --compress      compress (default)\n"
    "  -d, --decompress    decompress (concatenated frames too)\n"
    "  -t, --test          decompress and check, write nothing\n"
    "  -l, --list          describe the frames of each file\n"
    "  -c, --stdout        write to stdout\n"
    "  -o FILE             write to FILE (one input only)\n"
    "  -k, --keep          keep the input file (default)\n"
    "      --rm            remove the input file after success\n"
    "  -f, --force         overwrite outputs, follow symlinks, write compressed data to a terminal\n"
    "  -q, --quiet         no summary (-qq: no error messages either)\n"
    "  -v, --verbose       more details\n"
    "  -T#, --threads=#    compress on # threads (0: one per core); output is identical\n"
    "  -0, -1, --order N   model order 0 (default) or 1\n"
    "      --check         store a CRC32C of the content\n"
    "      --block-log2 N  block size 2^N (16..26, default 22)\n"
    "  -r N                bench: runs per figure (median, default 5)\n"
    "  -h, --help          this text;  -V, --version  the version\n"
    "Exit status: 0 success, 1 any error. ENTCODE_ISA=scalar|sse2|avx2|avx512 forces the kernels.\n";

unsigned to_number(std::string_view text, const char* option, unsigned lo, unsigned hi) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < lo || v > hi)
    fail(option, "expects a number in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got '" + std::string(text) + "'");
  return v;
}

class Parser {
 public:
  Parser(int argc, char** argv) : args_(argv + 1, argv + argc) {}

  Args run() {
    if (!args_.empty() && alias(args_[0])) ++i_;
    bool options_end = false;
    for (; i_ < args_.size() && !a_.done; ++i_) {
      const std::string_view arg = args_[i_];
      if (options_end || arg == "-" || arg[0] != '-') a_.inputs.emplace_back(arg);
      else if (arg == "--") options_end = true;
      else if (arg.starts_with("--")) long_option(arg.substr(2));
      else short_flags(arg.substr(1));
    }
    return a_;
  }

 private:
  bool alias(std::string_view word) {
    if (word == "compress") a_.mode = Mode::compress;
    else if (word == "decompress") a_.mode = Mode::decompress;
    else if (word == "test") a_.mode = Mode::test;
    else if (word == "info") a_.mode = Mode::list;
    else if (word == "bench") a_.mode = Mode::bench;
    else return false;
    return true;
  }

  // The value of an option: the rest of the argument, else the next argument.
  std::string_view value(std::string_view rest, const char* option) {
    if (!rest.empty()) return rest;
    if (i_ + 1 >= args_.size()) fail(option, "needs a value");
    return args_[++i_];
  }

  void long_option(std::string_view opt) {
    std::string_view val;
    bool has_val = false;
    if (const auto eq = opt.find('='); eq != std::string_view::npos) {
      val = opt.substr(eq + 1);
      opt = opt.substr(0, eq);
      has_val = true;
    }
    const std::string name = "--" + std::string(opt);
    auto needs = [&] { return has_val ? val : value({}, name.c_str()); };
    if (opt == "compress") a_.mode = Mode::compress;
    else if (opt == "decompress" || opt == "uncompress") a_.mode = Mode::decompress;
    else if (opt == "test") a_.mode = Mode::test;
    else if (opt == "list") a_.mode = Mode::list;
    else if (opt == "stdout") a_.to_stdout = true;
    else if (opt == "keep") a_.remove = false;
    else if (opt == "rm") a_.remove = true;
    else if (opt == "force") a_.force = true;
    else if (opt == "quiet") --a_.verbosity;
    else if (opt == "verbose") ++a_.verbosity;
    else if (opt == "check") a_.options.checksum = true;
    else if (opt == "output") a_.output = needs();
    else if (opt == "threads") a_.threads = to_number(needs(), "--threads", 0, 256);
    else if (opt == "order") a_.options.order = to_number(needs(), "--order", 0, 1);
    else if (opt == "block-log2") a_.options.block_log2 = to_number(needs(), "--block-log2", bc::kMinBlockLog2, bc::kMaxBlockLog2);
    else if (opt == "repetitions") a_.bench_repetitions = static_cast<int>(to_number(needs(), "--repetitions", 1, 100));
    else if (opt == "help") help();
    else if (opt == "version") version_line();
    else fail(name, "unknown option (see entcode --help)");
  }

  void short_flags(std::string_view flags) {
    for (std::size_t k = 0; k < flags.size(); ++k) {
      const char f = flags[k];
      const std::string_view rest = flags.substr(k + 1);
      switch (f) {
        case 'z': a_.mode = Mode::compress; break;
        case 'd': a_.mode = Mode::decompress; break;
        case 't': a_.mode = Mode::test; break;
        case 'l': a_.mode = Mode::list; break;
        case 'c': a_.to_stdout = true; break;
        case 'k': a_.remove = false; break;
        case 'f': a_.force = true; break;
        case 'q': --a_.verbosity; break;
        case 'v': ++a_.verbosity; break;
        case '0': a_.options.order = 0; break;
        case '1': a_.options.order = 1; break;
        case 'h': help(); return;
        case 'V': version_line(); return;
        case 'o': a_.output = value(rest, "-o"); return;
        case 'T': a_.threads = to_number(value(rest, "-T"), "-T", 0, 256); return;
        case 'r': a_.bench_repetitions = static_cast<int>(to_number(value(rest, "-r"), "-r", 1, 100)); return;
        default: fail("-" + std::string(1, f), "unknown option (see entcode --help)");
      }
    }
  }

  void help() {
    std::fputs(kUsage, stdout);
    a_.done = true;
  }
  void version_line() {
    std::printf("entcode %d.%d.%d (library %s)\n", ENTCODE_VERSION_MAJOR, ENTCODE_VERSION_MINOR, ENTCODE_VERSION_PATCH,
                entcode::version());
    a_.done = true;
  }

  std::vector<std::string_view> args_;
  std::size_t i_ = 0;
  Args a_;
};

}  // namespace

Args parse_args(int argc, char** argv) { return Parser(argc, argv).run(); }

}  // namespace entcode::cli
