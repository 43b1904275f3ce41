// _entcode.cpp — the extension module behind the Python package `entcode`
// (python/entcode/__init__.py re-exports it; entcode.compressai is the drop-in).
//
// entcode.compressai: RansEncoder, BufferedRansEncoder, RansDecoder with
// CompressAI's methods, argument order and bytes (include/entcode/gaussian/
// compressai_stream.hpp). entcode: RansEncoder / RansDecoder for the ECGL format
// (multi-lane, K sub-streams on threads) and GaussianConditional (built-in
// parameter sets, NumPy in, NumPy out).
//
// Arguments (strict, see convert_int32): lists/tuples of int (or objects with
// __index__), or NumPy integer arrays (int32 C-contiguous ones are used without
// a copy). Floats, out-of-range values, bad cdf rows and mismatched lengths
// raise TypeError / OverflowError / ValueError naming the argument and the first
// bad position. Streams: bytes, bytearray, memoryview (any byte buffer) or str
// (its UTF-8 bytes, as CompressAI). decode_* return a list for list indexes and
// an int32 NumPy array for NumPy indexes.
//
// Thread safety: the GIL is released while coding. Tables built from (cdfs,
// lengths, offsets) are immutable and shared through shared_ptr: an object's
// one-entry cache swaps in a new pointer under a mutex and every call keeps its
// own reference, so a call never sees tables freed or changed under it. Each
// call has its own scratch (encode: a per-thread reused buffer). The only
// mutable per-object state (a BufferedRansEncoder's pending segments, a
// RansDecoder's set_stream position)
// is guarded by a per-object mutex, taken after the GIL is released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "entcode/gaussian/compressai_stream.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"
#include "entcode/version.hpp"

namespace py = pybind11;
using namespace entcode;
using namespace entcode::gaussian;

namespace {

using F32Array = py::array_t<float, py::array::c_style | py::array::forcecast>;

[[noreturn]] void raise(errc e) { throw py::value_error(std::string("entcode: ") + to_string(e)); }

std::string at(const char* name, std::size_t i) { return std::string(name) + "[" + std::to_string(i) + "]"; }

// --- strict conversion ------------------------------------------------------------

[[noreturn]] void raise_as(PyObject* type, const std::string& msg) {
  PyErr_SetString(type, msg.c_str());
  throw py::error_already_set();
}

// An int32 sequence argument: a view of a NumPy array's memory (kept alive) or owned values.
struct Int32Arg {
  py::object keep;  // the array viewed, if any
  std::vector<std::int32_t> owned;
  std::span<const std::int32_t> values;
  bool numpy = false;  // the caller passed a NumPy array
};

std::int32_t to_int32(py::handle item, const char* name, std::size_t i) {
  if (PyFloat_Check(item.ptr()))
    raise_as(PyExc_TypeError, at(name, i) + ": expected an integer, got float " + py::repr(item).cast<std::string>());
  py::object index;
  PyObject* v = item.ptr();
  if (!PyLong_Check(v)) {
    index = py::reinterpret_steal<py::object>(PyNumber_Index(v));
    if (!index) {
      PyErr_Clear();
      raise_as(PyExc_TypeError, at(name, i) + ": expected an integer, got " + std::string(Py_TYPE(v)->tp_name));
    }
    v = index.ptr();
  }
  int overflow = 0;
  const long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
  if (overflow != 0 || x < INT32_MIN || x > INT32_MAX)
    raise_as(PyExc_OverflowError, at(name, i) + " = " + py::str(v).cast<std::string>() + " does not fit in int32");
  return static_cast<std::int32_t>(x);
}

template <class T>
void copy_checked(const py::array& a, const char* name, std::vector<std::int32_t>& out) {
  const auto c = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(a);
  const T* d = c.data();
  out.resize(static_cast<std::size_t>(c.size()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!std::in_range<std::int32_t>(d[i]))
      raise_as(PyExc_OverflowError, at(name, i) + " = " + std::to_string(d[i]) + " does not fit in int32");
    out[i] = static_cast<std::int32_t>(d[i]);
  }
}

void from_array(const py::array& a, const char* name, Int32Arg& arg) {
  arg.numpy = true;
  const char kind = a.dtype().kind();
  if (kind != 'i' && kind != 'u')
    raise_as(PyExc_TypeError, std::string(name) + ": expected integers, got a " +
                                  py::str(a.dtype()).cast<std::string>() + " array");
  if (a.dtype().is(py::dtype::of<std::int32_t>()) && (a.flags() & py::array::c_style) != 0) {
    arg.keep = a;
    arg.values = {static_cast<const std::int32_t*>(a.data()), static_cast<std::size_t>(a.size())};
    return;
  }
  if (kind == 'u' && a.itemsize() == 8) copy_checked<std::uint64_t>(a, name, arg.owned);
  else copy_checked<std::int64_t>(a, name, arg.owned);
  arg.values = arg.owned;
}

// An exact int of one digit (|v| < 2^30) read without a call (CPython's compact
// form; PyLong_AsLongLongAndOverflow is a call per item); false for others.
bool compact_int(PyObject* item, long& v) noexcept {
  auto* l = reinterpret_cast<PyLongObject*>(item);
#if PY_VERSION_HEX >= 0x030C0000
  if (!PyUnstable_Long_IsCompact(l)) return false;
  v = static_cast<long>(PyUnstable_Long_CompactValue(l));
#else
  const Py_ssize_t digits = Py_SIZE(item);
  if (digits < -1 || digits > 1) return false;
  v = static_cast<long>(digits) * static_cast<long>(l->ob_digit[0]);
#endif
  return true;
}

void from_sequence(py::handle seq, const char* name, Int32Arg& arg) {
  const auto fast = py::reinterpret_steal<py::object>(PySequence_Fast(seq.ptr(), ""));
  if (!fast) {
    PyErr_Clear();
    raise_as(PyExc_TypeError, std::string(name) + ": expected a sequence of integers, got " + Py_TYPE(seq.ptr())->tp_name);
  }
  const auto n = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(fast.ptr()));
  PyObject** items = PySequence_Fast_ITEMS(fast.ptr());
  arg.owned.resize(n);
  constexpr std::size_t kAhead = 16;  // the int objects are scattered: fetch their headers early
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) __builtin_prefetch(items[i + kAhead]);
    PyObject* item = items[i];
    long x = 0;
    if (PyLong_CheckExact(item) && compact_int(item, x))
      arg.owned[i] = static_cast<std::int32_t>(x);  // the common case, no call
    else
      arg.owned[i] = to_int32(item, name, i);
  }
  arg.values = arg.owned;
}

