// fuzz_cabac_roundtrip.cpp — CABAC encoder/decoder round trip driven by the input.
// Byte 0: number of contexts (1..16); bytes 1..contexts: their initValues; next
// byte: SliceQpY. Then each input byte is one operation: the low 2 bits pick
// context bin / bypass group / terminate / symbol, the other bits its value.
// The stream is decoded and compared; every prefix of it must fail to decode.
#include <vector>

#include "entcode/cabac/decoder.hpp"
#include "entcode/cabac/encoder.hpp"
#include "fuzz_util.hpp"

using namespace entcode;

namespace {

struct Op {
  unsigned kind, arg;
  std::uint32_t value;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Params p(data, size);
  const unsigned contexts = 1 + p.byte() % 16;
  std::vector<ContextInit> inits;
  for (unsigned c = 0; c < contexts; ++c) inits.push_back({p.byte(), 0});
  const int qp = p.byte() % 52;
  for (auto& i : inits) i.slice_qp = qp;
  static const auto model = cabac::SymbolModel::from_cdf(std::vector<std::uint32_t>{0, 3, 30000, 30001, 65000, 65536}, 16);
  if (!model) fuzz::fail("model");

  std::vector<Op> ops;
  for (std::uint8_t b : p.rest()) {
    const unsigned kind = b & 3, hi = b >> 2;
    switch (kind) {
      case 0: ops.push_back({0, hi % contexts, hi >> 5}); break;
      case 1: ops.push_back({1, hi % 33, hi * 0x9e3779b9u}); break;
      case 2: ops.push_back({2, 0, hi == 0}); break;
      default: ops.push_back({3, 0, hi % 5}); break;
    }
    if (ops.back().kind == 1 && ops.back().arg < 32) ops.back().value &= (1u << ops.back().arg) - 1;
  }

  std::vector<cabac::Context> ectx, dctx;
  for (auto i : inits) ectx.emplace_back(i);
  dctx = ectx;
  cabac::CabacEncoder enc;
  for (const Op& op : ops) {
    switch (op.kind) {
      case 0: enc.encode_bin(ectx[op.arg], static_cast<int>(op.value)); break;
      case 1: enc.encode_bypass(op.value, static_cast<int>(op.arg)); break;
      case 2: enc.encode_terminate(static_cast<int>(op.value)); break;
      default: enc.encode_symbol(*model, static_cast<int>(op.value)); break;
    }
  }
  const auto stream = enc.finish();
  if (!stream) fuzz::fail("encode");

  cabac::CabacDecoder dec(*stream);
  for (const Op& op : ops) {
    std::uint32_t v = 0;
    switch (op.kind) {
      case 0: v = static_cast<std::uint32_t>(dec.decode_bin(dctx[op.arg])); break;
      case 1: v = dec.decode_bypass(static_cast<int>(op.arg)); break;
      case 2: v = static_cast<std::uint32_t>(dec.decode_terminate()); break;
      default: v = static_cast<std::uint32_t>(dec.decode_symbol(*model)); break;
    }
    if (v != op.value) fuzz::fail("mismatch");
  }
  if (dec.finish() != errc::ok) fuzz::fail("finish");
  if (ectx != dctx) fuzz::fail("context states differ");

  const std::size_t cut = stream->size() - 1 - (ops.size() * 7919 % stream->size());  // one prefix per input
  const std::span<const std::byte> whole(*stream);
  cabac::CabacDecoder part(whole.first(cut));
  std::vector<cabac::Context> pctx;
  for (auto i : inits) pctx.emplace_back(i);
  for (const Op& op : ops) {
    switch (op.kind) {
      case 0: part.decode_bin(pctx[op.arg]); break;
      case 1: part.decode_bypass(static_cast<int>(op.arg)); break;
      case 2: part.decode_terminate(); break;
      default: part.decode_symbol(*model); break;
    }
  }
  if (part.finish() == errc::ok) fuzz::fail("a strict prefix decoded cleanly");
  return 0;
}
