// fuzz_gaussian_decode.cpp — hostile streams for the Gaussian decoders.
// Byte 0: parameter set (% 3: compressai, compressai_f32, dcvc); byte 1: mode
// (even: ECGL, odd: CompressAI stream mode); byte 2: threads (% 3, on a 1-in-32 sample of the inputs, else 1);
// bytes 3-4: symbol count (% 4097); byte 5: index seed (indexes come from a
// fixed generator: mostly valid, sometimes kSkipIndex, rarely out of range).
// The rest is the stream. On a 1-in-4 sample the kernels of a lower ISA decode
// (fuzz::sampled_isa). Decoders must return an error or symbols, never
// crash, hang or read out of bounds; ECGL skipped symbols decode to 0; CompressAI-mode
// symbols must re-encode to a canonical stream that decodes to them (check_canonical).
#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include "entcode/gaussian/compressai_stream.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"
#include "fuzz_util.hpp"

using namespace entcode;
using namespace entcode::gaussian;

namespace {

// True if the stream's initial state (bytes 0-7, little-endian) is >= 2^63 = L * 2^32:
// above every state the encoder writes; CompressAI's decoder, and so ours, accepts it.
bool state_above_encoder_range(std::span<const std::byte> stream) {
  return stream.size() >= 8 && (std::to_integer<unsigned>(stream[7]) & 0x80) != 0;
}

// `symbols` were decoded from `stream` in CompressAI stream mode. They must re-encode
// to a stream that decodes to the same symbols (so that stream is canonical: the
// encoder is deterministic), and that stream must be `stream` itself unless the
// latter starts above the encoder's state range (the one leniency the decoder shares
// with CompressAI's, include/entcode/gaussian/compressai_stream.hpp).
void check_canonical(const CdfTables& tables, std::span<const std::byte> stream, std::span<const std::int32_t> idx,
                     std::span<const std::int32_t> symbols) {
  const auto again = compressai::encode_with_indexes(tables, symbols, idx);
  if (!again) fuzz::fail("accepted CompressAI symbols do not re-encode");
  std::vector<std::int32_t> back(symbols.size());
  if (compressai::decode_with_indexes(tables, *again, idx, back) != errc::ok ||
      !std::equal(back.begin(), back.end(), symbols.begin(), symbols.end()))
    fuzz::fail("re-encoded CompressAI stream does not decode to the same symbols");
  if (!state_above_encoder_range(stream) && !std::equal(again->begin(), again->end(), stream.begin(), stream.end()))
    fuzz::fail("accepted CompressAI stream with an in-range state is not canonical");
}

}  // namespace

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
  if (compressai_mode) check_canonical(gc.tables(), stream, idx, out);
  return 0;
}