// A list/tuple of ints, a NumPy integer array (any shape, read in C order), or any
// other sequence of ints (NumPy converts it first when it can).
Int32Arg int32_arg(py::handle obj, const char* name) {
  Int32Arg arg;
  if (PyUnicode_Check(obj.ptr()) || PyBytes_Check(obj.ptr()) || PyByteArray_Check(obj.ptr()))
    raise_as(PyExc_TypeError, std::string(name) + ": expected a sequence of integers, got " + Py_TYPE(obj.ptr())->tp_name);
  if (PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr())) {
    from_sequence(obj, name, arg);
  } else if (py::isinstance<py::array>(obj)) {
    from_array(py::reinterpret_borrow<py::array>(obj), name, arg);
  } else {
    from_sequence(obj, name, arg);
  }
  return arg;
}

void check_same_length(const Int32Arg& a, const char* a_name, const Int32Arg& b, const char* b_name) {
  if (a.values.size() != b.values.size())
    throw py::value_error(std::string("entcode: ") + a_name + " has " + std::to_string(a.values.size()) +
                          " values but " + b_name + " has " + std::to_string(b.values.size()));
}

// --- byte streams ------------------------------------------------------------------

// bytes/bytearray/memoryview (a buffer export pins it: no resize while we read) or str (UTF-8).
struct StreamArg {
  std::optional<py::buffer_info> buffer;
  py::object keep;
  std::span<const std::byte> bytes;
};

StreamArg stream_arg(py::handle obj, const char* name) {
  StreamArg s;
  if (PyUnicode_Check(obj.ptr())) {
    Py_ssize_t n = 0;
    const char* d = PyUnicode_AsUTF8AndSize(obj.ptr(), &n);
    if (d == nullptr) throw py::error_already_set();
    s.keep = py::reinterpret_borrow<py::object>(obj);
    s.bytes = {reinterpret_cast<const std::byte*>(d), static_cast<std::size_t>(n)};
    return s;
  }
  if (!PyObject_CheckBuffer(obj.ptr()))
    raise_as(PyExc_TypeError, std::string(name) + ": expected bytes, bytearray, memoryview or str, got " +
                                  Py_TYPE(obj.ptr())->tp_name);
  s.buffer = py::reinterpret_borrow<py::buffer>(obj).request();
  if (s.buffer->itemsize != 1 || (s.buffer->ndim > 1))
    raise_as(PyExc_TypeError, std::string(name) + ": expected a contiguous byte buffer");
  s.bytes = {static_cast<const std::byte*>(s.buffer->ptr), static_cast<std::size_t>(s.buffer->size)};
  return s;
}

