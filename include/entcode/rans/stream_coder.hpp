// rans/stream_coder.hpp — rANS backend of the common Encoder/Decoder interface (stream.hpp).
//
// One 32-bit state (the step of the reference, rans/reference.hpp: L = 2^16, 16-bit words).
// rANS is LIFO: the encoder records every coding step (start, freq, precision)
// and codes them in reverse at finish(); the decoder decodes directly.
// Binary contexts are adaptive 15-bit probabilities of a 0 bin, updated by a
// shift of 5 after every bin and kept within [32, 2^15 - 32].
// Bypass bits are coded in chunks of at most 16 bits (freq 1 of 2^k), MSB first.
// Terminate bins use the fixed probability 2^-8 for a 1.
// Stream: [u32 LE final state][u16 LE words in decoder order]. Decoder::finish()
// reports `corrupt` unless the state is back at L and every word was consumed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/export.hpp"
#include "entcode/rans/model.hpp"
#include "entcode/status.hpp"
#include "entcode/stream.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {

// Adaptive probability of a 0 bin, 15-bit fixed point.
class ENTCODE_API BinContext {
 public:
  static constexpr unsigned kPrecision = 15;
  static constexpr std::uint32_t kOne = 1u << kPrecision;
  static constexpr unsigned kRate = 5;

  BinContext() noexcept = default;
  // Starts at the probability HEVC's initialisation would give (§9.3.2.2).
  explicit BinContext(ContextInit init) noexcept;

  [[nodiscard]] std::uint32_t p0() const noexcept { return p0_; }
  void update(int bin) noexcept {
    if (bin) p0_ -= p0_ >> kRate;
    else p0_ += (kOne - p0_) >> kRate;
  }

 private:
  std::uint32_t p0_ = kOne / 2;
};

class ENTCODE_API StreamEncoder {
 public:
  using Context = BinContext;
  using SymbolModel = rans::SymbolModel;

  void encode_bin(Context& ctx, int bin);
  void encode_bypass(std::uint32_t bits, int n);
  void encode_symbol(const SymbolModel& model, int s);
  void encode_terminate(int bin);
  Result<std::vector<std::byte>> finish();

 private:
  struct Step {
    std::uint32_t start;
    std::uint32_t freq;
    std::uint32_t precision;
  };
  std::vector<Step> steps_;
  errc error_ = errc::ok;
};

class ENTCODE_API StreamDecoder {
 public:
  using Context = BinContext;
  using SymbolModel = rans::SymbolModel;

  explicit StreamDecoder(std::span<const std::byte> src) noexcept;

  int decode_bin(Context& ctx) noexcept;
  std::uint32_t decode_bypass(int n) noexcept;
  int decode_symbol(const SymbolModel& model) noexcept;
  int decode_terminate() noexcept;
  [[nodiscard]] errc status() const noexcept { return error_; }
  errc finish() noexcept;

 private:
  void renormalize() noexcept;
  void fail(errc e) noexcept {
    if (error_ == errc::ok) error_ = e;
  }

  std::span<const std::byte> src_;
  std::size_t pos_ = 0;
  std::uint32_t x_ = 0;  // set by the constructor
  errc error_ = errc::ok;
};

static_assert(Backend<StreamEncoder, StreamDecoder>);

}  // namespace rans
}  // namespace v0
}  // namespace entcode
