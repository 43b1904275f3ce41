// gaussian/escapes.cpp — escape nibble section (see escapes.hpp).
#include "escapes.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {

namespace {

class NibbleWriter {
 public:
  explicit NibbleWriter(std::uint8_t* dst) noexcept : dst_(dst) {}
  void put(unsigned v) noexcept {
    if (high_) dst_[size_ - 1] = static_cast<std::uint8_t>(dst_[size_ - 1] | v << 4);
    else dst_[size_++] = static_cast<std::uint8_t>(v);
    high_ = !high_;
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  std::uint8_t* dst_;
  std::size_t size_ = 0;
  bool high_ = false;
};

class NibbleReader {
 public:
  explicit NibbleReader(std::span<const std::byte> src) noexcept : src_(src) {}
  // Next nibble, or -1 when the input is exhausted.
  int get() noexcept {
    if (pos_ / 2 >= src_.size()) return -1;
    const auto b = std::to_integer<unsigned>(src_[pos_ / 2]);
    const unsigned v = (pos_ & 1) ? b >> 4 : b & 15u;
    ++pos_;
    return static_cast<int>(v);
  }
  // Every byte used, and the padding nibble (if any) zero.
  [[nodiscard]] bool at_clean_end() const noexcept {
    if ((pos_ + 1) / 2 != src_.size()) return false;
    return (pos_ & 1) == 0 || (std::to_integer<unsigned>(src_.back()) >> 4) == 0;
  }

 private:
  std::span<const std::byte> src_;
  std::size_t pos_ = 0;
};

std::int64_t range_value(const TableInfo& ti, std::int32_t sym) noexcept { return std::int64_t{sym} - ti.offset; }

}  // namespace

std::vector<std::size_t> find_escapes(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx,
                                      std::size_t n) {
  const TableInfo* info = t.info().data();
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; ++i) {
    const TableInfo& ti = info[idx[i]];
    const std::int64_t v = range_value(ti, sym[i]);
    if (v < 0 || v >= ti.max_value) out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> find_decoded_escapes(const CdfTables& t, const std::int32_t* idx, const std::int32_t* out,
                                              std::size_t n) {
  const TableInfo* info = t.info().data();
  std::vector<std::size_t> pos;
  for (std::size_t i = 0; i < n; ++i) {
    const TableInfo& ti = info[idx[i]];
    if (static_cast<std::uint32_t>(out[i]) - static_cast<std::uint32_t>(ti.offset) == ti.max_value) pos.push_back(i);
  }
  return pos;
}

std::size_t encode_escapes(const CdfTables& t, const std::int32_t* sym, const std::int32_t* idx,
                           std::span<const std::size_t> positions, std::uint8_t* dst) noexcept {
  const TableInfo* info = t.info().data();
  NibbleWriter w(dst);
  for (const std::size_t i : positions) {
    const TableInfo& ti = info[idx[i]];
    const std::int64_t v = range_value(ti, sym[i]);
    const auto raw = static_cast<std::uint64_t>(v < 0 ? -2 * v - 1 : 2 * (v - ti.max_value));
    unsigned chunks = 0;
    while ((raw >> (4 * chunks)) != 0) ++chunks;
    unsigned count = chunks;
    for (; count >= 15; count -= 15) w.put(15);
    w.put(count);
    for (unsigned j = 0; j < chunks; ++j) w.put(static_cast<unsigned>(raw >> (4 * j)) & 15u);
  }
  return w.size();
}

errc decode_escapes(const CdfTables& t, std::span<const std::byte> src, const std::int32_t* idx,
                    std::span<const std::size_t> positions, std::int32_t* out) noexcept {
  const TableInfo* info = t.info().data();
  NibbleReader r(src);
  for (const std::size_t i : positions) {
    const TableInfo& ti = info[idx[i]];
    unsigned chunks = 0;
    for (int c = 15; c == 15;) {
      c = r.get();
      if (c < 0) return errc::truncated;
      chunks += static_cast<unsigned>(c);
      if (chunks > kMaxEscapeChunks) return errc::corrupt;
    }
    std::uint64_t raw = 0;
    int last = 1;
    for (unsigned j = 0; j < chunks; ++j) {
      last = r.get();
      if (last < 0) return errc::truncated;
      raw |= std::uint64_t(static_cast<unsigned>(last)) << (4 * j);
    }
    if (last == 0) return errc::corrupt;  // non-canonical: a leading zero chunk
    const auto half = static_cast<std::int64_t>(raw >> 1);
    const std::int64_t v = (raw & 1) ? -half - 1 : half + ti.max_value;
    const std::int64_t value = v + ti.offset;
    if (value < INT32_MIN || value > INT32_MAX) return errc::corrupt;
    out[i] = static_cast<std::int32_t>(value);
  }
  return r.at_clean_end() ? errc::ok : errc::corrupt;
}

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