// --- tables --------------------------------------------------------------------------

// CdfTables with the arguments they were built from (to recognise them on the next call).
struct TableEntry {
  std::vector<std::int32_t> flat, lengths, offsets;
  std::vector<std::size_t> widths;  // of each row given as a list (empty for a 2-D array)
  std::size_t stride = 0;
  std::optional<CdfTables> tables;
  // A 2-D array's values are viewed (not copied) until the entry is cached: a call
  // with the cached tables compares them in place (the GIL held, so they cannot change).
  Int32Arg array;
  [[nodiscard]] std::span<const std::int32_t> cdf_values() const noexcept {
    return array.values.empty() ? std::span<const std::int32_t>(flat) : array.values;
  }
  void own_values() {
    if (array.values.empty()) return;
    flat.assign(array.values.begin(), array.values.end());
    array = Int32Arg{};
  }
};
using SharedTables = std::shared_ptr<const TableEntry>;

// The cdf rows, strictly converted, checked with their lengths (errors name the row).
TableEntry table_args(py::handle cdfs, py::handle lengths_obj, py::handle offsets_obj, const char* lengths_name) {
  TableEntry e;
  const Int32Arg lengths = int32_arg(lengths_obj, lengths_name);
  const Int32Arg offsets = int32_arg(offsets_obj, "offsets");
  check_same_length(lengths, lengths_name, offsets, "offsets");
  std::vector<Int32Arg> rows;
  if (py::isinstance<py::array>(cdfs) && py::reinterpret_borrow<py::array>(cdfs).ndim() == 2) {
    const auto a = py::reinterpret_borrow<py::array>(cdfs);
    e.array = int32_arg(a, "cdfs");
    e.stride = static_cast<std::size_t>(a.shape(1));
  } else {
    if (PyUnicode_Check(cdfs.ptr()) || !PySequence_Check(cdfs.ptr()))
      raise_as(PyExc_TypeError, std::string("cdfs: expected a list of lists of integers or a 2-D array, got ") +
                                    Py_TYPE(cdfs.ptr())->tp_name);
    const auto seq = py::reinterpret_borrow<py::sequence>(cdfs);
    for (std::size_t t = 0; t < seq.size(); ++t) {
      const std::string name = at("cdfs", t);
      rows.push_back(int32_arg(seq[t], name.c_str()));
      e.stride = std::max(e.stride, rows.back().values.size());
    }
    e.flat.assign(rows.size() * e.stride, 0);
    for (std::size_t t = 0; t < rows.size(); ++t)
      std::ranges::copy(rows[t].values, e.flat.begin() + static_cast<std::ptrdiff_t>(t * e.stride));
  }
  const std::size_t T = e.stride == 0 ? 0 : e.cdf_values().size() / e.stride;
  if (T != lengths.values.size())
    throw py::value_error("entcode: cdfs has " + std::to_string(T) + " rows but " + lengths_name + " has " +
                          std::to_string(lengths.values.size()) + " values");
  for (const Int32Arg& r : rows) e.widths.push_back(r.values.size());
  e.lengths.assign(lengths.values.begin(), lengths.values.end());
  e.offsets.assign(offsets.values.begin(), offsets.values.end());
  return e;
}

// Every row checked against its length; errors name the row (only for tables not cached yet).
void check_rows(const TableEntry& e, const char* lengths_name) {
  for (std::size_t t = 0; t < e.lengths.size(); ++t) {
    const std::int32_t n = e.lengths[t];
    const std::size_t width = e.widths.empty() ? e.stride : e.widths[t];
    const std::int32_t* row = e.cdf_values().data() + t * e.stride;
    std::string bad;
    if (n < 2 || static_cast<std::size_t>(n) > width || static_cast<std::size_t>(n) > kMaxCdfLength)
      bad = std::string(lengths_name) + " is " + std::to_string(n) + " (row has " + std::to_string(width) + " values)";
    else if (row[0] != 0) bad = "does not start with 0";
    else if (row[n - 1] != 1 << kPrecision) bad = "does not end with 65536 at position " + std::to_string(n - 1);
    else
      for (std::int32_t j = 1; j < n && bad.empty(); ++j)
        if (row[j] <= row[j - 1]) bad = "not strictly increasing at position " + std::to_string(j);
    if (!bad.empty()) throw py::value_error("entcode: " + at("cdfs", t) + ": " + bad);
  }
}

