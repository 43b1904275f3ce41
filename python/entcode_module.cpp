// entcode_module.cpp — the Python module `entcode` (pybind11 + NumPy).
//
// RansEncoder().encode_with_indexes(symbols, indexes, cdfs, cdf_lengths, offsets)
// and RansDecoder().decode_with_indexes(encoded, indexes, cdfs, cdf_lengths,
// offsets) take CompressAI's arguments (lists or NumPy arrays; int32 C-contiguous
// arrays are used without copying; cdfs is a padded 2-D array or a list of
// lists). mode="ecgl" (default: entcode's multi-lane format, `substreams` K on
// `threads`) or mode="compressai" (CompressAI's exact bytes). Decoding returns a
// NumPy int32 array. The tables built from (cdfs, cdf_lengths, offsets) are
// cached per object while the arguments stay equal. The GIL is released while
// coding. Errors raise ValueError with entcode's error name.
// GaussianConditional(param_set) wraps the built-in parameter sets: scale_table,
// quantized_cdf / cdf_length / offset (CompressAI's names), build_indexes,
// quantize, dequantize, encode, decode, force_zero_threshold.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <optional>
#include <string>

#include "entcode/gaussian/compressai_stream.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"

namespace py = pybind11;
using namespace entcode;
using namespace entcode::gaussian;

