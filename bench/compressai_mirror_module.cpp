// compressai_mirror_module.cpp — Python module `compressai_mirror` for
// bench/bench_gaussian_python.py: tests/support/gaussian_compressai_mirror.hpp behind
// CompressAI's Python binding shape (pybind11 std::vector / std::string
// arguments, list results, GIL held), so Python timings compare against the
// calls CompressAI users make. Not installed.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "support/gaussian_compressai_mirror.hpp"

namespace py = pybind11;
using Ints = std::vector<std::int32_t>;
using Cdfs = std::vector<std::vector<std::int32_t>>;

namespace {

struct Encoder {};
struct Decoder {};

compressai_mirror::Tables tables(const Cdfs& cdfs, const Ints& sizes, const Ints& offsets) {
  return {cdfs, sizes, offsets};
}

}  // namespace

PYBIND11_MODULE(compressai_mirror, m) {
  py::class_<Encoder>(m, "RansEncoder")
      .def(py::init<>())
      .def("encode_with_indexes", [](Encoder&, const Ints& symbols, const Ints& indexes, const Cdfs& cdfs,
                                     const Ints& sizes, const Ints& offsets) {
        return py::bytes(compressai_mirror::encode(tables(cdfs, sizes, offsets), symbols, indexes));
      });
  py::class_<Decoder>(m, "RansDecoder")
      .def(py::init<>())
      .def("decode_with_indexes", [](Decoder&, const std::string& encoded, const Ints& indexes, const Cdfs& cdfs,
                                     const Ints& sizes, const Ints& offsets) {
        return compressai_mirror::decode(tables(cdfs, sizes, offsets), encoded, indexes);
      });
}