// An object's most recent tables. get() returns shared immutable tables: equal
// arguments reuse them, others build new ones (the old ones live on while any call uses them).
class TableCache {
 public:
  SharedTables get(py::handle cdfs, py::handle lengths, py::handle offsets, const char* lengths_name) {
    TableEntry args = table_args(cdfs, lengths, offsets, lengths_name);
    {
      const std::lock_guard lock(mutex_);
      if (last_ && last_->stride == args.stride && std::ranges::equal(last_->flat, args.cdf_values()) &&
          last_->lengths == args.lengths &&
          last_->offsets == args.offsets)
        return last_;
    }
    check_rows(args, lengths_name);
    args.own_values();
    auto t = CdfTables::create(args.flat, args.stride, args.lengths, args.offsets);
    if (!t) throw py::value_error(std::string("entcode: invalid tables (") + to_string(t.error()) + ")");
    args.tables = std::move(*t);
    auto fresh = std::make_shared<const TableEntry>(std::move(args));
    const std::lock_guard lock(mutex_);
    last_ = fresh;
    return fresh;
  }

 private:
  std::mutex mutex_;
  SharedTables last_;
};

// Raises for the first index outside t, if any.
void name_bad_index(const CdfTables& t, std::span<const std::int32_t> idx) {
  for (std::size_t i = 0; i < idx.size(); ++i)
    if (idx[i] < 0 || static_cast<std::size_t>(idx[i]) >= t.size())
      throw py::value_error("entcode: " + at("indexes", i) + " = " + std::to_string(idx[i]) + " is not in 0.." +
                            std::to_string(t.size() - 1));
}

// A coder failed: a bad index is named first (the coders check the indexes themselves,
// some while decoding, after the stream's header), so the bindings search only on failure.
[[noreturn]] void raise_coding(errc e, std::span<const compressai::Segment> segments) {
  for (const compressai::Segment& s : segments) name_bad_index(*s.tables, s.indexes);
  raise(e);
}

[[noreturn]] void raise_coding(errc e, const CdfTables& t, std::span<const std::int32_t> idx) {
  const compressai::Segment seg{&t, {}, idx};
  raise_coding(e, std::span(&seg, 1));
}

// One branch-free (vectorised) max pass; the slow search for the bad position only on failure.
void check_indexes(const CdfTables& t, std::span<const std::int32_t> idx) {
  std::uint32_t top = 0;
  for (const std::int32_t i : idx) top = std::max(top, static_cast<std::uint32_t>(i));
  if (!idx.empty() && top >= t.size()) raise_coding(errc::invalid_argument, t, idx);
}

py::bytes to_bytes(std::span<const std::byte> b) {
  return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}

// Decoder output: written in place (the GIL released), then returned as an int32
// NumPy array for NumPy indexes, as a list otherwise (CompressAI returns a list).
class Decoded {
 public:
  Decoded(std::size_t n, bool numpy) : numpy_(numpy) {
    if (numpy) array_ = py::array_t<std::int32_t>(static_cast<py::ssize_t>(n));
    else values_.resize(n);
    span_ = numpy ? std::span(array_.mutable_data(), n) : std::span(values_);
  }
  [[nodiscard]] std::span<std::int32_t> span() const noexcept { return span_; }
  py::object result() const {
    if (numpy_) return array_;
    auto list = py::reinterpret_steal<py::list>(PyList_New(static_cast<py::ssize_t>(values_.size())));
    if (!list) throw py::error_already_set();
    for (std::size_t i = 0; i < values_.size(); ++i) {
      PyObject* v = PyLong_FromLong(values_[i]);
      if (v == nullptr) throw py::error_already_set();
      PyList_SET_ITEM(list.ptr(), static_cast<py::ssize_t>(i), v);
    }
    return list;
  }

 private:
  bool numpy_;
  py::array_t<std::int32_t> array_;
  std::vector<std::int32_t> values_;
  std::span<std::int32_t> span_;
};

