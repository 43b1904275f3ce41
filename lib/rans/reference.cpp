// rans/reference.cpp — order-0 byte coding by the interleaved reference (see
// entcode/rans/reference.hpp, reference_coder.hpp).
#include "entcode/rans/reference.hpp"

#include "reference_coder.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {
namespace reference {

Result<std::size_t> encode_bytes(std::span<const std::uint8_t> data, const SymbolModel& model, unsigned lanes,
                                 std::span<std::byte> dst) {
  if (model.size() > 256) return errc::invalid_argument;
  for (const std::uint8_t b : data)
    if (b >= model.size() || model.freq(b) == 0) return errc::invalid_argument;
  return interleaved_encode(
      data.size(), lanes, [&](std::size_t i) -> const EncSymbol& { return model.enc(data[i]); }, dst);
}

errc decode_bytes(std::span<const std::byte> src, const SymbolModel& model, unsigned lanes,
                  std::span<std::uint8_t> out) {
  if (model.size() > 256) return errc::invalid_argument;
  const unsigned p = model.precision();
  const std::uint32_t mask = (1u << p) - 1;
  return interleaved_decode(src, out.size(), lanes, [&](std::size_t i, std::uint32_t x) {
    const std::uint32_t s = model.symbol_at(x & mask);
    out[i] = static_cast<std::uint8_t>(s);
    return step::decode_advance(x, model.start(s), model.freq(s), p);
  });
}

}  // namespace reference
}  // namespace rans
}  // namespace v0
}  // namespace entcode
