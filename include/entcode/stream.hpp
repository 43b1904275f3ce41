// stream.hpp — the one Encoder/Decoder interface both backends (rANS, CABAC) model.
//
// Front-ends (HEVC residual, Gaussian latents) are written once as templates
// over these concepts and run on either backend (doc/api.md):
//   encoder.encode_bin(ctx, bin)          adaptive binary decision, bin in {0,1}
//   encoder.encode_bypass(bits, n)        n equiprobable bits (0 <= n <= 32), MSB first;
//                                         decode each group with the same n (the rANS
//                                         backend codes a group as one symbol, so groups
//                                         cannot be split or merged; CABAC could, but
//                                         portable front-ends must not rely on it)
//   encoder.encode_symbol(model, s)       multi-symbol with a static model, 0 <= s < model.size()
//   encoder.encode_terminate(bin)         a bin with the (tiny) terminate probability
//   encoder.finish() -> Result<bytes>     flushes; errors if any call above was invalid
//   Decoder(bytes) mirrors them; decoders never throw: after an error they keep
//   returning zeros and status() reports it (sticky); finish() checks the end of
//   the stream (all state consumed consistently) and returns the final status.
// Contexts are value types constructed from a `ContextInit` (HEVC's initValue
// and SliceQpY, §9.3.2.2) or default-constructed (equiprobable). Symbol models
// are built from a quantised CDF with `SymbolModel::from_cdf(cdf, precision)`:
// cdf.size() = symbols + 1, cdf[0] = 0, cdf.back() = 2^precision, strictly increasing.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {

// Initial value of an adaptive binary context, in HEVC's terms (§9.3.2.2).
struct ContextInit {
  std::uint8_t init_value = 154;  // 154 = equiprobable (pStateIdx 0 either way)
  int slice_qp = 26;
};

template <class E>
concept Encoder = requires(E e, typename E::Context& ctx, const typename E::SymbolModel& model,
                           std::span<const std::uint32_t> cdf, int bin, std::uint32_t bits, int n) {
  requires std::default_initializable<typename E::Context>;
  requires std::constructible_from<typename E::Context, ContextInit>;
  { E::SymbolModel::from_cdf(cdf, 16u) } -> std::same_as<Result<typename E::SymbolModel>>;
  e.encode_bin(ctx, bin);
  e.encode_bypass(bits, n);
  e.encode_symbol(model, n);
  e.encode_terminate(bin);
  { e.finish() } -> std::same_as<Result<std::vector<std::byte>>>;
};

template <class D>
concept Decoder = requires(D d, typename D::Context& ctx, const typename D::SymbolModel& model,
                           std::span<const std::byte> bytes, int n) {
  requires std::default_initializable<typename D::Context>;
  requires std::constructible_from<typename D::Context, ContextInit>;
  requires std::constructible_from<D, std::span<const std::byte>>;
  { d.decode_bin(ctx) } -> std::same_as<int>;
  { d.decode_bypass(n) } -> std::same_as<std::uint32_t>;
  { d.decode_symbol(model) } -> std::same_as<int>;
  { d.decode_terminate() } -> std::same_as<int>;
  { d.status() } -> std::same_as<errc>;
  { d.finish() } -> std::same_as<errc>;
};

// An encoder/decoder pair that share context and model types (one backend).
template <class E, class D>
concept Backend = Encoder<E> && Decoder<D> && std::same_as<typename E::Context, typename D::Context> &&
                  std::same_as<typename E::SymbolModel, typename D::SymbolModel>;

}  // namespace v0
}  // namespace entcode