// Runs decode(span) -> errc with the GIL released into a fresh Decoded for indexes
// idx of tables t; raises on errors.
template <class Fn>
py::object decode_into(const CdfTables& t, const Int32Arg& idx, bool numpy, Fn&& decode) {
  const Decoded out(idx.values.size(), numpy);
  errc e;
  {
    py::gil_scoped_release release;
    e = decode(out.span());
  }
  if (e != errc::ok) raise_coding(e, t, idx.values);
  return out.result();
}

// --- entcode.compressai -----------------------------------------------------------------

// The calling thread's encode scratch, at least `bound` bytes, never zero-filled.
// Reused across calls so its pages stay mapped (a fresh 44-byte-per-symbol
// allocation page-faults the stream's pages in every call); per thread, so calls
// on other threads never share it.
std::span<std::byte> thread_scratch(std::size_t bound) {
  thread_local std::unique_ptr<std::byte[]> buffer;
  thread_local std::size_t size = 0;
  if (size < bound) {
    buffer.reset();
    buffer.reset(new std::byte[bound]);
    size = bound;
  }
  return {buffer.get(), bound};
}

py::bytes compressai_encode(std::span<const compressai::Segment> segments, std::size_t n) {
  const std::span<std::byte> scratch = thread_scratch(compressai::encode_bound(n));
  Result<std::size_t> r = errc::ok;
  {
    py::gil_scoped_release release;
    r = compressai::encode_segments(segments, scratch);
  }
  if (!r) raise_coding(r.error(), segments);
  return to_bytes(scratch.first(*r));
}

struct CaiEncoder {
  TableCache cache;
  py::bytes encode_with_indexes(py::handle symbols, py::handle indexes, py::handle cdfs, py::handle sizes,
                                py::handle offsets) {
    const Int32Arg sym = int32_arg(symbols, "symbols");
    const Int32Arg idx = int32_arg(indexes, "indexes");
    check_same_length(sym, "symbols", idx, "indexes");
    const SharedTables t = cache.get(cdfs, sizes, offsets, "cdfs_sizes");
    const compressai::Segment seg{&*t->tables, sym.values, idx.values};
    return compressai_encode(std::span(&seg, 1), sym.values.size());
  }
};

struct PendingSegment {
  SharedTables tables;
  std::vector<std::int32_t> symbols, indexes;
};

struct CaiBufferedEncoder {
  TableCache cache;
  std::mutex mutex;
  std::vector<PendingSegment> pending;

  void encode_with_indexes(py::handle symbols, py::handle indexes, py::handle cdfs, py::handle sizes,
                           py::handle offsets) {
    const Int32Arg sym = int32_arg(symbols, "symbols");
    const Int32Arg idx = int32_arg(indexes, "indexes");
    check_same_length(sym, "symbols", idx, "indexes");
    SharedTables t = cache.get(cdfs, sizes, offsets, "cdfs_sizes");
    check_indexes(*t->tables, idx.values);
    PendingSegment seg{std::move(t), {sym.values.begin(), sym.values.end()}, {idx.values.begin(), idx.values.end()}};
    py::gil_scoped_release release;
    const std::lock_guard lock(mutex);
    pending.push_back(std::move(seg));
  }

  py::bytes flush() {
    std::vector<PendingSegment> mine;
    {
      py::gil_scoped_release release;
      const std::lock_guard lock(mutex);
      mine.swap(pending);
    }
    std::vector<compressai::Segment> segs;
    std::size_t n = 0;
    for (const PendingSegment& p : mine) {
      segs.push_back({&*p.tables->tables, p.symbols, p.indexes});
      n += p.symbols.size();
    }
    return compressai_encode(segs, n);
  }
};

struct CaiDecoder {
  TableCache cache;
  std::mutex mutex;
  std::vector<std::byte> stream;  // set_stream's copy
  std::atomic<bool> started{false};
  compressai::StreamDecoder state;

  py::object decode_with_indexes(py::handle encoded, py::handle indexes, py::handle cdfs, py::handle sizes,
                                 py::handle offsets) {
    const StreamArg src = stream_arg(encoded, "encoded");
    const Int32Arg idx = int32_arg(indexes, "indexes");
    const SharedTables t = cache.get(cdfs, sizes, offsets, "cdfs_sizes");
    return decode_into(*t->tables, idx, idx.numpy, [&](std::span<std::int32_t> out) {
      return compressai::decode_with_indexes(*t->tables, src.bytes, idx.values, out);
    });
  }

