// rans/stream_coder.cpp — rANS backend of the stream interface (see rans/stream_coder.hpp).
#include "entcode/rans/stream_coder.hpp"

#include <algorithm>
#include <cmath>

#include "entcode/cabac/state.hpp"
#include "step.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {

namespace {
constexpr std::uint32_t kProbMin = 32;
constexpr std::uint32_t kTerminateP1 = BinContext::kOne >> 8;
constexpr unsigned kBypassChunk = 16;
}  // namespace

BinContext::BinContext(ContextInit init) noexcept {
  const cabac::CabacState st = cabac::initial_cabac_state(init);
  const double p_lps = cabac::lps_probability(st.state);
  const double p0 = st.mps ? p_lps : 1.0 - p_lps;
  const auto q = static_cast<std::uint32_t>(std::lround(p0 * kOne));
  p0_ = std::clamp(q, kProbMin, kOne - kProbMin);
}

void StreamEncoder::encode_bin(Context& ctx, int bin) {
  const std::uint32_t p0 = ctx.p0();
  steps_.push_back(bin ? Step{p0, BinContext::kOne - p0, BinContext::kPrecision} : Step{0, p0, BinContext::kPrecision});
  ctx.update(bin);
}

void StreamEncoder::encode_bypass(std::uint32_t bits, int n) {
  if (n < 0 || n > 32) {
    error_ = errc::invalid_argument;
    return;
  }
  for (int left = n; left > 0;) {
    const int k = std::min<int>(left, kBypassChunk);
    left -= k;
    const std::uint32_t chunk = (bits >> left) & ((1u << k) - 1);
    steps_.push_back(Step{chunk, 1, static_cast<std::uint32_t>(k)});
  }
}

void StreamEncoder::encode_symbol(const SymbolModel& model, int s) {
  if (s < 0 || static_cast<std::size_t>(s) >= model.size() || model.freq(static_cast<std::size_t>(s)) == 0) {
    error_ = errc::invalid_argument;
    return;
  }
  const auto u = static_cast<std::size_t>(s);
  steps_.push_back(Step{model.start(u), model.freq(u), model.precision()});
}

void StreamEncoder::encode_terminate(int bin) {
  steps_.push_back(bin ? Step{BinContext::kOne - kTerminateP1, kTerminateP1, BinContext::kPrecision}
                       : Step{0, BinContext::kOne - kTerminateP1, BinContext::kPrecision});
}

Result<std::vector<std::byte>> StreamEncoder::finish() {
  if (error_ != errc::ok) return error_;
  std::vector<std::uint16_t> words;  // emitted in reverse decoder order
  std::uint32_t x = step::kStateLow;
  for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
    std::uint16_t word;
    if (step::encode(x, make_enc_symbol(it->start, it->freq, it->precision), word)) words.push_back(word);
  }
  std::vector<std::byte> out;
  out.reserve(4 + 2 * words.size());
  for (int b = 0; b < 4; ++b) out.push_back(static_cast<std::byte>(x >> (8 * b)));
  for (auto it = words.rbegin(); it != words.rend(); ++it) {
    out.push_back(static_cast<std::byte>(*it));
    out.push_back(static_cast<std::byte>(*it >> 8));
  }
  steps_.clear();
  return out;
}

StreamDecoder::StreamDecoder(std::span<const std::byte> src) noexcept : src_(src), x_(step::kStateLow) {
  if (src.size() < 4) {
    fail(errc::truncated);
    return;
  }
  x_ = 0;
  for (int b = 0; b < 4; ++b) x_ |= std::uint32_t{std::to_integer<std::uint8_t>(src[b])} << (8 * b);
  pos_ = 4;
  if (step::needs_word(x_)) fail(errc::corrupt);
}

void StreamDecoder::renormalize() noexcept {
  if (!step::needs_word(x_)) return;
  if (src_.size() - pos_ < 2) {
    fail(errc::truncated);
    x_ = step::kStateLow;  // keep decoding well-defined; the error is sticky
    return;
  }
  x_ = step::shift_in(x_, std::to_integer<std::uint32_t>(src_[pos_]) | std::to_integer<std::uint32_t>(src_[pos_ + 1]) << 8);
  pos_ += 2;
}

int StreamDecoder::decode_bin(Context& ctx) noexcept {
  const std::uint32_t p0 = ctx.p0();
  const std::uint32_t slot = x_ & (BinContext::kOne - 1);
  const int bin = slot >= p0;
  x_ = bin ? step::decode_advance(x_, p0, BinContext::kOne - p0, BinContext::kPrecision)
           : step::decode_advance(x_, 0, p0, BinContext::kPrecision);
  renormalize();
  ctx.update(bin);
  return error_ == errc::ok ? bin : 0;
}

std::uint32_t StreamDecoder::decode_bypass(int n) noexcept {
  if (n < 0 || n > 32) {
    fail(errc::invalid_argument);
    return 0;
  }
  std::uint32_t bits = 0;
  for (int left = n; left > 0;) {
    const int k = std::min<int>(left, kBypassChunk);
    left -= k;
    const std::uint32_t chunk = x_ & ((1u << k) - 1);
    x_ = step::decode_advance(x_, chunk, 1, static_cast<unsigned>(k));
    renormalize();
    bits = (bits << k) | chunk;  // k <= 16, so no shift by 32
  }
  return error_ == errc::ok ? bits : 0;
}

int StreamDecoder::decode_symbol(const SymbolModel& model) noexcept {
  const unsigned p = model.precision();
  const std::uint32_t s = model.symbol_at(x_ & ((1u << p) - 1));
  x_ = step::decode_advance(x_, model.start(s), model.freq(s), p);
  renormalize();
  return error_ == errc::ok ? static_cast<int>(s) : 0;
}

int StreamDecoder::decode_terminate() noexcept {
  const std::uint32_t slot = x_ & (BinContext::kOne - 1);
  const std::uint32_t p0 = BinContext::kOne - kTerminateP1;
  const int bin = slot >= p0;
  x_ = bin ? step::decode_advance(x_, p0, kTerminateP1, BinContext::kPrecision)
           : step::decode_advance(x_, 0, p0, BinContext::kPrecision);
  renormalize();
  return error_ == errc::ok ? bin : 0;
}

errc StreamDecoder::finish() noexcept {
  if (error_ == errc::ok && (x_ != step::kStateLow || pos_ != src_.size())) fail(errc::corrupt);
  return error_;
}

}  // namespace rans
}  // namespace v0
}  // namespace entcode
