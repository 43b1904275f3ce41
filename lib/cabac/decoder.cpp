// cabac/decoder.cpp — multi-symbol decoding of the CABAC decoder (the engine is inline in cabac/decoder.hpp).
#include "entcode/cabac/decoder.hpp"

namespace entcode {
inline namespace v0 {
namespace cabac {

int CabacDecoder::decode_symbol(const SymbolModel& model) noexcept {
  std::int32_t i = model.root();
  while (i >= 0) {
    const SymbolModel::Node& node = model.node(i);
    Context ctx = node.ctx;
    i = node.child[decode_bin(ctx)];
  }
  return error_ == errc::ok ? ~i : 0;
}

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