  void set_stream(py::handle encoded) {
    const StreamArg src = stream_arg(encoded, "encoded");
    std::vector<std::byte> copy(src.bytes.begin(), src.bytes.end());
    errc e;
    {
      py::gil_scoped_release release;
      const std::lock_guard lock(mutex);
      stream = std::move(copy);
      e = state.start(stream);
      started = true;
    }
    if (e != errc::ok) raise(e);
  }

  py::object decode_stream(py::handle indexes, py::handle cdfs, py::handle sizes, py::handle offsets) {
    const Int32Arg idx = int32_arg(indexes, "indexes");
    const SharedTables t = cache.get(cdfs, sizes, offsets, "cdfs_sizes");
    std::unique_lock lock(mutex, std::defer_lock);
    if (!started) throw py::value_error("entcode: decode_stream before set_stream");
    return decode_into(*t->tables, idx, idx.numpy, [&](std::span<std::int32_t> out) {
      lock.lock();  // with the GIL released
      return state.decode(*t->tables, idx.values, out);
    });
  }
};

// --- entcode (ECGL format) ---------------------------------------------------------------

py::bytes ecgl_encode(const CdfTables& t, const Int32Arg& sym, const Int32Arg& idx, const CodecOptions& o) {
  check_same_length(sym, "symbols", idx, "indexes");
  const std::size_t bound = encode_bound(sym.values.size(), o);
  const std::unique_ptr<std::byte[]> scratch(new std::byte[bound]);
  Result<std::size_t> r = errc::ok;
  {
    py::gil_scoped_release release;
    r = encode(t, sym.values, idx.values, std::span(scratch.get(), bound), o);
  }
  if (!r) raise_coding(r.error(), t, idx.values);
  return to_bytes(std::span(scratch.get(), *r));
}

py::object ecgl_decode(const CdfTables& t, py::handle encoded, const Int32Arg& idx, unsigned threads) {
  const StreamArg src = stream_arg(encoded, "encoded");
  return decode_into(t, idx, true,
                     [&](std::span<std::int32_t> out) { return decode(t, src.bytes, idx.values, out, threads); });
}

py::object compressai_decode(const CdfTables& t, py::handle encoded, const Int32Arg& idx) {
  const StreamArg src = stream_arg(encoded, "encoded");
  return decode_into(t, idx, true, [&](std::span<std::int32_t> out) {
    return compressai::decode_with_indexes(t, src.bytes, idx.values, out);
  });
}

CodecOptions codec_options(unsigned substreams, unsigned threads) {
  if (substreams < 1 || substreams > kMaxSubstreams)
    throw py::value_error("entcode: substreams must be in 1.." + std::to_string(kMaxSubstreams));
  return {substreams, threads, 0};
}

struct EcglEncoder {
  explicit EcglEncoder(const CodecOptions& o) : options(o) {}
  CodecOptions options;
  TableCache cache;
};

struct EcglDecoder {
  explicit EcglDecoder(unsigned t) : threads(t) {}
  unsigned threads;
  TableCache cache;
};

bool compressai_mode(const std::string& mode) {
  if (mode == "compressai") return true;
  if (mode == "ecgl") return false;
  throw py::value_error("entcode: mode must be 'ecgl' or 'compressai'");
}

ParamSet parse_set(const std::string& name) {
  if (name == "compressai") return ParamSet::compressai;
  if (name == "compressai_f32") return ParamSet::compressai_f32;
  if (name == "dcvc") return ParamSet::dcvc;
  throw py::value_error("entcode: param_set must be 'compressai', 'compressai_f32' or 'dcvc'");
}

struct PyGaussianConditional {
  GaussianConditional gc;
};

