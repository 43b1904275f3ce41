// fuzz_hevc_residual_backends.cpp — differential target: HEVC residual_coding()
// encode -> decode through both stream backends (CABAC, rANS; tests/support/stream_backends.hpp)
// on sparse, realistic blocks read with FuzzedDataProvider.
// Input (FuzzedDataProvider; at most fuzz::kMaxInput bytes): initType (0..2),
// SliceQpY (0..51), then up to 8 blocks (fewer once they reach kMaxPositions
// coefficient positions), each: a TransformBlock parameter byte
// (fuzz_hevc_residual.hpp), cu_transquant_bypass_flag, and 0..n nonzero levels
// at chosen raster positions, mostly small (|level| <= 3), sometimes up to
// 2^15 (escape codes, Rice adaptation). An all-zero block gets DC = 1; with
// sign data hiding the hidden signs are set to match the parities.
// Checks: residual_coding() must give both backends the same bin sequence
// (each context-coded bin's context index and value, each bypass group, in
// order: the binarisation does not depend on the backend), and each backend
// must decode every block (levels and transform_skip_flag) back exactly and
// end its stream cleanly.
#include <FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "fuzz_hevc_residual.hpp"

using namespace entcode;

namespace {

// Blocks stop once they hold this many coefficient positions (a first block of any
// size, then two 16x16 or eight 8x8 at most): an input's cost grows with its positions,
// zero ones included (sig_coeff_flag bins); under ASan + UBSan 2048 ran at ~3,500
// exec/cpu-s, 1024 at 4,569 over 10 quiet minutes (doc/security.md "Round 4").
constexpr std::size_t kMaxPositions = 512;

// Backend encoder E that also logs what residual_coding() asks it to code:
// context-coded bins as (context index in ResidualContexts, bin), bypass groups as (n, bits).
template <class E>
class Recording : public E {
 public:
  using Context = typename E::Context;
  Recording(const hevc::ResidualContexts<Context>& cx, std::vector<std::uint32_t>& log) : cx_(&cx), log_(&log) {}
  void encode_bin(Context& ctx, int bin) {
    const auto offset = reinterpret_cast<std::uintptr_t>(&ctx) - reinterpret_cast<std::uintptr_t>(cx_);
    log_->push_back(static_cast<std::uint32_t>(offset / sizeof(Context)) << 1 | (bin != 0));
    E::encode_bin(ctx, bin);
  }
  void encode_bypass(std::uint32_t bits, int n) {
    log_->push_back(0x80000000u | static_cast<std::uint32_t>(n));
    log_->push_back(bits);
    E::encode_bypass(bits, n);
  }

 private:
  const hevc::ResidualContexts<Context>* cx_;
  std::vector<std::uint32_t>* log_;
};

fuzz::Block block_from(FuzzedDataProvider& in) {
  fuzz::Block b{fuzz::residual_block_from(in.ConsumeIntegral<std::uint8_t>()), {}};
  b.tb.transquant_bypass = in.ConsumeBool();
  const std::size_t n = std::size_t{1} << (2 * b.tb.log2_size);
  b.levels.assign(n, 0);
  const std::size_t nonzero = in.ConsumeIntegralInRange<std::size_t>(0, n);
  for (std::size_t i = 0; i < nonzero && in.remaining_bytes() > 0; ++i) {
    const std::size_t at = in.ConsumeIntegralInRange<std::size_t>(0, n - 1);
    const int small = in.ConsumeIntegralInRange(1, 3);
    const int mag = in.ConsumeIntegralInRange(0, 7) == 0 ? in.ConsumeIntegralInRange(1, 32767) : small;
    b.levels[at] = static_cast<std::int16_t>(in.ConsumeBool() ? -mag : mag);
  }
  if (std::all_of(b.levels.begin(), b.levels.end(), [](std::int16_t x) { return x == 0; })) b.levels[0] = 1;
  if (!b.tb.transquant_bypass) fuzz::hide_signs(b.levels, b.tb);
  return b;
}

// Codes `blocks` with backend (E, D) (aborts on any difference); returns the encoder's bin log.
template <class E, class D>
std::vector<std::uint32_t> bins_of(const std::vector<fuzz::Block>& blocks, int init_type, int qp) {
  std::vector<std::uint32_t> log;
  hevc::ResidualContexts<typename E::Context> ecx(init_type, qp);
  Recording<E> enc(ecx, log);
  fuzz::residual_roundtrip<D>(enc, ecx, blocks, init_type, qp);
  return log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, std::min(size, fuzz::kMaxInput));
  const int init_type = in.ConsumeIntegralInRange(0, 2);
  const int qp = in.ConsumeIntegralInRange(0, 51);
  std::vector<fuzz::Block> blocks;
  std::size_t positions = 0;
  for (int k = in.ConsumeIntegralInRange(1, 8); k > 0 && positions < kMaxPositions; --k) {
    blocks.push_back(block_from(in));
    positions += blocks.back().levels.size();
  }
  const auto cabac_bins = bins_of<cabac::CabacEncoder, cabac::CabacDecoder>(blocks, init_type, qp);
  const auto rans_bins = bins_of<rans::StreamEncoder, rans::StreamDecoder>(blocks, init_type, qp);
  if (cabac_bins != rans_bins) fuzz::fail("the backends were given different bins");
  return 0;
}
