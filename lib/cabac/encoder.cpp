// cabac/encoder.cpp — byte output, carry and termination of the CABAC encoder (see cabac/encoder.hpp).
#include "entcode/cabac/encoder.hpp"

#include <algorithm>
#include <cassert>

namespace entcode {
inline namespace v0 {
namespace cabac {

void CabacEncoder::add_carry() {
  std::size_t i = pos_;
  while (i > codeword_start_ && buf_[i - 1] == std::byte{0xff}) buf_[--i] = std::byte{0};
  assert(i > codeword_start_);  // a codeword's value is < 1: no carry out of its first byte
  if (i > codeword_start_) buf_[i - 1] = static_cast<std::byte>(std::to_integer<unsigned>(buf_[i - 1]) + 1);
}

void CabacEncoder::put(std::uint64_t value, int nbytes) {
  if (value >> (8 * nbytes)) add_carry();
  const auto n = static_cast<std::size_t>(nbytes);
  if (buf_.size() < pos_ + n) buf_.resize(std::max<std::size_t>({2 * buf_.size(), pos_ + n, 4096}));
  for (std::size_t i = 0; i < n; ++i) buf_[pos_ + i] = static_cast<std::byte>(value >> (8 * (n - 1 - i)));
  pos_ += n;
}

void CabacEncoder::emit_chunk() {
  const int shift = 9 + pend_ - 32;
  put(low_ >> shift, 4);
  low_ &= (std::uint64_t{1} << shift) - 1;
  pend_ -= 32;
}

void CabacEncoder::flush_codeword() {
  // EncodeFlush: range = 2 -> 7 renormalisation shifts; then the bits at
  // positions 9, 8, 7 of the register, the last one forced to 1 (stop bit).
  low_ <<= 7;
  pend_ += 7;
  std::uint64_t value = (low_ >> 7) | 1;
  int nbits = pend_ + 2;
  const int pad = (8 - nbits % 8) % 8;  // rbsp alignment zero bits
  value <<= pad;
  nbits += pad;
  put(value, nbits / 8);
  low_ = 0;
  range_ = kInitRange;
  pend_ = 0;
  codeword_start_ = pos_;
  flushed_ = true;
}

void CabacEncoder::encode_symbol(const SymbolModel& model, int s) {
  if (s < 0 || static_cast<std::size_t>(s) >= model.size()) {
    error_ = errc::invalid_argument;
    return;
  }
  const auto sym = static_cast<std::uint32_t>(s);
  for (std::int32_t i = model.root(); i >= 0;) {
    const SymbolModel::Node& node = model.node(i);
    const int bin = sym >= node.split;
    Context ctx = node.ctx;
    encode_bin(ctx, bin);
    i = node.child[bin];
  }
}

Result<std::vector<std::byte>> CabacEncoder::finish() {
  const bool fresh = low_ == 0 && range_ == kInitRange && pend_ == 0 && pos_ == codeword_start_;
  if (!(flushed_ && fresh)) encode_terminate(1);
  const errc error = error_;
  buf_.resize(pos_);
  std::vector<std::byte> out = std::move(buf_);
  *this = CabacEncoder{};
  if (error != errc::ok) return error;
  return out;
}

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
