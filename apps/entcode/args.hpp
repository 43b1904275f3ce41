// apps/entcode/args.hpp — the entcode command line (zstd's conventions; doc/cli.md).
//
//   entcode [-z|-d|-t|-l] [-c] [-k|--rm] [-f] [-o out] [-q|-v] [-T#] [-0|-1|--order N]
//           [--check] [--block-log2 N] [files... | -]
// Short flags combine (-dcf), -T and -o take a value attached or as the next
// argument, "--" ends the options. A first argument compress / decompress /
// test / info / bench is an alias of -z / -d / -t / -l / the benchmark.
// A usage error throws Failure (exit 1); --help and --version are answered on
// stdout by parse_args() itself (Args::done).
#pragma once

#include <string>
#include <vector>

#include "entcode/byte_codec.hpp"

namespace entcode::cli {

enum class Mode { compress, decompress, test, list, bench };

struct Args {
  Mode mode = Mode::compress;
  bool to_stdout = false;  // -c
  bool remove = false;     // --rm (default -k: keep the input)
  bool force = false;      // -f
  int verbosity = 2;       // -q: 1 (errors only), -qq: 0, -v: 3
  unsigned threads = 1;    // -T#, 0: one per core
  std::string output;      // -o
  std::vector<std::string> inputs;
  byte_codec::Options options{};
  int bench_repetitions = 5;
  bool done = false;  // --help / --version answered
};

Args parse_args(int argc, char** argv);

}  // namespace entcode::cli