namespace {

using I32Array = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>;
using F32Array = py::array_t<float, py::array::c_style | py::array::forcecast>;

[[noreturn]] void raise(errc e) { throw py::value_error(std::string("entcode: ") + to_string(e)); }

template <class T>
std::span<const T> view(const py::array_t<T, py::array::c_style | py::array::forcecast>& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

// cdfs as a row-major int32 matrix: a 2-D array, or a (possibly ragged) list of lists padded with zeros.
std::pair<std::vector<std::int32_t>, std::size_t> flatten_cdfs(const py::handle& cdfs) {
  if (py::isinstance<py::array>(cdfs)) {
    const auto a = I32Array::ensure(cdfs);
    if (!a || a.ndim() != 2) throw py::value_error("entcode: cdfs must be 2-D");
    const auto stride = static_cast<std::size_t>(a.shape(1));
    return {std::vector<std::int32_t>(a.data(), a.data() + a.size()), stride};
  }
  std::vector<std::vector<std::int32_t>> rows = cdfs.cast<std::vector<std::vector<std::int32_t>>>();
  std::size_t stride = 1;
  for (const auto& r : rows) stride = std::max(stride, r.size());
  std::vector<std::int32_t> flat(rows.size() * stride, 0);
  for (std::size_t i = 0; i < rows.size(); ++i) std::ranges::copy(rows[i], flat.begin() + static_cast<std::ptrdiff_t>(i * stride));
  return {std::move(flat), stride};
}

// Tables built from CompressAI's arguments, rebuilt only when they change.
class TableCache {
 public:
  const CdfTables& get(const py::handle& cdfs, const I32Array& lengths, const I32Array& offsets) {
    auto [flat, stride] = flatten_cdfs(cdfs);
    const std::vector<std::int32_t> len(lengths.data(), lengths.data() + lengths.size());
    const std::vector<std::int32_t> off(offsets.data(), offsets.data() + offsets.size());
    if (!tables_ || flat != flat_ || stride != stride_ || len != lengths_ || off != offsets_) {
      auto t = CdfTables::create(flat, stride, len, off);
      if (!t) raise(t.error());
      tables_ = std::move(*t);
      flat_ = std::move(flat);
      stride_ = stride;
      lengths_ = len;
      offsets_ = off;
    }
    return *tables_;
  }

 private:
  std::optional<CdfTables> tables_;
  std::vector<std::int32_t> flat_, lengths_, offsets_;
  std::size_t stride_ = 0;
};

bool compressai_mode(const std::string& mode) {
  if (mode == "compressai") return true;
  if (mode == "ecgl") return false;
  throw py::value_error("entcode: mode must be 'ecgl' or 'compressai'");
}

py::bytes encode_any(const CdfTables& t, const I32Array& symbols, const I32Array& indexes, bool compressai,
                     const CodecOptions& o) {
  Result<std::vector<std::byte>> r = errc::ok;
  {
    py::gil_scoped_release release;
    r = compressai ? compressai::encode_with_indexes(t, view(symbols), view(indexes))
                   : encode(t, view(symbols), view(indexes), o);
  }
  if (!r) raise(r.error());
  return py::bytes(reinterpret_cast<const char*>(r->data()), r->size());
}

py::array_t<std::int32_t> decode_any(const CdfTables& t, const py::bytes& encoded, const I32Array& indexes,
                                     bool compressai, unsigned threads) {
  const std::string_view s = encoded;  // no copy
  const std::span<const std::byte> src(reinterpret_cast<const std::byte*>(s.data()), s.size());
  py::array_t<std::int32_t> out(indexes.size());
  const std::span<std::int32_t> dst(out.mutable_data(), static_cast<std::size_t>(out.size()));
  errc e;
  {
    py::gil_scoped_release release;
    e = compressai ? compressai::decode_with_indexes(t, src, view(indexes), dst) : decode(t, src, view(indexes), dst, threads);
  }
  if (e != errc::ok) raise(e);
  return out;
}

struct RansEncoder {
  std::string mode;
  CodecOptions options;
  TableCache cache;
};

struct RansDecoder {
  std::string mode;
  unsigned threads;
  TableCache cache;
};

ParamSet parse_set(const std::string& name) {
  if (name == "compressai") return ParamSet::compressai;
  if (name == "compressai_f32") return ParamSet::compressai_f32;
  if (name == "dcvc") return ParamSet::dcvc;
  throw py::value_error("entcode: param_set must be 'compressai', 'compressai_f32' or 'dcvc'");
}

struct PyGaussianConditional {
  GaussianConditional gc;
};

std::span<const float> optional_means(const std::optional<F32Array>& means) {
  return means ? view(*means) : std::span<const float>{};
}

}  // namespace

PYBIND11_MODULE(entcode, m) {
  m.doc() = "entcode: Gaussian-conditional latent coding (CompressAI-compatible API)";

  py::class_<RansEncoder>(m, "RansEncoder")
      .def(py::init([](const std::string& mode, unsigned substreams, unsigned threads) {
             compressai_mode(mode);
             return RansEncoder{mode, {substreams, threads, 0}, {}};
           }),
           py::arg("mode") = "ecgl", py::arg("substreams") = 1, py::arg("threads") = 0)
      .def("encode_with_indexes",
           [](RansEncoder& self, const I32Array& symbols, const I32Array& indexes, const py::object& cdfs,
              const I32Array& cdf_lengths, const I32Array& offsets) {
             const CdfTables& t = self.cache.get(cdfs, cdf_lengths, offsets);
             return encode_any(t, symbols, indexes, compressai_mode(self.mode), self.options);
           },
           py::arg("symbols"), py::arg("indexes"), py::arg("cdfs"), py::arg("cdf_lengths"), py::arg("offsets"));

  py::class_<RansDecoder>(m, "RansDecoder")
      .def(py::init([](const std::string& mode, unsigned threads) {
             compressai_mode(mode);
             return RansDecoder{mode, threads, {}};
           }),
           py::arg("mode") = "ecgl", py::arg("threads") = 0)
      .def("decode_with_indexes",
           [](RansDecoder& self, const py::bytes& encoded, const I32Array& indexes, const py::object& cdfs,
              const I32Array& cdf_lengths, const I32Array& offsets) {
             const CdfTables& t = self.cache.get(cdfs, cdf_lengths, offsets);
             return decode_any(t, encoded, indexes, compressai_mode(self.mode), self.threads);
           },
           py::arg("encoded"), py::arg("indexes"), py::arg("cdfs"), py::arg("cdf_lengths"), py::arg("offsets"));

  py::class_<PyGaussianConditional>(m, "GaussianConditional")
      .def(py::init([](const std::string& set) { return PyGaussianConditional{GaussianConditional::builtin(parse_set(set))}; }),
           py::arg("param_set") = "compressai")
      .def_property_readonly("scale_table",
                             [](const PyGaussianConditional& g) {
                               const auto s = g.gc.scale_table();
                               return py::array_t<double>(static_cast<py::ssize_t>(s.size()), s.data());
                             })
      .def_property_readonly("quantized_cdf",
                             [](const PyGaussianConditional& g) {
                               const auto& t = g.gc.tables();
                               const auto flat = t.padded_cdfs();
                               py::array_t<std::int32_t> a({static_cast<py::ssize_t>(t.size()),
                                                            static_cast<py::ssize_t>(t.max_cdf_length())});
                               std::memcpy(a.mutable_data(), flat.data(), flat.size() * sizeof(std::int32_t));
                               return a;
                             })
      .def_property_readonly("cdf_length",
                             [](const PyGaussianConditional& g) {
                               const auto v = g.gc.tables().cdf_lengths();
                               return py::array_t<std::int32_t>(static_cast<py::ssize_t>(v.size()), v.data());
                             })
      .def_property_readonly("offset",
                             [](const PyGaussianConditional& g) {
                               const auto v = g.gc.tables().offsets();
                               return py::array_t<std::int32_t>(static_cast<py::ssize_t>(v.size()), v.data());
                             })
      .def_property(
          "force_zero_threshold", [](const PyGaussianConditional& g) { return g.gc.force_zero_threshold(); },
          [](PyGaussianConditional& g, std::optional<double> t) { g.gc.set_force_zero_threshold(t); })
      .def("build_indexes",
           [](const PyGaussianConditional& g, const F32Array& scales) {
             py::array_t<std::int32_t> out(scales.size());
             const errc e = g.gc.build_indexes(view(scales), {out.mutable_data(), static_cast<std::size_t>(out.size())});
             if (e != errc::ok) raise(e);
             return out.reshape(std::vector<py::ssize_t>(scales.shape(), scales.shape() + scales.ndim()));
           },
           py::arg("scales"))
      .def("quantize",
           [](const PyGaussianConditional& g, const F32Array& y, const std::optional<F32Array>& means) {
             py::array_t<std::int32_t> out(y.size());
             const errc e = g.gc.quantize(view(y), optional_means(means),
                                          {out.mutable_data(), static_cast<std::size_t>(out.size())});
             if (e != errc::ok) raise(e);
             return out.reshape(std::vector<py::ssize_t>(y.shape(), y.shape() + y.ndim()));
           },
           py::arg("y"), py::arg("means") = py::none())
      .def("dequantize",
           [](const PyGaussianConditional&, const I32Array& symbols, const std::optional<F32Array>& means) {
             py::array_t<float> out(symbols.size());
             const errc e = GaussianConditional::dequantize(view(symbols), optional_means(means),
                                                            {out.mutable_data(), static_cast<std::size_t>(out.size())});
             if (e != errc::ok) raise(e);
             return out.reshape(std::vector<py::ssize_t>(symbols.shape(), symbols.shape() + symbols.ndim()));
           },
           py::arg("symbols"), py::arg("means") = py::none())
      .def("encode",
           [](const PyGaussianConditional& g, const I32Array& symbols, const I32Array& indexes, unsigned substreams,
              unsigned threads, const std::string& mode) {
             return encode_any(g.gc.tables(), symbols, indexes, compressai_mode(mode), {substreams, threads, 0});
           },
           py::arg("symbols"), py::arg("indexes"), py::arg("substreams") = 1, py::arg("threads") = 0,
           py::arg("mode") = "ecgl")
      .def("decode",
           [](const PyGaussianConditional& g, const py::bytes& encoded, const I32Array& indexes, unsigned threads,
              const std::string& mode) {
             return decode_any(g.gc.tables(), encoded, indexes, compressai_mode(mode), threads);
           },
           py::arg("encoded"), py::arg("indexes"), py::arg("threads") = 0, py::arg("mode") = "ecgl");

  m.def(
      "pmf_to_quantized_cdf",
      [](const std::vector<double>& pmf, int precision) {
        if (precision != 16) throw py::value_error("entcode: only precision 16 is supported");
        auto r = pmf_to_quantized_cdf(pmf);
        if (!r) raise(r.error());
        return *r;
      },
      py::arg("pmf"), py::arg("precision") = 16);
}