template <class T>
std::span<const T> view(const py::array_t<T, py::array::c_style | py::array::forcecast>& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

std::span<const float> optional_means(const std::optional<F32Array>& means) {
  return means ? view(*means) : std::span<const float>{};
}

template <class T>
py::array_t<T> shaped_like(const py::array& like) {
  return py::array_t<T>(std::vector<py::ssize_t>(like.shape(), like.shape() + like.ndim()));
}

template <class T>
std::span<T> span_of(py::array_t<T>& a) {
  return {a.mutable_data(), static_cast<std::size_t>(a.size())};
}

void def_compressai(py::module_& m) {
  m.doc() = "Drop-in for compressai.ans (CompressAI's rANS backend): the same classes, methods, argument "
            "order and bytes. Faster, thread-safe, strict about its arguments.";
  constexpr const char* kEncodeDoc =
      "encode_with_indexes(symbols, indexes, cdfs, cdfs_sizes, offsets) -> bytes\n\n"
      "Symbol i is coded with table indexes[i]: cdfs[t][:cdfs_sizes[t]] is its 16-bit CDF, offsets[t] the value "
      "of bin 0; values outside a table go through its escape bin. Lists or NumPy integer arrays.";
  py::class_<CaiEncoder>(m, "RansEncoder", "CompressAI's RansEncoder: one call, one stream.")
      .def(py::init<>())
      .def("encode_with_indexes", &CaiEncoder::encode_with_indexes, kEncodeDoc, py::arg("symbols"),
           py::arg("indexes"), py::arg("cdfs"), py::arg("cdfs_sizes"), py::arg("offsets"));
  py::class_<CaiBufferedEncoder>(m, "BufferedRansEncoder",
                                 "CompressAI's BufferedRansEncoder: encode_with_indexes any number of times (each "
                                 "with its own tables), then flush() returns one stream of them all, in order.")
      .def(py::init<>())
      .def("encode_with_indexes", &CaiBufferedEncoder::encode_with_indexes,
           "encode_with_indexes(symbols, indexes, cdfs, cdfs_sizes, offsets) -> None (buffered until flush())",
           py::arg("symbols"), py::arg("indexes"), py::arg("cdfs"), py::arg("cdfs_sizes"), py::arg("offsets"))
      .def("flush", &CaiBufferedEncoder::flush, "flush() -> bytes: the stream of everything buffered; empties the buffer.");
  py::class_<CaiDecoder>(m, "RansDecoder", "CompressAI's RansDecoder.")
      .def(py::init<>())
      .def("decode_with_indexes", &CaiDecoder::decode_with_indexes,
           "decode_with_indexes(encoded, indexes, cdfs, cdfs_sizes, offsets) -> list[int] (int32 array for NumPy "
           "indexes). Raises ValueError for a truncated or corrupt stream.",
           py::arg("encoded"), py::arg("indexes"), py::arg("cdfs"), py::arg("cdfs_sizes"), py::arg("offsets"))
      .def("set_stream", &CaiDecoder::set_stream,
           "set_stream(encoded) -> None: start incremental decoding of a (copied) stream.", py::arg("encoded"))
      .def("decode_stream", &CaiDecoder::decode_stream,
           "decode_stream(indexes, cdfs, cdfs_sizes, offsets) -> list[int]: the next len(indexes) symbols of the "
           "stream given to set_stream (each call may use other tables).",
           py::arg("indexes"), py::arg("cdfs"), py::arg("cdfs_sizes"), py::arg("offsets"));
}

void def_ecgl(py::module_& m) {
  py::class_<EcglEncoder>(m, "RansEncoder",
                          "ECGL-format encoder (doc/format.md): 32-lane rANS, `substreams` independent sub-streams "
                          "coded on up to `threads` threads (0: all cores). For CompressAI's format use "
                          "entcode.compressai.RansEncoder.")
      .def(py::init([](unsigned substreams, unsigned threads) {
             return std::make_unique<EcglEncoder>(codec_options(substreams, threads));
           }),
           py::arg("substreams") = 1, py::arg("threads") = 0)
      .def(
          "encode_with_indexes",
          [](EcglEncoder& self, py::handle symbols, py::handle indexes, py::handle cdfs, py::handle lengths,
             py::handle offsets) {
            const Int32Arg sym = int32_arg(symbols, "symbols");
            const Int32Arg idx = int32_arg(indexes, "indexes");
            const SharedTables t = self.cache.get(cdfs, lengths, offsets, "cdf_lengths");
            return ecgl_encode(*t->tables, sym, idx, self.options);
          },
          "encode_with_indexes(symbols, indexes, cdfs, cdf_lengths, offsets) -> bytes (ECGL stream; index -1 skips "
          "a symbol)",
          py::arg("symbols"), py::arg("indexes"), py::arg("cdfs"), py::arg("cdf_lengths"), py::arg("offsets"));
  py::class_<EcglDecoder>(m, "RansDecoder", "ECGL-format decoder (sub-streams on up to `threads` threads).")
      .def(py::init([](unsigned threads) { return std::make_unique<EcglDecoder>(threads); }),
           py::arg("threads") = 0)
      .def(
          "decode_with_indexes",
          [](EcglDecoder& self, py::handle encoded, py::handle indexes, py::handle cdfs, py::handle lengths,
             py::handle offsets) {
            const Int32Arg idx = int32_arg(indexes, "indexes");
            const SharedTables t = self.cache.get(cdfs, lengths, offsets, "cdf_lengths");
            return ecgl_decode(*t->tables, encoded, idx, self.threads);
          },
          "decode_with_indexes(encoded, indexes, cdfs, cdf_lengths, offsets) -> int32 array",
          py::arg("encoded"), py::arg("indexes"), py::arg("cdfs"), py::arg("cdf_lengths"), py::arg("offsets"));
}

void def_gaussian(py::module_& m) {
  py::class_<PyGaussianConditional>(m, "GaussianConditional",
                                    "A built-in parameter set ('compressai', 'compressai_f32', 'dcvc'): its tables "
                                    "(immutable, shared), scale -> index, quantisation, and bulk coding (NumPy in, "
                                    "NumPy out) in the ECGL or CompressAI format.")
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
             auto out = shaped_like<std::int32_t>(scales);
             if (g.gc.build_indexes(view(scales), span_of(out)) != errc::ok) raise(errc::invalid_argument);
             return out;
           },
           py::arg("scales"))
      .def("quantize",
           [](const PyGaussianConditional& g, const F32Array& y, const std::optional<F32Array>& means) {
             auto out = shaped_like<std::int32_t>(y);
             const errc e = g.gc.quantize(view(y), optional_means(means), span_of(out));
             if (e != errc::ok) raise(e);
             return out;
           },
           py::arg("y"), py::arg("means") = py::none())
      .def("dequantize",
           [](const PyGaussianConditional&, const py::array& symbols, const std::optional<F32Array>& means) {
             const Int32Arg sym = int32_arg(symbols, "symbols");
             auto out = shaped_like<float>(symbols);
             const errc e = GaussianConditional::dequantize(sym.values, optional_means(means), span_of(out));
             if (e != errc::ok) raise(e);
             return out;
           },
           py::arg("symbols"), py::arg("means") = py::none())
      .def("encode",
           [](const PyGaussianConditional& g, py::handle symbols, py::handle indexes, unsigned substreams,
              unsigned threads, const std::string& mode) {
             const Int32Arg sym = int32_arg(symbols, "symbols");
             const Int32Arg idx = int32_arg(indexes, "indexes");
             if (!compressai_mode(mode)) return ecgl_encode(g.gc.tables(), sym, idx, codec_options(substreams, threads));
             check_same_length(sym, "symbols", idx, "indexes");
             const compressai::Segment seg{&g.gc.tables(), sym.values, idx.values};
             return compressai_encode(std::span(&seg, 1), sym.values.size());
           },
           "encode(symbols, indexes, substreams=1, threads=0, mode='ecgl') -> bytes", py::arg("symbols"),
           py::arg("indexes"), py::arg("substreams") = 1, py::arg("threads") = 0, py::arg("mode") = "ecgl")
      .def("decode",
           [](const PyGaussianConditional& g, py::handle encoded, py::handle indexes, unsigned threads,
              const std::string& mode) {
             const Int32Arg idx = int32_arg(indexes, "indexes");
             return compressai_mode(mode) ? compressai_decode(g.gc.tables(), encoded, idx)
                                          : ecgl_decode(g.gc.tables(), encoded, idx, threads);
           },
           "decode(encoded, indexes, threads=0, mode='ecgl') -> int32 array (flat)", py::arg("encoded"),
           py::arg("indexes"), py::arg("threads") = 0, py::arg("mode") = "ecgl");
}

}  // namespace

PYBIND11_MODULE(_entcode, m) {
  m.doc() = "entcode: Gaussian-conditional latent coding (ECGL format and CompressAI's)";
  m.attr("__version__") = version();
  def_ecgl(m);
  def_gaussian(m);
  m.def(
      "pmf_to_quantized_cdf",
      [](const std::vector<double>& pmf, int precision) {
        if (precision != 16) throw py::value_error("entcode: only precision 16 is supported");
        auto r = pmf_to_quantized_cdf(pmf);
        if (!r) raise(r.error());
        return *r;
      },
      "CompressAI's pmf_to_quantized_cdf at 16 bits (computed in double).", py::arg("pmf"), py::arg("precision") = 16);
  py::module_ cai = m.def_submodule("compressai");
  def_compressai(cai);
}
