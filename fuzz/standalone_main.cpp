// standalone_main.cpp — runs a libFuzzer target without libFuzzer (gcc builds, tests).
//
// Usage: fuzz_<target> [file-or-directory ...]
// Replays every regular file given (directories are walked recursively), then
// 2000 pseudo-random inputs of 0..4096 bytes from a fixed seed, so the target's
// code runs in the ordinary test suite even with an empty corpus. A target
// signals failure by aborting (crash) — the process then exits non-zero.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <algorithm>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run_bytes(const std::vector<std::uint8_t>& bytes) {
  // An exact-size heap copy, so sanitizers see any over-read.
  const auto copy = std::make_unique<std::uint8_t[]>(bytes.size() + (bytes.empty() ? 1 : 0));
  std::copy(bytes.begin(), bytes.end(), copy.get());
  LLVMFuzzerTestOneInput(copy.get(), bytes.size());
}

std::size_t run_path(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::size_t n = 0;
  if (fs::is_directory(path)) {
    for (const auto& entry : fs::recursive_directory_iterator(path))
      if (entry.is_regular_file()) n += run_path(entry.path());
    return n;
  }
  std::ifstream in(path, std::ios::binary);
  run_bytes(std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {}));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t files = 0;
  for (int i = 1; i < argc; ++i)
    if (std::filesystem::exists(argv[i])) files += run_path(argv[i]);
  std::mt19937_64 rng(0x5eed);
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::uint8_t> bytes(rng() % 4097);
    const unsigned skew = static_cast<unsigned>(rng() % 8);  // vary the byte distribution
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng() >> (56 + skew));
    run_bytes(bytes);
  }
  std::printf("replayed %zu corpus files and 2000 random inputs\n", files);
  return 0;
}
