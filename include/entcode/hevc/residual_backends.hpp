// hevc/residual_backends.hpp — residual_coding() for entcode's two stream
// backends (CABAC, rANS), compiled once into the library (lib/hevc/).
//
// Including this header instead of (or after) residual.hpp makes calls with
// these backends link against the library's instantiations instead of
// instantiating the templates in every translation unit. Semantics are those
// of residual.hpp.
#pragma once

#include "entcode/cabac/decoder.hpp"
#include "entcode/cabac/encoder.hpp"
#include "entcode/hevc/residual.hpp"
#include "entcode/rans/stream_coder.hpp"

#define ENTCODE_HEVC_RESIDUAL_INSTANCES(EXTERN, Enc, Dec)                                                              \
  EXTERN template ENTCODE_API errc encode_residual<Enc>(Enc&, ResidualContexts<Enc::Context>&, const TransformBlock&,  \
                                            std::span<const std::int16_t>);                                            \
  EXTERN template ENTCODE_API errc decode_residual<Dec>(Dec&, ResidualContexts<Dec::Context>&, const TransformBlock&,  \
                                            std::span<std::int16_t>, bool&);                                           \
  EXTERN template ENTCODE_API errc decode_residual<Dec>(Dec&, ResidualContexts<Dec::Context>&, const TransformBlock&,  \
                                            std::span<std::int16_t>);

namespace entcode {
inline namespace v0 {
namespace hevc {
#ifndef ENTCODE_HEVC_RESIDUAL_INSTANTIATE
ENTCODE_HEVC_RESIDUAL_INSTANCES(extern, cabac::CabacEncoder, cabac::CabacDecoder)
ENTCODE_HEVC_RESIDUAL_INSTANCES(extern, rans::StreamEncoder, rans::StreamDecoder)
#endif
}  // namespace hevc
}  // namespace v0
}  // namespace entcode
