// fuzz_cabac_vs_textbook.cpp — differential target: the fast CABAC encoder
// (include/entcode/cabac/encoder.hpp: lazy carry, 32-bit chunks) against the
// bit-by-bit transcription of H.265 9.3.4.3 (tests/support/cabac_textbook.hpp:
// PutBit, bitsOutstanding) on operation sequences read with FuzzedDataProvider.
// Input (FuzzedDataProvider; at most fuzz::kMaxInput bytes): the number of
// contexts (1..64), each context's initValue and SliceQpY, then operations
// until the input or kMaxBins is used up: a context bin, a run of 1..64 equal
// bins in one context (drives states to 62 and long outstanding-bit runs), a
// group of 0..32 bypass bins, one bypass bin, or a terminate bin (1 on one in 8).
// Both encoders' bytes must be equal; the fast decoder and the textbook decoder
// must both read the operations' values back from them, cleanly.
#include <FuzzedDataProvider.h>

#include <algorithm>

#include "support/cabac_script.hpp"
#include "fuzz_util.hpp"

using namespace entcode;
namespace cs = cabac_script;

namespace {

constexpr std::size_t kMaxBins = 4096;  // the textbook coder works bit by bit: keeps an input < 0.2 ms (16384 gave 3,400 exec/cpu-s over 10 min)

cs::Script script_from(FuzzedDataProvider& in) {
  cs::Script s;
  const int contexts = in.ConsumeIntegralInRange(1, 64);
  for (int c = 0; c < contexts; ++c)
    s.inits.push_back({in.ConsumeIntegral<std::uint8_t>(), in.ConsumeIntegralInRange(0, 51)});
  std::size_t bins = 0;
  while (in.remaining_bytes() > 0 && bins < kMaxBins) {
    cs::Op op{};
    const int kind = in.ConsumeIntegralInRange(0, 15);
    if (kind < 10) {  // context bins: one, or a run of equal ones
      op.kind = cs::Kind::bin;
      op.ctx = in.ConsumeIntegralInRange<std::uint8_t>(0, static_cast<std::uint8_t>(contexts - 1));
      op.value = in.ConsumeBool();
      const int run = kind < 7 ? 1 : in.ConsumeIntegralInRange(1, 64);
      s.ops.insert(s.ops.end(), static_cast<std::size_t>(run), op);
      bins += static_cast<std::size_t>(run);
      continue;
    }
    if (kind < 13) {
      op.kind = cs::Kind::bypass;
      op.n = in.ConsumeIntegralInRange<std::uint8_t>(0, 32);
      op.value = op.n == 0 ? 0 : in.ConsumeIntegral<std::uint32_t>() >> (32 - op.n);
    } else if (kind < 15) {
      op.kind = cs::Kind::bypass_one;
      op.value = in.ConsumeBool();
    } else {
      op.kind = cs::Kind::terminate;
      op.value = in.ConsumeIntegralInRange(0, 7) == 0;
    }
    s.ops.push_back(op);
    bins += op.kind == cs::Kind::bypass ? op.n : 1;
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, std::min(size, fuzz::kMaxInput));
  const cs::Script s = script_from(in);
  const auto fast = cs::encode_fast(s);
  if (fast != cs::encode_textbook(s)) fuzz::fail("fast encoder bytes differ from the textbook's");
  const auto expected = cs::expected_values(s);
  errc status = errc::ok;
  if (cs::decode_fast(fast, s, &status) != expected || status != errc::ok) fuzz::fail("fast decoder");
  bool clean = false;
  if (cs::decode_textbook(fast, s, &clean) != expected || !clean) fuzz::fail("textbook decoder");
  return 0;
}
