// compressai_real_harness.cpp — Python module `compressai_real_harness` for
// bench/bench_compressai_real.py: CompressAI's real rANS backend, compiled from a
// CompressAI checkout (scripts/bench_compressai_real.sh passes its path; nothing of
// it is in this repository), timed in one process against the mirror
// (tests/support/gaussian_compressai_mirror.hpp) and entcode's CompressAI mode.
// The arguments are converted to std::vectors once, outside the timings, so the
// figures are the C++ calls alone (CompressAI: RansEncoder::encode_with_indexes,
// which buffers RansSymbols then flushes, and RansDecoder::decode_with_indexes;
// entcode: the span overloads into caller memory). Each call's bytes and symbols
// are checked against the mirror's. Times are the calling thread's CPU time.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "compressai/cpp_exts/rans/rans_interface.cpp"
#include "entcode/gaussian/compressai_stream.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"
#include "support/gaussian_compressai_mirror.hpp"

namespace py = pybind11;

namespace {

using Ints = std::vector<std::int32_t>;
using Cdfs = std::vector<std::vector<std::int32_t>>;
namespace cai = entcode::gaussian::compressai;

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(what);
}

// Median CPU ms of `reps` interleaved rounds per path (real / mirror / entcode, encode and decode).
py::dict run(const Ints& symbols, const Ints& indexes, const Cdfs& cdfs, const Ints& sizes, const Ints& offsets,
             const std::string& tables, int reps) {
  const auto set = tables == "compressai_f32" ? entcode::gaussian::ParamSet::compressai_f32
                                              : entcode::gaussian::ParamSet::compressai;
  const auto& t = entcode::gaussian::GaussianConditional::builtin(set).tables();
  const compressai_mirror::Tables mirror{cdfs, sizes, offsets};
  const std::string stream = compressai_mirror::encode(mirror, symbols, indexes);
  const auto stream_bytes = std::as_bytes(std::span(stream.data(), stream.size()));
  std::vector<std::byte> dst(cai::encode_bound(symbols.size()));
  Ints out(indexes.size());
  std::map<std::string, std::vector<double>> ms;
  auto time = [&](const char* name, auto&& fn) {
    const double t0 = cpu_ms();
    fn();
    ms[name].push_back(cpu_ms() - t0);
  };
  for (int r = 0; r < reps; ++r) {
    time("real encode", [&] {
      RansEncoder e;
      require(std::string(e.encode_with_indexes(symbols, indexes, cdfs, sizes, offsets)) == stream, "real bytes");
    });
    time("mirror encode", [&] { require(compressai_mirror::encode(mirror, symbols, indexes) == stream, "mirror"); });
    time("entcode encode", [&] {
      const auto n = cai::encode_with_indexes(t, symbols, indexes, dst);
      require(n && *n == stream.size() && std::memcmp(dst.data(), stream.data(), *n) == 0, "entcode bytes");
    });
    time("real decode", [&] {
      RansDecoder d;
      require(d.decode_with_indexes(stream, indexes, cdfs, sizes, offsets) == symbols, "real symbols");
    });
    time("mirror decode", [&] { require(compressai_mirror::decode(mirror, stream, indexes) == symbols, "mirror"); });
    time("entcode decode", [&] {
      require(cai::decode_with_indexes(t, stream_bytes, indexes, out) == entcode::errc::ok && out == symbols,
              "entcode symbols");
    });
  }
  py::dict d;
  for (auto& [name, v] : ms) {
    std::sort(v.begin(), v.end());
    d[py::str(name)] = v[v.size() / 2];
  }
  return d;
}

}  // namespace

PYBIND11_MODULE(compressai_real_harness, m) { m.def("run", &run); }
