// fuzz_gaussian_roundtrip.cpp — encode/decode round trips of the Gaussian coder.
// Byte 0: parameter set (% 3); byte 1: K (1..8); byte 2: lanes (% 33, 0 = auto);
// byte 3: threads (% 3; on a 1-in-32 sample of the inputs, else 1: starting
// threads costs more than coding a few hundred symbols). Then 3 bytes per symbol: index byte (% tables, 255 =
// kSkipIndex), value byte (signed), shift byte (value << (shift % 24) when
// shift >= 200: large escapes). Both the ECGL and the CompressAI stream modes
// must round-trip exactly; a mismatch or an error aborts. On a 1-in-4 sample the
// kernels of a lower ISA code (fuzz::sampled_isa).
#include <vector>

#include "entcode/gaussian/compressai_stream.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"
#include "fuzz_util.hpp"

using namespace entcode;
using namespace entcode::gaussian;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::use_isa(fuzz::sampled_isa(fuzz::capped(data, size)));
  fuzz::Params p(data, size);
  const auto set = static_cast<ParamSet>(p.byte() % 3);
  const unsigned K = 1 + p.byte() % 8;
  const unsigned lanes = p.byte() % 33;
  const unsigned threads_byte = p.byte();
  const unsigned threads = fuzz::sampled(p.rest(), 32) ? threads_byte % 3 : 1;
  const auto& gc = GaussianConditional::builtin(set);
  const auto body = p.rest();
  std::vector<std::int32_t> sym, idx;
  for (std::size_t i = 0; i + 3 <= body.size(); i += 3) {
    const bool skip = body[i] == 255;
    idx.push_back(skip ? kSkipIndex : static_cast<std::int32_t>(body[i] % gc.tables().size()));
    const auto v = static_cast<std::int32_t>(static_cast<std::int8_t>(body[i + 1]));
    sym.push_back(body[i + 2] >= 200 ? v * (1 << (body[i + 2] % 24)) : v);
  }
  const CodecOptions o{K, threads, lanes};
  auto enc = encode(gc.tables(), sym, idx, o);
  if (!enc) fuzz::fail("ECGL encode failed");
  if (enc->size() > encode_bound(sym.size(), o)) fuzz::fail("ECGL bound exceeded");
  auto dec = decode(gc.tables(), *enc, idx, threads);
  if (!dec) fuzz::fail("ECGL decode failed");
  for (std::size_t i = 0; i < sym.size(); ++i)
    if ((*dec)[i] != (idx[i] == kSkipIndex ? 0 : sym[i])) fuzz::fail("ECGL mismatch");
  for (auto& i : idx)
    if (i == kSkipIndex) i = 0;
  auto cenc = compressai::encode_with_indexes(gc.tables(), sym, idx);
  if (!cenc) fuzz::fail("CompressAI-mode encode failed");
  auto cdec = compressai::decode_with_indexes(gc.tables(), *cenc, idx);
  if (!cdec || *cdec != sym) fuzz::fail("CompressAI-mode mismatch");
  return 0;
}
