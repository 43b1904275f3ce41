// cabac/decoder.cpp — initialisation, buffer tail, termination of the CABAC decoder (see cabac/decoder.hpp).
#include "entcode/cabac/decoder.hpp"

namespace entcode {
inline namespace v0 {
namespace cabac {

CabacDecoder::CabacDecoder(std::span<const std::byte> src) noexcept
    : ptr_(src.data()), end_(src.data() + src.size()), begin_(src.data()) {
  init_codeword();
}

void CabacDecoder::init_codeword() noexcept {
  value_ = 0;
  range_ = std::uint64_t{kInitRange} << kShift;
  bits_ = -9;  // the 9 bits of ivlOffset are still to be read
  refill();
  if (error_ == errc::ok && (value_ >> kShift) >= kInitRange) fail(errc::corrupt);
}

std::size_t CabacDecoder::codeword_end() noexcept {
  const std::uint64_t c = consumed_bits();  // through the stop bit
  const auto size = static_cast<std::size_t>(end_ - begin_);
  if (c > 8 * static_cast<std::uint64_t>(size)) {
    fail(errc::truncated);
    return size;
  }
  const auto last = static_cast<std::size_t>((c - 1) / 8);
  const unsigned bit = 7 - static_cast<unsigned>((c - 1) % 8);
  const unsigned byte = std::to_integer<unsigned>(begin_[last]);
  if (((byte >> bit) & 1) == 0 || (byte & ((1u << bit) - 1)) != 0) fail(errc::corrupt);
  return last + 1;
}

int CabacDecoder::end_codeword() noexcept {
  const std::size_t next = codeword_end();
  if (error_ != errc::ok) return 0;
  ptr_ = begin_ + next;
  phantom_ = 0;
  if (ptr_ == end_) {
    ended_ = true;  // any further call needs the 9 bits of a next codeword: truncated
    value_ = 0;
    range_ = std::uint64_t{kInitRange} << kShift;
    bits_ = -9;
    return 1;
  }
  init_codeword();
  return static_cast<int>(1 & ok_mask_);
}

int CabacDecoder::decode_symbol(const SymbolModel& model) noexcept {
  std::int32_t i = model.root();
  while (i >= 0) {
    const SymbolModel::Node& node = model.node(i);
    Context ctx = node.ctx;
    i = node.child[decode_bin(ctx)];
  }
  return error_ == errc::ok ? ~i : 0;
}

errc CabacDecoder::finish() noexcept {
  if (error_ != errc::ok || ended_) return error_;
  const auto size = static_cast<std::size_t>(end_ - begin_);
  if (consumed_bits() > 8 * static_cast<std::uint64_t>(size)) {
    fail(errc::truncated);
  } else if (value_ < range_ - (std::uint64_t{2} << kShift)) {
    fail(errc::corrupt);  // the stream does not end here
  } else if (codeword_end() != size && error_ == errc::ok) {
    fail(errc::corrupt);  // trailing bytes
  }
  return error_;
}

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
