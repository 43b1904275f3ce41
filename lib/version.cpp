// version.cpp — entcode::version() (see version.hpp).
#include "entcode/version.hpp"

#define ENTCODE_STR2(x) #x
#define ENTCODE_STR(x) ENTCODE_STR2(x)

namespace entcode {
inline namespace v0 {

const char* version() noexcept {
  return ENTCODE_STR(ENTCODE_VERSION_MAJOR) "." ENTCODE_STR(ENTCODE_VERSION_MINOR) "." ENTCODE_STR(
      ENTCODE_VERSION_PATCH);
}

}  // namespace v0
}  // namespace entcode
