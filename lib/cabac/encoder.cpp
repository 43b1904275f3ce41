// cabac/encoder.cpp — output buffer growth, carry and multi-symbol coding of the CABAC encoder (see cabac/encoder.hpp).
#include "entcode/cabac/encoder.hpp"

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

namespace entcode {
inline namespace v0 {
namespace cabac {

void CabacEncoder::add_carry(std::byte* first, std::byte* pos) noexcept {
  while (pos > first && pos[-1] == std::byte{0xff}) *--pos = std::byte{0};
  assert(pos > first);  // a codeword's value is < 1: no carry out of its first byte
  if (pos > first) pos[-1] = static_cast<std::byte>(std::to_integer<unsigned>(pos[-1]) + 1);
}

std::size_t CabacEncoder::grown_size(std::size_t need) noexcept {
  std::size_t cap = kInitialBytes;
  while (cap < need) cap *= 2;
  return cap;
}

std::byte* CabacEncoder::grow(std::byte* buf, std::size_t need) {
  // realloc: a large block is moved by remapping its pages (no copy, no new page
  // faults for the bytes already written); the new bytes stay uninitialised.
  std::byte* const old = buf != nullptr ? buf - kHeadroom : nullptr;
  auto* const mem = static_cast<std::byte*>(std::realloc(old, kHeadroom + grown_size(need)));
  if (mem == nullptr) throw std::bad_alloc();  // the old block is still valid
  if (old == nullptr) std::memset(mem, 0, kHeadroom);
  return mem + kHeadroom;
}

void CabacEncoder::release(std::byte* buf) noexcept {
  if (buf != nullptr) std::free(buf - kHeadroom);
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

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
