// status.cpp — messages for entcode::errc (see status.hpp).
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {

const char* to_string(errc e) noexcept {
  switch (e) {
    case errc::ok: return "ok";
    case errc::truncated: return "input is truncated";
    case errc::corrupt: return "input is corrupt";
    case errc::bad_header: return "bad header (not an entcode stream of this kind)";
    case errc::unsupported_version: return "unsupported format version";
    case errc::too_large: return "size exceeds a limit or what the input can justify";
    case errc::invalid_argument: return "invalid argument";
    case errc::output_too_small: return "output buffer too small";
    case errc::unsupported_isa: return "requested ISA is not supported by this CPU";
    case errc::checksum_mismatch: return "checksum mismatch";
    case errc::io_error: return "I/O error";
  }
  return "unknown error";
}

}  // namespace v0
}  // namespace entcode
