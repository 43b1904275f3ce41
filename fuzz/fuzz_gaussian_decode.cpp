// fuzz_gaussian_decode.cpp — hostile streams for the Gaussian decoders.
// Byte 0: parameter set (% 3: compressai, compressai_f32, dcvc); byte 1: mode
// (even: ECGL, odd: CompressAI stream mode); byte 2: threads (% 3, on a 1-in-32 sample of the inputs, else 1);
// bytes 3-4: symbol count (% 4097); byte 5: index seed (indexes come from a
// fixed generator: mostly valid, sometimes kSkipIndex, rarely out of range).
// The rest is the stream. On a 1-in-4 sample the kernels of a lower ISA decode
// (fuzz::sampled_isa). Decoders must return an error or symbols, never
// crash, hang or read out of bounds; a stream that decodes must re-encode to
// symbols that decode the same way.
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
  const bool compressai_mode = p.byte() % 2 == 1;
  const unsigned threads_byte = p.byte();
  const unsigned threads = fuzz::sampled(p.rest(), 32) ? threads_byte % 3 : 1;
  const std::size_t n = p.u16() % 4097;
  std::uint32_t seed = p.byte() * 2654435761u + 1;
  const auto& gc = GaussianConditional::builtin(set);
  const auto tables = static_cast<std::uint32_t>(gc.tables().size());
  std::vector<std::int32_t> idx(n);
  for (auto& i : idx) {
    seed = seed * 1664525u + 1013904223u;
    const std::uint32_t r = seed >> 8;
    i = r % 97 == 0 ? kSkipIndex : (r % 1009 == 0 ? static_cast<std::int32_t>(tables) : static_cast<std::int32_t>(r % tables));
  }
  const auto stream = std::as_bytes(p.rest());
  std::vector<std::int32_t> out(n);
  const errc e = compressai_mode ? compressai::decode_with_indexes(gc.tables(), stream, idx, out)
                                 : decode(gc.tables(), stream, idx, out, threads);
  if (e != errc::ok) return 0;
  for (std::size_t i = 0; i < n; ++i)
    if (idx[i] == kSkipIndex && !compressai_mode && out[i] != 0) fuzz::fail("skipped symbol not zero");
  if (compressai_mode) {
    auto again = compressai::encode_with_indexes(gc.tables(), out, idx);
    if (!again || !std::equal(again->begin(), again->end(), stream.begin(), stream.end()))
      fuzz::fail("accepted CompressAI stream is not canonical");
  }
  return 0;
}
