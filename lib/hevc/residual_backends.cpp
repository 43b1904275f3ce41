// residual_backends.cpp — the library's residual_coding() instantiations for
// the CABAC and rANS backends (see hevc/residual_backends.hpp).
#define ENTCODE_HEVC_RESIDUAL_INSTANTIATE
#include "entcode/hevc/residual_backends.hpp"

namespace entcode {
inline namespace v0 {
namespace hevc {
ENTCODE_HEVC_RESIDUAL_INSTANCES(, cabac::CabacEncoder, cabac::CabacDecoder)
ENTCODE_HEVC_RESIDUAL_INSTANCES(, rans::StreamEncoder, rans::StreamDecoder)
}  // namespace hevc
}  // namespace v0
}  // namespace entcode
